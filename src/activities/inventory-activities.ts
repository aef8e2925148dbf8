import { Context } from '@temporalio/activity';
import { GlpiError, GlpiRequestError } from '../glpi/errors';
import type { GlpiClient, SearchCriterion } from '../glpi/glpi-client';
import { DropdownResolver, findContaining, findExact } from '../glpi/lookups';
import type { ItemRow, SearchRow } from '../glpi/schemas';
import { glpiText, sameGlpiText } from '../glpi/text';
import { contractDuration } from '../inventory/contract-duration';
import { validateItems, type InventoryItem, type RejectedRow } from '../inventory/inventory-schema';
import { inventoryMarker, markedIds, sourceMarkerPrefix } from '../inventory/marker';
import { readInventory } from '../inventory/read-inventory';
import type { GlpiSessions } from './glpi-sessions';

/** What an activity reports of one GLPI object. `planned` lists what a dry run would write. */
export type Outcome = 'created' | 'updated' | 'unchanged';

export interface ItemStepInput {
  handle: string;
  entityId: number | null;
  source: string;
  item: InventoryItem;
  dryRun?: boolean;
}

export interface ComputerResult {
  computerId: number | null;
  outcome: Outcome;
  /** Mapped fields written (or that a dry run would write). */
  changes: string[];
  matchedBy?: 'marker' | 'serial' | 'name';
}

export interface StepResult {
  outcome: Outcome;
  changes: string[];
  warning?: string;
}

export interface ContractResult extends StepResult {
  contractId: number | null;
}

export interface InventoryChunk {
  source: string;
  total: number;
  items: InventoryItem[];
  rejected: RejectedRow[];
}

export interface MissingHost {
  id: string;
  computerId: number;
  name: string;
}

export interface InventoryDeps {
  sessions: GlpiSessions;
  dropdowns: DropdownResolver;
}

/**
 * The inventory sync's steps. Each is idempotent: it looks before it writes, so a retry after a lost
 * response (GLPI committed, the worker saw an error) finds what the first attempt made.
 */
/**
 * Records, before a create, that this attempt is about to create `what`. If the response is then lost,
 * the retry finds the object by its marker and, reading this note, reports it as created (by the
 * earlier attempt) rather than as found.
 */
function announceCreate(what: string): void {
  activityContext()?.heartbeat({ creating: what });
}

function createdByEarlierAttempt(what: string): boolean {
  const details = activityContext()?.info.heartbeatDetails as { creating?: string } | undefined;
  return details?.creating === what;
}

function firstAttempt(): boolean {
  return (activityContext()?.info.attempt ?? 1) === 1;
}

/** The running activity's context; none when the steps are called directly (the benchmark's baseline loop). */
function activityContext(): Context | undefined {
  try {
    return Context.current();
  } catch {
    return undefined;
  }
}

