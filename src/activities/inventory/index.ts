import type { InventoryItem } from '../../inventory/inventory-schema';
import { ensureContract } from './ensure-contract';
import { ensureEntities } from './ensure-entities';
import type { InventoryDeps, ItemStepInput } from './inventory-deps';
import { listMissingHosts } from './missing-hosts';
import { prepareInventory } from './prepare-inventory';
import { planInventoryChunk, syncInventoryChunk } from './sync-chunk';
import { upsertComputer } from './upsert-computer';
import { upsertOperatingSystem } from './upsert-operating-system';

export type { ChunkInput, ChunkPlan, ChunkResult } from './sync-chunk';
export type { EntityMap, InventoryDeps, ItemStepInput } from './inventory-deps';
export type { InventoryRef } from './inventory-snapshots';
export type { MissingHost } from './missing-hosts';
export type { PreparedInventory } from './prepare-inventory';
export { InventorySnapshots } from './inventory-snapshots';
export { SourceSnapshots } from './source-snapshot';

/** The inventory activities, each a module-level step bound to the worker's dependencies. */
export function createInventoryActivities(deps: InventoryDeps) {
  return {
    prepareInventory: (input: Parameters<typeof prepareInventory>[1]) => prepareInventory(deps, input),
    ensureEntities: (input: Parameters<typeof ensureEntities>[1]) => ensureEntities(deps, input),
    planInventoryChunk: (input: Parameters<typeof planInventoryChunk>[1]) => planInventoryChunk(deps, input),
    syncInventoryChunk: (input: Parameters<typeof syncInventoryChunk>[1]) => syncInventoryChunk(deps, input),
    upsertComputer: (input: ItemStepInput) => upsertComputer(deps, input),
    upsertOperatingSystem: (input: Parameters<typeof upsertOperatingSystem>[1]) =>
      upsertOperatingSystem(deps, input),
    ensureContract: (input: ItemStepInput & { computerId: number | null }) => ensureContract(deps, input),
    listMissingHosts: (input: Parameters<typeof listMissingHosts>[1]) => listMissingHosts(deps, input),
  };
}

export type { InventoryItem };
