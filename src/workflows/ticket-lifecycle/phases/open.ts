import { condition } from '@temporalio/workflow';
import type { AlertEvent } from '../../../alerts/alert-event';
import { notified } from '../../../alerts/ticket-text';
import type { Run } from '../run';
import { sameNotification } from '../state';
import { detach } from './detached';

/**
 * Open: the ticket exists and the alert fires. Waits for a notification or the back-sync, whichever comes
 * first; the back-sync's timer is set once per interval, so a steady stream of notifications never
 * postpones it. Every write first checks the ticket is still open in GLPI (in the same activity).
 */
export async function openPhase(run: Run): Promise<void> {
  const { state, queue } = run;
  if (!state.nextSyncAt) run.scheduleSync();
  run.backSync.set(Date.parse(state.nextSyncAt!));
  await condition(() => queue.length > 0 || run.backSync.due);
  if (run.backSync.due) return backSync(run);

  const event = queue[0]!;
  if (event.status === 'resolved') return recover(run, event);
  if (sameNotification(state.lastNotified, event)) {
    queue.shift();
    state.counts.coalesced += 1;
    run.record(event, 'coalesced (same as the last notification)');
    return;
  }
  const seq = state.seq + 1;
  const result = await run.attempt('add a follow-up', () =>
    run.glpi.addTicketFollowup({
      ticketId: state.ticketId!,
      incident: run.incident,
      seq,
      kind: 'update',
      event,
      previous: state.lastNotified,
      requestTypeId: state.requestTypeId!,
    }),
  );
  if (!result) return;
  queue.shift();
  state.seq = seq;
  run.seen(result.status);
  if (result.refused) {
    run.record(event, `not sent: the ticket was ${result.status.name} in GLPI`);
    return detach(run, result.status);
  }
  if (!result.refused) state.counts.followups += 1;
  state.lastNotified = notified(event);
  run.record(event, 'follow-up added');
}

/** Reads the ticket's status; a ticket people solved, closed or deleted is detached. */
async function backSync(run: Run): Promise<void> {
  const status = await run.attempt('read the ticket status', () =>
    run.glpi.readTicketStatus({ ticketId: run.state.ticketId! }),
  );
  if (!status) return;
  run.seen(status);
  run.scheduleSync();
  if (status.done) await detach(run, status);
}

/** Recovery: solve the ticket with the recovery's own text (or only note it, when so configured). */
async function recover(run: Run, event: AlertEvent): Promise<void> {
  const { state, policy } = run;
  const seq = state.seq + 1;
  const common = { ticketId: state.ticketId!, incident: run.incident, seq, event };
  const result = policy.solveOnRecovery
    ? await run.attempt('solve the ticket', () => run.glpi.solveTicket(common))
    : await run.attempt('add the recovery follow-up', () =>
        run.glpi.addTicketFollowup({ ...common, kind: 'recovery', requestTypeId: state.requestTypeId! }),
      );
  if (!result) return;
  run.queue.shift();
  state.seq = seq;
  run.seen(result.status);
  if (!result.refused && !policy.solveOnRecovery) state.counts.followups += 1;
  run.record(
    event,
    result.refused
      ? `recovered; the ticket was already ${result.status.name} in GLPI`
      : policy.solveOnRecovery
        ? 'solved the ticket'
        : 'recovery noted in a follow-up',
  );
  state.resolvedAt = run.now();
  state.lastNotified = notified(event);
  state.nextSyncAt = undefined;
  run.backSync.clear();
  run.setPhase('recovered');
}
