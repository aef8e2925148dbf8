import type { ItemtypeDef, Lookup, Row } from './itemtypes';
import type { VersionProfile } from './profiles';

/**
 * Ticket rules of real GLPI that the ticket lifecycle depends on, kept apart from the rest of the emulator
 * (sources: /work/research/glpi-behaviours.md §1, §2, §5, read from GLPI's code, and the 9.1.6 captures).
 *
 * - Actors on creation: 9.x assigns the API user as technician ("default technician", on in a stock
 *   install) unless `_users_id_assign` is a non-zero id or an array (`[]` stops it, `0` does not), and
 *   makes it the requester unless `_users_id_requester` is set (`0`: none). 10.0+ adds neither. Given
 *   users and groups become Ticket_User / Group_Ticket rows; an assignment moves a new ticket to status 2.
 * - The opening date: 10.0+ refuses a `date` that is not exactly `Y-m-d H:i:s`; 9.x drops one whose date
 *   part does not parse, and keeps any other.
 * - 9.1's `solution` field solves only when it changes (GLPI compares with the stored value); an explicit
 *   `status` is applied as given. A solution closes at once when the entity's autoclose delay is 0.
 */

/** The Group itemtype and the ticket-group link, which the ticket actors need. */
export function ticketActorItemtypes(): Record<string, ItemtypeDef> {
  return {
    Group: {
      columns: {
        entities_id: 0,
        is_recursive: 1,
        name: null,
        comment: null,
        groups_id: 0,
        completename: null,
        level: 1,
        is_requester: 1,
        is_assign: 1,
        date_mod: null,
        date_creation: null,
      },
      entityAssigned: true,
      hasTrash: false,
      text: ['name', 'comment', 'completename'],
      searchOptions: {
        1: { name: 'Complete name', column: 'completename', equalsOnId: true, datatype: 'itemlink' },
        2: { name: 'ID', column: 'id' },
        14: { name: 'Name', column: 'name' },
      },
      defaultDisplay: [1],
      links: { entities_id: 'Entity' },
    },
    Group_Ticket: {
      columns: { tickets_id: 0, groups_id: 0, type: 1 },
      entityAssigned: false,
      hasTrash: false,
      text: [],
      searchOptions: { 2: { name: 'ID', column: 'id' } },
      defaultDisplay: [2],
      links: { tickets_id: 'Ticket', groups_id: 'Group' },
    },
  };
}

export interface TicketActorRows {
  /** Rows to insert once the ticket has its id (`tickets_id` is added then). */
  rows: { itemtype: 'Ticket_User' | 'Group_Ticket'; values: Record<string, unknown> }[];
  /** Somebody is assigned: a new ticket starts as "Processing (assigned)". */
  assigned: boolean;
}

const REQUESTER = 1;
const ASSIGNED = 2;

function ids(value: unknown): number[] {
  const list = Array.isArray(value) ? value : [value];
  return list.map(Number).filter((n) => Number.isInteger(n) && n > 0);
}

/** Who a new ticket gets as requester and technician, from its input and the acting (API) user. */
export function ticketActors(
  profile: VersionProfile,
  input: Record<string, unknown>,
  apiUserId: number,
): TicketActorRows {
  const legacy = profile.name === '9.1' || profile.name === '9.5';
  const rows: TicketActorRows['rows'] = [];
  const user = (users_id: number, type: number) =>
    rows.push({ itemtype: 'Ticket_User', values: { users_id, type, use_notification: 1 } });
  const group = (groups_id: number, type: number) =>
    rows.push({ itemtype: 'Group_Ticket', values: { groups_id, type } });

  // 9.x: `!isset($input['_users_id_requester'])` → the API user.
  if (legacy && input._users_id_requester === undefined) user(apiUserId, REQUESTER);
  else ids(input._users_id_requester).forEach((id) => user(id, REQUESTER));
  ids(input._groups_id_requester).forEach((id) => group(id, REQUESTER));

  const assign = input._users_id_assign;
  // 9.x: `!isset(...) || $input['_users_id_assign'] == 0` → the API user; `[] == 0` is false in PHP.
  const defaultTech =
    legacy &&
    profile.ticketAssignsCreator &&
    (assign === undefined || (!Array.isArray(assign) && Number(assign) === 0));
  if (defaultTech) user(apiUserId, ASSIGNED);
  else ids(assign).forEach((id) => user(id, ASSIGNED));
  ids(input._groups_id_assign).forEach((id) => group(id, ASSIGNED));

  return { rows, assigned: rows.some((r) => r.values.type === ASSIGNED) };
}

/**
 * What GLPI does with a sent opening date: `undefined` keeps it, `'drop'` ignores it (9.x, with an
 * "incorrect value" message), a string is the refusal message of 10.0+.
 */
export function ticketDateVerdict(profile: VersionProfile, date: unknown): undefined | 'drop' | string {
  if (date === undefined || date === null || date === '' || date === 'NULL') return undefined;
  if (profile.name === '9.1' || profile.name === '9.5') {
    return typeof date === 'string' && /^([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})/.test(date)
      ? undefined
      : 'drop';
  }
  return typeof date === 'string' && /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/.test(date)
    ? undefined
    : 'Incorrect value for date field.';
}

/** The entity's autoclose delay, following "inherit" (-2) up to the root: 0 closes a solved ticket at once. */
export function autocloseDelay(db: Lookup, entityId: number): number {
  for (let id = entityId, depth = 0; depth < 50; depth++) {
    const entity = db.get('Entity', id);
    if (!entity) return -10;
    const delay = Number(entity.autoclose_delay ?? -2);
    if (delay !== -2 || id === 0) return delay;
    id = Number(entity.entities_id);
  }
  return -10;
}

/**
 * 9.1's PUT Ticket with `solution`: the status it leads to, or `undefined` when the solution does not solve
 * (unchanged text, no solution type): then an explicit `status` applies as given.
 */
export function solutionStatus(
  db: Lookup,
  before: Row,
  after: Row,
  input: Record<string, unknown>,
): number | undefined {
  const solutionChanged =
    input.solution !== undefined && after.solution !== before.solution && String(after.solution ?? '') !== '';
  const typeChanged =
    input.solutiontypes_id !== undefined &&
    Number(after.solutiontypes_id) !== Number(before.solutiontypes_id) &&
    Number(after.solutiontypes_id) > 0;
  if (!solutionChanged && !typeChanged) return undefined;
  return autocloseDelay(db, Number(after.entities_id)) === 0 ? 6 : 5;
}
