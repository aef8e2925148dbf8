import type { GlpiClient } from '../glpi/glpi-client';
import { type DropdownResolver, findContaining } from '../glpi/lookups';
import type { ItemRow } from '../glpi/schemas';
import { glpiText, sameGlpiText } from '../glpi/text';
import type { InventoryItem } from '../inventory/inventory-schema';
import { inventoryMarker, markedIds, sourceMarkerPrefix } from '../inventory/marker';
import type { GlpiSessions } from './glpi-sessions';

/**
 * What the sub-entity holds for one source, read in a few paged requests: our computers, their OS (9.2+),
 * our contracts and the computer-contract links. Lets a batch tell unchanged hosts apart without one GLPI
 * request per host. It is an optimisation only: anything not proven unchanged goes through the full,
 * self-checking item workflow.
 */
interface Snapshot {
  computers: Map<string, ItemRow>;
  os: Map<number, { name: unknown; license: unknown }>;
  contracts: Map<string, number>;
  links: Set<string>;
}

export type ItemPlan =
  | { id: string; unchanged: true; computerId: number; contractId: number | null }
  | { id: string; unchanged: false };

const TTL_MS = 15 * 60_000;
const MAX_SNAPSHOTS = 4;

export function createInventoryPlanner({
  sessions,
  dropdowns,
}: {
  sessions: GlpiSessions;
  dropdowns: DropdownResolver;
}) {
  const cache = new Map<string, { at: number; snapshot: Promise<Snapshot> }>();

  async function read(client: GlpiClient, entityId: number, source: string): Promise<Snapshot> {
    const prefix = sourceMarkerPrefix(source);
    const features = await client.features();
    const [computerRows, osRows, contractRows, linkRows] = await Promise.all([
      findContaining(client, 'Computer', 'comment', prefix, { entityId }),
      features.os.kind === 'item'
        ? client.searchAll('Computer', {
            criteria: [{ field: 16, searchtype: 'contains', value: prefix }],
            forcedisplay: [44, 45],
          })
        : Promise.resolve([]),
      findContaining(client, 'Contract', 'comment', prefix, { entityId }),
      client.getAllItems('Contract_Item', { searchText: { itemtype: 'Computer' } }),
    ]);
    const byHost = (rows: ItemRow[]) => {
      const map = new Map<string, ItemRow>();
      for (const row of rows)
        for (const id of markedIds(glpiText(row.comment), source)) if (!map.has(id)) map.set(id, row);
      return map;
    };
    return {
      computers: byHost(computerRows),
      os: new Map(osRows.map((r) => [Number(r['2']), { name: r['45'], license: r['44'] }])),
      contracts: new Map([...byHost(contractRows)].map(([id, row]) => [id, row.id])),
      links: new Set(
        linkRows
          .filter((l) => l.itemtype === 'Computer')
          .map((l) => `${String(l.contracts_id)}:${String(l.items_id)}`),
      ),
    };
  }

  function snapshotFor(key: string, load: () => Promise<Snapshot>): Promise<Snapshot> {
    const now = Date.now();
    const hit = cache.get(key);
    if (hit && now - hit.at < TTL_MS) return hit.snapshot;
    const snapshot = load();
    snapshot.catch(() => cache.delete(key));
    cache.set(key, { at: now, snapshot });
    while (cache.size > MAX_SNAPSHOTS) cache.delete(cache.keys().next().value!);
    return snapshot;
  }

  async function unchanged(
    client: GlpiClient,
    snapshot: Snapshot,
    source: string,
    item: InventoryItem,
  ): Promise<ItemPlan> {
    const no: ItemPlan = { id: item.id, unchanged: false };
    const row = snapshot.computers.get(item.id);
    if (!row || !glpiText(row.comment).includes(inventoryMarker(source, item.id))) return no;
    const same = (stored: unknown, wanted: string | number | undefined) =>
      wanted !== undefined &&
      (typeof wanted === 'number' ? Number(stored) === wanted : sameGlpiText(stored, wanted));
    const resolve = (itemtype: string, name: string) => dropdowns.resolve(client, itemtype, name, true);
    const { type, manufacturer, serialNumber } = item.hardware;
    if (!same(row.name, item.label)) return no;
    if (serialNumber && !same(row.serial, serialNumber)) return no;
    if (type && !same(row.computertypes_id, await resolve('ComputerType', type))) return no;
    if (manufacturer && !same(row.manufacturers_id, await resolve('Manufacturer', manufacturer))) return no;
    const { operatingSystem, license } = item.software;
    if (operatingSystem) {
      const features = await client.features();
      if (features.os.kind === 'computer') {
        if (!same(row.operatingsystems_id, await resolve('OperatingSystem', operatingSystem))) return no;
        if (license && !same(row[features.os.licenseField], license)) return no;
      } else {
        const os = snapshot.os.get(row.id);
        // A computer with several OS links shows them as a list: let the item workflow decide.
        if (!os || Array.isArray(os.name) || !same(os.name, operatingSystem)) return no;
        if (license && !same(os.license, license)) return no;
      }
    }
    const contractId = item.contract?.glpiContractId ?? snapshot.contracts.get(item.id);
    if (contractId === undefined || !snapshot.links.has(`${contractId}:${row.id}`)) return no;
    return { id: item.id, unchanged: true, computerId: row.id, contractId };
  }

  /** Which items of a chunk are already exactly as mapped in GLPI. `key` names the batch run's snapshot. */
  async function planInventoryChunk(input: {
    handle: string;
    entityId: number | null;
    source: string;
    key: string;
    items: InventoryItem[];
  }): Promise<ItemPlan[]> {
    const { handle, entityId, source } = input;
    if (entityId === null) return input.items.map((i) => ({ id: i.id, unchanged: false }));
    const client = await sessions.client(handle, entityId);
    const snapshot = await snapshotFor(`${input.key}|${entityId}|${source}`, () =>
      read(client, entityId, source),
    );
    const plans: ItemPlan[] = [];
    for (const item of input.items) plans.push(await unchanged(client, snapshot, source, item));
    return plans;
  }

  return { planInventoryChunk };
}
