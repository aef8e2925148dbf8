import { spawn, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';

const BIN = resolve(__dirname, '../../bin/glpi-bridge');

export interface Line {
  /** Milliseconds since the command started. */
  at: number;
  stream: 'stdout' | 'stderr';
  text: string;
}

export interface RunningCli {
  child: ChildProcess;
  lines: Line[];
  /** Everything printed so far, stdout and stderr interleaved. */
  output(): string;
  /** Resolves with the first line matching `wanted`; rejects when the command exits first or time runs out. */
  waitFor(wanted: RegExp, timeoutMs?: number): Promise<Line>;
  /** The exit status (null when killed by a signal). */
  exited: Promise<number | null>;
}

/**
 * Starts the built CLI like an operator would, with a clean environment (no GLPI_*, TEMPORAL_* but the CLI's
 * path, LOG_LEVEL or METRICS_PORT of the test run), and timestamps every line it prints.
 */
export function startCli(args: string[], env: Record<string, string> = {}): RunningCli {
  const clean = Object.fromEntries(
    Object.entries(process.env).filter(
      ([k]) => !/^(GLPI_|TEMPORAL_(?!CLI_PATH)|LOG_LEVEL|METRICS_PORT|SYNC_|RECEIVER_)/.test(k),
    ),
  );
  const started = Date.now();
  const child = spawn(process.execPath, [BIN, ...args], {
    env: { ...clean, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: Line[] = [];
  for (const stream of ['stdout', 'stderr'] as const) {
    let rest = '';
    child[stream]!.on('data', (chunk: Buffer) => {
      const parts = (rest + chunk.toString()).split('\n');
      rest = parts.pop()!;
      for (const text of parts) lines.push({ at: Date.now() - started, stream, text });
    });
    child[stream]!.on('end', () => {
      if (rest) lines.push({ at: Date.now() - started, stream, text: rest });
    });
  }
  const exited = new Promise<number | null>((r) => child.on('close', (code) => r(code)));
  let done = false;
  void exited.then(() => (done = true));
  return {
    child,
    lines,
    output: () => lines.map((l) => l.text).join('\n'),
    exited,
    async waitFor(wanted, timeoutMs = 60_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const line = lines.find((l) => wanted.test(l.text));
        if (line) return line;
        if (done || Date.now() > deadline)
          throw new Error(
            `${done ? 'exited' : 'timed out'} before printing ${wanted}:\n${lines.map((l) => l.text).join('\n')}`,
          );
        await new Promise((r) => setTimeout(r, 100));
      }
    },
  };
}

/** Stops a command started with `startCli` (SIGTERM, then SIGKILL) and returns its exit status. */
export async function stopCli(cli: RunningCli, signal: NodeJS.Signals = 'SIGTERM'): Promise<number | null> {
  if (cli.child.exitCode !== null || cli.child.signalCode !== null) return cli.exited;
  cli.child.kill(signal);
  const timer = setTimeout(() => cli.child.kill('SIGKILL'), 20_000);
  const status = await cli.exited;
  clearTimeout(timer);
  return status;
}

/** The JSON log records among the lines of a command. */
export function logRecords(lines: Line[]): Record<string, unknown>[] {
  return lines.flatMap((l) => {
    if (!l.text.startsWith('{')) return [];
    try {
      return [JSON.parse(l.text) as Record<string, unknown>];
    } catch {
      return [];
    }
  });
}
