import { execFileSync, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';

const root = resolve(__dirname, '..', '..');

export interface CliResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs the built CLI like a user would (building it first when a plain `jest` run skipped the build).
 * Asynchronous, so that servers running in the test process (the emulator) keep answering.
 */
export async function runCli(
  args: string[],
  env: Record<string, string> = {},
  timeoutMs = 60_000,
): Promise<CliResult> {
  if (!existsSync(resolve(root, 'dist/cli/main.js'))) {
    execFileSync('npx', ['tsc', '-p', 'tsconfig.build.json'], { cwd: root, stdio: 'inherit' });
  }
  const clean = Object.fromEntries(
    Object.entries(process.env).filter(
      ([k]) => !/^(GLPI_|TEMPORAL_(?!CLI_PATH)|LOG_LEVEL|METRICS_PORT)/.test(k),
    ),
  );
  return new Promise((resolveResult, reject) => {
    const child = spawn(process.execPath, [resolve(root, 'bin/glpi-bridge'), ...args], {
      cwd: root,
      env: { ...clean, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', reject);
    child.on('close', (status) => {
      clearTimeout(timer);
      resolveResult({ status, stdout, stderr });
    });
  });
}
