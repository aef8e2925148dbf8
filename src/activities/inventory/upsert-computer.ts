import { findContaining } from '../../glpi/lookups';
import { inventoryMarker } from '../../glpi/markers';
import { glpiText, sameGlpiText } from '../../glpi/text';
import { adoptionNote } from '../../inventory/host-matching';
import type { ComputerResult } from '../../inventory/item-report';
import { changedFields, commentWithMarker, computerFields } from '../../inventory/mapping';
import { AttemptNotes } from '../attempt-notes';
import { findHostComputers } from './host-lookup';
import { dropdownIds, entityOf, type InventoryDeps, type ItemStepInput } from './inventory-deps';

/**
 * The host's computer: found by marker, serial or name (see matchHost), updated where the mapping says it
 * differs, else created in the host's entity with the marker in its comment. Looks before it writes.
 */
export async function upsertComputer(deps: InventoryDeps, input: ItemStepInput): Promise<ComputerResult> {
  const { handle, entities, source, item, dryRun = false } = input;
  const entityId = entityOf(entities, item);
  if (entityId === null || entities.subEntityId === null)
    return { computerId: null, outcome: 'created', changes: ['computer'] };
  const client = await deps.sessions.client(handle, entities.subEntityId);
  const marker = inventoryMarker(source, item.id);
  const notes = AttemptNotes.current();
  const desired = computerFields(item, await dropdownIds(deps, client, item, dryRun), entityId);
  const found = (await findHostComputers(client, source, [item])).get(item.id);
  if (!found) {
    const trashed = (await findContaining(client, 'Computer', 'comment', marker, { deleted: true }))[0];
    if (trashed) {
      return {
        computerId: null,
        outcome: 'unchanged',
        changes: [],
        warning: `computer ${trashed.id} of this host is in GLPI's trash: not recreated (restore it, or purge it to have it created again)`,
      };
    }
    if (dryRun) return { computerId: null, outcome: 'created', changes: Object.keys(desired) };
    notes.aboutToCreate([marker]);
    const computerId = await client.add('Computer', { ...desired, comment: marker, is_dynamic: 0 });
    return { computerId, outcome: 'created', changes: Object.keys(desired), createdNow: true };
  }
  const { row, match } = found;
  const update: Record<string, unknown> = changedFields(row, desired, sameGlpiText);
  // Adopting a computer: what people wrote in its comment stays, the marker is added.
  const comment = commentWithMarker(glpiText(row.comment), marker);
  if (comment !== undefined) update.comment = comment;
  const changes = Object.keys(update);
  const warning = adoptionNote(match);
  if (changes.length === 0) {
    const earlier = notes.createdEarlier(marker);
    return {
      computerId: row.id,
      outcome: earlier ? 'created' : 'unchanged',
      changes: earlier ? Object.keys(desired) : [],
      matchedBy: match.matchedBy,
    };
  }
  if (!dryRun) await client.update('Computer', row.id, update);
  return { computerId: row.id, outcome: 'updated', changes, matchedBy: match.matchedBy, warning };
}
