/**
 * Compares a response from the emulator with a real GLPI response: the same JSON shape, and the same
 * value wherever the value carries meaning (names, encodings, statuses, counts). Ids, tokens and dates
 * may differ.
 */
const VOLATILE = /(^|_)(id|date|token)$|^date|token|href|_mod$|_creation$|^message$|ancestors_cache|^links$/;
const COMPARED = new Set([
  'name',
  'serial',
  'comment',
  'content',
  'status',
  'completename',
  'urgency',
  'impact',
  'priority',
  'type',
  'is_deleted',
  'itemtype',
  'license_number',
  'licenseid',
  'level',
  'active_entity_recursive',
  'totalcount',
  'count',
  'sort',
  'order',
  'content-range',
  'session_token_present',
  'rel',
]);

export function shapeDiff(real: unknown, emulated: unknown, path = '$', subset = false): string[] {
  const kind = (v: unknown) => (v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v);
  if (kind(real) !== kind(emulated)) {
    return [
      `${path}: real ${kind(real)} ${JSON.stringify(real)?.slice(0, 80)}, emulated ${kind(emulated)} ${JSON.stringify(emulated)?.slice(0, 80)}`,
    ];
  }
  if (Array.isArray(real) && Array.isArray(emulated)) {
    const diffs: string[] = [];
    if (!path.endsWith('.links') && real.length !== emulated.length) {
      diffs.push(`${path}: real has ${real.length} elements, emulated ${emulated.length}`);
    }
    const n = Math.min(real.length, emulated.length);
    for (let i = 0; i < n; i++) diffs.push(...shapeDiff(real[i], emulated[i], `${path}[${i}]`, subset));
    return diffs;
  }
  if (real && typeof real === 'object') {
    const r = real as Record<string, unknown>;
    const e = emulated as Record<string, unknown>;
    const diffs: string[] = [];
    for (const key of Object.keys(r)) {
      if (!(key in e)) {
        if (!subset) diffs.push(`${path}.${key}: missing in emulated`);
        continue;
      }
      diffs.push(...shapeDiff(r[key], e[key], `${path}.${key}`, subset));
      if (COMPARED.has(key) && !VOLATILE.test(key) && JSON.stringify(r[key]) !== JSON.stringify(e[key])) {
        diffs.push(`${path}.${key}: real ${JSON.stringify(r[key])}, emulated ${JSON.stringify(e[key])}`);
      }
    }
    for (const key of Object.keys(e)) if (!(key in r)) diffs.push(`${path}.${key}: not in real GLPI`);
    return diffs;
  }
  return [];
}
