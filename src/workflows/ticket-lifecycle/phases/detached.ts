import { ActivityFailure, condition } from '@temporalio/workflow';
import { failureMessage } from '../../failure-message';
import type { Run } from '../run';

/**
 * Detached: people solved, closed or deleted the ticket while the alert still fired. Nothing is written to
 * it; the back-sync goes on, and a ticket people reopen is followed again. The recovery ends the workflow.
 */
export async function detachedPhase(run: Run): Promise<void> {
  const { state, queue } = run;
  if (!state.nextSyncAt) run.scheduleSync();
  run.backSync.set(Date.parse(state.nextSyncAt!));
  await condition(() => queue.length > 0 || run.backSync.due);
  const event = queue.shift();
  if (event) {
    if (event.status === 'resolved') {
      run.record(event, 'recovered; the ticket was already handled in GLPI');
      run.backSync.clear();
      run.setPhase('closed');
      return;
    }
    state.counts.coalesced += 1;
    run.record(event, `not sent: the ticket was ${state.glpiStatus?.name ?? 'solved or closed'} in GLPI`);
    return;
  }
  const status = await run.attempt('read the ticket status', () =>
    run.glpi.readTicketStatus({ ticketId: state.ticketId! }),
  );
  if (!status) return;
  run.seen(status);
  run.scheduleSync();
  if (!status.done) {
    state.detachedAt = undefined;
    run.warn(`ticket ${state.ticketId} was reopened in GLPI: the bridge follows it again`);
    run.setPhase('open');
  }
}

/** The ticket is done in GLPI while the alert fires: say so (state, warning, outbound webhook) and stop writing. */
export async function detach(run: Run, status: { status: number; name: string }): Promise<void> {
  const { state, policy, key } = run;
  state.detachedAt = run.now();
  run.warn(
    `ticket ${state.ticketId} was ${status.name} in GLPI while the alert still fired: the bridge no longer writes to it`,
  );
  run.setPhase('detached');
  run.scheduleSync();
  if (!policy.outboundWebhookUrl) return;
  try {
    await run.notify.notifyTicketChange({
      url: policy.outboundWebhookUrl,
      payload: {
        alertKey: `${key.source}/${key.dedupKey}`,
        source: key.source,
        dedupKey: key.dedupKey,
        host: state.host,
        ticketId: state.ticketId,
        status: status.status,
        statusName: status.name,
        at: state.detachedAt,
      },
    });
  } catch (err) {
    if (!(err instanceof ActivityFailure)) throw err;
    run.warn(`the outbound webhook ${policy.outboundWebhookUrl} was not told: ${failureMessage(err)}`);
  }
}
