import { log, metricMeter } from '@temporalio/activity';
import axios from 'axios';
import type { AlertEvent, AlertKey } from '../../alerts/alert-event';
import type { TicketPolicy } from '../../alerts/ticket-policy';
import {
  followupText,
  glpiBody,
  textFormatOf,
  ticketBody,
  ticketTitle,
  type FollowupKind,
  type NotifiedAlert,
} from '../../alerts/ticket-text';
import { GlpiNotFoundError, GlpiRequestError } from '../../glpi/errors';
import type { GlpiClient } from '../../glpi/glpi-client';
import { DropdownResolver, findContaining, findExact, likePattern } from '../../glpi/lookups';
import { eventMarker, ticketMarker } from '../../glpi/markers';
import { glpiText } from '../../glpi/text';
import { isSolvedOrClosed, TICKET_STATUS, ticketStatusName } from '../../glpi/ticket-status';
import type { GlpiSessions } from '../glpi-sessions';
import { ambiguityNote, findHostComputers, hostIdentity } from './host-lookup';
import {
  actorInput,
  defaultTicketEntity,
  findActor,
  findCategory,
  glpiDateTime,
  readUtcOffset,
} from './ticket-setup';

/** Ticket work shares one GLPI session per worker, with every entity active (tickets go to many). */
const TICKETS_SESSION = 'tickets';

/** Names looked up in GLPI (entity, category, actors, clock) are kept this long per worker. */
const LOOKUP_TTL_MS = 5 * 60_000;

export type { AlertKey };

/** A ticket's status as GLPI showed it to an activity. */
export interface TicketStatusSeen {
  status: number;
  /** `new`, `assigned`, … `solved`, `closed`; `deleted` when the ticket is gone or in the trash. */
  name: string;
  /** People (or GLPI) are done with it: solved, closed or deleted. Nothing is written to it unasked. */
  done: boolean;
}

export interface OpenTicketInput {
  key: AlertKey;
  /** Stable for one incident of the key, across retries and continue-as-new: part of the ticket's marker. */
  incident: string;
  /** The notification the ticket opens with (the latest one, when the flap gate saw several). */
  event: AlertEvent;
  /** When the problem started (the first firing's own time, else when the bridge received it): the opening date. */
  startedAt?: string;
  /** The policy the workflow read at its start. */
  policy: TicketPolicy;
  /** GLPI_ENTITY, the bridge's sub-entity under the root. */
  subEntity: string;
}

export interface OpenedTicket {
  ticketId: number;
  created: boolean;
  /** Every computer the ticket is linked to; several when the alert could not tell them apart. */
  computerIds: number[];
  entityId: number;
  /** The request source, for the follow-ups. */
  requestTypeId: number;
  /** The alert matched several computers. */
  ambiguousHost: boolean;
  warnings: string[];
}

export interface FollowupInput {
  ticketId: number;
  /** The incident and the sequence number of this write in it: its marker, so it is written once. */
  incident: string;
  seq: number;
  kind: FollowupKind;
  event: AlertEvent;
  /** What was last written about the alert; an update says only what changed since. */
  previous?: NotifiedAlert;
  /** The request source (from `openTicket`): follow-ups carry the ticket's own. */
  requestTypeId: number;
  /** Reopens the ticket (a re-fire after recovery). Otherwise a ticket that is done is not written to. */
  reopen?: boolean;
}

export interface WriteResult {
  /** Written now; false when an earlier attempt had written it, or when the ticket was done (`refused`). */
  written: boolean;
  /** The ticket was solved, closed or deleted by people: nothing was written. */
  refused: boolean;
  /** The status read before writing (after it, for a reopen). */
  status: TicketStatusSeen;
}

export interface SolveInput {
  ticketId: number;
  incident: string;
  seq: number;
  /** The recovery: its own text goes into the solution. */
  event: AlertEvent;
}

export interface TicketDeps {
  sessions: GlpiSessions;
  dropdowns: DropdownResolver;
  /** Sent as `X-Glpi-Bridge-Token` with outbound webhooks, when set. */
  outboundToken?: string;
}

