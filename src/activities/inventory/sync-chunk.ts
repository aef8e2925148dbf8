import type { GlpiClient } from '../../glpi/glpi-client';
import { inventoryMarker } from '../../glpi/markers';
import type { ItemRow } from '../../glpi/schemas';
import { sameGlpiText } from '../../glpi/text';
import { validateItems, type InventoryItem } from '../../inventory/inventory-schema';
import type { ItemReport } from '../../inventory/item-report';
import {
  computerFields,
  contractToCreate,
  hostUnchanged,
  osFields,
  selectedContractId,
  type DropdownIds,
  type HostState,
  type OsStorage,
} from '../../inventory/mapping';
import { AttemptNotes } from '../attempt-notes';
import { checkSelectedContract } from './ensure-contract';
import { findHostComputers } from './host-lookup';
import { dropdownIds, entityOf, type EntityMap, type InventoryDeps } from './inventory-deps';
import type { InventoryRef } from './inventory-snapshots';
import { readSourceSnapshot, type SourceSnapshot } from './source-snapshot';
import { syncHost } from './sync-host';

export interface ChunkInput {
  handle: string;
  /** Names the run (workflow id and first run id): its GLPI snapshot is read once per worker. */
  runKey: string;
  source: string;
  entities: EntityMap;
  /** The run's inventory and the slice of it to sync; or, for an inline inventory, the entries themselves. */
  inventory: { ref: InventoryRef; offset: number; limit: number } | { entries: unknown[] };
  dryRun?: boolean;
}

export interface ChunkResult {
  /** One report per host of the chunk, in its order. */
  reports: ItemReport[];
  /** The hosts that failed, for the batch to give each its own workflow; whether this run made the computer. */
  failed: { item: InventoryItem; computerCreated: boolean }[];
}

/** Attempts of a chunk during which a GLPI failure on one host retries the chunk rather than failing the host. */
const TRANSIENT_RETRIES = 3;

/** Hosts of a chunk synced at once on the slow path (changed or adopted hosts, a few requests each). */
const HOSTS_AT_ONCE = 8;

/** A plan older than this is looked over again before its creates (GLPI may have changed since). */
const PLAN_FRESH_MS = 60_000;

/**
 * What a chunk will do, decided before anything is written and recorded in the workflow's history: which
 * hosts are already as mapped (from the run's snapshot), which have a computer (changed or to adopt), and
 * which have none and will be created. Because it is recorded, a retry of the writes after a crash knows
 * for sure which computers this run set out to create, and reports them as created.
 */
export interface ChunkPlan {
  /** Hosts already decided: unchanged, or whose computer is in GLPI's trash. */
  decided: ItemReport[];
  /** Hosts with a computer: synced by the per-host steps. */
  existing: string[];
  /** Hosts without a computer when the plan was made: created in bulk. */
  create: string[];
  /** When the plan was made (epoch ms). */
  plannedAt: number;
}

/** A chunk's view of GLPI: its hosts, the session, the run's snapshot and the dropdown ids. */
async function chunkContext(deps: InventoryDeps, input: ChunkInput) {
  const items = await chunkItems(deps, input);
  const { entities, source, dryRun = false } = input;
  const client = await deps.sessions.client(input.handle, entities.subEntityId!);
  const storage = (await client.features()).os;
  const snapshot = await deps.sourceSnapshots.get(`${input.runKey}|${source}`, () =>
    readSourceSnapshot(client, source, storage),
  );
  const ids = new Map<string, DropdownIds>();
  for (const item of items) ids.set(item.id, await dropdownIds(deps, client, item, dryRun));
  return { items, client, storage, snapshot, ids };
}

function reportOf(item: InventoryItem, r: Omit<ItemReport, 'id' | 'label'>): ItemReport {
  return { id: item.id, label: item.label, ...(item.entity ? { entity: item.entity } : {}), ...r };
}

