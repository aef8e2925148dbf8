import { msToNumber } from '@temporalio/common/lib/time';
import { ACTIVITY_HEARTBEAT_TIMEOUT, inventoryActivityOptions } from '../src/workflows/retry';

/**
 * The retry policy the fault suite gives the worker (its environment, as an operator sets it), and every
 * wait of the suite derived from it: the suite waits as long as the policy allows a step to take, no
 * longer, and never a fixed number of seconds picked by hand.
 */
export const WORKER_ENV = {
  /** Every GLPI request gives up after this (the emulator holds a "timeout" for 3 s). */
  GLPI_TIMEOUT_MS: '1500',
  /** A ticket step that fails is tried again after 1, 2, 4, 8 s… and at most this (the product's default). */
  TICKET_RETRY_MAX_INTERVAL_SECONDS: '15',
  /** An inventory step that fails is tried again after at most this… */
  SYNC_RETRY_MAX_INTERVAL_SECONDS: '5',
  /** …for this long, after which the sync fails with the cause (the product's default). */
  SYNC_RETRY_BUDGET_SECONDS: '600',
  TICKET_REOPEN_WINDOW_SECONDS: '5',
  TICKET_SYNC_INTERVAL_SECONDS: '3600',
} as const;

/**
 * GLPI requests one try of opening a ticket makes at most (session, entities, version, ticket search,
 * computer searches, dropdowns, create): src/activities/tickets/ticket-activities.ts.
 */
const REQUESTS_PER_TICKET_TRY = 10;
/** The GLPI client's retry budget for one idempotent request (src/glpi/glpi-client.ts, `budgetMs`). */
const CLIENT_RETRY_BUDGET_MS = 5_000;
/**
 * A try that a killed worker was running is answered by nobody: it fails once its heartbeats stop for this
 * long (src/workflows/retry.ts), for ticket and inventory activities alike.
 */
const HEARTBEAT_TIMEOUT_MS = msToNumber(ACTIVITY_HEARTBEAT_TIMEOUT);
/** The GLPI steps of a ticket's life in the suite: open, the follow-up (the update), the solution. */
const TICKET_STEPS = 3;
/**
 * Failed tries in a row of one step that the suite allows for before it calls a ticket late: at the
 * injected fault rates one try fails about one time in five, so four in a row is about 1 in 600.
 */
const TRIES = 4;

export interface Waits {
  /** The longest one try of a ticket step takes (every request slow to fail, the last one past its budget). */
  ticketTryMs: number;
  /** Longest wait between two tries of a ticket step. */
  ticketRetryCapMs: number;
  /** How long a ticket step may take once GLPI answers: `TRIES` tries, each followed by the longest wait. */
  ticketStepMs: number;
  /** A whole ticket (opened, updated, solved) once GLPI answers and the alerts are in. */
  ticketSettleMs: number;
  /** What a worker kill adds: the try it was running times out first (its heartbeats stop). */
  afterWorkerKillMs: number;
  /**
   * A sync that makes no progress for this long is stuck: every step either succeeds or fails within its
   * retry budget (then the sync ends Failed), and a killed worker's step fails once its heartbeats stop.
   */
  syncStallMs: number;
  /** The requirement of issue 13: every ticket pending when GLPI comes back opens within this. */
  recoveryRequiredMs: number;
}

export function waitsFrom(env: typeof WORKER_ENV): Waits {
  const timeoutMs = Number(env.GLPI_TIMEOUT_MS);
  const ticketRetryCapMs = Number(env.TICKET_RETRY_MAX_INTERVAL_SECONDS) * 1000;
  const inventory = inventoryActivityOptions({
    maxIntervalSeconds: Number(env.SYNC_RETRY_MAX_INTERVAL_SECONDS),
    budgetSeconds: Number(env.SYNC_RETRY_BUDGET_SECONDS),
  });
  const budgetMs = msToNumber(inventory.scheduleToCloseTimeout!);
  const ticketTryMs = REQUESTS_PER_TICKET_TRY * timeoutMs + CLIENT_RETRY_BUDGET_MS;
  const ticketStepMs = TRIES * (ticketTryMs + ticketRetryCapMs);
  return {
    ticketTryMs,
    ticketRetryCapMs,
    ticketStepMs,
    ticketSettleMs: TICKET_STEPS * ticketStepMs,
    afterWorkerKillMs: HEARTBEAT_TIMEOUT_MS + ticketRetryCapMs,
    syncStallMs:
      Math.max(budgetMs, HEARTBEAT_TIMEOUT_MS) + Number(env.SYNC_RETRY_MAX_INTERVAL_SECONDS) * 1000,
    recoveryRequiredMs: 60_000,
  };
}
