import type { AlertEvent, AlertKey } from '../../alerts/alert-event';
import type { NotifiedAlert } from '../../alerts/ticket-text';

/**
 * - `pending`: firing; waiting for the flap gate, then opening the ticket (retried while GLPI fails: see
 *   `retrying`);
 * - `open`: the ticket exists and the alert fires;
 * - `recovered`: the alert resolved; a re-fire inside the reopen window reopens the ticket;
 * - `detached`: people solved, closed or deleted the ticket while the alert still fired; nothing is written
 *   to it (until people reopen it);
 * - `closed`: done; the next alert with this key opens a new ticket.
 */
export const TICKET_PHASES = ['pending', 'open', 'recovered', 'detached', 'closed'] as const;
export type TicketPhase = (typeof TICKET_PHASES)[number];

/** One notification and what the workflow did with it. */
export interface TicketEventRecord {
  /** When the bridge accepted it (the receiver, or the `alert` command). */
  receivedAt?: string;
  /** The alert's own time: when the problem started (firing) or ended (resolved), as the monitoring says. */
  alertTime?: string;
  /** When the workflow acted on it. */
  processedAt: string;
  status: AlertEvent['status'];
  severity: AlertEvent['severity'];
  summary: string;
  action: string;
}

/** A ticket status as last read from GLPI: it is read when the bridge writes, and at each back-sync. */
export interface SeenStatus {
  status: number;
  name: string;
  seenAt: string;
}

export interface TicketState {
  phase: TicketPhase;
  key: AlertKey;
  host?: string;
  ticketId?: number;
  /** The computer the ticket is linked to (the first when several); null when none matched. */
  computerId?: number | null;
  /** Every computer the ticket is linked to: several when the alert could not tell them apart. */
  computerIds: number[];
  entityId?: number;
  /** The problem's own start time (the first firing's `time`), when the monitoring gave one. */
  alertStartedAt?: string;
  /** When the bridge received the first firing. */
  firstFiringAt?: string;
  openedAt?: string;
  resolvedAt?: string;
  detachedAt?: string;
  closedAt?: string;
  /** The ticket's status the last time the bridge read it, and when. */
  glpiStatus?: SeenStatus;
  /** The next back-sync (status read) of an open or detached ticket. */
  nextSyncAt?: string;
  /**
   * Set while a GLPI step keeps failing (GLPI down or refusing): which step, how many tries so far, the last
   * error, and when the next try is. In phase `pending`, this is why there is no ticket yet.
   */
  retrying?: {
    step: string;
    attempts: number;
    lastError: string;
    since: string;
    nextAttemptAt: string;
    /** GLPI is not there at all (connection refused, no such host, no route): away, rather than failing. */
    unreachable?: boolean;
    /** Failures in a row of that same kind: what the wait before the next try grows with. */
    streak?: number;
  };
  counts: { events: number; coalesced: number; followups: number; reopens: number; ignored: number };
  lastEvents: TicketEventRecord[];
  /** What needs a human: an ambiguous host, a refused write, a detached ticket, an ignored alert. */
  warnings: string[];

  // ---- the workflow's own bookkeeping ----
  /** The notification the ticket opens with (pending). */
  opening?: AlertEvent;
  /** The flap gate is behind (pending). */
  gatePassed?: boolean;
  /** The request source of the ticket, for its follow-ups. */
  requestTypeId?: number;
  /** What was last written about the alert: an identical notification is coalesced, a new one says what changed. */
  lastNotified?: NotifiedAlert;
  /** Sequence of write markers in this incident. */
  seq: number;
  /** Incidents of this key handled by this workflow chain; part of the ticket's marker. */
  incidentNo: number;
}

/** The one place where a ticket workflow's state begins: a new problem, or the next incident of its key. */
export function initialState(key: AlertKey, incidentNo = 1): TicketState {
  return {
    phase: 'pending',
    key,
    computerIds: [],
    counts: { events: 0, coalesced: 0, followups: 0, reopens: 0, ignored: 0 },
    lastEvents: [],
    warnings: [],
    seq: 0,
    incidentNo,
  };
}

/** An identical notification changes nothing: same status, severity, summary, details and note. */
export function sameNotification(last: NotifiedAlert | undefined, event: AlertEvent): boolean {
  return (
    !!last &&
    event.status === 'firing' &&
    last.severity === event.severity &&
    last.summary === event.summary &&
    (last.details ?? '') === (event.details ?? '') &&
    (last.note ?? '') === (event.note ?? '')
  );
}
