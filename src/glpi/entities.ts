import { GlpiRequestError } from './errors';
import type { GlpiClient } from './glpi-client';
import { textCriterion } from './lookups';
import { glpiText } from './text';
import { entitySegments, withParents, ENTITY_SEPARATOR } from '../inventory/entity-path';

/** An entity and its complete name (`Root entity > Supervision > Client A`), as GLPI spells it. */
export interface EntityRef {
  id: number;
  completename: string;
}

/** The root entity; its name depends on the language GLPI was installed in. */
export async function rootEntity(client: GlpiClient): Promise<EntityRef> {
  const row = await client.getItem('Entity', 0);
  return { id: 0, completename: glpiText(row.completename ?? row.name) };
}

/**
 * The child `name` of `parent`, found with /search on its name (option 14) and checked on its complete
 * name (option 1): the one way that works on every version (GLPI 9.1 reads `GET /Entity` and
 * `GET /Entity/:id/Entity` as "Entity 0" and answers 404 instead of a list; its Entity search has no parent
 * option). Only entities the session has active are visible.
 */
export async function findChildEntity(
  client: GlpiClient,
  parent: EntityRef,
  name: string,
): Promise<EntityRef | undefined> {
  const completename = `${parent.completename} > ${name}`;
  const rows = await client.searchAll('Entity', {
    criteria: [textCriterion(14, name)],
    forcedisplay: [1, 14],
  });
  const row = rows
    .filter((r) => glpiText(r['1']) === completename)
    .sort((a, b) => Number(a['2']) - Number(b['2']))[0];
  return row ? { id: Number(row['2']), completename } : undefined;
}

/**
 * The child `name` of `parent`, created when missing. A create that GLPI refuses because another worker
 * (or a lost earlier attempt) made it first is answered by looking again.
 */
export async function ensureChildEntity(
  client: GlpiClient,
  parent: EntityRef,
  name: string,
): Promise<{ entity: EntityRef; created: boolean }> {
  const existing = await findChildEntity(client, parent, name);
  if (existing) return { entity: existing, created: false };
  try {
    const id = await client.add('Entity', { name, entities_id: parent.id });
    return { entity: { id, completename: `${parent.completename} > ${name}` }, created: true };
  } catch (err) {
    if (!(err instanceof GlpiRequestError)) throw err;
    // A new entity is invisible to this session until its active entities are recomputed.
    await client.changeActiveEntities(client.activeEntityId ?? 0, true);
    const again = await findChildEntity(client, parent, name);
    if (!again) throw err;
    return { entity: again, created: false };
  }
}

/** An entity of the run: found or created (`ref`), or one a dry run would create (`ref: null`). */
interface Resolved {
  ref: EntityRef | null;
  completename: string;
}

/**
 * Where a run's hosts go: the bridge's sub-entity and the entity of each path the inventory names below it
 * (`''` is the sub-entity itself). `null` is an entity a dry run would create.
 */
export interface EntityMap {
  subEntityId: number | null;
  byPath: Record<string, number | null>;
  /** Complete names of the entities created (in a dry run: that would be). */
  created: string[];
}

/**
 * The sub-entity `name` under the root entity and every entity path below it, created once, level by
 * level, when missing (`dryRun`: only listed as to be created). The session is then left with the
 * sub-entity active, recursively, so that what is created below it is writable. What a sync and
 * `check --file` share.
 */
export async function resolveEntityPaths(
  client: GlpiClient,
  input: { name: string; paths: string[]; dryRun?: boolean },
): Promise<EntityMap> {
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
