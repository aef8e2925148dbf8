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
}

/** Where the shared references are: `../shared` beside the clone (as on CI), or SHARED_DIR. */
export function sharedDir(): string {
  return process.env.SHARED_DIR ?? resolve(__dirname, '..', '..', '..', 'shared');
}

export function loadCaptures(folder: string): Capture[] {
  const dir = join(sharedDir(), 'reference', folder);
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
  const body = lines
    .slice(j + 1)
    .join('\n')
    .trim();
  const truncated = body.includes('[... body shortened');
  const keysNote = /top-level keys: ([^)]+)\)/.exec(text)?.[1];
  return {
    file,
    method,
    path,
    requestHeaders,
    requestBody,
    status,
    responseHeaders,
    responseBody: truncated ? '' : body,
    truncatedKeys: truncated ? (keysNote ?? '').split(',').map((k) => k.trim()) : undefined,
  };
}
