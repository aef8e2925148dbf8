import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import type { GlpiEmulatorOptions } from '../../src/emulator/glpi-emulator';
import { startDevServer, type DevServer } from '../../src/temporal/dev-server';
import { startWorkerProcess, type CliProcess } from './cli-process';
import { EmulatorProcess, type EmulatorInstance } from './emulator';
import { freePort } from './ports';
import { ProcessMeter } from './proc-stats';

export interface StackOptions {
  /** Task queue of the worker. */
  taskQueue: string;
  /** Temporal persists to this SQLite file (so that it can be restarted); in memory otherwise. */
  dbFile?: string;
  /** The emulated GLPI the worker talks to. */
  emulator?: GlpiEmulatorOptions;
  /** Its port. @default a free one (`freeStablePort()` for a GLPI that will go away and come back) */
  emulatorPort?: number;
  /** Login and password the worker also gets (GLPI_USERNAME / GLPI_PASSWORD). */
  login?: { username: string; password: string };
  /** Worker variables (GLPI_TIMEOUT_MS, SYNC_RETRY_*, TICKET_*, …) and log level. */
  workerEnv?: Record<string, string>;
  workerLogLevel?: string;
  /** Start the worker with the stack. @default true */
  startWorker?: boolean;
}

/**
 * What a benchmark or a fault run stands on, each part in its own process: a real Temporal dev server, the
 * GLPI emulator (tools/harness/emulator-process.ts), and the product's worker (`glpi-bridge worker`). The
 * calling process is the load generator; `meter` follows every process's CPU and memory.
 */
export class Stack {
  readonly meter = new ProcessMeter();
  worker?: CliProcess;
  private constructor(
    public server: DevServer,
    readonly port: number,
    readonly connection: Connection,
    readonly client: Client,
    readonly emulators: EmulatorProcess,
    /** The GLPI the worker talks to. */
    public glpi: EmulatorInstance,
    readonly dataDir: string,
    private readonly options: StackOptions,
  ) {
    this.meter.watch('temporal', server.process.pid);
    this.meter.watch('emulator', emulators.pid);
    this.meter.watch('load generator', process.pid);
    // Without GLPI nothing converges: an emulator that dies ends the run at once, with every process.
    emulators.child.once('exit', (code, signal) => {
      if (this.stopping) return;
      process.stderr.write(`the emulator process exited (${signal ?? code}): stopping\n`);
      void this.stop().finally(() => process.exit(1));
    });
  }

  private stopping = false;

  static async start(options: StackOptions): Promise<Stack> {
    const port = await freePort();
    const dataDir = mkdtempSync(join(tmpdir(), 'glpi-bridge-harness-'));
    const [server, emulators] = await Promise.all([
      startDevServer({ port, dbFile: options.dbFile }),
      EmulatorProcess.start(),
    ]);
    try {
      const glpi = await emulators.create('glpi', options.emulator ?? {}, options.emulatorPort ?? 0);
      const connection = await Connection.connect({ address: server.address });
      const client = new Client({ connection, namespace: 'default' });
      const stack = new Stack(server, port, connection, client, emulators, glpi, dataDir, options);
      if (options.startWorker ?? true)
        await stack.startWorker().catch(async (err: unknown) => {
          await stack.stop();
          throw err;
        });
      return stack;
    } catch (err) {
      await emulators.stop().catch(() => undefined);
      await server.stop().catch(() => undefined);
      throw err;
    }
  }

  get address(): string {
    return this.server.address;
  }

  /** Starts the worker process (again); its figures are followed under the name `worker`. */
  async startWorker(): Promise<CliProcess> {
    this.worker = await startWorkerProcess({
      temporalAddress: this.server.address,
      taskQueue: this.options.taskQueue,
      glpi: {
        url: this.glpi.url,
        appToken: this.glpi.appToken,
        userToken: this.glpi.userToken,
        ...this.options.login,
      },
      dataDir: this.dataDir,
      logLevel: this.options.workerLogLevel,
      env: this.options.workerEnv,
      waitReady: (this.options.workerLogLevel ?? 'info') === 'info',
    });
    this.meter.watch('worker', this.worker.pid);
    return this.worker;
  }

  /** Points the worker at another emulated GLPI: the worker is restarted on it (fresh caches and sessions). */
  async useGlpi(glpi: EmulatorInstance): Promise<void> {
    await this.worker?.stop();
    this.glpi = glpi;
    await this.startWorker();
  }

  /** Stops the dev server and starts it again on the same port (and database file, when persisted). */
  async restartServer(pauseMs = 0): Promise<void> {
    await this.server.stop();
    if (pauseMs) await new Promise((r) => setTimeout(r, pauseMs));
    this.server = await startDevServer({ port: this.port, dbFile: this.options.dbFile });
    this.meter.watch('temporal', this.server.process.pid);
  }

  async stop(): Promise<void> {
    this.stopping = true;
    await this.worker?.stop();
    await this.connection.close().catch(() => undefined);
    await this.emulators.stop();
    await this.server.stop();
  }
}
