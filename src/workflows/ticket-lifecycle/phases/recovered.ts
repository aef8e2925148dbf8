import { condition } from '@temporalio/workflow';
import { notified } from '../../../alerts/ticket-text';
import type { Run } from '../run';
import { detach } from './detached';

/**
 * Recovered: a re-fire within the reopen window reopens the same ticket (or, when recovery left it open,
 * adds a follow-up), with the new firing's details;
 * after the window the workflow closes, and a notification that arrived after it starts the next incident.
 */
export async function recoveredPhase(run: Run): Promise<void> {
  const { state, queue, policy } = run;
  const until = Date.parse(state.resolvedAt!) + policy.reopenWindowSeconds * 1000;
  run.window.set(until);
  await condition(() => queue.length > 0 || run.window.due);
  const event = queue[0];
  if (!event || Date.parse(event.receivedAt ?? run.now()) >= until) {
    run.window.clear();
    run.setPhase('closed');
    return;
  }
  if (event.status === 'resolved') {
    queue.shift();
    state.counts.coalesced += 1;
    run.record(event, 'coalesced (already recovered)');
    return;
  }
  const seq = state.seq + 1;
  // Without solve-on-recovery the ticket was left open: the re-fire is a follow-up, nothing is reopened.
  const reopen = policy.solveOnRecovery;
  const result = await run.attempt(reopen ? 'reopen the ticket' : 'add the re-fire to the ticket', () =>
    run.glpi.addTicketFollowup({
      ticketId: state.ticketId!,
      incident: run.incident,
      seq,
      kind: 'refire',
      event,
      requestTypeId: state.requestTypeId!,
      reopen,
    }),
  );
  if (!result) return;
  queue.shift();
  state.seq = seq;
  run.seen(result.status);
  run.window.clear();
  state.resolvedAt = undefined;
  state.lastNotified = notified(event);
  if (result.refused) {
    run.record(event, `not sent: the ticket was ${result.status.name} in GLPI`);
    return detach(run, result.status);
  }
  state.counts.followups += 1;
  if (reopen) state.counts.reopens += 1;
  run.record(
    event,
    reopen ? 'reopened the ticket' : 'added a follow-up: fired again (the ticket stayed open)',
  );
  run.setPhase('open');
  run.scheduleSync();
}
