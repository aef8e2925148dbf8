import type { GlpiClient } from '../../glpi/glpi-client';
import { findContaining } from '../../glpi/lookups';
import { inventoryMarkerPrefix, markedHostIds } from '../../glpi/markers';
import type { ItemRow } from '../../glpi/schemas';
import { glpiText } from '../../glpi/text';
import type { OsStorage } from '../../inventory/mapping';

/**
 * What GLPI holds for one source, read in a few paged requests: its computers (live and in the trash),
 * their operating systems (9.2+), its contracts and the computer–contract links. It lets a batch prove
 * hosts unchanged without one request per host. It is only ever used to skip work: a host it does not
 * prove unchanged is looked up fresh before anything is written.
 */
export interface SourceSnapshot {
  computers: Map<string, ItemRow>;
  trashedComputers: Map<string, ItemRow>;
  /** Item_OperatingSystem rows by computer id (9.2+). */
  os: Map<number, ItemRow[]>;
  contracts: Map<string, ItemRow>;
  trashedContracts: Map<string, ItemRow>;
  /** `contractId:computerId` */
  links: Set<string>;
}

export async function readSourceSnapshot(
  client: GlpiClient,
  source: string,
  storage: OsStorage,
): Promise<SourceSnapshot> {
  const prefix = inventoryMarkerPrefix(source);
  const [computers, trashedComputers, osRows, contracts, trashedContracts, links] = await Promise.all([
    findContaining(client, 'Computer', 'comment', prefix),
    findContaining(client, 'Computer', 'comment', prefix, { deleted: true }),
    storage.kind === 'item'
      ? client.getAllItems('Item_OperatingSystem', { searchText: { itemtype: '^Computer$' } })
      : Promise.resolve([]),
    findContaining(client, 'Contract', 'comment', prefix),
    findContaining(client, 'Contract', 'comment', prefix, { deleted: true }),
    client.getAllItems('Contract_Item', { searchText: { itemtype: '^Computer$' } }),
  ]);
  const os = new Map<number, ItemRow[]>();
  for (const row of osRows) {
    if (row.itemtype !== 'Computer') continue;
    const id = Number(row.items_id);
    os.set(id, [...(os.get(id) ?? []), row]);
  }
  return {
    computers: byHost(computers, source),
    trashedComputers: byHost(trashedComputers, source),
    os,
    contracts: byHost(contracts, source),
    trashedContracts: byHost(trashedContracts, source),
    links: new Set(
      links
        .filter((l) => l.itemtype === 'Computer')
        .map((l) => `${String(l.contracts_id)}:${String(l.items_id)}`),
    ),
  };
}

/** Rows by the host ids their markers name; the oldest row wins when two carry one marker. */
function byHost(rows: ItemRow[], source: string): Map<string, ItemRow> {
  const map = new Map<string, ItemRow>();
  for (const row of [...rows].sort((a, b) => a.id - b.id))
    for (const id of markedHostIds(glpiText(row.comment), source)) if (!map.has(id)) map.set(id, row);
  return map;
}

const TTL_MS = 15 * 60_000;

/** One snapshot per sync run and worker, shared by the run's chunks; a failed read is not kept. */
export class SourceSnapshots {
  private readonly cache = new Map<string, { at: number; snapshot: Promise<SourceSnapshot> }>();

  get(key: string, read: () => Promise<SourceSnapshot>): Promise<SourceSnapshot> {
    const now = Date.now();
    const hit = this.cache.get(key);
    if (hit && now - hit.at < TTL_MS) return hit.snapshot;
    const snapshot = read();
    snapshot.catch(() => this.cache.delete(key));
    this.cache.set(key, { at: now, snapshot });
    while (this.cache.size > 4) this.cache.delete(this.cache.keys().next().value!);
    return snapshot;
  }
}
