import { GlpiError, GlpiRequestError } from '../../glpi/errors';
import type { GlpiClient } from '../../glpi/glpi-client';
import { findContaining } from '../../glpi/lookups';
import { inventoryMarker } from '../../glpi/markers';
import type { InventoryItem } from '../../inventory/inventory-schema';
import { contractToCreate, selectedContractId } from '../../inventory/mapping';
import { AttemptNotes } from '../attempt-notes';
import { entityOf, type InventoryDeps, type ItemStepInput } from './inventory-deps';
import type { ContractResult } from '../../inventory/item-report';

/** What a report lists for a contract made by a sync. */
const CREATED = ['name', 'begin_date', 'duration', 'link'];

/** The note an attempt leaves before it creates a host's contract. */
export function contractNote(marker: string): string {
  return `contract ${marker}`;
}

/** A contract the inventory selects must exist and be visible from the host's entity. */
export class ContractNotFoundError extends GlpiRequestError {}

export async function checkSelectedContract(
  client: GlpiClient,
  item: InventoryItem,
  contractId: number,
): Promise<void> {
  try {
    await client.getItem('Contract', contractId);
  } catch (err) {
    if (
      err instanceof GlpiError &&
      (err.code === 'ERROR_ITEM_NOT_FOUND' || err.code === 'ERROR_RIGHT_MISSING')
    ) {
      throw new ContractNotFoundError(
        `contract ${contractId} selected for host '${item.id}' does not exist in GLPI or is not visible from the sub-entity: check the id, or make the contract visible there (recursive from a parent entity)`,
        { code: 'CONTRACT_NOT_FOUND', request: `GET /Contract/${contractId}` },
      );
    }
    throw err;
  }
}

/** Links a computer to a contract unless it is linked already; true when it made the link. */
export async function linkContract(
  client: GlpiClient,
  contractId: number,
  computerId: number,
): Promise<boolean> {
  const linked = async () =>
    (await client.getSubItems('Computer', computerId, 'Contract_Item')).rows.some(
      (l) => l.contracts_id === contractId,
    );
  if (await linked()) return false;
  try {
    await client.add('Contract_Item', {
      contracts_id: contractId,
      itemtype: 'Computer',
      items_id: computerId,
    });
  } catch (err) {
    // GLPI refuses a duplicate link (9.1 with an empty message): a lost earlier attempt made it.
    if (err instanceof GlpiRequestError && (await linked())) return false;
    throw err;
  }
  return true;
}

/**
 * The host's support contract: the existing contract the inventory selects, linked; else the contract a
 * sync made for this host (found by its marker), linked and kept in the host's entity; else a new one,
 * from the import date for the months until the end of service.
 */
export async function ensureContract(
  deps: InventoryDeps,
  input: ItemStepInput & { computerId: number | null },
): Promise<ContractResult> {
  const { handle, entities, source, item, computerId, dryRun = false } = input;
  const selected = selectedContractId(item);
  const entityId = entityOf(entities, item);
  const marker = inventoryMarker(source, item.id);
  if (computerId === null || entityId === null || entities.subEntityId === null) {
    if (!dryRun) return { contractId: null, outcome: 'unchanged', changes: [] };
    const planned = selected ? undefined : contractToCreate(item, marker, entityId ?? 0);
    return {
      contractId: selected ?? null,
      outcome: 'created',
      changes: selected ? ['link'] : CREATED,
      warning: planned?.warning,
    };
  }
  const client = await deps.sessions.client(handle, entities.subEntityId);
  if (selected) {
    await checkSelectedContract(client, item, selected);
    const linked = dryRun
      ? !(await client.getSubItems('Computer', computerId, 'Contract_Item')).rows.some(
          (l) => l.contracts_id === selected,
        )
      : await linkContract(client, selected, computerId);
    return {
      contractId: selected,
      outcome: linked ? 'updated' : 'unchanged',
      changes: linked ? ['link'] : [],
    };
  }
  const notes = AttemptNotes.current();
  const planned = contractToCreate(item, marker, entityId);
  const ours = (await findContaining(client, 'Contract', 'comment', marker))[0];
  if (ours) {
    const changes: string[] = [];
    // A host moved to another entity takes the contract made for it along.
    if (Number(ours.entities_id) !== entityId) {
      changes.push('entities_id');
      if (!dryRun) await client.update('Contract', ours.id, { entities_id: entityId });
    }
    if (dryRun) {
      const links = await client.getSubItems('Computer', computerId, 'Contract_Item');
      if (!links.rows.some((l) => l.contracts_id === ours.id)) changes.push('link');
    } else if (await linkContract(client, ours.id, computerId)) changes.push('link');
    if (notes.createdEarlier(contractNote(marker))) {
      return {
        contractId: ours.id,
        outcome: 'created',
        changes: CREATED,
        warning: planned.warning,
      };
    }
    return { contractId: ours.id, outcome: changes.length ? 'updated' : 'unchanged', changes };
  }
  const trashed = (await findContaining(client, 'Contract', 'comment', marker, { deleted: true }))[0];
  if (trashed) {
    return {
      contractId: trashed.id,
      outcome: 'unchanged',
      changes: [],
      warning: `contract ${trashed.id} of this host is in GLPI's trash: not recreated (restore it, or purge it to have it created again)`,
    };
  }
  if (dryRun)
    return {
      contractId: null,
      outcome: 'created',
      changes: CREATED,
      warning: planned.warning,
    };
  notes.aboutToCreate([contractNote(marker)]);
  const contractId = await client.add('Contract', planned.fields);
  // Nothing can be linked yet to a contract created a moment ago.
  await client.add('Contract_Item', { contracts_id: contractId, itemtype: 'Computer', items_id: computerId });
  return {
    contractId,
    outcome: 'created',
    changes: CREATED,
    warning: planned.warning,
  };
}
