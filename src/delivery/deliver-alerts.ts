import type { Client } from '@temporalio/client';
import { SEARCH_ATTRIBUTES } from '../temporal/search-attributes';
import { alertSignal, ticketLifecycle } from '../workflows/ticket-lifecycle';
import { ticketWorkflowId, type AlertEvent } from '../alerts/alert-event';

/**
 * Where an alert becomes a workflow: each event is signalled to the workflow of its problem, which is
 * started if it is not running (signal-with-start), so that repeats and concurrent deliveries of one
 * problem reach one workflow. Resolves once Temporal has accepted every event.
 */
export async function deliverAlerts(
  client: Client,
  taskQueue: string,
  events: AlertEvent[],
): Promise<string[]> {
  const receivedAt = new Date().toISOString();
  const handles = await Promise.all(
    events
      .map((accepted) => ({ receivedAt, ...accepted }))
      .map((event) =>
        client.workflow.signalWithStart(ticketLifecycle, {
          workflowId: ticketWorkflowId(event),
          taskQueue,
          args: [{ key: { source: event.source, dedupKey: event.dedupKey } }],
          signal: alertSignal,
          signalArgs: [event],
          typedSearchAttributes: [
            { key: SEARCH_ATTRIBUTES.alertKey, value: `${event.source}/${event.dedupKey}` },
            { key: SEARCH_ATTRIBUTES.hostName, value: event.host.name },
            { key: SEARCH_ATTRIBUTES.phase, value: 'pending' },
          ],
          memo: { host: event.host.name, summary: event.summary },
        }),
      ),
  );
  return handles.map((h) => h.workflowId);
}
