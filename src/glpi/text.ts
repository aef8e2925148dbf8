/**
 * GLPI returns stored text HTML-encoded (`&lt;` in 9.x, `&#60;` in 10.0, raw in 11) and, in 9.x, turns
 * numeric-looking strings into numbers. These helpers compare what we sent with what came back in a way
 * that survives every version.
 */
const ENTITIES: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'", '#039': "'" };

export function decodeGlpiText(value: string): string {
  return value.replace(/&(#\d+|#x[0-9a-f]+|lt|gt|amp|quot|apos);/gi, (whole, entity: string) => {
    const lower = entity.toLowerCase();
    if (lower.startsWith('#x')) return String.fromCodePoint(parseInt(lower.slice(2), 16));
    if (lower.startsWith('#')) return String.fromCodePoint(parseInt(lower.slice(1), 10));
    return ENTITIES[lower] ?? whole;
  });
}

/** A GLPI text field as the string a person typed; null and undefined become ''. */
export function glpiText(value: unknown): string {
  if (value === null || value === undefined) return '';
  return decodeGlpiText(String(value));
}

/**
 * True when GLPI's stored value is the value we would write. A number that came back for a numeric string
 * (9.x JSON_NUMERIC_CHECK turns "0123" into 123) counts as the same: the leading zeros were lost in
 * transit, not in GLPI's database.
 */
export function sameGlpiText(stored: unknown, wanted: string | null | undefined): boolean {
  const want = wanted ?? '';
  if (typeof stored === 'number' && want.trim() !== '' && Number(want) === stored) return true;
  return glpiText(stored) === want;
}
