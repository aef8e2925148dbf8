import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import axios from 'axios';
import { parseInventoryCsv, InventoryFileError } from './inventory-csv';
import { defaultSourceFor } from './inventory-input';
import { sourceProblem, validateRows, type InventoryItem, type RejectedRow } from './inventory-schema';

export { InventoryFileError, defaultSourceFor };

export interface Inventory {
  source: string;
  items: InventoryItem[];
  /** One entry per bad row, with all its problems. */
  rejected: RejectedRow[];
}

const DOWNLOAD_TIMEOUT_MS = 30_000;

/** File system errors that may pass (too many open files, I/O hiccup, network file system): retried. */
const TRANSIENT_FS_CODES = new Set(['EMFILE', 'ENFILE', 'EAGAIN', 'EBUSY', 'EIO', 'ETIMEDOUT', 'ESTALE']);

/** Axios errors that no retry can fix. */
const PERMANENT_AXIOS_CODES = new Set([
  'ERR_INVALID_URL',
  'ERR_BAD_OPTION',
  'ERR_BAD_OPTION_VALUE',
  'ERR_NOT_SUPPORT',
  'ERR_FR_TOO_MANY_REDIRECTS',
]);

/** A URL fit for a message: no user name or password. */
function shown(location: string): string {
  return location.replace(/^(https?:\/\/)[^/@]*@/i, '$1');
}

/**
 * The bytes as text: UTF-8 (BOM or not), UTF-16 with a BOM (Excel's "Unicode text"), otherwise Windows-1252,
 * as Excel saves a "CSV (separator: semicolon)" on a French Windows.
 */
function decode(bytes: Uint8Array): string {
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return new TextDecoder('utf-16le').decode(bytes);
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return new TextDecoder('utf-16be').decode(bytes);
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    try {
      return new TextDecoder('windows-1252').decode(bytes);
    } catch {
      return Buffer.from(bytes).toString('latin1');
    }
  }
}

/**
 * The raw text of an inventory: a file path (as this process sees it) or an http(s) URL. Every failure is an
 * `InventoryFileError`, retryable only for what may pass (network failure, timeout, HTTP 408, 429 or 5xx).
 */
export async function readInventorySource(
  location: string,
  options: { timeoutMs?: number } = {},
): Promise<string> {
  if (/^https?:\/\//i.test(location)) {
    const timeout = options.timeoutMs ?? DOWNLOAD_TIMEOUT_MS;
    try {
      const response = await axios.get<ArrayBuffer>(location, { responseType: 'arraybuffer', timeout });
      return decode(new Uint8Array(response.data));
    } catch (err) {
      if (!axios.isAxiosError(err)) {
        throw new InventoryFileError(
          `cannot download the inventory ${shown(location)}: ${(err as Error).message}`,
          {
            cause: err,
          },
        );
      }
      const status = err.response?.status;
      if (status !== undefined) {
        throw new InventoryFileError(
          `cannot download the inventory ${shown(location)}: HTTP ${status}${err.response?.statusText ? ` ${err.response.statusText}` : ''}`,
          { retryable: status >= 500 || status === 408 || status === 429, cause: err },
        );
      }
      const timedOut = err.code === 'ECONNABORTED' || err.code === 'ETIMEDOUT';
      throw new InventoryFileError(
        timedOut
          ? `cannot download the inventory ${shown(location)}: no answer within ${timeout / 1000} s`
          : `cannot download the inventory ${shown(location)}: ${err.code ? `${err.code} ` : ''}${err.message}`,
        { retryable: !PERMANENT_AXIOS_CODES.has(err.code ?? ''), cause: err },
      );
    }
  }
  try {
    return decode(await readFile(location));
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? '';
    const why =
      code === 'ENOENT'
        ? 'no such file'
        : code === 'EACCES' || code === 'EPERM'
          ? 'permission denied'
          : code === 'EISDIR'
            ? 'it is a directory'
            : (err as Error).message;
    throw new InventoryFileError(`cannot read the inventory ${location}: ${why}`, {
      retryable: TRANSIENT_FS_CODES.has(code),
      cause: err,
    });
  }
}

/** The sha256 (hex) of an inventory's text: a sync compares it to notice a file that changed during a run. */
export function inventoryDigest(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

function isJson(text: string, location: string): boolean {
  const path = location.replace(/[?#].*$/, '').toLowerCase();
  if (path.endsWith('.json')) return true;
  if (/\.(csv|tsv|txt)$/.test(path)) return false;
  return /^[{[]/.test(text.replace(/^\uFEFF/, '').trimStart());
}

/** "at position 42" → "at position 42 (line 3, column 5)", when the message has no line. */
function withLine(message: string, text: string): string {
  const position = /at position (\d+)/.exec(message);
  if (!position || /line \d+/.test(message)) return message;
  const before = text.slice(0, Number(position[1]));
  const line = before.split('\n').length;
  const column = before.length - before.lastIndexOf('\n');
  return `${message} (line ${line}, column ${column})`;
}

/**
 * Parses an inventory's text, JSON or CSV (by the location's extension, else by content). Bad rows are
 * returned in `rejected`; a file that cannot be used at all throws `InventoryFileError` (not retryable).
 *
 * `defaultSource` names the source of a CSV, which has none: callers pass `--source`, or else
 * `defaultSourceFor(location)` (the file's base name). A JSON file names its own `source`.
 */
export function parseInventory(text: string, location: string, defaultSource: string): Inventory {
  if (isJson(text, location)) {
    const clean = text.replace(/^\uFEFF/, '');
    let json: unknown;
    try {
      json = JSON.parse(clean);
    } catch (err) {
      throw new InventoryFileError(
        `${shown(location)} is not valid JSON: ${withLine((err as Error).message, clean)}`,
        {
          cause: err,
        },
      );
    }
    if (typeof json !== 'object' || json === null || Array.isArray(json)) {
      throw new InventoryFileError(
        `${shown(location)}: the inventory must be a JSON object {"source": "servicenav", "items": [...]}`,
      );
    }
    const file = json as { source?: unknown; items?: unknown };
    const problems: string[] = [];
    const source = sourceProblem(file.source);
    if (source) problems.push(`'source' ${source}`);
    if (!Array.isArray(file.items)) {
      problems.push(
        `'items' ${file.items === undefined ? 'is required' : 'must be a list'}: the hosts, e.g. [{"id": "host-1", "label": "srv-01", "importDate": "2026-11-27"}]`,
      );
    }
    if (problems.length) throw new InventoryFileError(`${shown(location)}: ${problems.join('; ')}`);
    const items = file.items as unknown[];
    return {
      source: file.source as string,
      ...validateRows(
        items.map((value, i) => ({ row: i + 1, value })),
        { kind: 'item' },
      ),
    };
  }
  const problem = sourceProblem(defaultSource);
  if (problem) throw new InventoryFileError(`the source name of ${shown(location)} ${problem}`);
  let csv;
  try {
    csv = parseInventoryCsv(text);
  } catch (err) {
    if (err instanceof InventoryFileError) {
      throw new InventoryFileError(`${shown(location)}: ${err.message}`, { cause: err });
    }
    throw err;
  }
  return { source: defaultSource, ...validateRows(csv.rows, csv.options) };
}

/** `readInventorySource` then `parseInventory`, with the text's digest. */
export async function readInventory(
  location: string,
  defaultSource: string = defaultSourceFor(location),
): Promise<Inventory & { digest: string }> {
  const text = await readInventorySource(location);
  return { ...parseInventory(text, location, defaultSource), digest: inventoryDigest(text) };
}
