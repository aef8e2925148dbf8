/**
 * `npm run test:faults`: 1,000 inventory items and 200 alerts while GLPI misbehaves (5xx, timeouts,
 * committed-but-lost responses, expiring sessions), the worker process is SIGKILLed and restarted, and the
 * Temporal dev server (persisting to a file) is stopped and started again. Then checks that everything
 * converged, with zero duplicates and nothing lost, and that no workflow history holds a GLPI secret.
 * Exit status 0 only when every check passes.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { AlertEvent } from '../src/alerts/alert-event';
import { syncReport } from '../src/cli/sync-result';
import { deliverAlerts } from '../src/delivery/deliver-alerts';
import type { Row } from '../src/emulator/itemtypes';
import type { syncInventory } from '../src/workflows/sync-inventory';
import {
  duplicates,
  INVENTORY_ITEMTYPES,
  inventoryChecks,
  makeHosts,
  ROOT,
  scanHistories,
  secretCheck,
  sleep,
  Stack,
  type Check,
  type CliProcess,
  type InventoryRows,
} from '../tools/harness';

const { values: args } = parseArgs({
  options: {
    items: { type: 'string', default: '1000' },
    keys: { type: 'string', default: '50' },
    profile: { type: 'string', default: '10.0' },
  },
});
const ITEMS = Number(args.items);
const KEYS = Number(args.keys);
const PASSWORD = 'faults-password-Zq81';
const log = (line: string) => process.stdout.write(`[faults] ${line}\n`);

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
  const taskQueue = 'faults';
  // The harness's stack: Temporal persisting to a file (so it can be restarted), the emulator in its own
  // process, and the worker as users run it (`glpi-bridge worker`), started below.
  const stack = await Stack.start({
    taskQueue,
    dbFile: join(dir, 'temporal.db'),
    emulator: {
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
    },
    login: { username: 'glpi', password: PASSWORD },
    workerLogLevel: 'error',
    workerEnv: {
      GLPI_TIMEOUT_MS: '1500',
      // Steps retry every 5 s at most and, in effect, without end (the suite checks convergence).
      SYNC_RETRY_MAX_INTERVAL_SECONDS: '5',
      SYNC_RETRY_BUDGET_SECONDS: '86400',
      TICKET_REOPEN_WINDOW_SECONDS: '5',
      TICKET_SYNC_INTERVAL_SECONDS: '3600',
    },
    startWorker: false,
  });
  const glpi = stack.glpi;

  let worker: CliProcess | undefined;
  let workerRestarts = 0;
  let stopping = false;
  const startWorker = async () => {
    const started = await stack.startWorker();
    worker = started;
    void started.exited.then((how) => {
      if (how !== 'SIGKILL' && !stopping) {
        log(`worker exited (${how}); restarting it`);
        workerRestarts += 1;
        setTimeout(() => void startWorker(), 1_000);
      }
    });
  };
  await startWorker();
  const client = stack.client;

  // ---- the load: 1,000 items and 200 alerts ----
  const inventory = join(dir, 'inventory.json');
  const items = makeHosts(ITEMS, {
    idPrefix: 'f',
    labelPrefix: 'fault-',
    serialPrefix: 'FSN',
    types: ['Server', 'Laptop'],
    manufacturers: ['Dell Inc.', 'HPE', 'Lenovo'],
    systems: ['Debian 12', 'Windows 11'],
    endOfService: () => '2029-11-26',
  });
  writeFileSync(inventory, JSON.stringify({ source: 'faults', items }));
  await glpi.insert(
    'Computer',
    Array.from({ length: KEYS }, (_v, k) => ({ name: `fault-alert-host-${k}`, entities_id: 0 })),
  );

  const syncId = `faults-sync-${Date.now()}`;
  await client.workflow.start<typeof syncInventory>('syncInventory', {
    taskQueue,
    workflowId: syncId,
    args: [{ location: inventory, concurrency: 16 }],
  });
  log(
    `started ${syncId} (${ITEMS} items) with 10% 5xx, 5% timeouts, 2% lost responses, sessions expiring every 50 requests`,
  );

  // 200 alerts: per key, firing, a repeat, an update, then resolved; resent until Temporal accepts them.
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
            await deliverAlerts(client, taskQueue, [alertsFor(k)[step]!]);
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
  await worker!.stop('SIGKILL');
  await sleep(2_000);
  await startWorker();
  while ((await progress()).done < ITEMS * 0.6) await sleep(500);
  log(`stopping the Temporal dev server at ${(await progress()).done} items`);
  await stack.restartServer(3_000);
  log('Temporal dev server started again on the same database');

  // A run where hosts failed ends Failed with its report: read it either way.
  const report = await persist('waiting for the sync', () =>
    syncReport(client.workflow.getHandle<typeof syncInventory>(syncId)),
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
        const state = await client.workflow
          .getHandle(`ticket/faults/key-${k}`)
          .query<{ phase: string }>('state');
        if (!['recovered', 'closed'].includes(state.phase)) throw new Error(`phase ${state.phase}`);
      },
      300_000,
    );
  }

  // ---- checks ----
  const failures: string[] = [];
  const checks: Check[] = [];
  const check = (what: string, ok: boolean, detail = '') => {
    log(`${ok ? 'ok  ' : 'FAIL'} ${what}${detail ? `: ${detail}` : ''}`);
    checks.push({ what, ok, detail });
    if (!ok) failures.push(what);
  };
  const rows = Object.fromEntries(
    await Promise.all(INVENTORY_ITEMTYPES.map(async (t) => [t, await glpi.rows(t)] as const)),
  ) as unknown as InventoryRows;
  const tickets = (await glpi.rows('Ticket')).filter((t) => /fault-alert-host-/.test(String(t.name)));
  const followups = await glpi.rows('ITILFollowup');
  const solutions = await glpi.rows('ITILSolution');
  check(
    'sync outcome',
    report.progress.created === ITEMS && report.progress.failed === 0,
    JSON.stringify(report.progress),
  );
  for (const c of inventoryChecks(rows, 'faults', ITEMS)) check(c.what, c.ok, c.detail);
  check(
    'dropdowns',
    (await glpi.rows('ComputerType')).length === 2 &&
      (await glpi.rows('Manufacturer')).length === 3 &&
      (await glpi.rows('OperatingSystem')).length === 2,
  );
  check(
    'tickets',
    tickets.length === KEYS && duplicates(tickets, (r) => String(r.name)) === 0,
    `${tickets.length} for ${KEYS} problems`,
  );
  const perTicket = (list: Row[]) => tickets.map((t) => list.filter((r) => r.items_id === t.id).length);
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
  const secrets = [glpi.appToken, glpi.userToken, PASSWORD, ...(await glpi.sessionTokens())];
  const scan = await scanHistories(client, secrets);
  const secrecy = secretCheck(scan, secrets.length);
  check(secrecy.what, secrecy.ok, secrecy.detail);

  const counters = await glpi.counters();
  log(
    `faults injected: ${JSON.stringify(counters.injected)}; activity retries recorded in histories: ${scan.activityRetries}; worker restarts besides the kill: ${workerRestarts}; GLPI requests: ${counters.total}`,
  );
  const figures = {
    command: 'npm run test:faults',
    date: new Date().toISOString(),
    items: ITEMS,
    alerts: alertsSent,
    problems: KEYS,
    seconds: Math.round((Date.now() - startedAt) / 1000),
    faultsInjected: counters.injected,
    disruptions: ['worker SIGKILL at 30% and restart', 'Temporal dev server stop and restart at 60%'],
    activityRetries: scan.activityRetries,
    glpiRequests: counters.total,
    historiesScanned: scan.histories,
    secretsLooked: secrets.length,
    checks,
  };
  mkdirSync(join(ROOT, 'bench', 'results'), { recursive: true });
  writeFileSync(join(ROOT, 'bench', 'results', 'faults.json'), `${JSON.stringify(figures, null, 2)}\n`);
  stopping = true;
  await stack.stop();
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
