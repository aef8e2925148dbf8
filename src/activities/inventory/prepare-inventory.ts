import { normaliseEntityPath } from '../../inventory/entity-path';
import { validateItems, type RejectedRow } from '../../inventory/inventory-schema';
import { defaultSourceFor } from '../../inventory/read-inventory';
import type { InventoryDeps } from './inventory-deps';
import type { InventoryRef } from './inventory-snapshots';

/** A run's inventory, read and checked once at its start. */
export interface PreparedInventory {
  source: string;
  /** Valid hosts. */
  total: number;
  rejected: RejectedRow[];
  /** Every entity path the hosts name below the sub-entity. */
  entityPaths: string[];
  /** A file or URL: what later steps load. */
  ref?: InventoryRef;
  /** An inline inventory: positions of the valid entries in `items`. */
  accepted?: number[];
}

/**
 * Reads the inventory (a file or URL once per run, kept as the run's snapshot), validates every row and
 * reports the rejected ones; nothing is written to GLPI.
 */
export async function prepareInventory(
  deps: InventoryDeps,
  input: { location?: string; inline?: { source?: string; items: unknown[] }; source?: string },
): Promise<PreparedInventory> {
  if (input.inline) {
    const { items, rejected } = validateItems(input.inline.items);
    const bad = new Set(rejected.map((r) => r.row - 1));
    return {
      source: input.source ?? input.inline.source ?? '',
      total: items.length,
      rejected,
      entityPaths: distinctPaths(items),
      accepted: input.inline.items.map((_e, i) => i).filter((i) => !bad.has(i)),
    };
  }
  const location = input.location ?? '';
  const { ref, inventory } = await deps.snapshots.prepare(
    location,
    input.source ?? defaultSourceFor(location),
  );
  return {
    source: input.source ?? inventory.source,
    total: inventory.items.length,
    rejected: inventory.rejected,
    entityPaths: distinctPaths(inventory.items),
    ref,
  };
}

function distinctPaths(items: { entity?: string }[]): string[] {
  return [...new Set(items.map((i) => normaliseEntityPath(i.entity)).filter((p) => p !== ''))];
}
