import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { GlpiEmulatorOptions } from '../../src/emulator/glpi-emulator';
import type { FaultOptions } from '../../src/emulator/faults';
import type { Row } from '../../src/emulator/itemtypes';
import { cpuProfileArgs } from './cpu-profile';
import { ROOT } from './root';

export interface EmulatorCounters {
  total: number;
  writes: number;
  byRoute: Record<string, number>;
  injected: Record<string, number>;
}

/** One emulated GLPI inside the emulator process: what a test or a benchmark asks of it. */
export interface EmulatorInstance {
  name: string;
  url: string;
  appToken: string;
  userToken: string;
  /** Requests received since the last reset (and the faults injected since start); `reset` zeroes them. */
  counters(reset?: boolean): Promise<EmulatorCounters>;
  resetCounters(): Promise<void>;
  rows(itemtype: string): Promise<Row[]>;
  insert(itemtype: string, rows: Partial<Row>[]): Promise<number[]>;
  /** Replaces the random faults (latency included). */
  setFaults(faults: FaultOptions): Promise<void>;
  /** Starts noting when each new row of `itemtype` is made; `created` returns them (epoch ms). */
  watch(itemtype: string): Promise<void>;
  created(itemtype: string): Promise<{ id: number; at: number }[]>;
  /** Every GLPI session token the emulator issued: none may appear in a workflow history. */
  sessionTokens(): Promise<string[]>;
  /**
   * GLPI goes away: connections to its port are refused (open ones are cut) until `outageEnd`, which listens
   * again on the same port. Each resolves with when it took effect (epoch ms, the emulator's clock).
   */
  outageStart(): Promise<number>;
  outageEnd(): Promise<number>;
  stop(): Promise<void>;
}

/** The emulator process (tools/harness/emulator-process.ts) and its control API. */
export class EmulatorProcess {
  private constructor(
    readonly child: ChildProcess,
    private readonly controlUrl: string,
  ) {}

  get pid(): number | undefined {
    return this.child.pid;
  }

  static async start(): Promise<EmulatorProcess> {
    const child = spawn(
      process.execPath,
      [
        ...cpuProfileArgs('emulator'),
        '-r',
        'ts-node/register/transpile-only',
        join(__dirname, 'emulator-process.ts'),
      ],
      { cwd: ROOT, stdio: ['pipe', 'pipe', 'inherit'] },
    );
    const port = await new Promise<number>((resolve, reject) => {
      const lines = createInterface({ input: child.stdout! });
      lines.once('line', (line) => resolve((JSON.parse(line) as { control: number }).control));
      child.once('exit', (code) => reject(new Error(`the emulator process exited (${code})`)));
      child.once('error', reject);
    });
    return new EmulatorProcess(child, `http://127.0.0.1:${port}`);
  }

  async call<T>(op: string, body: Record<string, unknown> = {}): Promise<T> {
    const res = await fetch(`${this.controlUrl}/${op}`, { method: 'POST', body: JSON.stringify(body) });
    const json = (await res.json()) as T & { error?: string };
    if (!res.ok) throw new Error(`emulator ${op}: ${json.error ?? res.status}`);
    return json;
  }

  /** Starts an emulated GLPI named `name`. */
  async create(name: string, options: GlpiEmulatorOptions = {}, port = 0): Promise<EmulatorInstance> {
    const made = await this.call<{ url: string; appToken: string; userToken: string }>('create', {
      name,
      options,
      port,
    });
    const call = <T>(op: string, body: Record<string, unknown> = {}) => this.call<T>(op, { name, ...body });
    return {
      name,
      ...made,
      counters: (reset = false) => call<EmulatorCounters>('counters', { reset }),
      resetCounters: async () => void (await call('counters', { reset: true })),
      rows: (itemtype) => call<Row[]>('rows', { itemtype }),
      insert: (itemtype, rows) => call<number[]>('insert', { itemtype, rows }),
      setFaults: async (faults) => void (await call('faults', { faults })),
      watch: async (itemtype) => void (await call('watch', { itemtype })),
      created: (itemtype) => call<{ id: number; at: number }[]>('created', { itemtype }),
      sessionTokens: () => call<string[]>('session-tokens'),
      outageStart: async () => (await call<{ at: number }>('outage-start')).at,
      outageEnd: async () => (await call<{ at: number }>('outage-end')).at,
      stop: async () => void (await call('stop')),
    };
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = new Promise((resolve) => this.child.once('exit', resolve));
    await this.call('exit').catch(() => this.child.kill('SIGKILL'));
    await exited;
  }
}
