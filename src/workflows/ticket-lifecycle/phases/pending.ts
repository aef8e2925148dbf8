import { condition, upsertSearchAttributes, workflowInfo } from '@temporalio/workflow';
import { notified } from '../../../alerts/ticket-text';
import { SEARCH_ATTRIBUTES } from '../../../temporal/search-attributes';
import type { Run } from '../run';

/**
 * Pending: the first firing, then the flap gate (the alert must keep firing for `flapSeconds`, judged by
 * when each notification arrived, so a backlog is gated as it happened), then opening the ticket, tried
 * again and again while GLPI fails. Each call does one step and returns to the main loop.
 */
export async function pendingPhase(run: Run): Promise<void> {
  const { state, queue, policy } = run;

  if (!state.firstFiringAt) {
    await condition(() => queue.length > 0);
    const first = queue.shift()!;
    if (first.status === 'resolved') {
      run.record(first, 'ignored: resolved before any ticket');
      run.setPhase('closed');
      return;
    }
    state.firstFiringAt = first.receivedAt ?? run.now();
    state.alertStartedAt = first.time;
    state.host = first.host.name;
    state.opening = first;
    run.record(first, policy.flapSeconds > 0 ? 'firing: waiting for the flap gate' : 'firing');
    // Started from the Temporal UI, the run has no host attribute yet.
    if (workflowInfo().typedSearchAttributes.get(SEARCH_ATTRIBUTES.hostName) !== first.host.name)
      upsertSearchAttributes([{ key: SEARCH_ATTRIBUTES.hostName, value: first.host.name }]);
    return;
  }

  if (!state.gatePassed) {
    const deadline = Date.parse(state.firstFiringAt) + policy.flapSeconds * 1000;
    const next = queue[0];
    if (!next) {
      if (Date.now() >= deadline) {
        state.gatePassed = true;
        run.window.clear();
        return;
      }
      run.window.set(deadline);
      await condition(() => queue.length > 0 || run.window.due);
      return;
    }
    if (Date.parse(next.receivedAt ?? run.now()) >= deadline) {
      // Arrived after the gate: the open ticket handles it.
      state.gatePassed = true;
      run.window.clear();
      return;
    }
    queue.shift();
    if (next.status === 'resolved') {
      run.record(next, 'recovered before the flap gate: no ticket');
      run.window.clear();
      run.setPhase('closed');
      return;
    }
    run.record(next, 'coalesced while waiting for the flap gate');
    state.opening = next;
    return;
  }

  const opening = state.opening!;
  const opened = await run.attempt('open the ticket', () =>
    run.creation.openTicket({
      key: run.key,
      incident: run.incident,
      event: opening,
      startedAt: state.alertStartedAt ?? state.firstFiringAt,
      policy,
      subEntity: run.subEntity,
    }),
  );
  if (!opened) return;
  state.ticketId = opened.ticketId;
  state.computerIds = opened.computerIds;
  state.computerId = opened.computerIds[0] ?? null;
  state.entityId = opened.entityId;
  state.requestTypeId = opened.requestTypeId;
  state.openedAt = run.now();
  state.lastNotified = notified(opening);
  state.opening = undefined;
  for (const warning of opened.warnings) run.warn(warning);
  const action = `opened ticket ${opened.ticketId}${opened.created ? '' : ' (created by an earlier try)'}${
    opened.ambiguousHost ? `, linked to computers ${opened.computerIds.join(', ')} (ambiguous host)` : ''
  }`;
  const record = [...state.lastEvents].reverse().find((r) => r.summary === opening.summary);
  if (record) record.action = action;
  run.setPhase('open', [{ key: SEARCH_ATTRIBUTES.ticketId, value: opened.ticketId }]);
  run.scheduleSync();
}
