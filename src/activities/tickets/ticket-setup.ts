import { normaliseGlpiPath, type TicketActor } from '../../alerts/ticket-policy';
import { ensureChildEntity, findChildEntity, rootEntity, type EntityRef } from '../../glpi/entities';
import type { GlpiClient } from '../../glpi/glpi-client';
import { textCriterion } from '../../glpi/lookups';
import { glpiText } from '../../glpi/text';
import type { GlpiVersion } from '../../glpi/version';

/**
 * What a ticket's creation needs from GLPI besides the alert: the default entity, the category, the
 * actors, the server's clock. Each is looked up by name (as configured) and shared by `openTicket` and
 * `check`, so that `check` validates exactly what tickets will use.
 */

// ---- entity ----

export interface DefaultEntity {
  entity?: EntityRef;
  /** How it was chosen, for `check` and warnings. */
  description: string;
  /** Why the configured entity could not be used. */
  problem?: string;
}

/** `Root entity > Supervision > NOC` or `Supervision > NOC` → `['Supervision', 'NOC']` (the root's name optional). */
function pathBelowRoot(path: string, root: EntityRef): string[] {
  const levels = normaliseGlpiPath(path).split(' > ');
  return levels[0] === root.completename ? levels.slice(1) : levels;
}

/**
 * The entity of a ticket whose host matches no computer: the configured path (`root` for the root entity),
 * else the bridge's sub-entity, created when `create` is set and it is missing (as the first sync would).
 */
export async function defaultTicketEntity(
  glpi: GlpiClient,
  configured: string | undefined,
  subEntity: string,
  create: boolean,
): Promise<DefaultEntity> {
  const root = await rootEntity(glpi);
  if (configured !== undefined && configured.trim().toLowerCase() === 'root')
    return {
      entity: root,
      description: `the root entity '${root.completename}' (TICKET_DEFAULT_ENTITY=root)`,
    };
  if (configured !== undefined && configured.trim() !== '') {
    let at: EntityRef | undefined = root;
    for (const level of pathBelowRoot(configured, root)) {
      at = await findChildEntity(glpi, at, level);
      if (!at) break;
    }
    if (at) return { entity: at, description: `'${at.completename}' (TICKET_DEFAULT_ENTITY)` };
    return {
      description: `'${configured}' (TICKET_DEFAULT_ENTITY)`,
      problem: `the entity '${normaliseGlpiPath(configured)}' does not exist in GLPI (TICKET_DEFAULT_ENTITY)`,
    };
  }
  const description = `the bridge's sub-entity '${root.completename} > ${subEntity}' (GLPI_ENTITY)`;
  if (!create) return { entity: await findChildEntity(glpi, root, subEntity), description };
  const { entity, created } = await ensureChildEntity(glpi, root, subEntity);
  // A new entity is not writable in this session until the active entities are recomputed.
  if (created) await glpi.changeActiveEntities(0, true);
  return { entity, description };
}

// ---- category, users, groups ----

/**
 * The item whose search option 1 (a tree dropdown's complete name, a user's login) is exactly `value`:
 * /search with a LIKE pattern safe on every version, then an exact comparison here. The lowest id wins.
 */
async function findByOption1(glpi: GlpiClient, itemtype: string, value: string): Promise<number | undefined> {
  const rows = await glpi.searchAll(itemtype, { criteria: [textCriterion(1, value)], forcedisplay: [1] });
  return rows
    .filter((r) => glpiText(r['1']) === value)
    .map((r) => Number(r['2']))
    .sort((x, y) => x - y)[0];
}

/** The ITIL category with this complete name, if it exists. */
export async function findCategory(glpi: GlpiClient, path: string): Promise<number | undefined> {
  return findByOption1(glpi, 'ITILCategory', normaliseGlpiPath(path));
}

/** The id of a configured user (by login name) or group (by complete name); undefined when it does not exist. */
export async function findActor(glpi: GlpiClient, actor: TicketActor): Promise<number | undefined> {
  if (actor.kind === 'none') return undefined;
  return findByOption1(glpi, actor.kind === 'user' ? 'User' : 'Group', actor.name);
}

/**
 * The ticket input that makes the actors exactly what is configured, on every version. GLPI 9.x fills
 * in the API user as technician ("default technician", on in a stock install) unless `_users_id_assign`
 * is an array (`0` does not stop it, `[]` does), and as requester unless `_users_id_requester` is set
 * (`0` means none); 10.0+ adds neither, so nothing is sent for "none" there.
 */
export function actorInput(
  version: GlpiVersion,
  requester: { kind: TicketActor['kind']; id?: number },
  assignee: { kind: TicketActor['kind']; id?: number },
): Record<string, unknown> {
  const legacy = version.major < 10;
  const input: Record<string, unknown> = {};
  if (requester.kind === 'user' && requester.id) input._users_id_requester = requester.id;
  else if (legacy) input._users_id_requester = 0;
  if (requester.kind === 'group' && requester.id) input._groups_id_requester = requester.id;
  if (assignee.kind === 'user' && assignee.id) input._users_id_assign = assignee.id;
  else if (legacy) input._users_id_assign = [];
  if (assignee.kind === 'group' && assignee.id) input._groups_id_assign = assignee.id;
  return input;
}

// ---- clock ----

/**
 * GLPI writes and reads dates in its server's local time (10.0: the session's timezone). The offset is the
 * difference between getFullSession's `glpi_currenttime` and the same answer's HTTP `Date` (or this
 * machine's clock when the header is missing), rounded to the quarter hour, which absorbs transit time
 * and clock skew. Undefined when GLPI does not say.
 */
export function utcOffsetMinutes(
  clock: { local?: string; httpDate?: string },
  receivedAtMs: number,
): number | undefined {
  if (!clock.local || !/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/.test(clock.local)) return undefined;
  const local = Date.parse(`${clock.local.replace(' ', 'T')}Z`);
  const reference = clock.httpDate ? Date.parse(clock.httpDate) : receivedAtMs;
  if (Number.isNaN(local) || Number.isNaN(reference)) return undefined;
  return Math.round((local - reference) / 60_000 / 15) * 15;
}

/** A moment as GLPI writes it (`YYYY-MM-DD HH:MM:SS`, what 10.0 requires) in a server `offset` minutes east of UTC. */
export function glpiDateTime(utcMs: number, offsetMinutes: number): string {
  return new Date(utcMs + offsetMinutes * 60_000).toISOString().slice(0, 19).replace('T', ' ');
}

/** `+02:00` */
export function formatOffset(offsetMinutes: number): string {
  const sign = offsetMinutes < 0 ? '-' : '+';
  const abs = Math.abs(offsetMinutes);
  return `${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
}

export async function readUtcOffset(glpi: GlpiClient): Promise<number | undefined> {
  const clock = await glpi.serverClock();
  return utcOffsetMinutes(clock, Date.now());
}
