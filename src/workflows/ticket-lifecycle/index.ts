import {
  allHandlersFinished,
  condition,
  continueAsNew,
  defineQuery,
  defineSignal,
  proxyLocalActivities,
  setHandler,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { Activities } from '../../activities';
import type { AlertEvent } from '../../alerts/alert-event';
import { SEARCH_ATTRIBUTES } from '../../temporal/search-attributes';
import { checkInput, type TicketLifecycleInput } from './input';
import { detachedPhase } from './phases/detached';
import { openPhase } from './phases/open';
import { pendingPhase } from './phases/pending';
import { recoveredPhase } from './phases/recovered';
import { Run } from './run';
import { initialState, type TicketPhase, type TicketState } from './state';

export type { TicketLifecycleInput } from './input';
export type { TicketEventRecord, TicketPhase, TicketState } from './state';

export const alertSignal = defineSignal<[AlertEvent]>('alert');
export const ticketStateQuery = defineQuery<TicketState>('state');

/** One handler per phase; each does one step and returns, so that the loop can continue as new between steps. */
const PHASES: Record<Exclude<TicketPhase, 'closed'>, (run: Run) => Promise<void>> = {
  pending: pendingPhase,
  open: openPhase,
  recovered: recoveredPhase,
  detached: detachedPhase,
};

/**
 * One problem (source + dedup key) → one GLPI ticket, from first firing to recovery and beyond.
 *
 * The policy is the worker's (`loadSettings`, read once when the run starts, recorded in its history): a
 * run keeps it until it ends or continues as new; a new run (a new problem, the next incident of a key, a
 * long-running alert continuing as new) takes the worker's settings of that moment.
 */
export async function ticketLifecycle(input: TicketLifecycleInput): Promise<TicketState> {
  const { key, event, carried } = checkInput(input);
  const state = carried?.state ?? initialState(key);
  // Handlers first: a query or signal may come while the settings are being read.
  const early: unknown[] = [...(carried?.queue ?? []), ...(event ? [event] : [])];
  const receiver: { run?: Run } = {};
  setHandler(alertSignal, (alert) => {
    if (receiver.run) receiver.run.receive(alert);
    else early.push(alert);
  });
  setHandler(ticketStateQuery, () => state);
  const settings = await proxyLocalActivities<Activities>({
    startToCloseTimeout: '10 seconds',
  }).loadSettings();
  const run = new Run(key, settings.tickets, settings.glpiEntity, state, []);
  for (const queued of early) run.receive(queued);
  receiver.run = run;

  // Signal-with-start sets these at the start; a run started from the Temporal UI sets them here.
  if (workflowInfo().typedSearchAttributes.get(SEARCH_ATTRIBUTES.alertKey) === undefined) {
    upsertSearchAttributes([
      { key: SEARCH_ATTRIBUTES.alertKey, value: `${key.source}/${key.dedupKey}` },
      { key: SEARCH_ATTRIBUTES.phase, value: state.phase },
    ]);
  }

  for (;;) {
    const info = workflowInfo();
    if (info.historyLength > settings.tickets.maxHistoryEvents || info.continueAsNewSuggested) {
      await condition(allHandlersFinished);
      await continueAsNew<typeof ticketLifecycle>({ key, carried: { state, queue: [...run.queue] } });
    }
    if (state.phase === 'closed') {
      state.closedAt = run.now();
      // Notifications that raced with the end are not lost: they start the key's next incident.
      if (run.queue.length > 0) {
        await continueAsNew<typeof ticketLifecycle>({
          key,
          carried: { state: initialState(key, state.incidentNo + 1), queue: [...run.queue] },
        });
      }
      return state;
    }
    await PHASES[state.phase](run);
  }
}
