import type { GlpiClient, SearchCriterion } from './glpi-client';
import type { ItemRow, SearchRow } from './schemas';
import { glpiText, sameGlpiText } from './text';

/**
 * GLPI's text searches (`searchText`, /search `contains`) are SQL LIKEs on stored text, which GLPI keeps
 * HTML-encoded differently per version: `<` and `>` never match (GLPI decodes the value, not the stored
 * text); GLPI 9.1 puts the value into SQL unescaped (a quote answers `searchText` with an empty list and
 * /search with 500 ERROR_SQL); every version escapes `_` and keeps `%` as the wildcard. So a search value
 * never carries a character that is encoded, escaped or special: each becomes `%`, the server narrows the
 * list, and the exact comparison is made here on the decoded text.
 */
const UNSAFE_IN_LIKE = /[%_'"\\<>&^$]+/g;

/** A LIKE pattern that matches `value` exactly (between `^` and `$`) or as a substring, on every version. */
export function likePattern(value: string, exact = true): string {
  const core = value.replace(UNSAFE_IN_LIKE, '%');
  return exact ? `^${core}$` : core;
}

/** Rows whose `column` is exactly `value`; GLPI's LIKE narrows, the comparison is exact here. */
export async function findExact(
  client: GlpiClient,
  itemtype: string,
  column: string,
  value: string,
  options: {
    entityId?: number;
    deleted?: boolean;
    /** Upper and lower case alike, as GLPI's own search (host names: `WEB-01` is `web-01`). */
    ignoreCase?: boolean;
  } = {},
): Promise<ItemRow[]> {
  const rows = await client.getAllItems(itemtype, {
    searchText: { [column]: likePattern(value) },
    isDeleted: options.deleted,
  });
  const lower = value.toLocaleLowerCase();
  const same = options.ignoreCase
    ? (row: ItemRow) => glpiText(row[column]).toLocaleLowerCase() === lower
    : (row: ItemRow) => sameGlpiText(row[column], value);
  return rows
    .filter(same)
    .filter((row) => options.entityId === undefined || row.entities_id === options.entityId)
    .sort((a, b) => a.id - b.id);
}

/** Rows whose `column` contains `fragment` (a marker inside a comment). */
export async function findContaining(
  client: GlpiClient,
  itemtype: string,
  column: string,
  fragment: string,
  options: { entityId?: number; deleted?: boolean } = {},
): Promise<ItemRow[]> {
  const rows = await client.getAllItems(itemtype, {
    searchText: { [column]: likePattern(fragment, false) },
    isDeleted: options.deleted,
  });
  return rows
    .filter((row) => glpiText(row[column]).includes(fragment))
    .filter((row) => options.entityId === undefined || row.entities_id === options.entityId)
    .sort((a, b) => a.id - b.id);
}

/** A `/search` criterion matching a text option exactly (or containing it), safe on every version. */
export function textCriterion(
  field: number,
  value: string,
  options: { exact?: boolean; link?: SearchCriterion['link'] } = {},
): SearchCriterion {
  return {
    ...(options.link ? { link: options.link } : {}),
    field,
    searchtype: 'contains',
    value: likePattern(value, options.exact ?? true),
  };
}

/**
 * Runs one `/search` per group of criteria sets ORed together, so that many lookups cost a few requests;
 * groups stay small because GLPI takes its parameters from the URL, which servers cap near 8 KiB.
 */
export async function searchAny(
  client: GlpiClient,
  itemtype: string,
  sets: SearchCriterion[][],
  forcedisplay: number[],
  criteriaPerRequest = 24,
): Promise<SearchRow[]> {
  const rows = new Map<string, SearchRow>();
  let group: SearchCriterion[] = [];
  const flush = async () => {
    if (group.length === 0) return;
    for (const row of await client.searchAll(itemtype, { criteria: group, forcedisplay }))
      rows.set(String(row['2']), row);
    group = [];
  };
  for (const set of sets) {
    if (group.length + set.length > criteriaPerRequest) await flush();
    set.forEach((c) => group.push({ ...c, link: 'OR' }));
  }
  await flush();
  return [...rows.values()];
}

/**
 * Finds dropdown values (ComputerType, Manufacturer, OperatingSystem…) by exact name, creating them when
 * missing. Ids are cached per worker: dropdowns are global and rarely change. Concurrent callers for the
 * same name share one lookup, so that two items never create the same value twice.
 */
export class DropdownResolver {
  private readonly cache = new Map<string, Promise<number>>();

  /** The id of `name`, created when missing; in a dry run, `undefined` when it would be created. */
  async resolve(
    client: GlpiClient,
    itemtype: string,
    name: string,
    dryRun = false,
  ): Promise<number | undefined> {
    const key = `${itemtype}\u0000${name.toLowerCase()}`;
    const cached = this.cache.get(key);
    if (cached) return cached;
    if (dryRun) {
      // A value that exists is cached like any other; only "would be created" is asked again next time.
      const found = (await findExact(client, itemtype, 'name', name))[0]?.id;
      if (found !== undefined) this.cache.set(key, Promise.resolve(found));
      return found;
    }
    const pending = (async () => {
      const existing = await findExact(client, itemtype, 'name', name);
      // The oldest wins, so that every worker settles on the same value if duplicates ever exist.
      if (existing[0]) return existing[0].id;
      return client.add(itemtype, { name });
    })();
    this.cache.set(key, pending);
    pending.catch(() => this.cache.delete(key));
    return pending;
  }

  /** Forgets every cached id (a dropdown was deleted in GLPI). */
  clear(): void {
    this.cache.clear();
  }
}
