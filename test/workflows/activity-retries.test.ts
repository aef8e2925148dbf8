import { Context } from '@temporalio/activity';
import { ActivityFailure, ApplicationFailure, WorkflowFailedError } from '@temporalio/client';
import { createActivities } from '../../src/activities';
import { GlpiRightError, GlpiServerError } from '../../src/glpi/errors';
import { GlpiEmulator } from '../../src/emulator/glpi-emulator';
import { syncInventoryItem } from '../../src/workflows';
import { testTemporal, testWorker, uniqueId } from '../support/temporal';

/** Retry behaviour of the item workflow on the real Temporal dev server, with a faked GLPI step. */
describe('activity retries', () => {
  let env: Awaited<ReturnType<typeof testTemporal>>;
  const emulator = new GlpiEmulator({ profile: '10.0' });
  const item = {
    id: 'host-1',
    label: 'srv-retry',
    hardware: {},
    software: {},
    importDate: '2026-01-15',
  };

  beforeAll(async () => {
    env = await testTemporal();
    await emulator.start();
  });
  afterAll(async () => {
    await emulator.stop();
    await env.close();
  });

  const real = () =>
    createActivities({
      glpi: { url: emulator.url, appToken: emulator.appToken, userToken: emulator.userToken },
    }).activities;

  function activities(upsertComputer: (input: never) => Promise<unknown>) {
    return { ...real(), upsertComputer };
  }

  it('retries an activity that fails twice, then returns its result', async () => {
    const attempts: number[] = [];
    const { upsertComputer } = real();
    const fake = activities(async (input: never) => {
      attempts.push(Context.current().info.attempt);
      if (attempts.length < 3)
        throw new GlpiServerError('GLPI answered 503', { code: 'HTTP_503', status: 503 });
      return upsertComputer(input);
    });
    const { worker } = await testWorker(env, { url: emulator.url }, fake);
    const report = await worker.runUntil(
      env.client.workflow.execute(syncInventoryItem, {
        taskQueue: env.taskQueue,
        workflowId: uniqueId('retry'),
        args: [{ source: 'test', item, retry: { initialIntervalMs: 50, maximumIntervalMs: 100 } }],
      }),
    );
    expect(attempts).toEqual([1, 2, 3]);
    expect(report).toMatchObject({ id: 'host-1', outcome: 'created' });
    expect(emulator.rows('Computer').map((c) => c.name)).toEqual(['srv-retry']);
  });

  it('fails the workflow at once on a non-retryable error, with its type visible', async () => {
    let calls = 0;
    const fake = activities(async () => {
      calls += 1;
      throw new GlpiRightError('no CREATE right on Computer', { code: 'ERROR_RIGHT_MISSING', status: 403 });
    });
    const { worker } = await testWorker(env, { url: emulator.url }, fake);
    const failure = await worker
      .runUntil(
        env.client.workflow.execute(syncInventoryItem, {
          taskQueue: env.taskQueue,
          workflowId: uniqueId('nonretry'),
          args: [{ source: 'test', item, retry: { initialIntervalMs: 50 } }],
        }),
      )
      .catch((err: unknown) => err);
    expect(calls).toBe(1);
    expect(failure).toBeInstanceOf(WorkflowFailedError);
    const activityFailure = (failure as WorkflowFailedError).cause;
    expect(activityFailure).toBeInstanceOf(ActivityFailure);
    const cause = (activityFailure as ActivityFailure).cause as ApplicationFailure;
    expect(cause.type).toBe('GlpiRightError');
    expect(cause.message).toContain('no CREATE right');
    // The session opened for the item was killed although the item failed.
    expect(emulator.counters.byRoute['GET killSession']).toBeGreaterThanOrEqual(1);
  });
});
