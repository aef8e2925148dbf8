import axios from 'axios';
import type { AlertEvent } from '../../alerts/alert-event';
import { renderTemplate, type TicketPolicy } from '../../alerts/ticket-policy';
import { GlpiRequestError } from '../../glpi/errors';
import type { GlpiClient } from '../../glpi/glpi-client';
import { DropdownResolver, findContaining, findExact } from '../../glpi/lookups';
import { eventMarker, hasAnyMarker, ticketMarker } from '../../glpi/markers';
import { glpiText } from '../../glpi/text';
import { isSolvedOrClosed } from '../../glpi/ticket-status';
import { compareVersion } from '../../glpi/version';
import type { GlpiSessions } from '../glpi-sessions';

/** Ticket work shares one GLPI session per worker, with every entity active (tickets go to many). */
const TICKETS_SESSION = 'tickets';

export interface AlertKey {
  source: string;
  dedupKey: string;
}

export interface OpenTicketInput {
  key: AlertKey;
  /** Stable for one incident of the key, across retries and continue-as-new: part of the ticket's marker. */
  incident: string;
  event: AlertEvent;
  policy: TicketPolicy;
}

export interface OpenedTicket {
  ticketId: number;
  created: boolean;
  computerId: number | null;
  entityId: number;
  warnings: string[];
}

export interface TicketDeps {
  sessions: GlpiSessions;
  dropdowns: DropdownResolver;
  /** Sent as `X-Glpi-Bridge-Token` with outbound webhooks, when set. */
  outboundToken?: string;
}

function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** GLPI 10+ stores ticket text as HTML; 9.x as plain text. Non-BMP characters do not fit 9.x's utf8 tables. */
async function richText(client: GlpiClient, text: string): Promise<string> {
  const version = await client.version();
  if (compareVersion(version, 10) < 0) return text.replace(/[\u{10000}-\u{10FFFF}]/gu, '\uFFFD');
  return text
    .split(/\n{2,}/)
    .map((p) => `<p>${escapeHtml(p).replace(/\n/g, '<br>')}</p>`)
    .join('');
}