/** Values looked up by name, kept a few minutes; forgotten when a ticket creation fails. */
class LookupCache {
  private readonly entries = new Map<string, { at: number; value: Promise<unknown> }>();
  get<T>(key: string, load: () => Promise<T>, ttlMs = LOOKUP_TTL_MS): Promise<T> {
    const hit = this.entries.get(key);
    if (hit && Date.now() - hit.at < ttlMs) return hit.value as Promise<T>;
    const value = load();
    this.entries.set(key, { at: Date.now(), value });
    value.catch(() => this.entries.delete(key));
    return value;
  }
  clear(): void {
    this.entries.clear();
  }
}

let ambiguousHosts = 0;

/**
 * Runs calls with the same key one after the other in this worker. A local activity can be started again
 * while its first execution still runs (its workflow task timed out under load); run in turn, the second
 * one's look-before-write sees what the first wrote.
 */
class InTurn {
  private readonly running = new Map<string, Promise<unknown>>();
  run<T>(key: string, call: () => Promise<T>): Promise<T> {
    const before = this.running.get(key) ?? Promise.resolve();
    const mine = before.catch(() => undefined).then(call);
    this.running.set(key, mine);
    const forget = () => {
      if (this.running.get(key) === mine) this.running.delete(key);
    };
    mine.then(forget, forget);
    return mine;
  }
}

