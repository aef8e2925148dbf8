import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { Connection } from '@temporalio/client';
import { devServerSearchAttributeFlags } from './search-attributes';

/** The Temporal CLI version the project builds and tests with (the newest that `go install` accepts). */
export const TEMPORAL_CLI_VERSION = 'v1.5.1';

/** Where `scripts/ensure-temporal-cli.sh` keeps the binary: outside the clone, so fresh clones reuse it. */
export function temporalCliPath(env: NodeJS.ProcessEnv = process.env): string {
  if (env.TEMPORAL_CLI_PATH) return env.TEMPORAL_CLI_PATH;
  const cache = env.XDG_CACHE_HOME || join(homedir(), '.cache');
  return join(cache, 'glpi-bridge', 'temporal-cli', TEMPORAL_CLI_VERSION, 'temporal');
}

export interface DevServerOptions {
  /** gRPC port. @default 7233 */
  port?: number;
  /** Web UI port; omit for a headless server. */
  uiPort?: number;
  /** SQLite file to persist to; omit to keep everything in memory. */
  dbFile?: string;
  /** @default '127.0.0.1' */
  ip?: string;
  /** How long to wait for the server to answer. @default 120 seconds (a cold start on 2 cores is slow) */
  startTimeoutMs?: number;
  /** Receives the server's own output lines. */
  onOutput?: (line: string) => void;
}

export interface DevServer {
  address: string;
  uiUrl?: string;
  process: ChildProcess;
  stop(): Promise<void>;
}

/** Starts the real Temporal dev server (never a mock) and resolves once it answers health checks. */
export async function startDevServer(options: DevServerOptions = {}): Promise<DevServer> {
  const binary = temporalCliPath();
  if (!existsSync(binary)) {
    throw new Error(
      `Temporal CLI not found at ${binary}. Run 'npm run temporal:ensure' (builds it with Go), ` +
        'or set TEMPORAL_CLI_PATH to an installed temporal binary.',
    );
  }
  const ip = options.ip ?? '127.0.0.1';
  const port = options.port ?? 7233;
  const args = [
    'server',
    'start-dev',
    '--ip',
    ip,
    '--port',
    String(port),
    '--namespace',
    'default',
    '--log-format',
    'json',
    '--log-level',
    'error',
    // Lets the SDK read search attributes right after upsert (tests and the UI see them at once).
    '--dynamic-config-value',
    'system.forceSearchAttributesCacheRefreshOnRead=true',
    ...devServerSearchAttributeFlags(),
  ];
  if (options.uiPort) args.push('--ui-port', String(options.uiPort));
  else args.push('--headless');
  if (options.dbFile) args.push('--db-filename', options.dbFile);

  const child = spawn(binary, args, { stdio: ['ignore', 'pipe', 'pipe'], detached: false });
  const output: string[] = [];
  const collect = (chunk: Buffer) => {
    for (const line of chunk.toString().split('\n').filter(Boolean)) {
      output.push(line);
      if (output.length > 50) output.shift();
      options.onOutput?.(line);
    }
  };
  child.stdout.on('data', collect);
  child.stderr.on('data', collect);
  let exited: number | null | undefined;
  child.on('exit', (code) => (exited = code));

  const address = `${ip}:${port}`;
  const deadline = Date.now() + (options.startTimeoutMs ?? 120_000);
  for (;;) {
    if (exited !== undefined) {
      throw new Error(`Temporal dev server exited with status ${exited}:\n${output.join('\n')}`);
    }
    if (await answers(address)) break;
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`Temporal dev server did not answer on ${address} in time:\n${output.join('\n')}`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }

  return {
    address,
    uiUrl: options.uiPort ? `http://${ip === '0.0.0.0' ? 'localhost' : ip}:${options.uiPort}` : undefined,
    process: child,
    stop: () => stopProcess(child),
  };
}

async function answers(address: string): Promise<boolean> {
  let connection: Connection | undefined;
  try {
    connection = await Connection.connect({ address, connectTimeout: '1s' });
    await connection.workflowService.describeNamespace({ namespace: 'default' });
    return true;
  } catch {
    return false;
  } finally {
    await connection?.close().catch(() => undefined);
  }
}

/** SIGTERM, then SIGKILL after a grace period, so that no server outlives its owner. */
export async function stopProcess(child: ChildProcess, graceMs = 10_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
}
