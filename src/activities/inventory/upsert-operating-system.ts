import { GlpiRequestError } from '../../glpi/errors';
import { sameGlpiText } from '../../glpi/text';
import { changedFields, osFields } from '../../inventory/mapping';
import { AttemptNotes } from '../attempt-notes';
import { dropdownIds, entityOf, type InventoryDeps, type ItemStepInput } from './inventory-deps';
import type { StepResult } from '../../inventory/item-report';

export interface OsStepInput extends ItemStepInput {
  computerId: number | null;
  /** The computer step created the computer in this run: it has no OS link yet. */
  newComputer?: boolean;
}

/**
 * The host's operating system and product id: columns of the computer on GLPI 9.1, its Item_OperatingSystem
 * from 9.2 (with `license_id` or `licenseid` as the version names it).
 */
export async function upsertOperatingSystem(deps: InventoryDeps, input: OsStepInput): Promise<StepResult> {
  const { handle, entities, item, computerId, dryRun = false } = input;
  if (!item.software.operatingSystem) return { outcome: 'unchanged', changes: [] };
  if (computerId === null || entityOf(entities, item) === null || entities.subEntityId === null)
    return { outcome: dryRun ? 'created' : 'unchanged', changes: dryRun ? ['operating system'] : [] };
  const client = await deps.sessions.client(handle, entities.subEntityId);
  const storage = (await client.features()).os;
  const wanted = osFields(item, await dropdownIds(deps, client, item, dryRun), storage);

  if (storage.kind === 'computer') {
    const update = changedFields(await client.getItem('Computer', computerId), wanted, sameGlpiText);
    const changes = Object.keys(update);
    if (changes.length && !dryRun) await client.update('Computer', computerId, update);
    return { outcome: changes.length ? 'updated' : 'unchanged', changes };
  }

  const readLinks = async () =>
    (await client.getSubItems('Computer', computerId, 'Item_OperatingSystem')).rows.filter(
      (l) => l.itemtype === 'Computer' && l.items_id === computerId,
    );
  // A computer created a moment ago has no link; any retry looks, its first try may have made one.
  const links = input.newComputer && AttemptNotes.current().firstAttempt ? [] : await readLinks();
  if (links.length > 1) {
    return {
      outcome: 'unchanged',
      changes: [],
      warning: `computer ${computerId} has ${links.length} operating systems in GLPI: left as they are`,
    };
  }
  const link = links[0];
  if (!link) {
    const values = { itemtype: 'Computer', items_id: computerId, ...wanted };
    if (!dryRun) {
      try {
        await client.add('Item_OperatingSystem', values);
      } catch (err) {
        // GLPI's unique key refuses a link that a lost earlier attempt already made: look again.
        if (!(err instanceof GlpiRequestError) || (await readLinks()).length === 0) throw err;
      }
    }
    return { outcome: 'created', changes: Object.keys(wanted) };
  }
  const update = changedFields(link, wanted, sameGlpiText);
  const changes = Object.keys(update);
  if (changes.length && !dryRun) await client.update('Item_OperatingSystem', link.id, update);
  return { outcome: changes.length ? 'updated' : 'unchanged', changes };
}
