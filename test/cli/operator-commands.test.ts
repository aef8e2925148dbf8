import { resolve } from 'node:path';
import { GlpiEmulator } from '../../src/emulator/glpi-emulator';
import { runCli } from '../support/cli';
import { startWorkerOn, testTemporal, uniqueId } from '../support/temporal';
import { freePort } from '../support/ports';

const EXAMPLE = resolve(__dirname, '../../examples/inventory.json');

describe('operator commands against a real Temporal', () => {
  let env: Awaited<ReturnType<typeof testTemporal>>;
  let temporalEnv: Record<string, string>;
  beforeAll(async () => {
    env = await testTemporal();
    temporalEnv = {
      TEMPORAL_ADDRESS: process.env.TEMPORAL_TEST_ADDRESS!,
      TEMPORAL_TASK_QUEUE: env.taskQueue,
    };
  });
  afterAll(() => env.close());

  it('sync --wait shows progress and the per-item table, and exits 0 when all synced', async () => {
    const { stop } = await startWorkerOn(env, new GlpiEmulator());
    try {
      const result = await runCli(['sync', '--file', EXAMPLE, '--wait'], temporalEnv);
      expect(result.stdout).toMatch(/^Started inventory\/servicenav\//);
      expect(result.stdout).toMatch(/host-1001 +srv-web-01 +created/);
      expect(result.stdout).toContain(
        '3 items: 3 created, 0 updated, 0 unchanged, 0 failed, 0 rejected rows, 0 missing',
      );
      expect(result.stderr).toMatch(/\[#+\] 3\/3 100%/);
      expect(result.status).toBe(0);
    } finally {
      await stop();
    }
  });

  it('sync refuses a missing file before starting anything', async () => {
    const result = await runCli(['sync', '--file', '/nonexistent/inventory.json'], temporalEnv);
    expect(result.status).toBe(2);
    expect(result.stderr).toBe('error: --file: /nonexistent/inventory.json does not exist\n');
  });

  it('manages a schedule: create, list, describe, pause, unpause, trigger, delete', async () => {
    const id = uniqueId('nightly');
    const create = await runCli(
      ['schedule', 'create', id, '--file', EXAMPLE, '--cron', '0 3 * * *'],
      temporalEnv,
    );
    expect(create.stdout).toBe(`Created schedule ${id}\n`);
    const list = await runCli(['schedule', 'list'], temporalEnv);
    expect(list.stdout).toMatch(new RegExp(`${id} +active`));
    const describe_ = JSON.parse((await runCli(['schedule', 'describe', id], temporalEnv)).stdout) as {
      paused: boolean;
      spec: unknown;
    };
    expect(describe_.paused).toBe(false);
    await runCli(['schedule', 'pause', id, '--note', 'maintenance'], temporalEnv);
    const handle = env.client.schedule.getHandle(id);
    expect((await handle.describe()).state).toMatchObject({ paused: true, note: 'maintenance' });
    await runCli(['schedule', 'unpause', id], temporalEnv);
    expect((await handle.describe()).state.paused).toBe(false);
    expect((await runCli(['schedule', 'trigger', id], temporalEnv)).status).toBe(0);
    expect((await runCli(['schedule', 'delete', id], temporalEnv)).stdout).toBe(`delete: ${id} done\n`);
    const bad = await runCli(['schedule', 'create', id, '--file', EXAMPLE, '--every', 'often'], temporalEnv);
    expect(bad.stderr).toContain("--every must look like 30m, 6h or 1d, got 'often'");
  });

  it('runs a worker with JSON logs and a Prometheus endpoint, and stops cleanly on SIGTERM', async () => {
    const emulator = new GlpiEmulator();
    await emulator.start();
    const metricsPort = await freePort();
    const { spawn } = await import('node:child_process');
    const child = spawn(process.execPath, [resolve(__dirname, '../../bin/glpi-bridge'), 'worker'], {
      env: {
        ...process.env,
        ...temporalEnv,
        TEMPORAL_TASK_QUEUE: uniqueId('wq'),
        GLPI_URL: emulator.url,
        GLPI_APP_TOKEN: emulator.appToken,
        GLPI_USER_TOKEN: emulator.userToken,
        METRICS_PORT: String(metricsPort),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
    try {
      const deadline = Date.now() + 60_000;
      while (!stdout.includes('worker started') && Date.now() < deadline)
        await new Promise((r) => setTimeout(r, 200));
      const started = JSON.parse(stdout.split('\n').find((l) => l.includes('worker started'))!) as Record<
        string,
        unknown
      >;
      expect(started).toMatchObject({
        level: 'info',
        service: 'glpi-bridge',
        msg: 'worker started',
        metricsPort,
      });
      const metrics = await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text();
      expect(metrics).toMatch(/^temporal_/m);
      expect(stdout).not.toContain(emulator.userToken);
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
      expect(stdout).toContain('worker stopped');
    } finally {
      child.kill('SIGKILL');
      await emulator.stop();
    }
  });
});
