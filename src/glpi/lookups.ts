import type { GlpiClient } from './glpi-client';
import type { ItemRow } from './schemas';
import { glpiText, sameGlpiText } from './text';

/** Escapes LIKE's `%` (GLPI escapes `_` itself); the exact match is re-checked on our side anyway. */
function likeExact(value: string): string {
  return `^${value.replace(/%/g, '\\%')}$`;
}

/**
 * Rows whose `column` is exactly `value`. GLPI's LIKE is case-insensitive and its values come back
 * HTML-encoded, so the server narrows the list and the exact comparison is made here.
 */
export async function findExact(
  client: GlpiClient,
  itemtype: string,
  column: string,
  value: string,
  options: { entityId?: number; deleted?: boolean } = {},
): Promise<ItemRow[]> {
  const page = await client.getItems(itemtype, {
    searchText: { [column]: likeExact(value) },
    isDeleted: options.deleted,
    range: { start: 0, end: 49 },
  });
  return page.rows
    .filter((row) => sameGlpiText(row[column], value))
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
    searchText: { [column]: fragment.replace(/%/g, '\\%') },
    isDeleted: options.deleted,
  });
  return rows
    .filter((row) => glpiText(row[column]).includes(fragment))
    .filter((row) => options.entityId === undefined || row.entities_id === options.entityId)
    .sort((a, b) => a.id - b.id);
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
