import type { Actor, Database } from './database';
import type { Row, SearchOption } from './itemtypes';
import { encodeStored } from './profiles';

/** A refusal of the search endpoint: `400 ["ERROR", message]`. */
export class SearchError extends Error {}

interface Criterion {
  link: string;
  field: number;
  searchtype: string;
  value: string;
}

const TICKET_STATUS_SETS: Record<string, number[]> = {
  notold: [1, 2, 3, 4],
  notclosed: [1, 2, 3, 4, 5],
  old: [5, 6],
  process: [2, 3],
  all: [1, 2, 3, 4, 5, 6],
};

/**
 * GLPI's search engine as the API exposes it: criteria on search-option ids, `contains` with `^…$`
 * anchors, `equals` comparing ids (also on a Name option), display values, absent `data` when empty.
 */
export function search(
  db: Database,
  itemtype: string,
  query: Record<string, unknown>,
  actor: Actor,
): {
  total: number;
  rows: Record<string, unknown>[];
  sort: number;
  order: string;
  start: number;
  end: number;
} {
  const def = db.defs[itemtype]!;
  const criteria = readCriteria(query.criteria, def.searchOptions);
  const forced = Object.values((query.forcedisplay as Record<string, string>) ?? {}).map(Number);
  const sort = query.sort !== undefined ? Number(query.sort) : 1;
  const order = String(query.order ?? 'ASC').toUpperCase() === 'DESC' ? 'DESC' : 'ASC';

  const candidates = db
    .all(itemtype)
    .filter((row) => !row.is_deleted && row.is_template !== 1 && db.visible(itemtype, row, actor));
  const matching = candidates.filter((row) => matches(db, itemtype, row, criteria));

  const sortOption = def.searchOptions[sort] ?? def.searchOptions[1];
  const key = (row: Row) => displayValue(db, row, sortOption);
  matching.sort((a, b) => {
    const [x, y] = [key(a), key(b)];
    const cmp =
      typeof x === 'number' && typeof y === 'number' ? x - y : String(x ?? '').localeCompare(String(y ?? ''));
    return (order === 'ASC' ? cmp : -cmp) || a.id - b.id;
  });

  const [start, end] = parseRange(String(query.range ?? '0-19'));
  const columns = forced.length
    ? unique([1, ...criteria.map((c) => c.field), ...forced])
    : unique([...def.defaultDisplay, ...criteria.map((c) => c.field)]);
  const page = matching.slice(start, end + 1).map((row) => {
    const out: Record<string, unknown> = {};
    for (const id of columns) {
      const option = def.searchOptions[id];
      if (option) out[String(id)] = displayValue(db, row, option);
    }
    return out;
  });
  return { total: matching.length, rows: page, sort, order, start, end };
}

function unique(ids: number[]): number[] {
  return [...new Set(ids)];
}

export function parseRange(range: string): [number, number] {
  const match = /^(\d+)-(\d+)$/.exec(range);
  if (!match) throw new SearchError('range must be in format : [start-end] with integers');
  return [Number(match[1]), Number(match[2])];
}

function readCriteria(raw: unknown, options: Record<number, SearchOption>): Criterion[] {
  if (raw === undefined) return [];
  if (typeof raw !== 'object' || raw === null) throw new SearchError('Malformed search criteria');
  return Object.values(raw as Record<string, Record<string, string>>).map((c) => {
    if (
      typeof c !== 'object' ||
      c.field === undefined ||
      c.searchtype === undefined ||
      c.value === undefined
    ) {
      throw new SearchError('Malformed search criteria');
    }
    if (!options[Number(c.field)]) throw new SearchError('Bad field ID in search criteria');
    return {
      link: (c.link ?? 'AND').toUpperCase(),
      field: Number(c.field),
      searchtype: c.searchtype,
      value: c.value,
    };
  });
}

function displayValue(db: Database, row: Row, option: SearchOption | undefined): unknown {
  if (!option) return null;
  return option.display ? option.display(row, db) : (row[option.column] ?? null);
}

function matches(db: Database, itemtype: string, row: Row, criteria: Criterion[]): boolean {
  let result = true;
  criteria.forEach((c, i) => {
    const hit = test(db, itemtype, row, c);
    if (i === 0) result = c.link.includes('NOT') ? !hit : hit;
    else if (c.link === 'AND') result = result && hit;
    else if (c.link === 'OR') result = result || hit;
    else if (c.link === 'AND NOT') result = result && !hit;
    else if (c.link === 'OR NOT') result = result || !hit;
  });
  return result;
}

function test(db: Database, itemtype: string, row: Row, c: Criterion): boolean {
  const option = db.defs[itemtype]!.searchOptions[c.field]!;
  if (itemtype === 'Ticket' && c.field === 12 && TICKET_STATUS_SETS[c.value]) {
    return TICKET_STATUS_SETS[c.value]!.includes(Number(row.status));
  }
  switch (c.searchtype) {
    case 'contains':
      return contains(displayValue(db, row, option), encodeStored(db.profile, c.value));
    case 'equals':
    case 'notequals': {
      // On an itemlink (the Name option) GLPI compares the item id: 'Supervision' is id 0.
      const stored = option.equalsOnId ? row.id : row[option.column];
      const hit = Number(stored) === phpIntval(c.value) || String(stored) === c.value;
      return c.searchtype === 'equals' ? hit : !hit;
    }
    case 'under':
    case 'notunder': {
      const hit = db.subtree(phpIntval(c.value)).includes(Number(row[option.column]));
      return c.searchtype === 'under' ? hit : !hit;
    }
    case 'lessthan':
      return Number(displayValue(db, row, option)) < Number(c.value);
    case 'morethan':
      return Number(displayValue(db, row, option)) > Number(c.value);
    default:
      return false;
  }
}

/** PHP intval: leading digits, else 0. */
function phpIntval(value: string): number {
  const match = /^\s*([+-]?\d+)/.exec(value);
  return match ? Number(match[1]) : 0;
}

/** SQL LIKE '%…%' with GLPI's `^`/`$` anchors, case-insensitive like MySQL's default collation. */
function contains(value: unknown, pattern: string): boolean {
  if (pattern === 'NULL' || pattern === 'null') return value === null || value === '';
  const text = value === null || value === undefined ? '' : String(value).toLowerCase();
  let p = pattern.toLowerCase();
  const anchoredStart = p.startsWith('^');
  const anchoredEnd = p.endsWith('$');
  if (anchoredStart) p = p.slice(1);
  if (anchoredEnd) p = p.slice(0, -1);
  const like = p
    .split(/(%|_)/)
    .map((part) => (part === '%' ? '.*' : part === '_' ? '.' : part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
    .join('');
  return new RegExp(`${anchoredStart ? '^' : ''}${like}${anchoredEnd ? '$' : ''}`, 's').test(text);
}
