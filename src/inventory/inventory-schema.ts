import { entityPathProblem, normaliseEntityPath } from './entity-path';

/**
 * The inventory a monitoring platform exports: one entry per host. Documented in the README, in
 * src/inventory/README.md and in examples/inventory.json.
 *
 * This module is plain TypeScript on purpose (no zod, no Node built-ins, no I/O): workflow code imports it
 * (src/inventory/inventory-input.ts checks start inputs inside Temporal's deterministic sandbox), and the
 * worker uses the same checks for files, so an item is judged the same way wherever it comes from.
 */
export interface InventoryItem {
  /**
   * The platform's stable id of the host. A CSV without an id column gets one derived from the row: the
   * serial number when present, else the label (see src/inventory/README.md).
   */
  id: string;
  /** The host name: the computer's name in GLPI. */
  label: string;
  /**
   * Entity path below the bridge's sub-entity (`Client A > Paris`), normalised by `normaliseEntityPath`.
   * Absent: the sub-entity itself.
   */
  entity?: string;
  hardware: { type?: string; manufacturer?: string; serialNumber?: string };
  software: { operatingSystem?: string; license?: string };
  /** An existing GLPI contract to link instead of creating one. */
  contract?: { glpiContractId: number };
  /** YYYY-MM-DD. */
  importDate: string;
  serviceContract?: { endOfServiceDate?: string };
}

/** The fields of an item, as JSON paths. */
export type ItemPath =
  | 'id'
  | 'label'
  | 'entity'
  | 'hardware.type'
  | 'hardware.manufacturer'
  | 'hardware.serialNumber'
  | 'software.operatingSystem'
  | 'software.license'
  | 'contract.glpiContractId'
  | 'importDate'
  | 'serviceContract.endOfServiceDate';

/** What a message may name: a field, one of the objects holding fields, or ('') the item as a whole. */
export type FieldPath = ItemPath | 'hardware' | 'software' | 'contract' | 'serviceContract' | '';

/** One problem of a row: the field as the file names it (CSV header, or JSON path) and what is expected. */
export interface RowProblem {
  field: string;
  reason: string;
}

/** One rejected row, with every problem it has. One entry per row: `rejected.length` counts rows. */
export interface RejectedRow {
  /**
   * Where the row is. A CSV: the file's line where the row starts (the header is line 1, so the first data
   * row is line 2; blank lines count, and a cell spanning several lines moves the following rows down).
   * JSON: the 1-based position in `items`.
   */
  row: number;
  /** What `row` counts: a CSV `line`, or a JSON `item`. */
  kind?: 'line' | 'item';
  /** The host id, when the row gives one. */
  id?: string;
  problems: RowProblem[];
}

/** "line 4 (srv-a): Contrat: must be …; Date de l'import: must be …" */
export function formatRejectedRow(rejected: RejectedRow): string {
  const where = `${rejected.kind ?? 'row'} ${rejected.row}${rejected.id !== undefined ? ` (${rejected.id})` : ''}`;
  return `${where}: ${rejected.problems.map((p) => `${p.field}: ${p.reason}`).join('; ')}`;
}

export const SOURCE_PATTERN = /^[A-Za-z0-9._-]+$/;
export const MAX_SOURCE_LENGTH = 100;
export const MAX_ID_LENGTH = 200;

/** Why a value cannot be an inventory source name, or undefined when it can. */
export function sourceProblem(value: unknown): string | undefined {
  const required =
    'is required (a short name of the monitoring platform, letters, digits, . _ -), e.g. "servicenav"';
  if (value === undefined || value === null || (typeof value === 'string' && value.trim() === ''))
    return required;
  if (typeof value !== 'string') return `must be text such as "servicenav", got ${show(value)}`;
  if (value.length > MAX_SOURCE_LENGTH)
    return `must be at most ${MAX_SOURCE_LENGTH} characters, got ${value.length}`;
  if (!SOURCE_PATTERN.test(value)) {
    return `may only hold letters, digits, dot, dash and underscore (e.g. "servicenav"), got ${show(value)}`;
  }
  return undefined;
}

export interface ItemOptions {
  /**
   * How messages name a field: the CSV header as the file writes it, or (default) the JSON path. The
   * empty path is the item as a whole.
   */
  fieldName?: (path: FieldPath) => string;
  /** Also accept DD/MM/YYYY dates (the original product's French CSV export). */
  frenchDates?: boolean;
  /** The input has no id: derive it from the serial number, else the label (`deriveHostId`). */
  deriveId?: boolean;
}

