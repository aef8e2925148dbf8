import { resolveEntityPaths } from '../../glpi/entities';
import type { EntityMap, InventoryDeps } from './inventory-deps';

/**
 * The bridge's sub-entity under the root entity and every entity path the inventory names below it,
 * created once, level by level, when missing (in a dry run: listed as to be created). The session is then
 * left with the sub-entity active, recursively, so that what the run creates below it is writable.
 */
export async function ensureEntities(
  deps: InventoryDeps,
  input: { handle: string; name: string; paths: string[]; dryRun?: boolean },
): Promise<EntityMap> {
  const client = await deps.sessions.client(input.handle);
  return resolveEntityPaths(client, input);
}
