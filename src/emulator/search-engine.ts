import type { Actor, Database } from './database';
import type { Row, SearchOption } from './itemtypes';
import { encodeStored } from './profiles';

/** A refusal of the search endpoint: `400 ["ERROR", message]`. */
export class SearchError extends Error {}

/** The search's SQL failed: `500 ["ERROR_SQL", message]`. */
export class SearchSqlError extends Error {}

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

  const sortId = def.searchOptions[sort] ? sort : 1;
  const sortOption = def.searchOptions[sortId];
  const key = (row: Row) => displayValue(db, row, sortOption);
  matching.sort((a, b) => {
    const [x, y] = [key(a), key(b)];
    const cmp =
      typeof x === 'number' && typeof y === 'number' ? x - y : String(x ?? '').localeCompare(String(y ?? ''));
    return (order === 'ASC' ? cmp : -cmp) || a.id - b.id;
  });

  const [start, end] = parseRange(String(query.range ?? '0-19'));
  const columns = toView(db, itemtype, actor, forced, criteria, sortId);
  const broken = db.profile.searchQuoteBreaksSql ? criteria.find((c) => c.value.includes("'")) : undefined;
  if (broken) throw new SearchSqlError(sqlSyntaxError(broken, columns.indexOf(sortId), order));
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

/**
 * The columns GLPI's Search shows, in its order: the Ticket id in front (9.1.6: 60, 61 sort on ITEM_1),
 * name, the entity when several entities exist and the type is recursive or several are active
 * (addDefaultToView; 9.1.6: 31 shows 80, 60 does not), then forcedisplay or the display preferences,
 * the criteria fields and the sort field.
 */
function toView(
  db: Database,
  itemtype: string,
  actor: Actor,
  forced: number[],
  criteria: Criterion[],
  sort: number,
): number[] {
  const def = db.defs[itemtype]!;
  const entityColumn =
    itemtype !== 'Entity' &&
    def.entityAssigned &&
    db.all('Entity').length > 1 &&
    ('is_recursive' in def.columns || actor.activeEntities.size > 1);
  return unique([
    ...(itemtype === 'Ticket' ? [2] : []),
    1,
    ...(entityColumn ? [80] : []),
    ...(forced.length ? forced : def.defaultDisplay),
    ...criteria.map((c) => c.field),
    sort,
  ]).filter((id) => def.searchOptions[id]);
}

/**
 * MariaDB's answer to 9.1's unescaped value: the string literal ends at the first quote and the parser
 * stops at what follows, quoted up to the end of the query (9.1.6: 61).
 */
function sqlSyntaxError(c: Criterion, sortColumn: number, order: string): string {
  const rest = c.value.slice(c.value.indexOf("'") + 1);
  const like = c.searchtype === 'contains' || c.searchtype === 'notcontains';
  const tail = like && !c.value.endsWith('$') ? "%'" : "'";
  const near = `${like ? rest.replace(/\$$/, '') : rest}${tail}   ) ORDER BY ITEM_${sortColumn} ${order}`;
  return (
    'Unexpected SQL Error : You have an error in your SQL syntax; check the manual that corresponds to ' +
    `your MariaDB server version for the right syntax to use near '${near}' at line 4`
  );
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

/**
 * GLPI concatenates the criteria into one SQL WHERE (`A OR B AND C`), so AND binds tighter than OR;
 * a NOT link negates its own criterion, also on the first one, and an unknown link counts as AND.
 */
function matches(db: Database, itemtype: string, row: Row, criteria: Criterion[]): boolean {
  let anyGroup = false;
  let group = true;
  criteria.forEach((c, i) => {
    const hit = test(db, itemtype, row, c);
    if (i > 0 && (c.link === 'OR' || c.link === 'OR NOT')) {
      anyGroup = anyGroup || group;
      group = true;
    }
    group = group && (c.link.endsWith('NOT') ? !hit : hit);
  });
  return anyGroup || group;
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
  return likeMatches(value, pattern);
}

/** MySQL's default collation: case- and accent-insensitive. */
function fold(text: string): string {
  return text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase();
}

/**
 * GLPI's text match, as both `searchText` and /search build it: `LIKE '%v%'`, `^`/`$` anchoring the start and
 * end, `%` a wildcard, `_` escaped (a literal underscore), compared with the stored (encoded) text under a
 * case- and accent-insensitive collation.
 */
export function likeMatches(value: unknown, pattern: string): boolean {
  const text = fold(value === null || value === undefined ? '' : String(value));
  let p = fold(pattern);
  const anchoredStart = p.startsWith('^');
  const anchoredEnd = p.endsWith('$');
  if (anchoredStart) p = p.slice(1);
  if (anchoredEnd) p = p.slice(0, -1);
  const like = p
    .split('%')
    .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
    .join('.*');
  return new RegExp(`${anchoredStart ? '^' : ''}${like}${anchoredEnd ? '$' : ''}`, 's').test(text);
}
