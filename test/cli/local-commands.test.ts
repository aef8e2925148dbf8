import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { freePort } from '../support/ports';

const BIN = resolve(__dirname, '../../bin/glpi-bridge');

/** Starts a long-running command, waits for a line of its output, and stops it with a signal. */
async function runUntil(args: string[], wanted: RegExp, env: Record<string, string> = {}) {
  const child = spawn(process.execPath, [BIN, ...args], {
    env: { ...process.env, ...env, LOG_LEVEL: 'error' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr.on('data', (c: Buffer) => (out += c.toString()));
  const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
  const deadline = Date.now() + 90_000;
  while (!wanted.test(out)) {
    if (Date.now() > deadline || child.exitCode !== null) throw new Error(`never printed ${wanted}:\n${out}`);
    await new Promise((r) => setTimeout(r, 200));
  }
  return { child, output: () => out, exited };
}

describe('local commands', () => {
  it('dev brings up a reachable Temporal with its Web UI and a worker, and Ctrl-C stops everything', async () => {
    const port = await freePort();
    const uiPort = await freePort();
    const { child, output, exited } = await runUntil(
      ['dev', '--port', String(port), '--ui-port', String(uiPort), '--no-persist'],
      /Press Ctrl-C to stop/,
    );
    try {
      expect(output()).toContain(`Temporal UI:  http://127.0.0.1:${uiPort}`);
      expect(output()).toMatch(/GLPI: +emulator 10\.0\.14 at http:\/\/127\.0\.0\.1:\d+\/apirest\.php/);
      const ui = await fetch(`http://127.0.0.1:${uiPort}/`);
      expect(ui.status).toBe(200);
      child.kill('SIGINT');
      expect(await exited).toBe(0);
      expect(output()).toContain('Stopped.');
      // The dev server went with it: its port is free again.
      await expect(fetch(`http://127.0.0.1:${uiPort}/`)).rejects.toThrow();
    } finally {
      child.kill('SIGKILL');
    }
  });

  it('dev on the emulator keeps Temporal in memory too, so no run inherits workflows naming vanished tickets', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'glpi-bridge-dev-'));
    const port = await freePort();
    const { child, output, exited } = await runUntil(
      ['dev', '--port', String(port), '--ui-port', String(await freePort())],
      /Press Ctrl-C to stop/,
      { DATA_DIR: dataDir },
    );
    try {
      expect(output()).toMatch(/State: +in memory, as the emulator's/);
      expect(existsSync(join(dataDir, 'temporal.db'))).toBe(false);
      child.kill('SIGINT');
      expect(await exited).toBe(0);
    } finally {
      child.kill('SIGKILL');
    }
  });

  it('emulator runs on its own and prints the settings to use', async () => {
    const port = await freePort();
    const { child, output, exited } = await runUntil(
      [
        'emulator',
        '--port',
        String(port),
        '--glpi-version',
        '9.1',
        '--app-token',
        'app',
        '--user-token',
        'user',
      ],
      /Press Ctrl-C/,
    );
    try {
      expect(output()).toContain(`GLPI_URL=http://127.0.0.1:${port}/apirest.php`);
      const res = await fetch(`http://127.0.0.1:${port}/apirest.php/initSession`, {
        headers: { 'App-Token': 'app', Authorization: 'user_token user' },
      });
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({ session_token: expect.any(String) });
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
    } finally {
      child.kill('SIGKILL');
    }
  });
});