export function createInventoryActivities({ sessions, dropdowns }: InventoryDeps) {
  async function ensureSubEntity(input: {
    handle: string;
    name: string;
    dryRun?: boolean;
  }): Promise<{ entityId: number | null; created: boolean }> {
    const client = await sessions.client(input.handle);
    // Recompute the active entities first: an entity created by a lost earlier attempt is invisible otherwise.
    await client.changeActiveEntities(0, true);
    const existing = await findExact(client, 'Entity', 'name', input.name, { entityId: 0 });
    let entityId = existing[0]?.id;
    let created = false;
    if (entityId === undefined) {
      if (input.dryRun) return { entityId: null, created: true };
      try {
        entityId = await client.add('Entity', { name: input.name, entities_id: 0 });
        created = true;
      } catch (err) {
        // Another worker created it between our look and our write.
        const again = await findExact(client, 'Entity', 'name', input.name, { entityId: 0 });
        if (!again[0]) throw err;
        entityId = again[0].id;
      }
    }
    await client.changeActiveEntities(entityId, true);
    return { entityId, created };
  }

  /**
   * The computer of a host: by our marker, else by serial number, else by name (a computer already marked
   * for another host is never adopted), inside the sub-entity. One search asks for all three at once.
   */
  async function findComputer(
    client: GlpiClient,
    entityId: number,
    marker: string,
    item: InventoryItem,
  ): Promise<{ row: ItemRow; matchedBy: ComputerResult['matchedBy'] } | undefined> {
    const serial = item.hardware.serialNumber;
    const criteria: SearchCriterion[] = [{ field: 16, searchtype: 'contains', value: marker }];
    if (serial) criteria.push({ link: 'OR', field: 5, searchtype: 'contains', value: `^${serial}$` });
    criteria.push({ link: 'OR', field: 1, searchtype: 'contains', value: `^${item.label}$` });
    const rows = (await client.searchAll('Computer', { criteria, forcedisplay: [1, 5, 16] })).sort(
      (a, b) => Number(a['2']) - Number(b['2']),
    );
    const unmarked = (r: SearchRow) => !glpiText(r['16']).includes('[glpi-bridge:');
    const ranked: [SearchRow[], ComputerResult['matchedBy']][] = [
      [rows.filter((r) => glpiText(r['16']).includes(marker)), 'marker'],
      [serial ? rows.filter((r) => unmarked(r) && sameGlpiText(r['5'], serial)) : [], 'serial'],
      [rows.filter((r) => unmarked(r) && sameGlpiText(r['1'], item.label)), 'name'],
    ];
    for (const [candidates, matchedBy] of ranked) {
      for (const candidate of candidates) {
        const row = await client.getItem('Computer', Number(candidate['2']));
        if (row.entities_id === entityId) return { row, matchedBy };
      }
    }
    return undefined;
  }

  /** Mapped Computer fields: only those the source provides, so that nothing is blanked. */
  async function desiredComputer(client: GlpiClient, item: InventoryItem, dryRun: boolean) {
    const fields: Record<string, string | number | undefined> = { name: item.label };
    if (item.hardware.serialNumber) fields.serial = item.hardware.serialNumber;
    if (item.hardware.type) {
      fields.computertypes_id = await dropdowns.resolve(client, 'ComputerType', item.hardware.type, dryRun);
    }
    if (item.hardware.manufacturer) {
      fields.manufacturers_id = await dropdowns.resolve(
        client,
        'Manufacturer',
        item.hardware.manufacturer,
        dryRun,
      );
    }
    return fields;
  }

  function differs(stored: unknown, wanted: string | number | undefined): boolean {
    if (wanted === undefined) return true; // a dropdown value a dry run would create
    return typeof wanted === 'number' ? Number(stored) !== wanted : !sameGlpiText(stored, wanted);
  }

  async function upsertComputer(input: ItemStepInput): Promise<ComputerResult> {
    const { handle, entityId, source, item, dryRun = false } = input;
    if (entityId === null) {
      return { computerId: null, outcome: 'created', changes: ['sub-entity', 'computer'] };
    }
    const client = await sessions.client(handle, entityId);
    const marker = inventoryMarker(source, item.id);
    const found = await findComputer(client, entityId, marker, item);
    const desired = await desiredComputer(client, item, dryRun);
    if (!found) {
      if (dryRun) return { computerId: null, outcome: 'created', changes: Object.keys(desired) };
      announceCreate(marker);
      const computerId = await client.add('Computer', {
        ...desired,
        entities_id: entityId,
        comment: marker,
        is_dynamic: 0,
      });
      return { computerId, outcome: 'created', changes: Object.keys(desired) };
    }
    const { row, matchedBy } = found;
    const update: Record<string, unknown> = {};
    for (const [field, wanted] of Object.entries(desired))
      if (differs(row[field], wanted)) update[field] = wanted;
    const comment = glpiText(row.comment);
    // Adopting a computer: keep what people wrote in the comment, add our marker.
    if (!comment.includes(marker)) update.comment = comment ? `${comment}\n${marker}` : marker;
    const changes = Object.keys(update);
    if (changes.length === 0) {
      const outcome = createdByEarlierAttempt(marker) ? 'created' : 'unchanged';
      return {
        computerId: row.id,
        outcome,
        changes: outcome === 'created' ? Object.keys(desired) : [],
        matchedBy,
      };
    }
    if (!dryRun) await client.update('Computer', row.id, update);
    return { computerId: row.id, outcome: 'updated', changes, matchedBy };
  }

  async function upsertOperatingSystem(
    input: ItemStepInput & {
      computerId: number | null;
      /** The computer was created by this workflow's computer step: it has no OS link yet. */
      newComputer?: boolean;
    },
  ): Promise<StepResult> {
    const { handle, entityId, item, computerId, dryRun = false } = input;
    const { operatingSystem, license } = item.software;
    if (!operatingSystem) return { outcome: 'unchanged', changes: [] };
    if (computerId === null || entityId === null)
      return { outcome: 'created', changes: ['operating system'] };
    const client = await sessions.client(handle, entityId);
    const features = await client.features();
    const osId = await dropdowns.resolve(client, 'OperatingSystem', operatingSystem, dryRun);
    const licenseField = features.os.licenseField;

    if (features.os.kind === 'computer') {
      // GLPI 9.1 keeps the OS on the computer itself.
      const computer = await client.getItem('Computer', computerId);
      const update: Record<string, unknown> = {};
      if (differs(computer.operatingsystems_id, osId)) update.operatingsystems_id = osId;
      if (license && differs(computer[licenseField], license)) update[licenseField] = license;
      const changes = Object.keys(update);
      if (changes.length && !dryRun) await client.update('Computer', computerId, update);
      return { outcome: changes.length ? 'updated' : 'unchanged', changes };
    }

    // A retry looks: its first attempt may have made the link before its response was lost.
    const links =
      input.newComputer && firstAttempt()
        ? { rows: [] }
        : await client.getSubItems('Computer', computerId, 'Item_OperatingSystem', {
            range: { start: 0, end: 49 },
          });
    const link = links.rows.find((l) => l.itemtype === 'Computer' && l.items_id === computerId);
    if (!link) {
      const values: Record<string, unknown> = {
        itemtype: 'Computer',
        items_id: computerId,
        operatingsystems_id: osId,
      };
      if (license) values[licenseField] = license;
      if (!dryRun) {
        try {
          await client.add('Item_OperatingSystem', values);
        } catch (err) {
          // GLPI's unique key refused a link that a lost earlier attempt already made.
          if (!(err instanceof GlpiRequestError && /duplicate/i.test(err.message))) throw err;
        }
      }
      return {
        outcome: 'created',
        changes: Object.keys(values).filter((k) => k !== 'itemtype' && k !== 'items_id'),
      };
    }
    const update: Record<string, unknown> = {};
    if (differs(link.operatingsystems_id, osId)) update.operatingsystems_id = osId;
    if (license && differs(link[licenseField], license)) update[licenseField] = license;
    const changes = Object.keys(update);
    if (changes.length && !dryRun) await client.update('Item_OperatingSystem', link.id, update);
    return { outcome: changes.length ? 'updated' : 'unchanged', changes };
  }

  async function linkContract(client: GlpiClient, contractId: number, computerId: number): Promise<boolean> {
    const links = await client.getSubItems('Computer', computerId, 'Contract_Item', {
      range: { start: 0, end: 199 },
    });
    if (links.rows.some((l) => l.contracts_id === contractId)) return false;
    try {
      await client.add('Contract_Item', {
        contracts_id: contractId,
        itemtype: 'Computer',
        items_id: computerId,
      });
    } catch (err) {
      if (err instanceof GlpiRequestError && /duplicate/i.test(err.message)) return false;
      throw err;
    }
    return true;
  }

  async function ensureContract(
    input: ItemStepInput & { computerId: number | null },
  ): Promise<ContractResult> {
    const { handle, entityId, source, item, computerId, dryRun = false } = input;
    const selected = item.contract?.glpiContractId;
    const duration = contractDuration(item.importDate, item.serviceContract?.endOfServiceDate);
    if (computerId === null || entityId === null) {
      return {
        contractId: selected ?? null,
        outcome: 'created',
        changes: [selected ? 'link' : 'contract'],
        warning: selected ? undefined : duration.warning,
      };
    }
    const client = await sessions.client(handle, entityId);
    if (selected) {
      try {
        await client.getItem('Contract', selected);
      } catch (err) {
        if (
          err instanceof GlpiError &&
          (err.code === 'ERROR_ITEM_NOT_FOUND' || err.code === 'ERROR_RIGHT_MISSING')
        ) {
          throw new GlpiRequestError(
            `contract ${selected} selected for host '${item.id}' does not exist in GLPI or is not visible from the sub-entity (make it recursive from the root entity)`,
            { code: 'CONTRACT_NOT_FOUND', request: `GET /Contract/${selected}` },
          );
        }
        throw err;
      }
      const linked = dryRun ? false : await linkContract(client, selected, computerId);
      return {
        contractId: selected,
        outcome: linked ? 'updated' : 'unchanged',
        changes: linked ? ['link'] : [],
      };
    }
    const marker = inventoryMarker(source, item.id);
    const ours = await findContaining(client, 'Contract', 'comment', marker, { entityId });
    if (ours[0]) {
      const linked = dryRun ? false : await linkContract(client, ours[0].id, computerId);
      if (createdByEarlierAttempt(`contract ${marker}`)) {
        return {
          contractId: ours[0].id,
          outcome: 'created',
          changes: ['name', 'begin_date', 'duration', 'link'],
          warning: duration.warning,
        };
      }
      return {
        contractId: ours[0].id,
        outcome: linked ? 'updated' : 'unchanged',
        changes: linked ? ['link'] : [],
      };
    }
    const trashed = await findContaining(client, 'Contract', 'comment', marker, { entityId, deleted: true });
    if (trashed[0]) {
      return {
        contractId: trashed[0].id,
        outcome: 'unchanged',
        changes: [],
        warning: `contract ${trashed[0].id} is in GLPI's trash: not recreated (restore or purge it)`,
      };
    }
    const fields = { name: item.label, begin_date: item.importDate, duration: duration.months };
    if (dryRun)
      return {
        contractId: null,
        outcome: 'created',
        changes: Object.keys(fields),
        warning: duration.warning,
      };
    const comment = duration.warning ? `${marker}\n${duration.warning}` : marker;
    announceCreate(`contract ${marker}`);
    const contractId = await client.add('Contract', { ...fields, entities_id: entityId, comment });
    // Nothing can be linked yet to a contract created a moment ago.
    await client.add('Contract_Item', {
      contracts_id: contractId,
      itemtype: 'Computer',
      items_id: computerId,
    });
    return {
      contractId,
      outcome: 'created',
      changes: [...Object.keys(fields), 'link'],
      warning: duration.warning,
    };
  }

  async function readInventoryChunk(input: {
    location?: string;
    inline?: { source: string; items: unknown[] };
    offset: number;
    limit: number;
    source?: string;
  }): Promise<InventoryChunk> {
    const inventory = input.inline
      ? { source: input.inline.source, ...validateItems(input.inline.items) }
      : await readInventory(input.location ?? '', input.source);
    return {
      source: input.source ?? inventory.source,
      total: inventory.items.length,
      items: inventory.items.slice(input.offset, input.offset + input.limit),
      rejected: input.offset === 0 ? inventory.rejected : [],
    };
  }

  /** Hosts this source synced before (their marker is in GLPI) that the current inventory lacks. */
  async function listMissingHosts(input: {
    handle: string;
    entityId: number | null;
    source: string;
    /** The inventory file or URL, whose ids are present; or the ids themselves for an inline inventory. */
    location?: string;
    presentIds?: string[];
  }): Promise<MissingHost[]> {
    if (input.entityId === null) return [];
    const client = await sessions.client(input.handle, input.entityId);
    const ids = input.location
      ? (await readInventory(input.location, input.source)).items.map((i) => i.id)
      : (input.presentIds ?? []);
    const present = new Set(ids);
    const rows = await findContaining(client, 'Computer', 'comment', sourceMarkerPrefix(input.source), {
      entityId: input.entityId,
    });
    return rows.flatMap((row) =>
      markedIds(glpiText(row.comment), input.source)
        .filter((id) => !present.has(id))
        .map((id) => ({ id, computerId: row.id, name: glpiText(row.name) })),
    );
  }

  return {
    ensureSubEntity,
    upsertComputer,
    upsertOperatingSystem,
    ensureContract,
    readInventoryChunk,
    listMissingHosts,
  };
}