/**
 * Plans a slice of the inventory with as few GLPI requests as the work allows, and writes nothing: hosts the
 * run's snapshot proves unchanged cost nothing; the others are looked up fresh, in a few searches for all of
 * them (never answered from the snapshot).
 */
export async function planInventoryChunk(deps: InventoryDeps, input: ChunkInput): Promise<ChunkPlan> {
  const plannedAt = Date.now();
  if (input.entities.subEntityId === null) {
    // A dry run before the sub-entity exists: everything would be created.
    const items = await chunkItems(deps, input);
    return { decided: [], existing: [], create: items.map((i) => i.id), plannedAt };
  }
  const { items, client, storage, snapshot, ids } = await chunkContext(deps, input);
  const { entities, source } = input;
  const decided: ItemReport[] = [];
  const unknown: InventoryItem[] = [];
  const existing: string[] = [];
  for (const item of items) {
    const row = snapshot.computers.get(item.id);
    const entityId = entityOf(entities, item);
    if (!row) {
      const trashed = snapshot.trashedComputers.get(item.id);
      if (!trashed) unknown.push(item);
      else
        decided.push(
          reportOf(item, {
            outcome: 'unchanged',
            warnings: [
              `computer ${trashed.id} of this host is in GLPI's trash: not recreated (restore it, or purge it to have it created again)`,
            ],
          }),
        );
    } else if (
      entityId !== null &&
      hostUnchanged(
        item,
        hostState(item, row, snapshot, storage),
        inventoryMarker(source, item.id),
        ids.get(item.id)!,
        entityId,
        storage,
        sameGlpiText,
      )
    ) {
      const contractId = selectedContractId(item) ?? snapshot.contracts.get(item.id)?.id ?? null;
      decided.push(reportOf(item, { outcome: 'unchanged', computerId: row.id, contractId }));
    } else existing.push(item.id);
  }
  const claimed = new Set([...snapshot.computers.values()].map((r) => r.id));
  const found = await findHostComputers(client, source, unknown, claimed);
  existing.push(...unknown.filter((i) => found.has(i.id)).map((i) => i.id));
  const create = unknown.filter((i) => !found.has(i.id)).map((i) => i.id);
  return { decided, existing, create, plannedAt };
}

/**
 * Carries out a chunk's plan: hosts with a computer go through the per-host steps; new hosts are created in
 * bulk (computers, operating systems, contracts, links: one request each for the whole chunk). Before its
 * creates, a retry (or a plan that waited) looks again, so nothing is ever created twice; a host found then
 * was created by this run's earlier attempt and is reported as created. A host that fails is reported with
 * its cause, for the batch to give it its own workflow; a failure of GLPI itself (down, overloaded) fails
 * the activity, which Temporal retries.
 */