export function createTicketActivities({ sessions, dropdowns, outboundToken }: TicketDeps) {
  const client = () => sessions.client(TICKETS_SESSION, 0);
  const cache = new LookupCache();
  const inTurn = new InTurn();
  const ambiguousCounter = () => {
    try {
      return metricMeter.createCounter(
        'glpi_bridge_ambiguous_hosts',
        'alerts',
        'Alerts whose host matched several computers',
      );
    } catch {
      return undefined;
    }
  };

  async function findTicket(glpi: GlpiClient, marker: string): Promise<number | undefined> {
    const features = await glpi.features();
    const rows = features.ticketExternalId
      ? await findExact(glpi, 'Ticket', 'externalid', marker)
      : await findContaining(glpi, 'Ticket', 'content', marker);
    return rows[0]?.id;
  }

  /** The ticket's status; a ticket that is gone or in the trash is "deleted", and done. */
  async function ticketStatus(
    glpi: GlpiClient,
    ticketId: number,
  ): Promise<{ seen: TicketStatusSeen; row?: Record<string, unknown> }> {
    try {
      const row = await glpi.getItem('Ticket', ticketId);
      if (Number(row.is_deleted ?? 0) === 1)
        return { seen: { status: Number(row.status), name: 'deleted', done: true }, row };
      const status = Number(row.status);
      return { seen: { status, name: ticketStatusName(status), done: isSolvedOrClosed(status) }, row };
    } catch (err) {
      if (err instanceof GlpiNotFoundError) return { seen: { status: 0, name: 'deleted', done: true } };
      throw err;
    }
  }

  async function format(glpi: GlpiClient) {
    return textFormatOf((await glpi.version()).major);
  }

  /** Opens the problem's ticket, or finds the one an earlier attempt created (exactly-once creation). */
  async function openTicket(input: OpenTicketInput): Promise<OpenedTicket> {
    try {
      return await inTurn.run(ticketMarker(input.key, input.incident), () => open(input));
    } catch (err) {
      // An id looked up earlier may be what GLPI now refuses (an entity or category deleted): look again.
      cache.clear();
      throw err;
    }
  }

  async function open({
    key,
    incident,
    event,
    startedAt,
    policy,
    subEntity,
  }: OpenTicketInput): Promise<OpenedTicket> {
    const glpi = await client();
    // Entities created since the session began are invisible until the active entities are recomputed.
    await glpi.changeActiveEntities(0, true);
    const version = await glpi.version();
    const features = await glpi.features();
    const warnings: string[] = [];

    const identity = hostIdentity(event, policy.hostIdLabel);
    const match = await findHostComputers(glpi, identity);
    if (match.ambiguous) {
      ambiguousHosts += 1;
      ambiguousCounter()?.add(1);
      log.warn('alert host matches several computers: the ticket is linked to every one', {
        alertKey: `${key.source}/${key.dedupKey}`,
        host: identity.name,
        computerIds: match.computers.map((c) => c.id),
        ambiguousHostsSinceStart: ambiguousHosts,
      });
      warnings.push(
        `host '${identity.name}' matches ${match.computers.length} computers (ids ${match.computers
          .map((c) => c.id)
          .join(', ')}): the ticket is linked to all of them; give the alert a serial number or inventory id`,
      );
    }
    const entities = [...new Set(match.computers.map((c) => c.entityId))];
    let entityId: number;
    if (entities.length === 1) entityId = entities[0]!;
    else {
      const fallback = await cache.get(
        `entity\u0000${policy.defaultEntity ?? ''}\u0000${subEntity}`,
        async () => {
          const configured = await defaultTicketEntity(glpi, policy.defaultEntity, subEntity, true);
          if (configured.entity) return configured;
          const sub = await defaultTicketEntity(glpi, undefined, subEntity, true);
          return { ...sub, problem: configured.problem };
        },
      );
      entityId = fallback.entity!.id;
      if (fallback.problem) warnings.push(`${fallback.problem}: the ticket went to ${fallback.description}`);
    }

    const typeId = (await dropdowns.resolve(glpi, 'RequestType', policy.requestSource))!;
    const marker = ticketMarker(key, incident);
    const existing = await findTicket(glpi, marker);
    const opened = (ticketId: number, created: boolean): OpenedTicket => ({
      ticketId,
      created,
      computerIds: match.computers.map((c) => c.id),
      entityId,
      requestTypeId: typeId,
      ambiguousHost: match.ambiguous,
      warnings,
    });
    if (existing !== undefined) return opened(existing, false);

    let categoryId = 0;
    if (policy.category) {
      const category = policy.category;
      const found = await cache.get(`category\u0000${category}`, () => findCategory(glpi, category));
      if (found !== undefined) categoryId = found;
      else
        warnings.push(`ITIL category '${category}' does not exist in GLPI: ticket opened without a category`);
    }
    const actorIds = async (role: 'requester' | 'assignee') => {
      const actor = policy[role];
      if (actor.kind === 'none') return { kind: actor.kind };
      const id = await cache.get(`actor\u0000${actor.kind}\u0000${actor.name}`, () => findActor(glpi, actor));
      if (id === undefined)
        warnings.push(
          `${role} ${actor.kind} '${actor.name}' does not exist in GLPI: ticket opened without it`,
        );
      return { kind: actor.kind, id };
    };
    const values: Record<string, unknown> = {
      name: ticketTitle(policy, event, key),
      content: glpiBody(
        ticketBody(policy, event, key, match.ambiguous ? [ambiguityNote(identity, match)] : []),
        textFormatOf(version.major),
        // GLPI 11 keeps the marker in the ticket's external id, out of people's sight.
        features.ticketExternalId ? undefined : marker,
      ),
      entities_id: entityId,
      type: 1,
      urgency: policy.severity[event.severity].urgency,
      impact: policy.severity[event.severity].impact,
      requesttypes_id: typeId,
      itilcategories_id: categoryId,
      ...actorInput(version, await actorIds('requester'), await actorIds('assignee')),
    };
    const offset = await cache.get('clock', () => readUtcOffset(glpi).catch(() => undefined), 10 * 60_000);
    if (offset !== undefined) {
      // The problem's start, never in the future (a monitoring clock ahead of ours).
      const started = Math.min(Date.parse(startedAt ?? '') || Date.now(), Date.now());
      values.date = glpiDateTime(started, offset);
    }
    if (features.ticketExternalId) values.externalid = marker;
    if (match.computers.length) values.items_id = { Computer: match.computers.map((c) => c.id) };
    return opened(await glpi.add('Ticket', values), true);
  }

  /** The ticket's follow-ups are searched for the marker (not all read: a long incident has many). */
  async function followupExists(glpi: GlpiClient, ticketId: number, marker: string): Promise<boolean> {
    const features = await glpi.features();
    const rows = await glpi.getAllItems(`Ticket/${ticketId}/${features.followup}`, {
      searchText: { content: likePattern(marker, false) },
    });
    return rows.some((r) => glpiText(r.content).includes(marker));
  }

  /**
   * Adds a follow-up once (its marker is looked for first). The ticket's status is read first: a ticket
   * people solved, closed or deleted is not written to (`refused`), unless this follow-up reopens it.
   */
  async function addTicketFollowup(input: FollowupInput): Promise<WriteResult> {
    return inTurn.run(eventMarker(input.incident, input.seq), () => addFollowup(input));
  }

  async function addFollowup(input: FollowupInput): Promise<WriteResult> {
    const glpi = await client();
    const before = (await ticketStatus(glpi, input.ticketId)).seen;
    if (before.done && (!input.reopen || before.name === 'deleted'))
      return { written: false, refused: true, status: before };
    const marker = eventMarker(input.incident, input.seq);
    if (await followupExists(glpi, input.ticketId, marker))
      return {
        written: false,
        refused: false,
        status: input.reopen ? (await ticketStatus(glpi, input.ticketId)).seen : before,
      };
    const features = await glpi.features();
    const content = glpiBody(
      followupText(input.kind, input.event, input.previous),
      await format(glpi),
      marker,
    );
    const values: Record<string, unknown> =
      features.followup === 'ITILFollowup'
        ? { itemtype: 'Ticket', items_id: input.ticketId, content }
        : { tickets_id: input.ticketId, content };
    values.is_private = 0;
    values.requesttypes_id = input.requestTypeId;
    if (input.reopen) values.add_reopen = 1;
    await glpi.add(features.followup, values);
    const status = input.reopen ? (await ticketStatus(glpi, input.ticketId)).seen : before;
    return { written: true, refused: false, status };
  }

  /** True when this incident's solution (its marker) is already on the ticket. */
  async function ourSolution(
    glpi: GlpiClient,
    ticket: Record<string, unknown> | undefined,
    ticketId: number,
    marker: string,
  ) {
    const features = await glpi.features();
    if (features.solution === 'ticket-field') return glpiText(ticket?.solution).includes(marker);
    const rows = await glpi.getAllItems(`Ticket/${ticketId}/ITILSolution`);
    return rows.some((r) => glpiText(r.content).includes(marker));
  }

  /**
   * Solves the ticket with the version's solution record, carrying the recovery's own text. A ticket that
   * is already done is left as it is: `written: false`, and `refused` unless the solution there is ours
   * (an earlier attempt whose answer was lost).
   */
  async function solveTicket(input: SolveInput): Promise<WriteResult> {
    return inTurn.run(eventMarker(input.incident, input.seq), () => solve(input));
  }

  async function solve(input: SolveInput): Promise<WriteResult> {
    const glpi = await client();
    const marker = eventMarker(input.incident, input.seq);
    const { seen, row } = await ticketStatus(glpi, input.ticketId);
    if (seen.done) {
      const ours = seen.name !== 'deleted' && (await ourSolution(glpi, row, input.ticketId, marker));
      return { written: false, refused: !ours, status: seen };
    }
    const features = await glpi.features();
    const content = glpiBody(followupText('recovery', input.event), await format(glpi), marker);
    if (features.solution === 'ticket-field') {
      // GLPI 9.1 solves only when the solution changes; `status` makes a second solution (after a reopen) count.
      await glpi.update('Ticket', input.ticketId, {
        solution: content,
        solutiontypes_id: 0,
        status: TICKET_STATUS.solved,
      });
    } else {
      try {
        await glpi.add('ITILSolution', {
          itemtype: 'Ticket',
          items_id: input.ticketId,
          content,
          solutiontypes_id: 0,
        });
      } catch (err) {
        // Solved between our read and our write: by an earlier attempt of ours (lost answer) or by people.
        if (!(err instanceof GlpiRequestError && /already solved/i.test(err.message))) throw err;
        const again = await ticketStatus(glpi, input.ticketId);
        const ours = await ourSolution(glpi, again.row, input.ticketId, marker);
        return { written: false, refused: !ours, status: again.seen };
      }
    }
    return { written: true, refused: false, status: (await ticketStatus(glpi, input.ticketId)).seen };
  }

  async function readTicketStatus(input: { ticketId: number }): Promise<TicketStatusSeen> {
    return (await ticketStatus(await client(), input.ticketId)).seen;
  }

  /** Tells the monitoring side that people solved or closed a ticket while its alert still fires. */
  async function notifyTicketChange(input: { url: string; payload: Record<string, unknown> }): Promise<void> {
    await axios.post(input.url, input.payload, {
      timeout: 10_000,
      headers: outboundToken ? { 'X-Glpi-Bridge-Token': outboundToken } : {},
    });
  }

  return { openTicket, addTicketFollowup, solveTicket, readTicketStatus, notifyTicketChange };
}
