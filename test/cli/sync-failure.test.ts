import { WorkflowFailedError } from '@temporalio/client';
import { ActivityFailure, RetryState, TimeoutFailure } from '@temporalio/common';
import { syncFailure } from '../../src/cli/sync-watch';

/** The final line of `sync --wait` when GLPI stayed down past SYNC_RETRY_BUDGET_SECONDS. */
describe('the line a sync that ran out of retry budget ends with', () => {
  // The budget ran out while a try was under way: Temporal reports the timeout, without the tries' cause.
  const bareTimeout = new WorkflowFailedError(
    'Workflow execution failed',
    new ActivityFailure(
      'Activity task timed out',
      'ensureEntities',
      '3',
      RetryState.TIMEOUT,
      'worker',
      new TimeoutFailure('activity ScheduleToClose timeout', undefined, 'SCHEDULE_TO_CLOSE'),
    ),
    RetryState.NON_RETRYABLE_FAILURE,
  );

  it('names the cause the watch saw on the tries, not the timeout', () => {
    const line = String(
      (
        syncFailure(
          's1',
          bareTimeout,
          undefined,
          'GLPI unreachable: connect ECONNREFUSED 127.0.0.1:1',
        ) as Error
      ).message,
    );
    expect(line).toBe(
      "sync s1 failed: GLPI unreachable: connect ECONNREFUSED 127.0.0.1:1 (retried for SYNC_RETRY_BUDGET_SECONDS, a worker setting, then gave up); check GLPI_URL on the worker and that the worker's host reaches it (`glpi-bridge check` there), then sync again",
    );
  });

  it('says the timeout when nothing was seen', () => {
    expect(String((syncFailure('s1', bareTimeout) as Error).message)).toMatch(
      /^sync s1 failed: activity ScheduleToClose timeout \(retried for SYNC_RETRY_BUDGET_SECONDS/,
    );
  });
});