export async function syncInventoryChunk(
  deps: InventoryDeps,
  input: ChunkInput & { plan: ChunkPlan },
): Promise<ChunkResult> {
  const { handle, entities, source, plan, dryRun = false } = input;
  const reports = new Map<string, ItemReport>(plan.decided.map((r) => [r.id, r]));
  if (entities.subEntityId === null) {
    const items = await chunkItems(deps, input);
    for (const item of items)
      reports.set(
        item.id,
        reportOf(item, { outcome: 'created', changes: ['computer', 'operating system', 'contract'] }),
      );
    return { reports: items.map((i) => reports.get(i.id)!), failed: [] };
  }
  const { items, client, storage, ids } = await chunkContext(deps, input);
  const byId = new Map(items.map((i) => [i.id, i]));
  const planned = new Set(plan.create);
  let toCreate = plan.create.map((id) => byId.get(id)!);
  const slow = plan.existing.map((id) => byId.get(id)!);
  const notes = AttemptNotes.current();
  if (!notes.firstAttempt || Date.now() - plan.plannedAt > PLAN_FRESH_MS) {
    const found = await findHostComputers(client, source, toCreate);
    slow.push(...toCreate.filter((i) => found.has(i.id)));
    toCreate = toCreate.filter((i) => !found.has(i.id));
  }

  const created = new Set<string>();
  const rethrow = notes.attempt < TRANSIENT_RETRIES;
  for (let next = 0; next < slow.length;) {
    const batch = slow.slice(next, (next += HOSTS_AT_ONCE));
    const outcomes = await Promise.all(
      batch.map((item) => syncHost(deps, { handle, entities, source, item, dryRun }, rethrow)),
    );
    for (const { report: r, computerCreated } of outcomes) {
      // A host the plan set out to create and found on a retry: this run's earlier attempt created it.
      const ours = planned.has(r.id);
      reports.set(r.id, ours && r.outcome !== 'failed' ? { ...r, outcome: 'created' } : r);
      if (computerCreated || ours) created.add(r.id);
    }
  }
  await createHosts(client, {
    ...input,
    items: toCreate,
    ids,
    storage,
    report: (item, r) => reports.set(item.id, reportOf(item, r)),
  });
  const failed = items
    .filter((i) => reports.get(i.id)!.outcome === 'failed')
    .map((item) => ({
      item,
      computerCreated:
        created.has(item.id) || (toCreate.includes(item) && reports.get(item.id)!.computerId != null),
    }));
  return { reports: items.map((i) => reports.get(i.id)!), failed };
}

async function chunkItems(deps: InventoryDeps, input: ChunkInput): Promise<InventoryItem[]> {
  if ('entries' in input.inventory) return validateItems(input.inventory.entries).items;
  const { ref, offset, limit } = input.inventory;
  return (await deps.snapshots.load(ref)).items.slice(offset, offset + limit);
}

/** What the snapshot says GLPI holds for a host the mapping compares. */
function hostState(
  item: InventoryItem,
  row: ItemRow,
  snapshot: SourceSnapshot,
  storage: OsStorage,
): HostState {
  const links = storage.kind === 'computer' ? [row] : (snapshot.os.get(row.id) ?? []);
  const selected = selectedContractId(item);
  const ours = snapshot.contracts.get(item.id);
  const contractId = selected ?? ours?.id;
  return {
    computer: row,
    os: links[0],
    osAmbiguous: links.length > 1,
    contractId,
    contractEntityId: selected ? undefined : ours ? Number(ours.entities_id) : undefined,
    linked: contractId !== undefined && snapshot.links.has(`${contractId}:${row.id}`),
  };
}

