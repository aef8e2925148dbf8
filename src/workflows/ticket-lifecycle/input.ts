import { ApplicationFailure } from '@temporalio/workflow';
import {
  alertEventSchema,
  alertKeySchema,
  issuesOf,
  type AlertEvent,
  type AlertKey,
} from '../../alerts/alert-event';
import { TICKET_PHASES, type TicketState } from './state';

export interface TicketLifecycleInput {
  /** The problem: `ticket/<source>/<dedupKey>` is the workflow's id. */
  key: AlertKey;
  /**
   * A first notification, for a run started by hand (the Temporal UI's "Start Workflow") rather than by
   * signal-with-start; it must carry the same key.
   */
  event?: AlertEvent;
  /** Carried across continue-as-new; never set it yourself. */
  carried?: { state: TicketState; queue: AlertEvent[] };
}

const HOW =
  'start ticketLifecycle with {"key":{"source":"<monitoring system>","dedupKey":"<problem key>"}} (and optionally a first "event"), then signal "alert" events';

function invalid(problems: string[]): ApplicationFailure {
  return ApplicationFailure.create({
    type: 'InvalidTicketInput',
    message: `invalid ticketLifecycle input: ${problems.join('; ')}; ${HOW}`,
    nonRetryable: true,
  });
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** What continue-as-new carries: checked only for its shape, since the workflow itself wrote it. */
function carriedProblem(carried: unknown): string | undefined {
  const state = isObject(carried) ? carried.state : undefined;
  const ok =
    isObject(carried) &&
    Array.isArray(carried.queue) &&
    isObject(state) &&
    (TICKET_PHASES as readonly unknown[]).includes(state.phase) &&
    isObject(state.counts) &&
    Array.isArray(state.lastEvents) &&
    Array.isArray(state.warnings) &&
    typeof state.seq === 'number' &&
    typeof state.incidentNo === 'number';
  return ok ? undefined : 'input.carried is what a run hands to the next one: leave it out';
}

/** Why an event cannot be this workflow's, or undefined when it can. */
function keyMismatch(event: AlertEvent, key: AlertKey): string | undefined {
  if (event.source === key.source && event.dedupKey === key.dedupKey) return undefined;
  return `source/dedupKey '${event.source}/${event.dedupKey}' is another problem than this workflow's '${key.source}/${key.dedupKey}'`;
}

/**
 * The input, checked at the start: a bad one fails the workflow at once with a non-retryable error that
 * names each field (instead of failing every workflow task and staying Running).
 */
export function checkInput(raw: unknown): {
  key: AlertKey;
  event?: AlertEvent;
  carried?: { state: TicketState; queue: AlertEvent[] };
} {
  if (!isObject(raw))
    throw invalid([
      'input must be an object: { "key": { "source": "<monitoring system>", "dedupKey": "<problem key>" } }',
    ]);
  const key = alertKeySchema.safeParse(raw.key);
  if (!key.success) throw invalid(issuesOf(key.error, 'input.key').map((i) => `${i.field} ${i.message}`));
  if (raw.carried !== undefined) {
    const problem = carriedProblem(raw.carried);
    if (problem) throw invalid([problem]);
  }
  let first: AlertEvent | undefined;
  if (raw.event !== undefined) {
    const checked = checkEvent(raw.event, key.data, 'input.event');
    if ('problem' in checked) throw invalid([checked.problem]);
    first = checked.event;
  }
  return {
    key: key.data,
    event: first,
    carried: raw.carried as { state: TicketState; queue: AlertEvent[] } | undefined,
  };
}

/**
 * A signalled event, checked on arrival. A bad one is not allowed to end a live incident: the workflow
 * records a warning naming the field, counts it, and goes on without it.
 */
export function checkEvent(
  raw: unknown,
  key: AlertKey,
  prefix = 'alert',
): { event: AlertEvent } | { problem: string } {
  const parsed = alertEventSchema.safeParse(raw);
  if (!parsed.success)
    return {
      problem: issuesOf(parsed.error, prefix)
        .map((i) => `${i.field} ${i.message}`)
        .join('; '),
    };
  const mismatch = keyMismatch(parsed.data, key);
  return mismatch ? { problem: `${prefix}: ${mismatch}` } : { event: parsed.data };
}
