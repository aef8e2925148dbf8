import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { temporal } from '@temporalio/proto';
import { Worker } from '@temporalio/worker';

/**
 * Workflows that run for days (a ticket lasts as long as its problem; schedules start syncs for months)
 * must stay replayable: every recorded history is replayed against today's workflow code, so a change that
 * would break running workflows (another order of commands, a step added without `patched`) fails CI.
 * The histories are recorded by `npm run histories:record` (see docs/development.md).
 */
const DIR = join(__dirname, '..', 'fixtures', 'histories');
const histories = readdirSync(DIR)
  .filter((f) => f.endsWith('.json'))
  .sort()
  .map((file) => {
    const { workflowId, history } = JSON.parse(readFileSync(join(DIR, file), 'utf8')) as {
      workflowId: string;
      history: unknown;
    };
    return { file, workflowId, history: temporal.api.history.v1.History.fromObject(history as object) };
  });

describe('recorded workflow histories replay on the current code', () => {
  it('has histories of both long-lived workflows', () => {
    const types = new Set(
      histories.map(
        (h) => h.history.events?.[0]?.workflowExecutionStartedEventAttributes?.workflowType?.name ?? '',
      ),
    );
    expect([...types].sort()).toEqual(['syncInventory', 'syncInventoryItem', 'ticketLifecycle']);
  });

  it.each(histories.map((h) => [h.file, h] as const))('%s', async (_file, { workflowId, history }) => {
    await Worker.runReplayHistory(
      { workflowBundle: { codePath: process.env.WORKFLOW_BUNDLE_PATH! }, replayName: workflowId },
      history,
      workflowId,
    );
  });
});