export interface ItemCheck {
  /** The normalised item, when there is no problem. */
  item?: InventoryItem;
  /** The host id, when one can be told (also for a rejected row). */
  id?: string;
  /** Where the id comes from: `id`, or for a derived id the serial number or the label. */
  idFrom?: 'id' | 'hardware.serialNumber' | 'label';
  problems: RowProblem[];
}

/**
 * The host id of a row that has no id: its serial number when present, else its label, both trimmed.
 * Stable across exports of the same hosts, so that the next export updates the same computers.
 */
export function deriveHostId(row: {
  label?: string;
  serialNumber?: string;
}): { id: string; from: 'hardware.serialNumber' | 'label' } | undefined {
  const serial = row.serialNumber?.trim();
  if (serial) return { id: serial, from: 'hardware.serialNumber' };
  const label = row.label?.trim();
  if (label) return { id: label, from: 'label' };
  return undefined;
}

const REQUIRED: Partial<Record<ItemPath, string>> = {
  id: 'is required (the host id in the monitoring platform)',
  label: 'is required (the host name, which becomes the computer name)',
};

/** Checks one item (a JSON entry, or a CSV row already shaped as one) and normalises it. Every problem is reported. */
export function validateItem(value: unknown, options: ItemOptions = {}): ItemCheck {
  const name = options.fieldName ?? ((path: FieldPath) => path || '(item)');
  const problems: RowProblem[] = [];
  const add = (path: FieldPath, reason: string) => problems.push({ field: name(path), reason });

  if (!isRecord(value)) {
    add(
      '',
      `must be an object such as {"id": "host-1", "label": "srv-01", "importDate": "2026-11-27"}, got ${show(value)}`,
    );
    return { problems };
  }
  const hardware = objectAt(value, 'hardware', add, '{"type": "Server", "serialNumber": "CZ2049XY7K"}');
  const software = objectAt(value, 'software', add, '{"operatingSystem": "Debian GNU/Linux 12"}');
  const contract = objectAt(value, 'contract', add, '{"glpiContractId": 12}');
  const service = objectAt(value, 'serviceContract', add, '{"endOfServiceDate": "2029-11-26"}');

  const text = (node: Record<string, unknown>, key: string, path: ItemPath, max = 255) =>
    readText(node[key], path, max, add);

  const label = text(value, 'label', 'label');
  const type = text(hardware, 'type', 'hardware.type');
  const manufacturer = text(hardware, 'manufacturer', 'hardware.manufacturer');
  const serialNumber = text(hardware, 'serialNumber', 'hardware.serialNumber');
  const operatingSystem = text(software, 'operatingSystem', 'software.operatingSystem');
  const license = text(software, 'license', 'software.license');

  let id: string | undefined;
  let idFrom: ItemCheck['idFrom'];
  if (options.deriveId) {
    const derived = deriveHostId({ label, serialNumber });
    if (derived && derived.id.length > MAX_ID_LENGTH) {
      add(
        derived.from,
        `is too long to serve as the host id (at most ${MAX_ID_LENGTH} characters, got ${derived.id.length}): add an id column`,
      );
    } else if (derived) {
      id = derived.id;
      idFrom = derived.from;
    }
  } else {
    id = text(value, 'id', 'id', MAX_ID_LENGTH);
    idFrom = 'id';
  }

  const dateOptions = { frenchDates: options.frenchDates ?? false, add };
  const importDate = readDate(value.importDate, 'importDate', dateOptions);
  const endOfServiceDate = readDate(
    service.endOfServiceDate,
    'serviceContract.endOfServiceDate',
    dateOptions,
  );
  const glpiContractId = readContractId(contract.glpiContractId, add);

  let entity: string | undefined;
  const rawEntity = readText(value.entity, 'entity', 4000, add);
  if (rawEntity !== undefined) {
    const problem = entityPathProblem(rawEntity);
    if (problem) add('entity', problem);
    else entity = normaliseEntityPath(rawEntity) || undefined;
  }

  const found = { ...(id !== undefined ? { id, idFrom } : {}) };
  if (problems.length > 0 || id === undefined || label === undefined || importDate === undefined) {
    return { ...found, problems };
  }
  const item: InventoryItem = {
    id,
    label,
    ...(entity !== undefined ? { entity } : {}),
    hardware: defined({ type, manufacturer, serialNumber }),
    software: defined({ operatingSystem, license }),
    ...(glpiContractId !== undefined ? { contract: { glpiContractId } } : {}),
    importDate,
    ...(endOfServiceDate !== undefined ? { serviceContract: { endOfServiceDate } } : {}),
  };
  return { ...found, item, problems };
}

