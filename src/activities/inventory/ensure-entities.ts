import { ensureChildEntity, findChildEntity, rootEntity, type EntityRef } from '../../glpi/entities';
import { entitySegments, withParents, ENTITY_SEPARATOR } from '../../inventory/entity-path';
import type { EntityMap, InventoryDeps } from './inventory-deps';

/** An entity of the run: found or created (`ref`), or one a dry run would create (`ref: null`). */
interface Resolved {
  ref: EntityRef | null;
  completename: string;
}

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
  const dryRun = input.dryRun ?? false;
  // Recompute the active entities first: entities made since the session began are invisible otherwise.
  await client.changeActiveEntities(0, true);
  const created: string[] = [];

  const ensure = async (parent: Resolved, name: string): Promise<Resolved> => {
    const completename = `${parent.completename}${ENTITY_SEPARATOR}${name}`;
    if (parent.ref && dryRun) {
      const found = await findChildEntity(client, parent.ref, name);
      if (found) return { ref: found, completename };
    } else if (parent.ref) {
      const { entity, created: made } = await ensureChildEntity(client, parent.ref, name);
      if (made) {
        created.push(completename);
        // A new entity's children can only be made once the session sees it.
        await client.changeActiveEntities(0, true);
      }
      return { ref: entity, completename };
    }
    created.push(completename);
    return { ref: null, completename };
  };

  const root = await rootEntity(client);
  const resolved = new Map<string, Resolved>();
  resolved.set('', await ensure({ ref: root, completename: root.completename }, input.name));
  for (const path of withParents(input.paths)) {
    const segments = entitySegments(path);
    const parent = resolved.get(segments.slice(0, -1).join(ENTITY_SEPARATOR))!;
    resolved.set(path, await ensure(parent, segments.at(-1)!));
  }
  const sub = resolved.get('')!.ref;
  if (sub) await client.changeActiveEntities(sub.id, true);
  return {
    subEntityId: sub?.id ?? null,
    byPath: Object.fromEntries([...resolved].map(([path, r]) => [path, r.ref?.id ?? null])),
    created,
  };
}
