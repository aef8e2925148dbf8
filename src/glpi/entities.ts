import { GlpiRequestError } from './errors';
import type { GlpiClient } from './glpi-client';
import { textCriterion } from './lookups';
import { glpiText } from './text';

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