/** New hosts, in bulk: their computers, then operating systems (9.2+), contracts and links. */
async function createHosts(
  client: GlpiClient,
  input: ChunkInput & {
    items: InventoryItem[];
    ids: Map<string, DropdownIds>;
    storage: OsStorage;
    report: (item: InventoryItem, r: Omit<ItemReport, 'id' | 'label'>) => void;
  },
): Promise<void> {
  const { items, ids, storage, entities, source, report, dryRun = false } = input;
  if (items.length === 0) return;
  const marker = (item: InventoryItem) => inventoryMarker(source, item.id);
  const entityId = (item: InventoryItem) => entityOf(entities, item) ?? 0;
  const failed = (item: InventoryItem, error: string, computerId: number | null = null) =>
    report(item, { outcome: 'failed', computerId, error });

  // Selected contracts must exist: checked once per contract, before anything is made for their hosts.
  const badContracts = new Map<number, string>();
  for (const id of new Set(items.map(selectedContractId).filter((c): c is number => c !== undefined))) {
    const host = items.find((i) => selectedContractId(i) === id)!;
    await checkSelectedContract(client, host, id).catch((err: Error) => badContracts.set(id, err.message));
  }
  const ready = items.filter((item) => {
    const bad = badContracts.get(selectedContractId(item) ?? 0);
    if (bad) failed(item, bad);
    return !bad;
  });
  const computerInput = (item: InventoryItem) => ({
    ...computerFields(item, ids.get(item.id)!, entityId(item)),
    // GLPI 9.1 keeps the operating system on the computer: one request less.
    ...(storage.kind === 'computer' ? osFields(item, ids.get(item.id)!, storage) : {}),
    comment: marker(item),
    is_dynamic: 0,
  });
  if (dryRun) {
    for (const item of ready) {
      const contract = selectedContractId(item)
        ? undefined
        : contractToCreate(item, marker(item), entityId(item));
      report(item, {
        outcome: 'created',
        computerId: null,
        contractId: selectedContractId(item) ?? null,
        changes: [
          ...Object.keys(computerFields(item, ids.get(item.id)!, entityId(item))).map((f) => `computer.${f}`),
          ...Object.keys(osFields(item, ids.get(item.id)!, storage)).map((f) => `os.${f}`),
          ...(contract ? ['contract.name', 'contract.begin_date', 'contract.duration'] : []),
          'contract.link',
        ],
        ...(contract?.warning ? { warnings: [contract.warning] } : {}),
      });
    }
    return;
  }

  const computers = new Map<string, number>();
  const made = ready.length ? await client.addMany('Computer', ready.map(computerInput)) : [];
  ready.forEach((item, i) => {
    const r = made[i];
    if (r?.id !== undefined) computers.set(item.id, r.id);
    else failed(item, `GLPI refused the computer: ${r?.error ?? 'no answer for this element'}`);
  });
  const withComputer = ready.filter((i) => computers.has(i.id));

  if (storage.kind === 'item') {
    const withOs = withComputer.filter((i) => i.software.operatingSystem);
    const links = withOs.length
      ? await client.addMany(
          'Item_OperatingSystem',
          withOs.map((item) => ({
            itemtype: 'Computer',
            items_id: computers.get(item.id)!,
            ...osFields(item, ids.get(item.id)!, storage),
          })),
        )
      : [];
    withOs.forEach((item, i) => {
      if (links[i]?.id === undefined) {
        failed(
          item,
          `GLPI refused the operating system: ${links[i]?.error ?? 'no answer'}`,
          computers.get(item.id),
        );
        computers.delete(item.id);
      }
    });
  }

  const contracts = new Map<string, { id: number; warning?: string }>();
  const needContract = withComputer.filter((i) => computers.has(i.id) && !selectedContractId(i));
  const planned = needContract.map((item) => contractToCreate(item, marker(item), entityId(item)));
  const madeContracts = needContract.length
    ? await client.addMany(
        'Contract',
        planned.map((p) => p.fields),
      )
    : [];
  needContract.forEach((item, i) => {
    const r = madeContracts[i];
    if (r?.id !== undefined) contracts.set(item.id, { id: r.id, warning: planned[i]!.warning });
    else {
      failed(item, `GLPI refused the contract: ${r?.error ?? 'no answer'}`, computers.get(item.id));
      computers.delete(item.id);
    }
  });
  const toLink = withComputer.filter((i) => computers.has(i.id));
  const contractOf = (item: InventoryItem) => selectedContractId(item) ?? contracts.get(item.id)!.id;
  const linked = toLink.length
    ? await client.addMany(
        'Contract_Item',
        toLink.map((item) => ({
          contracts_id: contractOf(item),
          itemtype: 'Computer',
          items_id: computers.get(item.id)!,
        })),
      )
    : [];
  toLink.forEach((item, i) => {
    const computerId = computers.get(item.id)!;
    if (linked[i]?.id === undefined) {
      failed(
        item,
        `GLPI refused to link contract ${contractOf(item)}: ${linked[i]?.error ?? 'no answer'}`,
        computerId,
      );
      return;
    }
    const warning = contracts.get(item.id)?.warning;
    report(item, {
      outcome: 'created',
      computerId,
      contractId: contractOf(item),
      ...(warning ? { warnings: [warning] } : {}),
    });
  });
}
