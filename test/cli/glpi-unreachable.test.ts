import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { GlpiEmulator } from '../../src/emulator/glpi-emulator';
import { startDevServer } from '../../src/temporal/dev-server';
import { frontOf, selfSignedCertificate, type Front, type TestCertificate } from '../glpi/glpi-front';
import { runCli } from '../support/cli';
import { freePort } from '../support/ports';
import { testTemporal, uniqueId } from '../support/temporal';
import { logRecords, startCli, stopCli } from './spawn-cli';

const EXAMPLE = resolve(__dirname, '../../examples/inventory.json');
const CLOSED = 'http://127.0.0.1:1/apirest.php';

/**
 * GLPI or Temporal down: the real worker and the real CLI against the real Temporal dev server, with GLPI
 * on a closed port. The cause shows within seconds, the final failure is one line, the worker keeps going.
 */
describe('GLPI unreachable, Temporal down', () => {
  let env: Awaited<ReturnType<typeof testTemporal>>;
  beforeAll(async () => {
    env = await testTemporal();
  });
  afterAll(() => env.close());

  it('the worker logs its checks and keeps running; sync --wait shows the cause while Temporal retries, then one line', async () => {
    const taskQueue = uniqueId('glpi-down');
    const cliEnv = {
      TEMPORAL_ADDRESS: process.env.TEMPORAL_TEST_ADDRESS!,
      TEMPORAL_TASK_QUEUE: taskQueue,
      GLPI_URL: CLOSED,
      GLPI_USER_TOKEN: 'the-secret-user-token',
      METRICS_PORT: '0',
      SYNC_RETRY_BUDGET_SECONDS: '15',
      SYNC_RETRY_MAX_INTERVAL_SECONDS: '2',
      DATA_DIR: mkdtempSync(join(tmpdir(), 'glpi-bridge-down-')),
    };
    const worker = startCli(['worker', '--no-register'], cliEnv);
    try {
      const temporal = JSON.parse((await worker.waitFor(/Temporal ok/)).text) as Record<string, unknown>;
      expect(temporal).toMatchObject({
        level: 'info',
        msg: `Temporal ok: ${process.env.TEMPORAL_TEST_ADDRESS}, namespace default, task queue ${taskQueue}`,
      });
      const glpi = JSON.parse((await worker.waitFor(/GLPI check failed/)).text) as Record<string, unknown>;
      expect(glpi).toMatchObject({
        level: 'error',
        msg: 'GLPI check failed: GLPI unreachable: connect ECONNREFUSED 127.0.0.1:1; fix: check GLPI_URL and that this host reaches it (`glpi-bridge check` tells more); the worker keeps running, and syncs retry GLPI for SYNC_RETRY_BUDGET_SECONDS (15 s) before they fail',
      });
      await worker.waitFor(/"worker started"/, 120_000);

      const sync = startCli(['sync', '--file', EXAMPLE, '--wait'], cliEnv);
      const started = await sync.waitFor(/^Started /);
      const workflowId = started.text.slice('Started '.length);
      const retry = await sync.waitFor(
        /^GLPI unreachable: connect ECONNREFUSED 127\.0\.0\.1:1 — retrying, attempt 3$/,
        30_000,
      );
      // Within seconds, while Temporal retries: not after the retry budget.
      expect(retry.at - started.at).toBeLessThan(10_000);
      expect(retry.stream).toBe('stderr');

      // Another terminal attaches meanwhile.
      const status = await runCli(['sync', 'status', workflowId], cliEnv);
      expect(status.stdout).toContain(`Sync ${workflowId}: running (running), started `);
      expect(status.stdout).toMatch(
        /^GLPI unreachable: connect ECONNREFUSED 127\.0\.0\.1:1 — retrying, attempt \d+$/m,
      );
      expect(status.status).toBe(0);

      expect(await sync.exited).toBe(1);
      const errors = sync.lines.filter((l) => l.text.startsWith('error:'));
      expect(errors.map((l) => l.text)).toEqual([
        `error: sync ${workflowId} failed: GLPI unreachable: connect ECONNREFUSED 127.0.0.1:1 (retried for SYNC_RETRY_BUDGET_SECONDS, a worker setting, then gave up); check GLPI_URL on the worker and that the worker's host reaches it (\`glpi-bridge check\` there), then sync again`,
      ]);
      // The budget, not four minutes.
      expect(errors[0]!.at - started.at).toBeLessThan(15_000 + 10_000);
      expect(sync.output()).not.toMatch(/^\s+at |WorkflowFailedError/m);

      const after = await runCli(['sync', 'status', workflowId], cliEnv);
      expect(after.stdout).toContain(`Sync ${workflowId}: failed (failed)`);
      expect(after.stdout).toContain(
        'failed: GLPI unreachable: connect ECONNREFUSED 127.0.0.1:1 (retried for',
      );
      expect(after.status).toBe(1);
      const list = await runCli(['sync', 'list', '--outcome', 'failed', '--limit', '100'], cliEnv);
      expect(list.stdout).toMatch(
        new RegExp(`^${workflowId.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')} +\\S+ +failed`, 'm'),
      );

      // The worker is still there, and its logs say what failed, readably, without secrets.
      expect(worker.child.exitCode).toBeNull();
      const failures = logRecords(worker.lines).filter((r) => r.msg === 'Activity failed');
      expect(failures.length).toBeGreaterThan(0);
      expect(failures[0]!.error).toEqual({
        type: 'GlpiNetworkError',
        message: 'GLPI GET /initSession failed: connect ECONNREFUSED 127.0.0.1:1',
        code: 'NETWORK',
        request: 'GET /initSession',
        nonRetryable: false,
      });
      expect(worker.output()).not.toContain('"error":{}');
      expect(worker.output()).not.toContain('the-secret-user-token');
    } finally {
      expect(await stopCli(worker)).toBe(0);
    }
    expect(worker.output()).toContain('"msg":"worker stopped"');
  });

  it('sync --wait says when no worker polls the task queue', async () => {
    const taskQueue = uniqueId('nobody');
    const sync = startCli(['sync', '--file', EXAMPLE, '--wait'], {
      TEMPORAL_ADDRESS: process.env.TEMPORAL_TEST_ADDRESS!,
      TEMPORAL_TASK_QUEUE: taskQueue,
    });
    try {
      const started = await sync.waitFor(/^Started /);
      const line = await sync.waitFor(/^no worker polls/, 15_000);
      expect(line.text).toBe(
        `no worker polls task queue '${taskQueue}' in namespace 'default': the sync waits for one; start it with \`glpi-bridge worker\` (same TEMPORAL_* settings)`,
      );
      const workflowId = started.text.slice('Started '.length);
      const status = await runCli(['sync', 'status', workflowId], {
        TEMPORAL_ADDRESS: process.env.TEMPORAL_TEST_ADDRESS!,
        TEMPORAL_TASK_QUEUE: taskQueue,
      });
      expect(status.stdout).toContain(`Sync ${workflowId}: running (running), started `);
      expect(status.stdout).toContain(
        `No progress yet: the sync has not read its inventory.\n${line.text}\n`,
      );
      expect(status.status).toBe(0);
      await stopCli(sync);
      await env.client.workflow.getHandle(workflowId).terminate('test done');
      const terminated = await runCli(['sync', 'status', workflowId], {
        TEMPORAL_ADDRESS: process.env.TEMPORAL_TEST_ADDRESS!,
      });
      expect(terminated.stdout).toContain(`Sync ${workflowId}: failed (terminated)`);
      expect(terminated.stdout).toContain('was terminated: test done');
      expect(terminated.status).toBe(1);
    } finally {
      await stopCli(sync);
    }
  });

  it('a worker started while Temporal is down says where it tried and how to fix it, then connects when Temporal answers', async () => {
    const emulator = new GlpiEmulator();
    await emulator.start();
    const port = await freePort();
    const worker = startCli(['worker'], {
      TEMPORAL_ADDRESS: `127.0.0.1:${port}`,
      GLPI_URL: emulator.url,
      GLPI_APP_TOKEN: emulator.appToken,
      GLPI_USER_TOKEN: emulator.userToken,
      METRICS_PORT: '0',
      DATA_DIR: mkdtempSync(join(tmpdir(), 'glpi-bridge-down-')),
    });
    let server: Awaited<ReturnType<typeof startDevServer>> | undefined;
    try {
      const down = JSON.parse((await worker.waitFor(/Temporal check failed/)).text) as Record<
        string,
        unknown
      >;
      expect(down).toMatchObject({
        level: 'error',
        msg: `Temporal check failed: cannot reach Temporal at 127.0.0.1:${port} (connection refused); fix: check TEMPORAL_ADDRESS (and TEMPORAL_TLS_* / TEMPORAL_API_KEY for a secured server) and that this host reaches it; the worker tries again until it answers`,
      });
      const glpi = JSON.parse((await worker.waitFor(/GLPI ok/)).text) as Record<string, unknown>;
      expect(glpi).toMatchObject({
        level: 'info',
        msg: `GLPI ok: ${emulator.url} is GLPI 10.0.14, logged in by user token`,
      });
      // Still there, still trying; one line per cause, not one per try.
      await new Promise((r) => setTimeout(r, 3000));
      expect(worker.child.exitCode).toBeNull();
      expect(worker.lines.filter((l) => l.text.includes('Temporal check failed'))).toHaveLength(1);
      server = await startDevServer({ port });
      await worker.waitFor(/Temporal ok: 127\.0\.0\.1:/, 60_000);
      await worker.waitFor(/"worker started"/, 120_000);
    } finally {
      expect(await stopCli(worker)).toBe(0);
      await server?.stop();
      await emulator.stop();
    }
  });

  it('a worker stopped while it waits for Temporal exits cleanly', async () => {
    const port = await freePort();
    const worker = startCli(['worker'], {
      TEMPORAL_ADDRESS: `127.0.0.1:${port}`,
      GLPI_URL: CLOSED,
      GLPI_USER_TOKEN: 'x',
      METRICS_PORT: '0',
    });
    await worker.waitFor(/Temporal check failed/);
    expect(await stopCli(worker, 'SIGINT')).toBe(0);
    expect(worker.output()).toContain('"msg":"worker stopped"');
  });
});

