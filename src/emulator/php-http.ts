/** How PHP reads a request and how GLPI's json_encode writes an answer. */

type Nested = { [key: string]: Nested | string };

/** `criteria[0][field]=1&range=0-9` → `{ criteria: { '0': { field: '1' } }, range: '0-9' }`, as PHP's $_GET. */
export function parsePhpQuery(params: URLSearchParams): Record<string, unknown> {
  const out: Nested = {};
  for (const [rawKey, value] of params) {
    const match = /^([^[\]]+)((?:\[[^[\]]*\])*)$/.exec(rawKey);
    if (!match) {
      out[rawKey] = value;
      continue;
    }
    const keys = [match[1]!, ...[...match[2]!.matchAll(/\[([^[\]]*)\]/g)].map((m) => m[1]!)];
    let node: Nested = out;
    keys.forEach((key, i) => {
      const name = key === '' ? String(Object.keys(node).length) : key;
      if (i === keys.length - 1) node[name] = value;
      else {
        const next = node[name];
        node = node[name] = typeof next === 'object' ? next : {};
      }
    });
  }
  return out;
}

/** PHP's is_numeric, as JSON_NUMERIC_CHECK applies it. */
export function isPhpNumeric(value: string): boolean {
  return /^\s*[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/.test(value);
}

/** json_encode(…, JSON_NUMERIC_CHECK): every numeric-looking string value becomes a number (9.1–9.4). */
export function numericCheck(value: unknown): unknown {
  if (typeof value === 'string') {
    if (!isPhpNumeric(value)) return value;
    const n = Number(value);
    return Number.isFinite(n) ? n : value;
  }
  if (Array.isArray(value)) return value.map(numericCheck);
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, numericCheck(v)]));
  }
  return value;
}

/** `YYYY-MM-DD HH:MM:SS`, GLPI's datetime format. */
export function glpiDate(date: Date): string {
  return date.toISOString().slice(0, 19).replace('T', ' ');
}
