import { mkdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, type Worker } from '@temporalio/worker';
import type { Config } from '../config/config';
import { glpiClientOptions } from '../config/glpi-options';
import { GlpiEmulator } from '../emulator/glpi-emulator';
import type { ProfileName } from '../emulator/profiles';
import type { GlpiClientOptions } from '../glpi/glpi-client';
import type { Logger } from '../observability/logger';
import { startDevServer, type DevServer } from '../temporal/dev-server';
import { createWorker } from '../worker/create-worker';
import { installRuntime } from '../worker/runtime';
import { CliError } from './cli-error';

export interface LocalStackOptions {
  /** gRPC port; a free one is taken when busy. @default 7233 */
  port?: number;
  /** Web UI port. @default port + 1000 */
  uiPort?: number;
  /**
   * Keep Temporal's state in DATA_DIR/temporal.db across runs. Only with a configured GLPI: the emulator keeps
   * its data in memory, and workflows kept across runs would name tickets and computers it no longer has.
   * @default true
   */
  persist?: boolean;
  /** Emulated GLPI version when no GLPI is configured. @default '10.0' */
  glpiVersion?: ProfileName;
  /** Emulator port when no GLPI is configured. @default any free port */
  emulatorPort?: number;
  /** Where the worker keeps inventory snapshots. @default DATA_DIR/inventory-snapshots */
  snapshotDir?: string;
  /** Runs when the stack stops (`stop`, or Ctrl-C), while Temporal still answers. */
  onStopping?: (client: Client) => Promise<void>;
}

export interface LocalStack {
  server: DevServer;
  /** Where Temporal keeps its state; undefined when in memory. */
  stateFile?: string;
  emulator?: GlpiEmulator;
  glpi: GlpiClientOptions;
  client: Client;
  worker: Worker;
  taskQueue: string;
  /** Runs the worker until `stop` (or Ctrl-C), then stops everything. */
  running: Promise<void>;
  stop(): Promise<void>;
}

async function portFree(port: number): Promise<boolean> {
  return new Promise((resolveFree) => {
    const probe = createServer();
    probe.once('error', () => resolveFree(false));
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolveFree(true)));
  });
}

async function pickPort(preferred: number): Promise<number> {
  if (await portFree(preferred)) return preferred;
  return new Promise((resolvePort) => {
    const probe = createServer();
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolvePort(port));
    });
  });
}

/** The dev server's failure to start as one line: the Temporal CLI missing, or the server's own message. */
function devServerProblem(err: unknown): CliError {
  const text = err instanceof Error ? err.message : String(err);
  const [first = '', ...rest] = text.split('\n');
  if (/^Temporal CLI not found/.test(first)) return new CliError(first.replace(/\.\s*$/, ''));
  // The server logs JSON lines: its last message says why it stopped.
  const said = rest
    .map((line) => {
      try {
        return (JSON.parse(line) as { msg?: string }).msg;
      } catch {
        return line.trim() || undefined;
      }
    })
    .filter(Boolean)
    .at(-1);
  return new CliError(
    `the local Temporal dev server did not start: ${said ?? first.replace(/:$/, '')}; with a persisted state (DATA_DIR/temporal.db) try --no-persist or another DATA_DIR`,
  );
}

/**
 * The embedded default: a real Temporal dev server with its Web UI, the GLPI emulator when no GLPI is
 * configured, and a worker. What `glpi-bridge dev` and the quick start's demo run.
 */
export async function startLocalStack(
  config: Config,
  logger: Logger,
  options: LocalStackOptions = {},
): Promise<LocalStack> {
  installRuntime(logger, 0);
  const port = await pickPort(options.port ?? 7233);
  const uiPort = await pickPort(options.uiPort ?? port + 1000);
  let dbFile: string | undefined;
  if ((options.persist ?? true) && config.glpi) {
    mkdirSync(resolve(config.dataDir), { recursive: true });
    dbFile = join(resolve(config.dataDir), 'temporal.db');
  }
  const server = await startDevServer({ port, uiPort, dbFile }).catch((err: unknown) => {
    throw devServerProblem(err);
  });
  let emulator: GlpiEmulator | undefined;
  let glpi: GlpiClientOptions;
  const taskQueue = config.temporal.taskQueue;
  let nativeConnection: NativeConnection | undefined;
  let worker: Worker;
  let close: () => Promise<void>;
  let client: Client;
  let clientConnection: Connection;
  try {
    if (config.glpi) glpi = glpiClientOptions(config.glpi);
    else {
      emulator = new GlpiEmulator({ profile: options.glpiVersion ?? '10.0' });
      await emulator.start(options.emulatorPort ?? 0);
      glpi = { url: emulator.url, appToken: emulator.appToken, userToken: emulator.userToken };
    }
    nativeConnection = await NativeConnection.connect({ address: server.address });
    ({ worker, close } = await createWorker({
      connection: nativeConnection,
      namespace: 'default',
      taskQueue,
      glpi,
      settings: config.settings,
      outboundToken: config.outboundToken,
      snapshotDir: options.snapshotDir ?? join(resolve(config.dataDir), 'inventory-snapshots'),
    }));
    clientConnection = await Connection.connect({ address: server.address });
    client = new Client({ connection: clientConnection, namespace: 'default' });
  } catch (err) {
    // Nothing may outlive a failed start: the dev server is a child process.
    await nativeConnection?.close().catch(() => undefined);
    await emulator?.stop().catch(() => undefined);
    await server.stop();
    throw err;
  }
  const native = nativeConnection;

  let stopping: Promise<void> | undefined;
  const running = (async () => {
    try {
      await worker.run();
    } finally {
      await options.onStopping?.(client).catch(() => undefined);
      await close();
      await clientConnection.close();
      await native.close();
      await emulator?.stop();
      await server.stop();
    }
  })();
  return {
    server,
    stateFile: dbFile,
    emulator,
    glpi,
    client,
    worker,
    taskQueue,
    running,
    stop: () => {
      stopping ??= (async () => {
        if (worker.getState() === 'RUNNING') worker.shutdown();
        await running;
      })();
      return stopping;
    },
  };
}
