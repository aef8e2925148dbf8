import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { decodeTimeoutType } from '@temporalio/common';
import { GlpiEmulator } from '../../src/emulator/glpi-emulator';
import { syncReport } from '../../src/cli/sync-result';
import { syncInventory } from '../../src/workflows/sync-inventory';
import { testTemporal, testWorker, uniqueId } from '../support/temporal';

/**
 * A worker that dies (SIGKILL, an OOM kill, a lost VM) in the middle of a step: its heartbeats stop, and
 * Temporal gives the step to another worker after the heartbeat timeout (30 s), not after the step's
 * start-to-close timeout (5 minutes).
 */
describe('a worker lost in the middle of a step', () => {
  let env: Awaited<ReturnType<typeof testTemporal>>;
  const emulator = new GlpiEmulator({ profile: '10.0', faults: { timeoutHoldMs: 600_000 } });

  beforeAll(async () => {
    env = await testTemporal();
    await emulator.start();
  });
  afterAll(async () => {
    await emulator.stop();
    await env.close();
  });

  it('has its step taken over once its heartbeats stop', async () => {
    // The first worker is a process of its own, so that it can be killed; GLPI holds its computer creation.
    emulator.faults.script({ kind: 'timeout', match: /^POST Computer$/ });
    const first = spawn(process.execPath, [resolve(__dirname, '../../bin/glpi-bridge'), 'worker'], {
      env: {
        ...process.env,
        TEMPORAL_ADDRESS: process.env.TEMPORAL_TEST_ADDRESS,
        TEMPORAL_TASK_QUEUE: env.taskQueue,
        GLPI_URL: emulator.url,
        GLPI_APP_TOKEN: emulator.appToken,
        GLPI_USER_TOKEN: emulator.userToken,
        GLPI_TIMEOUT_MS: '600000',
        LOG_LEVEL: 'error',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let said = '';
    first.stdout.on('data', (c: Buffer) => (said += c.toString()));
    first.stderr.on('data', (c: Buffer) => (said += c.toString()));
    const items = Array.from({ length: 3 }, (_v, i) => ({
      id: `lost-${i}`,
      label: `lost-${i}`,
      hardware: { type: 'Server', serialNumber: `LOST-${i}` },
      software: { operatingSystem: 'Debian 12' },
      importDate: '2026-11-27',
      serviceContract: { endOfServiceDate: '2027-11-27' },
    }));
    const handle = await env.client.workflow.start(syncInventory, {
      taskQueue: env.taskQueue,
      workflowId: uniqueId('worker-lost'),
      args: [{ inventory: { source: 'worker-lost', items } }],
    });
    try {
      const deadline = Date.now() + 60_000;
      while (emulator.faults.injected.timeout === 0) {
        if (Date.now() > deadline) throw new Error(`the first worker never reached GLPI:\n${said}`);
        await new Promise((r) => setTimeout(r, 100));
      }
    } finally {
      first.kill('SIGKILL');
    }

    const { worker, close } = await testWorker(env, {
      url: emulator.url,
      appToken: emulator.appToken,
      userToken: emulator.userToken,
    });
    try {
      const report = await worker.runUntil(syncReport(handle));
      expect(report.progress).toMatchObject({ total: 3, created: 3, failed: 0 });
      expect(emulator.rows('Computer').map((c) => c.name)).toEqual(['lost-0', 'lost-1', 'lost-2']);
    } finally {
      await close();
    }
    // The attempt the dead worker held ended with a heartbeat timeout, which is what let the next one start.
    const history = await handle.fetchHistory();
    const lastFailures = (history.events ?? []).flatMap((e) =>
      e.activityTaskStartedEventAttributes?.lastFailure
        ? [e.activityTaskStartedEventAttributes.lastFailure]
        : [],
    );
    expect(lastFailures.map((f) => decodeTimeoutType(f.timeoutFailureInfo?.timeoutType))).toContain(
      'HEARTBEAT',
    );
  });
});