/**
 * `glpi-bridge check`, the real CLI, on each way GLPI can be out of reach: the first step fails with the cause
 * in one line and the fix that fits it, and the command exits 1 (2 for a configuration it cannot read).
 */
describe('glpi-bridge check names why GLPI cannot be used', () => {
  const emulator = new GlpiEmulator({ profile: '10.0' });
  let cert: TestCertificate;
  let tls: Front;
  let slow: Front;

  beforeAll(async () => {
    await emulator.start();
    cert = selfSignedCertificate({ altNames: true });
    tls = await frontOf(emulator.url, { tls: cert });
    slow = await frontOf(emulator.url, { delayMs: 2_000 });
  });
  afterAll(async () => {
    await tls.close();
    await slow.close();
    await emulator.stop();
  });

  const check = (env: Record<string, string>) =>
    runCli(['check'], {
      GLPI_APP_TOKEN: emulator.appToken,
      GLPI_USER_TOKEN: emulator.userToken,
      ...env,
    });
  const firstStep = (stdout: string) => stdout.split('\n').slice(0, 2).join('\n');

  it('a host name DNS does not know', async () => {
    const result = await check({ GLPI_URL: 'https://glpi.invalid/apirest.php' });
    expect(firstStep(result.stdout)).toMatch(
      /^FAIL {2}API reachable: GLPI unreachable: getaddrinfo (ENOTFOUND|EAI_AGAIN) glpi\.invalid\n {6}fix: check GLPI_URL \(it ends with \/apirest\.php\) and that this host can reach https:\/\/glpi\.invalid\/apirest\.php$/,
    );
    expect(result.status).toBe(1);
  });

  it('a self-signed certificate: GLPI_CA_FILE is the fix, and with it every step passes', async () => {
    const untrusted = await check({ GLPI_URL: tls.url });
    expect(firstStep(untrusted.stdout)).toBe(
      "FAIL  API reachable: GLPI TLS error: self-signed certificate (set GLPI_CA_FILE to the CA of GLPI's certificate)\n      fix: set GLPI_CA_FILE to the CA of GLPI's certificate",
    );
    expect(untrusted.status).toBe(1);

    const trusted = await check({ GLPI_URL: tls.url, GLPI_CA_FILE: cert.certFile });
    expect(trusted.stdout).toContain(`ok    API reachable: ${tls.url}`);
    expect(trusted.stdout).toContain('ok    GLPI version: 10.0.14');
    expect(trusted.stdout).not.toContain('FAIL');
    expect(trusted.status).toBe(0);
  });

  it('GLPI_CA_FILE adds a CA: the CAs this host trusts anyway stay trusted', async () => {
    // GLPI's certificate is trusted the way a public one is (here through NODE_EXTRA_CA_CERTS), and
    // GLPI_CA_FILE names another CA, e.g. the company's own, set for a GLPI that has since moved.
    const companyCa = selfSignedCertificate({ altNames: true });
    const result = await check({
      GLPI_URL: tls.url,
      GLPI_CA_FILE: companyCa.certFile,
      NODE_EXTRA_CA_CERTS: cert.certFile,
    });
    expect(result.stdout).not.toContain('FAIL');
    expect(result.status).toBe(0);
  });

  it('a GLPI_CA_FILE that cannot be read is a configuration error', async () => {
    const result = await check({ GLPI_URL: tls.url, GLPI_CA_FILE: '/nonexistent/ca.pem' });
    expect(result.stderr).toContain(
      'GLPI_CA_FILE: cannot read /nonexistent/ca.pem (ENOENT: no such file or directory',
    );
    expect(result.status).toBe(2);
  });

  it('a GLPI slower than GLPI_TIMEOUT_MS', async () => {
    const result = await check({ GLPI_URL: slow.url, GLPI_TIMEOUT_MS: '300' });
    expect(firstStep(result.stdout)).toBe(
      `FAIL  API reachable: GLPI not answering: GET /initSession timed out after 300 ms\n      fix: check GLPI_URL (it ends with /apirest.php) and that this host can reach ${slow.url}; a GLPI that is only slow needs a larger GLPI_TIMEOUT_MS (now 300 ms)`,
    );
    expect(result.status).toBe(1);
  });

  it("a refused user token, with GLPI's own code and message", async () => {
    const result = await check({ GLPI_URL: emulator.url, GLPI_USER_TOKEN: 'not-the-token' });
    expect(result.stdout).toContain(
      "FAIL  login: GLPI GET /initSession failed: ERROR_GLPI_LOGIN_USER_TOKEN (HTTP 401): parameter user_token seems invalid\n      fix: GLPI_USER_TOKEN is not valid: regenerate the user's API token",
    );
    expect(result.stdout).not.toContain('not-the-token');
    expect(result.status).toBe(1);
  });
});
