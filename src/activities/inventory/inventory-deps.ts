import type { EntityMap } from '../../glpi/entities';
import type { GlpiClient } from '../../glpi/glpi-client';
import type { DropdownResolver } from '../../glpi/lookups';
import { normaliseEntityPath } from '../../inventory/entity-path';
import type { InventoryItem } from '../../inventory/inventory-schema';
import { dropdownNames, type DropdownIds } from '../../inventory/mapping';
import type { GlpiSessions } from '../glpi-sessions';
import type { InventorySnapshots } from './inventory-snapshots';
import type { SourceSnapshots } from './source-snapshot';

/** What the inventory activities are built from. */
export interface InventoryDeps {
  sessions: GlpiSessions;
  dropdowns: DropdownResolver;
  snapshots: InventorySnapshots;
  sourceSnapshots: SourceSnapshots;
}

/** Where a run's hosts go, resolved once at its start (src/glpi/entities.ts). */
export type { EntityMap };

/** The input every per-host step takes. */
export interface ItemStepInput {
  /** The GLPI session handle (the session itself stays in the worker). */
  handle: string;
  entities: EntityMap;
  source: string;
  item: InventoryItem;
  dryRun?: boolean;
}

/** The entity a host's computer and contract go to. */
export function entityOf(entities: EntityMap, item: InventoryItem): number | null {
  const id = entities.byPath[normaliseEntityPath(item.entity)];
  if (id === undefined) throw new Error(`entity path '${item.entity ?? ''}' was not resolved for this run`);
  return id;
}

/** The ids of the dropdown values an item names (created when missing, unless in a dry run). */
export async function dropdownIds(
  deps: InventoryDeps,
  client: GlpiClient,
  item: InventoryItem,
  dryRun: boolean,
): Promise<DropdownIds> {
  const ids: DropdownIds = {};
  for (const { itemtype, name, key } of dropdownNames(item))
    ids[key] = await deps.dropdowns.resolve(client, itemtype, name, dryRun);
  return ids;
}
