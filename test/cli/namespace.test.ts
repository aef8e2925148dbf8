import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Client, WorkflowNotFoundError } from '@temporalio/client';
import { msToTs } from '@temporalio/common/lib/time';
import { GlpiEmulator } from '../../src/emulator/glpi-emulator';
import { SEARCH_ATTRIBUTES } from '../../src/temporal/search-attributes';
import { runCli } from '../support/cli';
import { testTemporal, uniqueId } from '../support/temporal';
import { logRecords, startCli, stopCli } from './spawn-cli';

const EXAMPLE = resolve(__dirname, '../../examples/inventory.json');

/**
 * TEMPORAL_NAMESPACE, end to end: the real worker and the real CLI on the suite's dev server, in a namespace
 * of their own that is created while the worker waits for it. Everything happens there, nothing in `default`.
 */
describe('TEMPORAL_NAMESPACE', () => {
  let env: Awaited<ReturnType<typeof testTemporal>>;
  const emulator = new GlpiEmulator({ profile: '10.0' });
  beforeAll(async () => {
    env = await testTemporal();
    await emulator.start();
  });
  afterAll(async () => {
    await emulator.stop();
    await env.close();
  });

  it('the worker waits for the namespace, then it, sync, sync status, sync list and setup all work in it', async () => {
    const address = process.env.TEMPORAL_TEST_ADDRESS!;
    const namespace = uniqueId('glpi-ns');
    const cliEnv = {
      TEMPORAL_ADDRESS: address,
      TEMPORAL_NAMESPACE: namespace,
      TEMPORAL_TASK_QUEUE: uniqueId('ns'),
    };

    // Not there yet: the CLI says which namespace, where, and how to make it.
    const missing = await runCli(['sync', 'list'], cliEnv);
    expect(missing.stderr).toBe(
      `error: namespace '${namespace}' does not exist on Temporal at ${address}; create it (\`temporal operator namespace create ${namespace}\`) or set TEMPORAL_NAMESPACE\n`,
    );
    expect(missing.status).toBe(2);

    const worker = startCli(['worker'], {
      ...cliEnv,
      GLPI_URL: emulator.url,
      GLPI_APP_TOKEN: emulator.appToken,
      GLPI_USER_TOKEN: emulator.userToken,
      METRICS_PORT: '0',
      DATA_DIR: mkdtempSync(join(tmpdir(), 'glpi-bridge-ns-')),
    });
    try {
      const waiting = JSON.parse((await worker.waitFor(/Temporal check failed/)).text) as Record<
        string,
        unknown
      >;
      expect(waiting.msg).toBe(
        `Temporal check failed: Temporal at ${address} answers, but namespace '${namespace}' does not exist there; fix: create it (\`temporal operator namespace create ${namespace}\`) or set TEMPORAL_NAMESPACE; the worker tries again until it answers`,
      );

      await env.client.connection.workflowService.registerNamespace({
        namespace,
        workflowExecutionRetentionPeriod: msToTs('1 day'),
      });
      await worker.waitFor(
        new RegExp(
          `"Temporal ok: ${address}, namespace ${namespace}, task queue ${cliEnv.TEMPORAL_TASK_QUEUE}"`,
        ),
        60_000,
      );
      const started = JSON.parse((await worker.waitFor(/"worker started"/, 120_000)).text) as Record<
        string,
        unknown
      >;
      expect(started).toMatchObject({ namespace, taskQueue: cliEnv.TEMPORAL_TASK_QUEUE });
      // A new namespace has none of the search attributes the syncs set: the worker registered them there.
      const registered = logRecords(worker.lines).find((r) => r.msg === 'registered search attributes');
      expect(registered?.added).toEqual(
        expect.arrayContaining([SEARCH_ATTRIBUTES.outcome.name, SEARCH_ATTRIBUTES.inventorySource.name]),
      );
      const setup = await runCli(['setup'], cliEnv);
      expect(setup.stdout).toBe(`All search attributes are already registered in namespace ${namespace}.\n`);

      const sync = await runCli(['sync', '--file', EXAMPLE, '--wait'], cliEnv, 120_000);
      expect(sync.stderr).not.toMatch(/error|retrying/);
      expect(sync.status).toBe(0);
      const workflowId = /^Started (\S+)$/m.exec(sync.stdout)![1]!;
      expect(emulator.rows('Computer')).toHaveLength(3);

      // In that namespace, and not in `default`.
      const there = new Client({ connection: env.client.connection, namespace });
      expect((await there.workflow.getHandle(workflowId).describe()).status.name).toBe('COMPLETED');
      await expect(env.client.workflow.getHandle(workflowId).describe()).rejects.toBeInstanceOf(
        WorkflowNotFoundError,
      );

      const status = await runCli(['sync', 'status', workflowId], cliEnv);
      expect(status.stdout).toContain(`Sync ${workflowId}: succeeded`);
      expect(status.status).toBe(0);
      const list = await runCli(['sync', 'list'], cliEnv);
      expect(list.stdout).toMatch(
        new RegExp(`^${workflowId.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')} +\\S+ +succeeded`, 'm'),
      );
      const elsewhere = await runCli(['sync', 'status', workflowId], {
        ...cliEnv,
        TEMPORAL_NAMESPACE: 'default',
      });
      expect(elsewhere.stderr).toBe(
        `error: no workflow '${workflowId}' in namespace default; \`glpi-bridge sync list\` shows recent syncs\n`,
      );
      expect(elsewhere.status).toBe(2);
    } finally {
      expect(await stopCli(worker)).toBe(0);
    }
  });
});
