import { parse } from 'csv-parse/sync';
import {
  validateRows,
  show,
  type FieldPath,
  type InventoryItem,
  type ItemPath,
  type RawRow,
  type RejectedRow,
  type RowProblem,
  type RowsOptions,
} from './inventory-schema';

/**
 * A CSV inventory. The header names the columns either with the JSON paths (`id`, `label`,
 * `hardware.serialNumber`, …) or with the original product's French labels (ServiceNav "Inventaire GLPI":
 * `Intitulé`, `Matériel > Numéro de série`, …). Header matching ignores case, accents and spacing.
 *
 * - **No id column** (the original product's export has none): each host's id is derived from its row, the
 *   serial number when present, else the label (`Intitulé`). The same export gives the same ids, so the next
 *   sync updates the same computers. Rows that give the same id are all rejected, each naming the others.
 * - **Dates** are YYYY-MM-DD or, as the French export writes them, DD/MM/YYYY (day first, two digits, four-digit
 *   year); anything else is rejected.
 * - **Rows** are numbered by the file's line where they start (header = line 1). Blank rows (also `;;;;`) are
 *   skipped, without shifting the numbers of the others.
 * - Separators: `;`, `,` or tab, told from the header line; Excel's `sep=;` first line is understood.
 */
interface Column {
  path: ItemPath;
  /** The JSON path spelling, and the original product's French label. */
  en: string;
  fr: string;
  aliases?: string[];
}

const COLUMNS: Column[] = [
  { path: 'id', en: 'id', fr: 'id' },
  { path: 'label', en: 'label', fr: 'Intitulé' },
  { path: 'hardware.type', en: 'hardware.type', fr: 'Matériel > Type' },
  { path: 'hardware.manufacturer', en: 'hardware.manufacturer', fr: 'Matériel > Constructeur' },
  { path: 'hardware.serialNumber', en: 'hardware.serialNumber', fr: 'Matériel > Numéro de série' },
  {
    path: 'software.operatingSystem',
    en: 'software.operatingSystem',
    fr: "Logiciels > Système d'exploitation",
  },
  { path: 'software.license', en: 'software.license', fr: 'Logiciels > Licence' },
  { path: 'importDate', en: 'importDate', fr: "Date de l'import" },
  {
    path: 'serviceContract.endOfServiceDate',
    en: 'serviceContract.endOfServiceDate',
    fr: 'Parc > Contrat de Service > Date de fin de service',
  },
  { path: 'contract.glpiContractId', en: 'contract.glpiContractId', fr: 'Contrat' },
  { path: 'entity', en: 'entity', fr: 'Entité' },
];

const REQUIRED_COLUMNS: { path: ItemPath; why: string }[] = [
  { path: 'label', why: 'the host name, which becomes the computer name' },
  { path: 'importDate', why: 'the date of the import' },
];

export class InventoryFileError extends Error {
  override readonly name = 'InventoryFileError';
  /**
   * Whether reading again can succeed: false for a bad, missing or unreadable file; true for a network
   * failure, a timeout or a 5xx answer while downloading. The activity boundary turns it into Temporal's
   * `nonRetryable`.
   */
  readonly retryable: boolean;
  constructor(message: string, options: { retryable?: boolean; cause?: unknown } = {}) {
    super(message, options.cause !== undefined ? { cause: options.cause } : undefined);
    this.retryable = options.retryable ?? false;
  }
}

