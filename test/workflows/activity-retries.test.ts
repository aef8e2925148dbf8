import { Context } from '@temporalio/activity';
import { ActivityFailure, ApplicationFailure, WorkflowFailedError } from '@temporalio/client';
import { createActivities } from '../../src/activities';
import { toActivityFailure } from '../../src/activities/activity-boundary';
import { GlpiEmulator } from '../../src/emulator/glpi-emulator';
import { GlpiRightError, GlpiServerError } from '../../src/glpi/errors';
import { syncInventoryItem } from '../../src/workflows';
import { testSettings, testTemporal, testWorker, uniqueId } from '../support/temporal';

/** Retry behaviour of the item workflow on the real Temporal dev server, with a faked GLPI step. */
describe('activity retries', () => {
  let env: Awaited<ReturnType<typeof testTemporal>>;
  let emulator: GlpiEmulator;
  const item = { id: 'host-1', label: 'srv-retry', hardware: {}, software: {}, importDate: '2026-01-15' };

  beforeAll(async () => {
    env = await testTemporal();
  });
  beforeEach(async () => {
    // A GLPI of its own per test: what one test did cannot satisfy another's assertions.
    emulator = new GlpiEmulator({ profile: '10.0' });
    await emulator.start();
  });
  afterEach(() => emulator.stop());
  afterAll(async () => env.close());

  const glpi = () => ({ url: emulator.url, appToken: emulator.appToken, userToken: emulator.userToken });
  const real = () => createActivities({ glpi: glpi(), settings: testSettings() }).activities;
  const execute = (workerActivities: object) =>
    testWorker(env, glpi(), workerActivities).then(({ worker }) =>
      worker.runUntil(
        env.client.workflow.execute(syncInventoryItem, {
          taskQueue: env.taskQueue,
          workflowId: uniqueId('retry'),
          args: [{ source: 'test', item }],
        }),
      ),
    );

  it('retries an activity that fails twice, then returns its result', async () => {
    const attempts: number[] = [];
    const { upsertComputer } = real();
    const report = await execute({
      upsertComputer: async (input: never) => {
        attempts.push(Context.current().info.attempt);
        if (attempts.length < 3)
          throw toActivityFailure(
            new GlpiServerError('GLPI answered 503', { code: 'HTTP_503', status: 503 }),
          );
        return upsertComputer(input);
      },
    });
    expect(attempts).toEqual([1, 2, 3]);
    expect(report).toMatchObject({ id: 'host-1', outcome: 'created' });
    expect(emulator.rows('Computer').map((c) => c.name)).toEqual(['srv-retry']);
  });

  it('fails the workflow at once on an error that says no retry can fix it, and still ends the session', async () => {
    let calls = 0;
    const failure = await execute({
      upsertComputer: async () => {
        calls += 1;
        throw new GlpiRightError('no CREATE right on Computer', { code: 'ERROR_RIGHT_MISSING', status: 403 });
      },
    }).catch((err: unknown) => err);
    expect(calls).toBe(1);
    expect(failure).toBeInstanceOf(WorkflowFailedError);
    const activityFailure = (failure as WorkflowFailedError).cause as ActivityFailure;
    expect(activityFailure).toBeInstanceOf(ActivityFailure);
    const cause = activityFailure.cause as ApplicationFailure;
    expect(cause.type).toBe('GlpiRightError');
    expect(cause.nonRetryable).toBe(true);
    expect(cause.message).toContain('no CREATE right');
    expect(cause.details).toEqual([{ code: 'ERROR_RIGHT_MISSING', status: 403 }]);
    // The session opened for the item was killed although the item failed.
    expect(emulator.counters.byRoute['GET killSession']).toBe(1);
  });

  it('decides retryability from the error itself: a GLPI 5xx is retried, a refusal is not', () => {
    const retried = toActivityFailure(new GlpiServerError('503', { code: 'HTTP_503', status: 503 }));
    const refused = toActivityFailure(new GlpiRightError('no right', { code: 'ERROR_RIGHT_MISSING' }));
    expect(retried).toMatchObject({ type: 'GlpiServerError', nonRetryable: false });
    expect(refused).toMatchObject({ type: 'GlpiRightError', nonRetryable: true });
    const plain = new Error('a bug');
    expect(toActivityFailure(plain)).toBe(plain);
  });
});
