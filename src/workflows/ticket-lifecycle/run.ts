import {
  ActivityFailure,
  ApplicationFailure,
  CancellationScope,
  isCancellation,
  proxyActivities,
  proxyLocalActivities,
  sleep,
  TemporalFailure,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { SearchAttributeUpdatePair } from '@temporalio/common';
import type { Activities } from '../../activities';
import type { AlertEvent, AlertKey } from '../../alerts/alert-event';
import type { TicketPolicy } from '../../alerts/ticket-policy';
import { glpiAway } from '../../glpi/errors';
import { SEARCH_ATTRIBUTES } from '../../temporal/search-attributes';
import { failureMessage } from '../failure-message';
import { ACTIVITY_HEARTBEAT_TIMEOUT } from '../retry';
import { checkEvent } from './input';
import type { TicketPhase, TicketState } from './state';

/** Warnings kept in the state (the oldest go first). */
const MAX_WARNINGS = 50;
const MAX_EVENTS = 20;

/**
 * A single timer for a fixed moment (the next back-sync, the end of the flap gate or the reopen window).
 * Signals never re-arm it: one timer per interval whatever the notification rate, which is what lets the
 * back-sync run on its own schedule and keeps an alert's cost low.
 */
export class Deadline {
  private scope?: CancellationScope;
  private at?: number;
  due = false;

  set(at: number): void {
    if (this.at === at) return;
    this.clear();
    this.at = at;
    const delay = at - Date.now();
    if (delay <= 0) {
      this.due = true;
      return;
    }
    const scope = new CancellationScope();
    this.scope = scope;
    scope
      .run(() => sleep(delay))
      .then(
        () => {
          if (this.scope === scope) this.due = true;
        },
        () => undefined, // cancelled: the phase it was armed for is over
      );
  }

  clear(): void {
    if (this.scope && !this.due) this.scope.cancel();
    this.scope = undefined;
    this.at = undefined;
    this.due = false;
  }
}

/** What a ticket workflow's phase handlers share: its key, policy, state, queue, activities and timers. */
export class Run {
  /**
   * The GLPI steps, as local activities (a few GLPI requests each: no task queue round trip). One try per
   * call: the workflow retries itself (`attempt`), so that state and search attributes show each failure.
   */
  readonly glpi = proxyLocalActivities<Activities>({
    startToCloseTimeout: '2 minutes',
    retry: { maximumAttempts: 1 },
  });
  /**
   * Opening the ticket, once per incident, as a regular activity: only one try runs at a time, whatever the
   * load (a local activity may run again while its first execution still runs when the workflow task
   * times out), which keeps the creation exactly-once. One try per call, as above.
   */
  readonly creation = proxyActivities<Activities>({
    startToCloseTimeout: '5 minutes',
    // A try whose worker went away fails after this, and the ticket is tried again (not after 5 minutes).
    heartbeatTimeout: ACTIVITY_HEARTBEAT_TIMEOUT,
    retry: { maximumAttempts: 1 },
  });
  /** The outbound webhook: another system, a few tries, and then a warning rather than a failed workflow. */
  readonly notify = proxyActivities<Activities>({
    startToCloseTimeout: '30 seconds',
    retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumAttempts: 5 },
  });
  /** The next back-sync of an open or detached ticket. */
  readonly backSync = new Deadline();
  /** The end of the flap gate, then of the reopen window. */
  readonly window = new Deadline();
  /** Stable across retries and continue-as-new, new for each incident of the key: part of the ticket's marker. */
  readonly incident: string;

  constructor(
    readonly key: AlertKey,
    readonly policy: TicketPolicy,
    readonly subEntity: string,
    readonly state: TicketState,
    readonly queue: AlertEvent[],
  ) {
    this.incident = `${workflowInfo().firstExecutionRunId.slice(0, 12)}.${state.incidentNo}`;
  }

  now(): string {
    return new Date(Date.now()).toISOString();
  }

  /** A signalled notification: queued when valid, otherwise recorded as ignored with the reason. */
  receive(raw: unknown): void {
    const checked = checkEvent(raw, this.key);
    if ('event' in checked) {
      this.queue.push(checked.event);
      return;
    }
    this.state.counts.ignored += 1;
    this.warn(`ignored an invalid alert: ${checked.problem}`);
    const event = (raw ?? {}) as Partial<AlertEvent>;
    this.log(
      {
        receivedAt: typeof event.receivedAt === 'string' ? event.receivedAt : undefined,
        processedAt: this.now(),
        status: event.status === 'resolved' ? 'resolved' : 'firing',
        severity: event.severity ?? 'major',
        summary: typeof event.summary === 'string' ? event.summary.slice(0, 255) : '',
        action: `ignored: ${checked.problem}`,
      },
      false,
    );
  }

  /** Records what was done with a notification. */
  record(event: AlertEvent, action: string): void {
    this.log(
      {
        receivedAt: event.receivedAt,
        alertTime: event.time,
        processedAt: this.now(),
        status: event.status,
        severity: event.severity,
        summary: event.summary,
        action,
      },
      true,
    );
  }

  private log(entry: TicketState['lastEvents'][number], count: boolean): void {
    if (count) this.state.counts.events += 1;
    this.state.lastEvents.push(entry);
    if (this.state.lastEvents.length > MAX_EVENTS) this.state.lastEvents.splice(0, 1);
  }

  /** Something that needs a human; the same warning is not repeated. */
  warn(message: string): void {
    const { warnings } = this.state;
    if (warnings.includes(message)) return;
    warnings.push(message);
    if (warnings.length > MAX_WARNINGS) warnings.splice(0, 1);
  }

  setPhase(phase: TicketPhase, also: SearchAttributeUpdatePair[] = []): void {
    this.state.phase = phase;
    upsertSearchAttributes([{ key: SEARCH_ATTRIBUTES.phase, value: phase }, ...also]);
  }

  /** Notes a status read from GLPI. */
  seen(status: { status: number; name: string }): void {
    this.state.glpiStatus = { status: status.status, name: status.name, seenAt: this.now() };
  }

  /** Schedules the next back-sync one interval from now. */
  scheduleSync(): void {
    this.state.nextSyncAt = new Date(Date.now() + this.policy.syncIntervalSeconds * 1000).toISOString();
    this.backSync.set(Date.parse(this.state.nextSyncAt));
  }

  /**
   * One try of a GLPI step. On failure the state and search attributes say which step fails, how many
   * tries so far and the last error; the workflow then waits (1 s, 2 s, 4 s… at most the policy's
   * `retryMaxIntervalSeconds`, so GLPI is tried again soon after it answers again, however long it was
   * away) and returns `undefined`: the caller returns to the main loop, which tries again, and may
   * continue as new in between (a step's effect is only taken once it succeeds).
   */
  async attempt<T>(step: string, call: () => Promise<T>): Promise<T | undefined> {
    try {
      const result = await call();
      if (this.state.retrying) {
        this.state.retrying = undefined;
        upsertSearchAttributes([{ key: SEARCH_ATTRIBUTES.lastError, value: null }]);
      }
      return result;
    } catch (err) {
      // An ActivityFailure, or a local activity's own failure (not wrapped in ActivityFailure).
      if (!(err instanceof TemporalFailure) || isCancellation(err)) throw err;
      const previous = this.state.retrying?.step === step ? this.state.retrying : undefined;
      const attempts = (previous?.attempts ?? 0) + 1;
      // The wait grows while GLPI fails the same way. GLPI answering again after an outage starts it over:
      // the ticket then gets quick tries, not the outage's longest wait between each.
      const unreachable = glpiAway(applicationFailureType(err), err.cause?.message ?? err.message);
      const streak =
        previous && (previous.unreachable ?? false) === unreachable
          ? (previous.streak ?? attempts - 1) + 1
          : 1;
      const capMs = Math.max(10, this.policy.retryMaxIntervalSeconds * 1000);
      const delayMs = Math.min(capMs, 1000 * 2 ** Math.min(streak - 1, 16));
      const lastError = failureMessage(err);
      this.state.retrying = {
        step,
        attempts,
        lastError,
        since: previous?.since ?? this.now(),
        nextAttemptAt: new Date(Date.now() + delayMs).toISOString(),
        unreachable,
        streak,
      };
      // The namespace allows few Int attributes: the attempt count travels in the text.
      upsertSearchAttributes([
        {
          key: SEARCH_ATTRIBUTES.lastError,
          value: `${step}, attempt ${attempts}: ${lastError}`.slice(0, 1000),
        },
      ]);
      await sleep(delayMs);
      return undefined;
    }
  }
}

/** The type of the application failure behind an activity's failure (its error class, e.g. `GlpiNetworkError`). */
function applicationFailureType(err: TemporalFailure): string | undefined {
  const cause = err instanceof ActivityFailure ? err.cause : err;
  return cause instanceof ApplicationFailure ? (cause.type ?? undefined) : undefined;
}