/** One raw row to validate: where it is, its value, and problems found while reading it. */
export interface RawRow {
  row: number;
  value: unknown;
  problems?: RowProblem[];
}

export interface RowsOptions extends ItemOptions {
  /** What `row` counts: CSV lines or JSON items. */
  kind: 'line' | 'item';
}

const ORIGIN: Record<'hardware.serialNumber' | 'label', string> = {
  'hardware.serialNumber': 'the serial number',
  label: 'the label',
};

/**
 * Validates rows one by one: a bad row is reported once, with all its problems, and the others are kept.
 * Rows that give the same host id are all rejected, each naming the others (which one is right cannot be
 * told), whether the id is written in the file or derived.
 */
export function validateRows(
  rows: RawRow[],
  options: RowsOptions,
): { items: InventoryItem[]; rejected: RejectedRow[] } {
  const name = options.fieldName ?? ((path: FieldPath) => path || '(item)');
  const checked = rows.map((raw) => {
    const check = validateItem(raw.value, options);
    return { ...check, row: raw.row, problems: [...(raw.problems ?? []), ...check.problems] };
  });
  const byId = new Map<string, typeof checked>();
  for (const row of checked) {
    if (row.id === undefined) continue;
    const same = byId.get(row.id);
    if (same) same.push(row);
    else byId.set(row.id, [row]);
  }
  for (const [id, same] of byId) {
    if (same.length < 2) continue;
    const reason = duplicateReason(id, same, options.kind);
    for (const row of same) row.problems.push({ field: name(row.idFrom ?? 'id'), reason });
  }
  const items: InventoryItem[] = [];
  const rejected: RejectedRow[] = [];
  for (const row of checked) {
    if (row.problems.length === 0 && row.item) items.push(row.item);
    else {
      rejected.push({
        row: row.row,
        kind: options.kind,
        ...(row.id !== undefined ? { id: row.id } : {}),
        problems: row.problems,
      });
    }
  }
  return { items, rejected };
}

function duplicateReason(
  id: string,
  rows: { row: number; idFrom?: ItemCheck['idFrom'] }[],
  kind: 'line' | 'item',
): string {
  const where = rows.map((r) => `${kind} ${r.row}`);
  const listed = where.length === 2 ? `${where[0]} and ${where[1]} both` : `${listOf(where)} all`;
  const origins = rows.map((r) => r.idFrom ?? 'id');
  if (origins.every((o) => o === 'id')) {
    return `${listed} have the id '${id}': give each ${kind === 'line' ? 'row' : 'item'} its own id`;
  }
  const origin = origins.every((o) => o === origins[0])
    ? `from ${ORIGIN[origins[0] as keyof typeof ORIGIN]}`
    : rows
        .map((r) => `${kind} ${r.row} from ${ORIGIN[(r.idFrom ?? 'label') as keyof typeof ORIGIN]}`)
        .join(', ');
  return `${listed} give host id '${id}' (${origin}): give each row its own serial number or label, or add an id column`;
}

function listOf(words: string[]): string {
  return words.length <= 1 ? (words[0] ?? '') : `${words.slice(0, -1).join(', ')} and ${words.at(-1)}`;
}

/** Validates JSON items (a file's `items`, or an inventory given inline): `row` is the 1-based position. */
export function validateItems(entries: unknown[]): { items: InventoryItem[]; rejected: RejectedRow[] } {
  return validateRows(
    entries.map((value, i) => ({ row: i + 1, value })),
    { kind: 'item' },
  );
}

// ---------------------------------------------------------------------------------------------------------

