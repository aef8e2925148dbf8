/**
 * `npm run test:faults`: 1,000 inventory items and 200 alerts while GLPI misbehaves (5xx, timeouts,
 * committed-but-lost responses, expiring sessions), the worker process is SIGKILLed and restarted, and the
 * Temporal dev server (persisting to a file) is stopped and started again. Then checks that everything
 * converged, with zero duplicates and nothing lost, and that no workflow history holds a GLPI secret.
 * Exit status 0 only when every check passes.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { Client, Connection } from '@temporalio/client';
import type { AlertEvent } from '../src/alerts/alert-event';
import { deliverAlerts } from '../src/delivery/deliver-alerts';
import { DEFAULT_TICKET_POLICY } from '../src/alerts/ticket-policy';
import { GlpiEmulator } from '../src/emulator/glpi-emulator';
import type { Row } from '../src/emulator/itemtypes';
import { startDevServer, type DevServer } from '../src/temporal/dev-server';
import { syncInventory } from '../src/workflows/sync-inventory';
import { ticketStateQuery } from '../src/workflows/ticket-lifecycle';
import { freePort } from '../test/support/ports';

const { values: args } = parseArgs({
  options: {
    items: { type: 'string', default: '1000' },
    keys: { type: 'string', default: '50' },
    profile: { type: 'string', default: '10.0' },
  },
});
const ITEMS = Number(args.items);
const KEYS = Number(args.keys);
const root = resolve(__dirname, '..');
const PASSWORD = 'faults-password-Zq81';
const log = (line: string) => process.stdout.write(`[faults] ${line}\n`);

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Retries a call across the dev server's restart. */
async function persist<T>(what: string, fn: () => Promise<T>, timeoutMs = 600_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await fn();
    } catch (err) {
      if (Date.now() > deadline) throw new Error(`${what}: ${(err as Error).message}`, { cause: err });
      await sleep(500);
    }
  }
}