/** A header as compared: no accents, lower case, one space, `>` spaced, straight quotes. */
function headerKey(header: string): string {
  return header
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .replace(/[\u2018\u2019\u00B4`]/g, "'")
    .replace(/\s*>\s*/g, ' > ')
    .replace(/\s+/g, ' ')
    .trim()
    .toLowerCase();
}

const BY_KEY = new Map<string, { column: Column; french: boolean }>();
for (const column of COLUMNS) {
  BY_KEY.set(headerKey(column.en), { column, french: false });
  if (column.fr !== column.en) BY_KEY.set(headerKey(column.fr), { column, french: true });
}

/** A CSV read into rows for `validateRows`, with the options that name fields as this file does. */
export interface CsvInventory {
  rows: RawRow[];
  options: RowsOptions;
  /** The header's language: the accepted headers are listed in it. */
  language: 'fr' | 'en';
  /** Whether the file has an id column; without one, ids are derived. */
  hasIdColumn: boolean;
}

const SEPARATORS = [';', ',', '\t'] as const;

function separatorOf(line: string): string {
  let best: string = ',';
  let count = 0;
  for (const separator of SEPARATORS) {
    const n = line.split(separator).length - 1;
    if (n > count) [best, count] = [separator, n];
  }
  return best;
}

function isLineBreak(byte: number | undefined): boolean {
  return byte === 0x0a || byte === 0x0d;
}

/** Reads CSV text into raw rows. Problems that concern the whole file throw `InventoryFileError`. */
export function parseInventoryCsv(text: string): CsvInventory {
  const bytes = Buffer.from(text.replace(/^\uFEFF/, ''), 'utf8');
  // Excel may write a first line `sep=;` naming the separator.
  let start = 0;
  let separator: string | undefined;
  const sep = /^sep=(.)\r?\n?/.exec(bytes.subarray(0, 16).toString('utf8'));
  if (sep) {
    separator = sep[1];
    start = Buffer.byteLength(sep[0]);
  }
  const body = bytes.subarray(start);
  const firstLine =
    /^[\r\n]*([^\r\n]*)/.exec(body.toString('utf8', 0, Math.min(body.length, 64 * 1024)))?.[1] ?? '';
  separator ??= separatorOf(firstLine);

  const records: { cells: string[]; end: number }[] = [];
  try {
    parse(body, {
      delimiter: separator,
      relax_column_count: true,
      relax_quotes: true,
      skip_empty_lines: true,
      on_record: (record: string[], context: { bytes: number }) => {
        records.push({ cells: record, end: context.bytes });
        return null;
      },
    });
  } catch (err) {
    const code = (err as { code?: string }).code;
    const line = lineAt(body, records.at(-1)?.end ?? 0, sep ? 2 : 1);
    throw new InventoryFileError(
      code === 'CSV_QUOTE_NOT_CLOSED'
        ? `the CSV cannot be read: a quote (") opened on line ${line} or after is never closed`
        : `the CSV cannot be read near line ${line}: ${(err as Error).message}`,
      { cause: err },
    );
  }

  // The line where each record starts: after the previous record, past the blank lines skipped.
  const firstLineNumber = sep ? 2 : 1;
  const lineCounter = lineCounterOf(body, firstLineNumber);
  let previousEnd = 0;
  const numbered = records.map((record) => {
    let begin = previousEnd;
    while (begin < record.end && isLineBreak(body[begin])) begin++;
    previousEnd = record.end;
    return { cells: record.cells, line: lineCounter(begin) };
  });

  const nonBlank = numbered.filter((r) => r.cells.some((c) => c.trim() !== ''));
  const [header, ...rows] = nonBlank;
  if (!header) throw new InventoryFileError('the CSV is empty: a header line is expected');

  const headers = header.cells.map((h) => h.trim());
  const matched = headers.map((h) => (h === '' ? undefined : BY_KEY.get(headerKey(h))));
  const frenchCount = matched.filter((m) => m?.french).length;
  const englishCount = matched.filter((m) => m && !m.french && m.column.path !== 'id').length;
  const language: 'fr' | 'en' = frenchCount >= englishCount && frenchCount > 0 ? 'fr' : 'en';
  const accepted = () => {
    const names = (lang: 'fr' | 'en') =>
      COLUMNS.filter((c) => c.path !== 'id').map((c) => (lang === 'fr' ? c.fr : c.en));
    return frenchCount === 0 && englishCount === 0
      ? `the original product's French headers (${names('fr').join(', ')}) or the JSON paths (${names('en').join(', ')}), and optionally id`
      : `${names(language).join(', ')}, and optionally id`;
  };

  const unknown = headers.filter((h, i) => h !== '' && !matched[i]);
  if (unknown.length) {
    throw new InventoryFileError(
      `unknown CSV column(s): ${unknown.map((u) => `'${u}'`).join(', ')}. The accepted columns are ${accepted()}`,
    );
  }
  const columnOf = new Map<ItemPath, number>();
  const twice: string[] = [];
  matched.forEach((m, i) => {
    if (!m) return;
    const first = columnOf.get(m.column.path);
    if (first !== undefined) twice.push(`'${headers[first]}' and '${headers[i]}'`);
    else columnOf.set(m.column.path, i);
  });
  if (twice.length) {
    throw new InventoryFileError(`CSV columns ${twice.join(', ')} give the same field: keep one of each`);
  }
  const spelled = (path: FieldPath) => {
    const column = COLUMNS.find((c) => c.path === path);
    if (!column) return path || '(row)';
    return language === 'fr' ? column.fr : column.en;
  };
  const missing = REQUIRED_COLUMNS.filter((r) => !columnOf.has(r.path));
  if (missing.length) {
    throw new InventoryFileError(
      `the CSV has no ${missing.map((m) => `'${spelled(m.path)}' column (${m.why})`).join(' and no ')}. The accepted columns are ${accepted()}`,
    );
  }

  const hasIdColumn = columnOf.has('id');
  const fieldName = (path: FieldPath): string => {
    const index = columnOf.get(path as ItemPath);
    if (index !== undefined) return headers[index]!;
    return spelled(path);
  };

  const rawRows: RawRow[] = rows.map(({ cells, line }) => {
    const entry: Record<string, unknown> = {};
    const problems: RowProblem[] = [];
    cells.forEach((cell, i) => {
      const value = cell.trim();
      if (value === '') return;
      const path = matched[i]?.column.path;
      if (!path) {
        problems.push({
          field: `(column ${i + 1}, no header)`,
          reason:
            i < headers.length
              ? `holds ${show(value)} but the column has no header: name the column, or leave its cells empty`
              : `holds ${show(value)} beyond the last column: the row has more cells than the header (a '${separator === '\t' ? 'tab' : separator}' inside a value must be in double quotes)`,
        });
        return;
      }
      const keys = path.split('.');
      let node = entry;
      for (const key of keys.slice(0, -1)) node = (node[key] ??= {}) as Record<string, unknown>;
      node[keys.at(-1)!] = value;
    });
    return { row: line, value: entry, ...(problems.length ? { problems } : {}) };
  });

  return {
    rows: rawRows,
    options: { kind: 'line', fieldName, frenchDates: true, deriveId: !hasIdColumn },
    language,
    hasIdColumn,
  };
}

/** Reads and validates a CSV inventory: the good rows, and each bad row once with all its problems. */
export function validateInventoryCsv(text: string): { items: InventoryItem[]; rejected: RejectedRow[] } {
  const csv = parseInventoryCsv(text);
  return validateRows(csv.rows, csv.options);
}

/** Line numbers of byte offsets, counted forward (`\r\n`, `\n` and `\r` each end a line). */
function lineCounterOf(bytes: Uint8Array, firstLine: number): (offset: number) => number {
  let position = 0;
  let line = firstLine;
  return (offset) => {
    for (; position < offset; position++) {
      const byte = bytes[position];
      if (byte === 0x0a || (byte === 0x0d && bytes[position + 1] !== 0x0a)) line++;
    }
    return line;
  };
}

function lineAt(bytes: Uint8Array, offset: number, firstLine: number): number {
  let begin = offset;
  while (begin < bytes.length && isLineBreak(bytes[begin])) begin++;
  return lineCounterOf(bytes, firstLine)(begin);
}
