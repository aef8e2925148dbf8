import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

/** One real request/response exchange recorded from a stock GLPI server. */
export interface Capture {
  file: string;
  method: string;
  path: string;
  requestHeaders: Record<string, string>;
  requestBody?: string;
  status: number;
  responseHeaders: Record<string, string>;
  responseBody: string;
  /** The recorded body was cut; only its top-level keys (from the capture's notes) are known. */
  truncatedKeys?: string[];
  /** For a cut body, the keys the notes list one level down, e.g. `{ session: ['glpiID', …] }`. */
  truncatedNestedKeys?: Record<string, string[]>;
}

/** The recorded exchanges, kept in the repository (test/fixtures/glpi-captures/README.md). */
export const CAPTURES_DIR = resolve(__dirname, '..', 'fixtures', 'glpi-captures');

/** Every exchange of one folder (`10.0.14`, `9.5.13`, `9.1.6`), in recorded order. */
export function loadCaptures(folder: string): Capture[] {
  const dir = join(CAPTURES_DIR, folder);
  return readdirSync(dir)
    .filter((f) => f.endsWith('.txt'))
    .sort()
    .map((file) => parseCapture(file, readFileSync(join(dir, file), 'utf8')));
}

export function parseCapture(file: string, text: string): Capture {
  const lines = text.split(/\r?\n/);
  const request = lines.filter((l) => l.startsWith('>')).map((l) => l.replace(/^> ?/, ''));
  const [method = '', path = ''] = (request[0] ?? '').split(' ');
  const requestHeaders: Record<string, string> = {};
  let i = 1;
  for (; i < request.length && request[i] !== ''; i++) {
    const [name, ...value] = request[i]!.split(': ');
    requestHeaders[name!] = value.join(': ');
  }
  const requestBody =
    request
      .slice(i + 1)
      .join('\n')
      .trim() || undefined;
  const statusIndex = lines.findIndex((l) => /^HTTP\/1\.\d \d{3}/.test(l));
  const status = Number(lines[statusIndex]!.split(' ')[1]);
  const responseHeaders: Record<string, string> = {};
  let j = statusIndex + 1;
  for (; j < lines.length && lines[j] !== ''; j++) {
    const [name, ...value] = lines[j]!.split(': ');
    responseHeaders[name!.toLowerCase()] = value.join(': ');
  }
  // After the headers: the body, and the recorder's `# note:` lines (9.1.6) that are not part of it.
  const after = lines.slice(j + 1);
  const body = after
    .filter((l) => !l.startsWith('# '))
    .join('\n')
    .trim();
  const truncated = /body shortened/.test(after.join('\n'));
  const topKeys = /top-level keys: ([^()]+?)\s*[()]/.exec(text)?.[1] ?? '';
  const nested = [...text.matchAll(/(\w+)\.\* keys: ([^)]+)\)/g)].map((m) => [m[1]!, list(m[2]!)] as const);
  return {
    file,
    method,
    path,
    requestHeaders,
    requestBody,
    status,
    responseHeaders,
    responseBody: truncated ? '' : body,
    truncatedKeys: truncated ? list(topKeys) : undefined,
    truncatedNestedKeys: truncated && nested.length ? Object.fromEntries(nested) : undefined,
  };
}

function list(text: string): string[] {
  return text.split(',').map((k) => k.trim());
}
