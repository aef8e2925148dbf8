import { findContaining } from '../../glpi/lookups';
import { inventoryMarkerPrefix, markedHostIds } from '../../glpi/markers';
import { glpiText } from '../../glpi/text';
import type { InventoryDeps } from './inventory-deps';
import type { InventoryRef } from './inventory-snapshots';

export interface MissingHost {
  id: string;
  computerId: number;
  name: string;
}

/**
 * Hosts this source synced before (their marker is on a computer in the sub-entity or below) that the
 * run's inventory lacks: listed, never deleted.
 */
export async function listMissingHosts(
  deps: InventoryDeps,
  input: {
    handle: string;
    subEntityId: number | null;
    source: string;
    /** The run's inventory, whose ids are present; or the ids themselves for an inline inventory. */
    inventory?: InventoryRef;
    presentIds?: string[];
  },
): Promise<MissingHost[]> {
  if (input.subEntityId === null) return [];
  const client = await deps.sessions.client(input.handle, input.subEntityId);
  const ids = input.inventory
    ? (await deps.snapshots.load(input.inventory)).items.map((i) => i.id)
    : (input.presentIds ?? []);
  const present = new Set(ids);
  const rows = await findContaining(client, 'Computer', 'comment', inventoryMarkerPrefix(input.source));
  return rows.flatMap((row) =>
    markedHostIds(glpiText(row.comment), input.source)
      .filter((id) => !present.has(id))
      .map((id) => ({ id, computerId: row.id, name: glpiText(row.name) })),
  );
}