export function createTicketActivities({ sessions, dropdowns, outboundToken }: TicketDeps) {
  const client = () => sessions.client(TICKETS_SESSION, 0);

  async function findTicket(glpi: GlpiClient, marker: string): Promise<number | undefined> {
    const features = await glpi.features();
    const rows = features.ticketExternalId
      ? await findExact(glpi, 'Ticket', 'externalid', marker)
      : await findContaining(glpi, 'Ticket', 'content', marker);
    return rows[0]?.id;
  }

  async function findComputer(
    glpi: GlpiClient,
    event: AlertEvent,
  ): Promise<{ id: number; entityId: number } | undefined> {
    const pick = (rows: { id: number; entities_id?: unknown; comment?: unknown }[]) => {
      // Several computers with one name: prefer the one the inventory sync manages.
      const row = rows.find((r) => hasAnyMarker(glpiText(r.comment))) ?? rows[0];
      return row ? { id: row.id, entityId: Number(row.entities_id) } : undefined;
    };
    const byName = pick(await findExact(glpi, 'Computer', 'name', event.host.name));
    if (byName) return byName;
    return event.host.serial
      ? pick(await findExact(glpi, 'Computer', 'serial', event.host.serial))
      : undefined;
  }

  async function followupExists(glpi: GlpiClient, ticketId: number, marker: string): Promise<boolean> {
    const features = await glpi.features();
    const rows = await glpi.getAllItems(`Ticket/${ticketId}/${features.followup}`);
    return rows.some((r) => glpiText(r.content).includes(marker));
  }

  /** Opens the problem's ticket, or finds the one an earlier attempt created (exactly-once creation). */
  async function openTicket(input: OpenTicketInput): Promise<OpenedTicket> {
    const { key, incident, event, policy } = input;
    const glpi = await client();
    const marker = ticketMarker(key, incident);
    // Entities created since the session began are invisible until the active entities are recomputed.
    await glpi.changeActiveEntities(0, true);
    const computer = await findComputer(glpi, event);
    const entityId = computer?.entityId ?? policy.defaultEntityId;
    const existing = await findTicket(glpi, marker);
    if (existing !== undefined)
      return { ticketId: existing, created: false, computerId: computer?.id ?? null, entityId, warnings: [] };

    const warnings: string[] = [];
    let categoryId = 0;
    if (policy.category) {
      const category = (await findExact(glpi, 'ITILCategory', 'completename', policy.category))[0];
      if (category) categoryId = category.id;
      else
        warnings.push(
          `ITIL category '${policy.category}' does not exist in GLPI: ticket opened without a category`,
        );
    }
    const requestTypeId = await dropdowns.resolve(glpi, 'RequestType', policy.requestSource);
    const values = templateValues(event, key);
    const mapping = policy.severity[event.severity];
    const features = await glpi.features();
    const input_: Record<string, unknown> = {
      name: renderTemplate(policy.titleTemplate, values).slice(0, 250),
      content: await richText(glpi, `${renderTemplate(policy.contentTemplate, values)}\n\n${marker}`),
      entities_id: entityId,
      type: 1,
      urgency: mapping.urgency,
      impact: mapping.impact,
      requesttypes_id: requestTypeId,
      itilcategories_id: categoryId,
    };
    if (features.ticketExternalId) input_.externalid = marker;
    if (computer) input_.items_id = { Computer: [computer.id] };
    const ticketId = await glpi.add('Ticket', input_);
    return { ticketId, created: true, computerId: computer?.id ?? null, entityId, warnings };
  }

  /** Adds a follow-up once (its marker is looked for first); `reopen` reopens a pending, solved or closed ticket. */
  async function addTicketFollowup(input: {
    ticketId: number;
    /** The incident and the sequence number of this follow-up in it: its marker, so it is written once. */
    incident: string;
    seq: number;
    text: string;
    reopen?: boolean;
  }): Promise<{ added: boolean }> {
    const glpi = await client();
    const marker = eventMarker(input.incident, input.seq);
    if (await followupExists(glpi, input.ticketId, marker)) return { added: false };
    const features = await glpi.features();
    const content = await richText(glpi, `${input.text}\n\n${marker}`);
    const values: Record<string, unknown> =
      features.followup === 'ITILFollowup'
        ? { itemtype: 'Ticket', items_id: input.ticketId, content }
        : { tickets_id: input.ticketId, content };
    if (input.reopen) values.add_reopen = 1;
    await glpi.add(features.followup, values);
    return { added: true };
  }

  /** Solves with the version's solution record; a ticket already solved or closed is left as it is. */
  async function solveTicket(input: { ticketId: number; text: string }): Promise<{ solved: boolean }> {
    const glpi = await client();
    const ticket = await glpi.getItem('Ticket', input.ticketId);
    if (isSolvedOrClosed(Number(ticket.status))) return { solved: false };
    const features = await glpi.features();
    const content = await richText(glpi, input.text);
    if (features.solution === 'ticket-field') {
      await glpi.update('Ticket', input.ticketId, { solution: content, solutiontypes_id: 0 });
      return { solved: true };
    }
    try {
      await glpi.add('ITILSolution', {
        itemtype: 'Ticket',
        items_id: input.ticketId,
        content,
        solutiontypes_id: 0,
      });
    } catch (err) {
      // The first attempt's solution landed but its response was lost.
      if (err instanceof GlpiRequestError && /already solved/i.test(err.message)) return { solved: true };
      throw err;
    }
    return { solved: true };
  }

  async function readTicketStatus(input: { ticketId: number }): Promise<{ status: number }> {
    const glpi = await client();
    return { status: Number((await glpi.getItem('Ticket', input.ticketId)).status) };
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

function templateValues(event: AlertEvent, key: AlertKey): Record<string, string | undefined> {
  return {
    host: event.host.name,
    service: event.service ?? '-',
    severity: event.severity,
    summary: event.summary,
    details: event.details,
    source: key.source,
    key: key.dedupKey,
    links: event.links?.join('\n'),
    status: event.status,
    time: event.time,
  };
}