async function main(): Promise<void> {
  const startedAt = Date.now();
  const dir = mkdtempSync(join(tmpdir(), 'glpi-bridge-faults-'));
  const port = await freePort();
  const dbFile = join(dir, 'temporal.db');
  let server: DevServer = await startDevServer({ port, dbFile });
  const emulator = new GlpiEmulator({
    profile: args.profile as '10.0',
    password: PASSWORD,
    faults: {
      errorRate: 0.1,
      timeoutRate: 0.05,
      dropAfterCommitRate: 0.02,
      sessionExpiryEvery: 50,
      timeoutHoldMs: 3_000,
      seed: 7,
    },
  });
  await emulator.start();
  const issuedTokens = emulator.issuedSessionTokens;

  const taskQueue = 'faults';
  let worker: ChildProcess | undefined;
  let workerRestarts = 0;
  const startWorker = () => {
    worker = spawn(process.execPath, [join(root, 'bin/glpi-bridge'), 'worker'], {
      cwd: root,
      stdio: ['ignore', 'ignore', 'inherit'],
      env: {
        ...process.env,
        TEMPORAL_ADDRESS: server.address,
        TEMPORAL_TASK_QUEUE: taskQueue,
        GLPI_URL: emulator.url,
        GLPI_APP_TOKEN: emulator.appToken,
        GLPI_USER_TOKEN: emulator.userToken,
        GLPI_USERNAME: 'glpi',
        GLPI_PASSWORD: PASSWORD,
        GLPI_TIMEOUT_MS: '1500',
        METRICS_PORT: '0',
        LOG_LEVEL: 'error',
      },
    });
    worker.once('exit', (code, signal) => {
      if (signal !== 'SIGKILL' && !stopping) {
        log(`worker exited (${code ?? signal}); restarting it`);
        workerRestarts += 1;
        setTimeout(startWorker, 1_000);
      }
    });
  };
  let stopping = false;
  startWorker();

  const connection = await Connection.connect({ address: server.address });
  const client = new Client({ connection });

  // ---- the load: 1,000 items and 200 alerts ----
  const inventory = join(dir, 'inventory.json');
  const items = Array.from({ length: ITEMS }, (_v, i) => ({
    id: `f${i}`,
    label: `fault-${String(i).padStart(5, '0')}`,
    hardware: {
      type: ['Server', 'Laptop'][i % 2],
      manufacturer: ['Dell Inc.', 'HPE', 'Lenovo'][i % 3],
      serialNumber: `FSN${i}`,
    },
    software: { operatingSystem: ['Debian 12', 'Windows 11'][i % 2], license: `FL-${i}` },
    importDate: '2026-11-27',
    serviceContract: { endOfServiceDate: '2029-11-26' },
  }));
  writeFileSync(inventory, JSON.stringify({ source: 'faults', items }));
  for (let k = 0; k < KEYS; k++)
    emulator.db.insert('Computer', { name: `fault-alert-host-${k}`, entities_id: 0 });

  const syncId = `faults-sync-${Date.now()}`;
  await client.workflow.start(syncInventory, {
    taskQueue,
    workflowId: syncId,
    args: [
      {
        location: inventory,
        concurrency: 16,
        retry: { initialIntervalMs: 200, maximumIntervalMs: 5_000, maximumAttempts: 0 },
      },
    ],
  });
  log(
    `started ${syncId} (${ITEMS} items) with 10% 5xx, 5% timeouts, 2% lost responses, sessions expiring every 50 requests`,
  );

  // 200 alerts: per key, firing, a repeat, an update, then resolved; resent until Temporal accepts them.
  const policy = { ...DEFAULT_TICKET_POLICY, reopenWindowSeconds: 5, syncIntervalSeconds: 3600 };
  const alertsFor = (k: number): AlertEvent[] => {
    const base = {
      source: 'faults',
      dedupKey: `key-${k}`,
      severity: 'critical' as const,
      host: { name: `fault-alert-host-${k}` },
    };
    return [
      { ...base, status: 'firing', summary: 'disk full' },
      { ...base, status: 'firing', summary: 'disk full' },
      { ...base, status: 'firing', severity: 'major', summary: 'disk 97%' },
      { ...base, status: 'resolved', summary: 'disk ok' },
    ];
  };
  let alertsSent = 0;
  let alertResends = 0;
  const sendAlerts = (async () => {
    for (let step = 0; step < 4; step++) {
      for (let k = 0; k < KEYS; k++) {
        for (;;) {
          try {
            await deliverAlerts(client, taskQueue, policy, [alertsFor(k)[step]!]);
            alertsSent += 1;
            break;
          } catch {
            alertResends += 1; // what a webhook sender does on 503
            await sleep(500);
          }
        }
      }
      await sleep(1_000);
    }
  })();

  // ---- the disruptions ----
  const progress = () =>
    client.workflow
      .getHandle(syncId)
      .query<{ done: number }>('progress')
      .catch(() => ({ done: -1 }));
  while ((await progress()).done < ITEMS * 0.3) await sleep(500);
  log(`killing the worker (SIGKILL) at ${(await progress()).done} items`);
  worker!.kill('SIGKILL');
  await sleep(2_000);
  startWorker();
  while ((await progress()).done < ITEMS * 0.6) await sleep(500);
  log(`stopping the Temporal dev server at ${(await progress()).done} items`);
  await server.stop();
  await sleep(3_000);
  server = await startDevServer({ port, dbFile });
  log('Temporal dev server started again on the same database');

  const report = await persist('waiting for the sync', () =>
    client.workflow.getHandle<typeof syncInventory>(syncId).result(),
  );
  await sendAlerts;
  log(
    `sync finished: ${JSON.stringify(report.progress)}; alerts accepted ${alertsSent} (resent ${alertResends} times)`,
  );
  // Every ticket workflow must have solved its ticket.
  for (let k = 0; k < KEYS; k++) {
    await persist(
      `ticket key-${k}`,
      async () => {
        const state = await client.workflow.getHandle(`ticket/faults/key-${k}`).query(ticketStateQuery);
        if (!['recovered', 'closed'].includes(state.phase)) throw new Error(`phase ${state.phase}`);
      },
      300_000,
    );
  }

  // ---- checks ----
  const failures: string[] = [];
  const checks: { what: string; ok: boolean; detail: string }[] = [];
  const check = (what: string, ok: boolean, detail = '') => {
    log(`${ok ? 'ok  ' : 'FAIL'} ${what}${detail ? `: ${detail}` : ''}`);
    checks.push({ what, ok, detail });
    if (!ok) failures.push(what);
  };
  const dupes = (rows: Row[], key: (r: Row) => string) => {
    const seen = new Map<string, number>();
    for (const r of rows) seen.set(key(r), (seen.get(key(r)) ?? 0) + 1);
    return [...seen.values()].filter((n) => n > 1).length;
  };
  const ours = emulator.rows('Computer').filter((c) => String(c.comment).includes('[glpi-bridge:faults:'));
  const contracts = emulator
    .rows('Contract')
    .filter((c) => String(c.comment).includes('[glpi-bridge:faults:'));
  const links = emulator.rows('Contract_Item');
  const osLinks = emulator.rows('Item_OperatingSystem');
  const tickets = emulator.rows('Ticket').filter((t) => /fault-alert-host-/.test(String(t.name)));
  const followups = emulator.rows('ITILFollowup');
  const solutions = emulator.rows('ITILSolution');
  check(
    'sync outcome',
    report.progress.created === ITEMS && report.progress.failed === 0,
    JSON.stringify(report.progress),
  );
  check(
    'computers',
    ours.length === ITEMS,
    `${ours.length} for ${ITEMS} items, ${dupes(ours, (r) => String(r.comment))} duplicated`,
  );
  check(
    'OS links',
    osLinks.length === ITEMS && dupes(osLinks, (r) => String(r.items_id)) === 0,
    `${osLinks.length}`,
  );
  check(
    'contracts',
    contracts.length === ITEMS && dupes(contracts, (r) => String(r.comment)) === 0,
    `${contracts.length}`,
  );
  check(
    'contract links',
    links.length === ITEMS && dupes(links, (r) => `${String(r.contracts_id)}/${String(r.items_id)}`) === 0,
    `${links.length}`,
  );
  check(
    'dropdowns',
    emulator.rows('ComputerType').length === 2 &&
      emulator.rows('Manufacturer').length === 3 &&
      emulator.rows('OperatingSystem').length === 2,
  );
  check(
    'tickets',
    tickets.length === KEYS && dupes(tickets, (r) => String(r.name)) === 0,
    `${tickets.length} for ${KEYS} problems`,
  );
  const perTicket = (rows: Row[]) => tickets.map((t) => rows.filter((r) => r.items_id === t.id).length);
  check(
    'one follow-up per ticket (the update)',
    perTicket(followups).every((n) => n === 1),
    `${followups.length} follow-ups`,
  );
  check(
    'one solution per ticket, all solved',
    perTicket(solutions).every((n) => n === 1) && tickets.every((t) => t.status === 5),
    `${solutions.length} solutions`,
  );

  // No GLPI secret in any workflow history.
  const secrets = [emulator.appToken, emulator.userToken, PASSWORD, ...issuedTokens];
  let histories = 0;
  let leaks = 0;
  let retries = 0;
  for await (const execution of client.workflow.list()) {
    const history = await client.workflow.getHandle(execution.workflowId, execution.runId).fetchHistory();
    const text = JSON.stringify(history, (_k, v: unknown) =>
      v instanceof Uint8Array ? Buffer.from(v).toString('utf8') : v,
    );
    histories += 1;
    if (secrets.some((s) => text.includes(s))) leaks += 1;
    for (const e of history.events ?? [])
      retries += Math.max(0, (e.activityTaskStartedEventAttributes?.attempt ?? 1) - 1);
  }
  check(
    'no GLPI token, password or session token in any workflow history',
    leaks === 0,
    `${histories} histories scanned for ${secrets.length} secrets, ${leaks} leaking`,
  );

  log(
    `faults injected: ${JSON.stringify(emulator.faults.injected)}; activity retries recorded in histories: ${retries}; worker restarts besides the kill: ${workerRestarts}; GLPI requests: ${emulator.counters.total}`,
  );
  const figures = {
    command: 'npm run test:faults',
    date: new Date().toISOString(),
    items: ITEMS,
    alerts: alertsSent,
    problems: KEYS,
    seconds: Math.round((Date.now() - startedAt) / 1000),
    faultsInjected: emulator.faults.injected,
    disruptions: ['worker SIGKILL at 30% and restart', 'Temporal dev server stop and restart at 60%'],
    activityRetries: retries,
    glpiRequests: emulator.counters.total,
    historiesScanned: histories,
    secretsLooked: secrets.length,
    checks,
  };
  mkdirSync(join(root, 'bench', 'results'), { recursive: true });
  writeFileSync(join(root, 'bench', 'results', 'faults.json'), `${JSON.stringify(figures, null, 2)}\n`);
  stopping = true;
  worker?.kill('SIGTERM');
  await connection.close();
  await emulator.stop();
  await server.stop();
  log(failures.length ? `${failures.length} check(s) failed: ${failures.join(', ')}` : 'all checks passed');
  process.stdout.write(
    `faults: ${failures.length === 0 ? 1 : 0} passed, ${failures.length === 0 ? 0 : 1} failed\n`,
  );
  process.exit(failures.length ? 1 : 0);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
