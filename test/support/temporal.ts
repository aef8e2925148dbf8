import { randomUUID } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, Runtime, DefaultLogger, type Worker } from '@temporalio/worker';
import { createWorker } from '../../src/worker/create-worker';
import type { GlpiClientOptions } from '../../src/glpi/glpi-client';
import type { GlpiEmulator } from '../../src/emulator/glpi-emulator';
import { DEFAULT_WORKER_SETTINGS, type WorkerSettings } from '../../src/config/worker-settings';

/** The worker settings of tests: the defaults with fast retries, so a failing step fails in seconds. */
export function testSettings(overrides: Partial<WorkerSettings> = {}): WorkerSettings {
  return {
    ...DEFAULT_WORKER_SETTINGS,
    inventoryRetry: { maxIntervalSeconds: 0.2, budgetSeconds: 20 },
    ...overrides,
  };
}

let runtimeInstalled = false;

/** Connections to the suite's real dev server, and workers on a task queue of their own. */
export async function testTemporal(): Promise<{
  client: Client;
  connection: NativeConnection;
  taskQueue: string;
  close: () => Promise<void>;
}> {
  if (!runtimeInstalled) {
    // Quiet SDK logs in tests unless asked for.
    Runtime.install({
      logger: new DefaultLogger(process.env.TEST_LOG_LEVEL === 'debug' ? 'DEBUG' : 'ERROR'),
    });
    runtimeInstalled = true;
  }
  const address = process.env.TEMPORAL_TEST_ADDRESS;
  if (!address)
    throw new Error('TEMPORAL_TEST_ADDRESS is not set: run the tests through jest (global setup)');
  const clientConnection = await Connection.connect({ address });
  const connection = await NativeConnection.connect({ address });
  return {
    client: new Client({ connection: clientConnection, namespace: 'default' }),
    connection,
    taskQueue: `test-${randomUUID()}`,
    close: async () => {
      await clientConnection.close();
      await connection.close();
    },
  };
}

/** A worker with the suite's prebuilt workflow bundle; real activities unless `activities` is given. */
export async function testWorker(
  env: { connection: NativeConnection; taskQueue: string },
  glpi: GlpiClientOptions,
  activities?: object,
  settings: WorkerSettings = testSettings(),
  outboundToken?: string,
): Promise<{ worker: Worker; close: () => Promise<void> }> {
  return createWorker({
    connection: env.connection,
    namespace: 'default',
    taskQueue: env.taskQueue,
    glpi,
    settings,
    outboundToken,
    activities,
    workflowBundle: { codePath: process.env.WORKFLOW_BUNDLE_PATH! },
  });
}

export function uniqueId(prefix: string): string {
  return `${prefix}-${randomUUID().slice(0, 8)}`;
}

/** Starts `emulator` and a worker on it (real activities); `stop` undoes both. */
export async function startWorkerOn(
  env: { connection: NativeConnection; taskQueue: string },
  emulator: GlpiEmulator,
  settings: WorkerSettings = testSettings(),
  outboundToken?: string,
): Promise<{ stop: () => Promise<void> }> {
  await emulator.start();
  const { worker, close } = await testWorker(
    env,
    { url: emulator.url, appToken: emulator.appToken, userToken: emulator.userToken },
    undefined,
    settings,
    outboundToken,
  );
  const running = worker.run();
  return {
    stop: async () => {
      worker.shutdown();
      await running;
      await close();
      await emulator.stop();
    },
  };
}