type Add = (path: FieldPath, reason: string) => void;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A value as a message quotes it: strings in single quotes, shortened. */
export function show(value: unknown): string {
  if (typeof value === 'string') {
    const text = value.replace(/\r\n|\r|\n/g, '\\n');
    return `'${text.length > 60 ? `${text.slice(0, 57)}...` : text}'`;
  }
  if (value === undefined) return 'nothing';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object' && value !== null) return 'an object';
  return String(value);
}

function objectAt(
  node: Record<string, unknown>,
  key: 'hardware' | 'software' | 'contract' | 'serviceContract',
  add: Add,
  example: string,
): Record<string, unknown> {
  const value = node[key];
  if (value === undefined || value === null) return {};
  if (isRecord(value)) return value;
  add(key, `must be an object such as ${example}, got ${show(value)}`);
  return {};
}

function readText(value: unknown, path: ItemPath, max: number, add: Add): string | undefined {
  const required = REQUIRED[path];
  if (value === undefined || value === null) {
    if (required) add(path, required);
    return undefined;
  }
  let text: string;
  if (typeof value === 'string') text = value.trim();
  else if (typeof value === 'number' && Number.isFinite(value)) text = String(value);
  else {
    add(path, `must be text, got ${show(value)}`);
    return undefined;
  }
  if (text === '') {
    if (required) add(path, required);
    return undefined;
  }
  if (text.length > max) {
    add(path, `must be at most ${max} characters, got ${text.length}`);
    return undefined;
  }
  if (/[\r\n]/.test(text)) {
    add(path, `must be on one line, got ${show(text)}`);
    return undefined;
  }
  return text;
}

function readContractId(value: unknown, add: Add): number | undefined {
  if (value === undefined || value === null || (typeof value === 'string' && value.trim() === '')) {
    return undefined;
  }
  const id =
    typeof value === 'number'
      ? value
      : typeof value === 'string' && /^\d+$/.test(value.trim())
        ? Number(value)
        : NaN;
  if (Number.isSafeInteger(id) && id > 0) return id;
  add('contract.glpiContractId', `must be a GLPI contract id (a whole number > 0), got ${show(value)}`);
  return undefined;
}

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const FRENCH_DATE = /^(\d{2})\/(\d{2})\/(\d{4})$/;

/** A date as YYYY-MM-DD, or (French CSV) DD/MM/YYYY, turned into YYYY-MM-DD. */
function readDate(
  value: unknown,
  path: 'importDate' | 'serviceContract.endOfServiceDate',
  { frenchDates, add }: { frenchDates: boolean; add: Add },
): string | undefined {
  const formats = frenchDates
    ? 'YYYY-MM-DD or DD/MM/YYYY (e.g. 2026-11-27 or 27/11/2026)'
    : 'YYYY-MM-DD (e.g. 2026-11-27)';
  const wanted = frenchDates ? 'YYYY-MM-DD or DD/MM/YYYY' : 'YYYY-MM-DD';
  if (value === undefined || value === null || (typeof value === 'string' && value.trim() === '')) {
    if (path === 'importDate') add(path, `is required: the date of the import, as ${formats}`);
    return undefined;
  }
  if (typeof value !== 'string') {
    add(path, `must be a date as ${formats}, got ${show(value)}`);
    return undefined;
  }
  const text = value.trim();
  const iso = ISO_DATE.exec(text);
  const french = frenchDates ? FRENCH_DATE.exec(text) : null;
  const parts = iso ? [iso[1], iso[2], iso[3]] : french ? [french[3], french[2], french[1]] : undefined;
  if (!parts) {
    add(path, `must be a date as ${formats}, got ${show(text)}`);
    return undefined;
  }
  const [year, month, day] = parts.map(Number) as [number, number, number];
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) {
    const monthFirst = french !== null && month > 12 && day <= 12;
    add(
      path,
      monthFirst
        ? `${show(text)} is not a real calendar date: DD/MM/YYYY puts the day first (27/11/2026 is 27 November)`
        : `${show(text)} is not a real calendar date (${wanted})`,
    );
    return undefined;
  }
  if (year < 1900 || year > 2999) {
    add(path, `${show(text)} has an unlikely year: expected a year from 1900 to 2999`);
    return undefined;
  }
  return `${parts[0]}-${parts[1]}-${parts[2]}`;
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

function defined<T extends Record<string, string | undefined>>(fields: T): { [K in keyof T]?: string } {
  return Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined)) as {
    [K in keyof T]?: string;
  };
}
