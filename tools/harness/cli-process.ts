import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { cpuProfileArgs } from './cpu-profile';
import { freePort } from './ports';
import { ROOT } from './root';

/**
 * The product's own processes, run as users run them: `node bin/glpi-bridge <command>` (the compiled CLI,
 * with the workflow bundle `npm run build` made), configured only by environment variables.
 */
export interface CliProcess {
  child: ChildProcess;
  pid: number;
  /** The last lines it wrote (stdout and stderr), for error messages. */
  tail(): string;
  /** Resolves with its exit code or signal. */
  exited: Promise<string>;
  /** Sends `signal` (default SIGTERM), waits for the exit, SIGKILL after `graceMs`. */
  stop(signal?: NodeJS.Signals, graceMs?: number): Promise<void>;
  /** Its Prometheus endpoint, for a worker that has one. */
  metricsUrl?: string;
}

/** Variables of the parent that would configure the child behind the harness's back. */
const CONFIG_VARIABLE =
  /^(GLPI_|TEMPORAL_(?!CLI_PATH)|LOG_LEVEL$|METRICS_PORT$|DATA_DIR$|RECEIVER_|TICKET_|SYNC_|OUTBOUND_)/;

export function spawnCli(
  args: string[],
  env: Record<string, string>,
  options: { onLine?: (line: string) => void } = {},
): CliProcess {
  if (!existsSync(join(ROOT, 'dist', 'cli', 'main.js')))
    throw new Error('glpi-bridge is not built: run `npm run build` first');
  const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !CONFIG_VARIABLE.test(k)));
  const child = spawn(
    process.execPath,
    [...cpuProfileArgs(args[0] ?? 'cli'), join(ROOT, 'bin', 'glpi-bridge'), ...args],
    {
      cwd: ROOT,
      env: { ...clean, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  const lines: string[] = [];
  const keep = (line: string) => {
    lines.push(line);
    if (lines.length > 40) lines.shift();
    options.onLine?.(line);
  };
  createInterface({ input: child.stdout! }).on('line', keep);
  createInterface({ input: child.stderr! }).on('line', keep);
  const exited = new Promise<string>((resolve) =>
    child.once('exit', (code, signal) => resolve(String(signal ?? code))),
  );
  return {
    child,
    pid: child.pid!,
    tail: () => lines.join('\n'),
    exited,
    stop: async (signal = 'SIGTERM', graceMs = 15_000) => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill(signal);
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** Resolves once `ready` says so of a line, rejects when the process exits first or `timeoutMs` passes. */
function readyWhen(
  proc: CliProcess,
  what: string,
  subscribe: (onLine: (line: string) => void) => void,
  ready: (line: string) => boolean,
  timeoutMs: number,
): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`${what} not ready after ${timeoutMs} ms:\n${proc.tail()}`)),
      timeoutMs,
    );
    subscribe((line) => {
      if (ready(line)) {
        clearTimeout(timer);
        resolve();
      }
    });
    void proc.exited.then((how) => {
      clearTimeout(timer);
      reject(new Error(`${what} exited (${how}):\n${proc.tail()}`));
    });
  });
}

export interface GlpiAccess {
  url: string;
  appToken?: string;
  userToken?: string;
  username?: string;
  password?: string;
}

export interface WorkerProcessOptions {
  temporalAddress: string;
  taskQueue: string;
  glpi: GlpiAccess;
  /** DATA_DIR (the worker keeps its inventory snapshots there). */
  dataDir: string;
  /** LOG_LEVEL. @default 'info' (as users run it) */
  logLevel?: string;
  /** Other variables: GLPI_TIMEOUT_MS, SYNC_RETRY_*, TICKET_*, … */
  env?: Record<string, string>;
  /** Wait for its 'worker started' log line (needs logLevel info or lower). @default true */
  waitReady?: boolean;
}

/** `glpi-bridge worker` in its own process, with the Prometheus endpoint on a free port. */
export async function startWorkerProcess(options: WorkerProcessOptions): Promise<CliProcess> {
  const logLevel = options.logLevel ?? 'info';
  const listeners: ((line: string) => void)[] = [];
  const metricsPort = options.env?.METRICS_PORT ?? String(await freePort());
  const proc = spawnCli(
    ['worker'],
    {
      TEMPORAL_ADDRESS: options.temporalAddress,
      TEMPORAL_TASK_QUEUE: options.taskQueue,
      GLPI_URL: options.glpi.url,
      ...(options.glpi.appToken ? { GLPI_APP_TOKEN: options.glpi.appToken } : {}),
      ...(options.glpi.userToken ? { GLPI_USER_TOKEN: options.glpi.userToken } : {}),
      ...(options.glpi.username ? { GLPI_USERNAME: options.glpi.username } : {}),
      ...(options.glpi.password ? { GLPI_PASSWORD: options.glpi.password } : {}),
      DATA_DIR: options.dataDir,
      LOG_LEVEL: logLevel,
      ...options.env,
      METRICS_PORT: metricsPort,
    },
    { onLine: (line) => listeners.forEach((l) => l(line)) },
  );
  if (options.waitReady ?? true) {
    await readyWhen(
      proc,
      'the worker',
      (l) => listeners.push(l),
      (line) => line.includes('"worker started"'),
      120_000,
    );
  }
  if (metricsPort !== '0') proc.metricsUrl = `http://127.0.0.1:${metricsPort}/metrics`;
  return proc;
}

/** `glpi-bridge serve` (the alert receiver) in its own process; resolves once /healthz answers. */
export async function startReceiverProcess(options: {
  temporalAddress: string;
  taskQueue: string;
  token: string;
  logLevel?: string;
}): Promise<CliProcess & { url: string }> {
  const port = await freePort();
  const proc = spawnCli(['serve'], {
    TEMPORAL_ADDRESS: options.temporalAddress,
    TEMPORAL_TASK_QUEUE: options.taskQueue,
    RECEIVER_HOST: '127.0.0.1',
    RECEIVER_PORT: String(port),
    RECEIVER_TOKEN: options.token,
    LOG_LEVEL: options.logLevel ?? 'warn',
  });
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (proc.child.exitCode !== null) throw new Error(`the receiver exited:\n${proc.tail()}`);
    const ok = await fetch(`${url}/healthz`)
      .then((r) => r.ok)
      .catch(() => false);
    if (ok) break;
    if (Date.now() > deadline) throw new Error(`the receiver did not answer:\n${proc.tail()}`);
    await new Promise((r) => setTimeout(r, 200));
  }
  return { ...proc, url };
}
