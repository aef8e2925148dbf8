import { createServer, type Server } from 'node:net';
import { resolve } from 'node:path';
import { runCli, type CliResult } from '../support/cli';
import { freePort } from '../support/ports';
import { testTemporal, uniqueId } from '../support/temporal';

const EXAMPLE = resolve(__dirname, '../../examples/inventory.json');
const FIX =
  'check TEMPORAL_ADDRESS (and TEMPORAL_TLS_* / TEMPORAL_API_KEY for a secured server), or start a local one with `glpi-bridge dev`';

/** One line on stderr, `error: …`, no stack trace, and the documented status. */
function expectOneLine(result: CliResult, line: string | RegExp, status: number) {
  const text = result.stderr.trimEnd();
  expect(text.split('\n')).toHaveLength(1);
  if (typeof line === 'string') expect(text).toBe(line);
  else expect(text).toMatch(line);
  expect(text).not.toMatch(/^\s+at /m);
  expect(result.status).toBe(status);
}

async function busyPort(): Promise<{ port: number; server: Server }> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { port: (server.address() as { port: number }).port, server };
}

/** Every command's error paths: one line naming the problem and the fix, status 1 or 2, never a stack. */
describe('command errors', () => {
  let env: Awaited<ReturnType<typeof testTemporal>>;
  let temporalEnv: Record<string, string>;
  let down: string;
  beforeAll(async () => {
    env = await testTemporal();
    temporalEnv = {
      TEMPORAL_ADDRESS: process.env.TEMPORAL_TEST_ADDRESS!,
      TEMPORAL_TASK_QUEUE: env.taskQueue,
    };
    down = `127.0.0.1:${await freePort()}`;
  });
  afterAll(() => env.close());

  it('usage: unknown command or option, exit 2', async () => {
    const unknown = await runCli(['synk']);
    expect(unknown.stderr).toContain("error: unknown command 'synk'");
    expect(unknown.status).toBe(2);
    const option = await runCli(['sync', '--fiel', EXAMPLE]);
    expect(option.stderr).toContain("error: unknown option '--fiel'");
    expect(option.status).toBe(2);
    const help = await runCli(['--help']);
    expect(help.stdout).toContain('Exit status: 0 done; 1 something failed');
    expect(help.status).toBe(0);
  });

  it('demo and dev: no Temporal CLI', async () => {
    for (const command of ['demo', 'dev']) {
      const result = await runCli([command, '--port', String(await freePort())], {
        TEMPORAL_CLI_PATH: '/nonexistent/temporal',
      });
      expectOneLine(
        result,
        "error: Temporal CLI not found at /nonexistent/temporal. Run 'npm run temporal:ensure' (builds it with Go), or set TEMPORAL_CLI_PATH to an installed temporal binary",
        1,
      );
    }
    expectOneLine(
      await runCli(['dev', '--port', 'abc']),
      "error: --port must be a port number, got 'abc'",
      2,
    );
  });

  it('sync: missing or bad flags (2), Temporal unreachable named by its address (1)', async () => {
    expectOneLine(
      await runCli(['sync'], temporalEnv),
      "error: --file is required: the inventory's path or http(s) URL",
      2,
    );
    for (const value of ['0', '65', 'many']) {
      expectOneLine(
        await runCli(['sync', '--file', EXAMPLE, '--concurrency', value], temporalEnv),
        `error: --concurrency must be a whole number from 1 to 64 (chunks of 100 hosts synced at once), got '${value}'`,
        2,
      );
    }
    const started = Date.now();
    expectOneLine(
      await runCli(['sync', '--file', EXAMPLE], { TEMPORAL_ADDRESS: down }),
      `error: cannot reach Temporal at ${down} (connect ECONNREFUSED ${down}); ${FIX}`,
      1,
    );
    expect(Date.now() - started).toBeLessThan(8000);
  });

  it('sync status and sync list: an id that is not a sync, bad flags', async () => {
    expectOneLine(
      await runCli(['sync', 'status', 'inventory/none/2020'], temporalEnv),
      "error: no workflow 'inventory/none/2020' in namespace default; `glpi-bridge sync list` shows recent syncs",
      2,
    );
    expectOneLine(
      await runCli(['sync', 'list', '--outcome', 'green'], temporalEnv),
      "error: --outcome must be one of running, succeeded, partial, failed, got 'green'",
      2,
    );
    expectOneLine(
      await runCli(['sync', 'list'], { TEMPORAL_ADDRESS: down }),
      `error: cannot reach Temporal at ${down} (connect ECONNREFUSED ${down}); ${FIX}`,
      1,
    );
  });

  it('schedule: an id that exists, one that does not', async () => {
    const id = uniqueId('twice');
    const create = ['schedule', 'create', id, '--file', EXAMPLE, '--every', '1h', '--paused'];
    expect((await runCli(create, temporalEnv)).status).toBe(0);
    try {
      expectOneLine(
        await runCli(create, temporalEnv),
        `error: schedule '${id}' already exists in namespace default; choose another id, or replace it: \`glpi-bridge schedule delete ${id}\` then create it again`,
        2,
      );
    } finally {
      await env.client.schedule.getHandle(id).delete();
    }
    for (const action of ['describe', 'pause', 'unpause', 'trigger', 'delete']) {
      expectOneLine(
        await runCli(['schedule', action, id], temporalEnv),
        `error: no schedule '${id}' in namespace default; \`glpi-bridge schedule list\` shows the schedules`,
        2,
      );
    }
    expectOneLine(
      await runCli(['schedule', 'create', id, '--file', EXAMPLE], temporalEnv),
      'error: give exactly one of --every or --cron',
      2,
    );
  });

  it('serve: its port in use (1), no token (2)', async () => {
    const { port, server } = await busyPort();
    try {
      expectOneLine(
        await runCli(['serve'], {
          ...temporalEnv,
          RECEIVER_HOST: '127.0.0.1',
          RECEIVER_PORT: String(port),
          RECEIVER_TOKEN: 'token',
        }),
        `error: 127.0.0.1:${port} is already in use; stop what listens there, or choose another port (RECEIVER_PORT for serve, --port for the others)`,
        1,
      );
    } finally {
      server.close();
    }
    const noToken = await runCli(['serve'], temporalEnv);
    expect(noToken.stderr).toContain('RECEIVER_TOKEN: is required (or RECEIVER_HMAC_SECRET)');
    expect(noToken.stderr).not.toMatch(/^\s+at /m);
    expect(noToken.status).toBe(2);
  });

  it('alert: an incomplete notification (2), Temporal unreachable named by its address (1)', async () => {
    const incomplete = await runCli(['alert', '--type', 'PROBLEM'], temporalEnv);
    expect(incomplete.stderr).toMatch(/^error: /);
    expect(incomplete.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(incomplete.status).toBe(2);
    expectOneLine(
      await runCli(
        ['alert', '--type', 'PROBLEM', '--host', 'web-1', '--service', 'HTTP', '--state', 'CRITICAL'],
        { TEMPORAL_ADDRESS: down },
        30_000,
      ),
      new RegExp(
        `^error: cannot reach Temporal at ${down.replace(/\./g, '\\.')} \\(.+\\); check TEMPORAL_ADDRESS`,
      ),
      1,
    );
  });

  it('check: no GLPI configured (2)', async () => {
    const result = await runCli(['check']);
    expect(result.stderr).toContain('GLPI_URL: is required to check a GLPI');
    expect(result.status).toBe(2);
  });

  it('setup: Temporal unreachable named by its address (1)', async () => {
    expectOneLine(
      await runCli(['setup'], { TEMPORAL_ADDRESS: down }),
      `error: cannot reach Temporal at ${down} (connect ECONNREFUSED ${down}); ${FIX}`,
      1,
    );
    const ok = await runCli(['setup'], temporalEnv);
    expect(ok.stdout).toBe('All search attributes are already registered in namespace default.\n');
    expect(ok.status).toBe(0);
  });

  it('emulator: its port in use (1), a bad flag (2)', async () => {
    const { port, server } = await busyPort();
    try {
      expectOneLine(
        await runCli(['emulator', '--port', String(port)]),
        `error: 127.0.0.1:${port} is already in use; stop what listens there, or choose another port (RECEIVER_PORT for serve, --port for the others)`,
        1,
      );
    } finally {
      server.close();
    }
    expectOneLine(
      await runCli(['emulator', '--latency', 'slow']),
      "error: --latency must be a whole number of milliseconds, got 'slow'",
      2,
    );
  });

  it('worker: a bad configuration (2); Temporal and GLPI down are covered by glpi-unreachable.test.ts', async () => {
    const result = await runCli(['worker'], {
      GLPI_URL: 'http://glpi/apirest.php',
      GLPI_USER_TOKEN: 'x',
      SYNC_RETRY_BUDGET_SECONDS: '0',
    });
    expect(result.stderr).toContain('SYNC_RETRY_BUDGET_SECONDS: must be greater than 0');
    expect(result.stderr).not.toMatch(/^\s+at /m);
    expect(result.status).toBe(2);
  });
});
