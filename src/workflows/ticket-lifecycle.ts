import {
  allHandlersFinished,
  condition,
  continueAsNew,
  defineQuery,
  defineSignal,
  proxyActivities,
  proxyLocalActivities,
  setHandler,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { Activities } from '../activities';
import type { AlertEvent } from '../alerts/alert-event';
import { isSolvedOrClosed, ticketStatusName } from '../glpi/ticket-status';
import { SEARCH_ATTRIBUTES } from '../temporal/search-attributes';

export interface TicketLifecycleInput {
  key: { source: string; dedupKey: string };
  /** Carried across continue-as-new; never set it yourself. */
  carried?: { state: TicketState; queue: AlertEvent[] };
}

/**
 * - `pending`: firing, waiting for the flap gate;
 * - `open`: the ticket exists and the alert fires;
 * - `recovered`: the alert resolved; a re-fire inside the reopen window reopens the ticket;
 * - `detached`: people solved or closed the ticket while the alert still fired; it is no longer updated;
 * - `closed`: done; the next alert with this key opens a new ticket.
 */
export type TicketPhase = 'pending' | 'open' | 'recovered' | 'detached' | 'closed';

export interface TicketEventRecord {
  at: string;
  status: AlertEvent['status'];
  severity: AlertEvent['severity'];
  summary: string;
  /** What the workflow did with it. */
  action: string;
}

export interface TicketState {
  phase: TicketPhase;
  host?: string;
  ticketId?: number;
  computerId?: number | null;
  entityId?: number;
  firstFiringAt?: string;
  openedAt?: string;
  resolvedAt?: string;
  detachedAt?: string;
  closedAt?: string;
  /** Last status read from GLPI. */
  glpiStatus?: number;
  counts: { events: number; coalesced: number; followups: number; reopens: number };
  lastEvents: TicketEventRecord[];
  warnings: string[];
  /** Fingerprint of the last notification acted on; an identical one is coalesced. */
  lastFingerprint?: string;
  /** Sequence of follow-up markers. */
  seq: number;
  /** Incidents of this key handled by this workflow chain; part of the ticket's marker. */
  incidentNo: number;
}

export const alertSignal = defineSignal<[AlertEvent]>('alert');
export const ticketStateQuery = defineQuery<TicketState>('state');

function fingerprint(e: AlertEvent): string {
  return JSON.stringify([e.status, e.severity, e.summary, e.details ?? '']);
}

/** One problem (source + dedup key) → one GLPI ticket, from first firing to recovery and beyond. */
export async function ticketLifecycle(input: TicketLifecycleInput): Promise<TicketState> {
  const { key } = input;
  const { tickets: policy } = await proxyLocalActivities<Activities>({
    startToCloseTimeout: '10 seconds',
  }).loadSettings();
  // Ticket work must not give up on a GLPI that is down for a while: no attempt limit, capped back-off.
  const act = proxyActivities<Activities>({
    startToCloseTimeout: '1 minute',
    retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '300 seconds' },
  });
  const notify = proxyActivities<Activities>({
    startToCloseTimeout: '30 seconds',
    retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumAttempts: 5 },
  });

  const state: TicketState = input.carried?.state ?? {
    phase: 'pending',
    counts: { events: 0, coalesced: 0, followups: 0, reopens: 0 },
    lastEvents: [],
    warnings: [],
    seq: 0,
    incidentNo: 1,
  };
  // Stable across retries and continue-as-new, new for each incident of the key.
  const incident = `${workflowInfo().firstExecutionRunId.slice(0, 12)}.${state.incidentNo}`;
  const queue: AlertEvent[] = [...(input.carried?.queue ?? [])];
  setHandler(alertSignal, (event) => {
    queue.push(event);
  });
  setHandler(ticketStateQuery, () => state);

  const now = () => new Date(Date.now()).toISOString();
  const record = (event: AlertEvent, action: string) => {
    state.counts.events += 1;
    state.lastEvents = [
      ...state.lastEvents,
      { at: now(), status: event.status, severity: event.severity, summary: event.summary, action },
    ].slice(-20);
  };
  const setPhase = (phase: TicketPhase) => {
    state.phase = phase;
    upsertSearchAttributes([{ key: SEARCH_ATTRIBUTES.phase, value: phase }]);
  };
  const followup = async (text: string, reopen = false) => {
    const { added } = await act.addTicketFollowup({
      ticketId: state.ticketId!,
      incident,
      seq: ++state.seq,
      text,
      reopen,
    });
    if (added) state.counts.followups += 1;
  };
  const next = () => queue.shift()!;

  upsertSearchAttributes([
    { key: SEARCH_ATTRIBUTES.alertKey, value: `${key.source}/${key.dedupKey}` },
    { key: SEARCH_ATTRIBUTES.phase, value: state.phase },
  ]);

  for (;;) {
    const info = workflowInfo();
    if (info.historyLength > policy.maxHistoryEvents || info.continueAsNewSuggested) {
      await condition(allHandlersFinished);
      await continueAsNew<typeof ticketLifecycle>({ key, carried: { state, queue: [...queue] } });
    }

    switch (state.phase) {
      case 'pending': {
        await condition(() => queue.length > 0);
        const first = next();
        if (first.status === 'resolved') {
          record(first, 'ignored: resolved before any ticket');
          return close();
        }
        state.firstFiringAt = first.receivedAt ?? now();
        state.host = first.host.name;
        upsertSearchAttributes([{ key: SEARCH_ATTRIBUTES.hostName, value: first.host.name }]);
        record(first, 'firing');
        let latest = first;
        // The flap gate: the alert must keep firing for flapSeconds. Events are judged by when they
        // arrived, so a backlog (a worker that was down) is gated as it happened.
        const deadline = Date.parse(state.firstFiringAt) + policy.flapSeconds * 1000;
        for (;;) {
          if (queue.length === 0) {
            if (Date.now() >= deadline) break;
            await condition(() => queue.length > 0, deadline - Date.now());
            continue;
          }
          const arrived = Date.parse(queue[0]!.receivedAt ?? now());
          if (arrived >= deadline) break; // after the gate: the open ticket handles it
          const event = next();
          if (event.status === 'resolved') {
            record(event, 'recovered before the flap gate: no ticket');
            return close();
          }
          record(event, 'coalesced while waiting for the flap gate');
          latest = event;
        }
        const opened = await act.openTicket({ key, incident, event: latest, policy });
        state.ticketId = opened.ticketId;
        state.computerId = opened.computerId;
        state.entityId = opened.entityId;
        state.openedAt = now();
        state.lastFingerprint = fingerprint(latest);
        state.warnings.push(...opened.warnings);
        state.lastEvents[state.lastEvents.length - 1]!.action = `opened ticket ${opened.ticketId}`;
        upsertSearchAttributes([{ key: SEARCH_ATTRIBUTES.ticketId, value: opened.ticketId }]);
        setPhase('open');
        break;
      }

      case 'open': {
        const got = await condition(() => queue.length > 0, policy.syncIntervalSeconds * 1000);
        if (!got) {
          // Back-sync: has somebody solved or closed the ticket in GLPI?
          const { status } = await act.readTicketStatus({ ticketId: state.ticketId! });
          state.glpiStatus = status;
          if (isSolvedOrClosed(status)) {
            state.detachedAt = now();
            setPhase('detached');
            if (policy.outboundWebhookUrl) {
              await notify.notifyTicketChange({
                url: policy.outboundWebhookUrl,
                payload: {
                  alertKey: `${key.source}/${key.dedupKey}`,
                  source: key.source,
                  dedupKey: key.dedupKey,
                  host: state.host,
                  ticketId: state.ticketId,
                  status,
                  statusName: ticketStatusName(status),
                  at: state.detachedAt,
                },
              });
            }
          }
          break;
        }
        const event = next();
        if (event.status === 'resolved') {
          if (policy.solveOnRecovery) {
            await act.solveTicket({ ticketId: state.ticketId!, text: `Recovered: ${event.summary}` });
            record(event, 'solved the ticket');
          } else {
            await followup(`Recovered: ${event.summary}`);
            record(event, 'recovery noted in a follow-up');
          }
          state.resolvedAt = now();
          state.lastFingerprint = fingerprint(event);
          setPhase('recovered');
        } else if (fingerprint(event) === state.lastFingerprint) {
          state.counts.coalesced += 1;
          record(event, 'coalesced (same as the last notification)');
        } else {
          const previous = state.lastEvents.at(-1);
          const change =
            previous && previous.severity !== event.severity
              ? `Severity ${previous.severity} → ${event.severity}. `
              : '';
          await followup(`${change}${event.summary}${event.details ? `\n\n${event.details}` : ''}`);
          state.lastFingerprint = fingerprint(event);
          record(event, 'follow-up added');
        }
        break;
      }

      case 'recovered': {
        const until = Date.parse(state.resolvedAt!) + policy.reopenWindowSeconds * 1000;
        const got = await condition(() => queue.length > 0, Math.max(0, until - Date.now()));
        if (!got) return close();
        const event = next();
        if (event.status === 'resolved') {
          state.counts.coalesced += 1;
          record(event, 'coalesced (already recovered)');
          break;
        }
        await followup(`Alert fired again: ${event.summary}`, true);
        state.counts.reopens += 1;
        state.lastFingerprint = fingerprint(event);
        state.resolvedAt = undefined;
        record(event, 'reopened the ticket');
        setPhase('open');
        break;
      }

      case 'detached': {
        await condition(() => queue.length > 0);
        const event = next();
        if (event.status === 'resolved') {
          record(event, 'recovered; the ticket was already handled in GLPI');
          return close();
        }
        state.counts.coalesced += 1;
        record(event, 'not sent: the ticket was solved or closed in GLPI');
        break;
      }

      case 'closed':
        return state;
    }
  }

  async function close(): Promise<TicketState> {
    state.closedAt = now();
    setPhase('closed');
    // Signals that raced with the end are not lost: they start the next run of this key from its queue.
    if (queue.length > 0) {
      await continueAsNew<typeof ticketLifecycle>({
        key,
        carried: { state: fresh(), queue: [...queue] },
      });
    }
    return state;
  }

  function fresh(): TicketState {
    return {
      phase: 'pending',
      counts: { events: 0, coalesced: 0, followups: 0, reopens: 0 },
      lastEvents: [],
      warnings: [],
      seq: 0,
      incidentNo: state.incidentNo + 1,
    };
  }
}
