/**
 * `npm run bench`: inventory throughput (cold and warm) against a sequential no-Temporal baseline in the
 * same process, and alert-to-ticket latency through the HTTP receiver, on a real Temporal dev server and the
 * GLPI emulator with injected latency. Writes bench/results/latest.json and BENCHMARKS.md.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, totalmem, tmpdir, type as osType, release } from 'node:os';
import { join, resolve } from 'node:path';
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { parseArgs } from 'node:util';
import { Client, Connection } from '@temporalio/client';
import { DefaultLogger, NativeConnection, Runtime } from '@temporalio/worker';
import { createActivities } from '../src/activities';
import { createReceiver } from '../src/receiver/receiver';
import { DEFAULT_TICKET_POLICY } from '../src/alerts/ticket-policy';
import { GlpiEmulator } from '../src/emulator/glpi-emulator';
import type { ProfileName } from '../src/emulator/profiles';
import type { InventoryItem } from '../src/inventory/inventory-schema';
import { createLogger } from '../src/observability/logger';
import { startDevServer } from '../src/temporal/dev-server';
import { createWorker } from '../src/worker/create-worker';
import { syncInventory } from '../src/workflows/sync-inventory';

const { values: args } = parseArgs({
  options: {
    items: { type: 'string', default: '1000' },
    latency: { type: 'string', default: '20' },
    concurrency: { type: 'string', default: '16' },
    profile: { type: 'string', default: '10.0' },
    'alert-rate': { type: 'string', default: '50' },
    'alert-seconds': { type: 'string', default: '60' },
    'alert-keys': { type: 'string', default: '500' },
    'skip-baseline': { type: 'boolean', default: false },
    'skip-alerts': { type: 'boolean', default: false },
    out: { type: 'string', default: 'bench/results/latest.json' },
    markdown: { type: 'string', default: 'BENCHMARKS.md' },
  },
});
const ITEMS = Number(args.items);
const LATENCY = Number(args.latency);
const CONCURRENCY = Number(args.concurrency);
const PROFILE = args.profile as ProfileName;

function makeItems(n: number): InventoryItem[] {
  const types = ['Server', 'Laptop', 'Desktop', 'Appliance'];
  const makers = ['Dell Inc.', 'HPE', 'Lenovo', 'Fortinet', 'Cisco'];
  const systems = ['Debian GNU/Linux 12', 'Windows Server 2022', 'Ubuntu 24.04', 'RHEL 9'];
  return Array.from({ length: n }, (_v, i) => ({
    id: `h${i}`,
    label: `bench-${String(i).padStart(5, '0')}`,
    hardware: {
      type: types[i % types.length],
      manufacturer: makers[i % makers.length],
      serialNumber: `SN${100000 + i}`,
    },
    software: { operatingSystem: systems[i % systems.length], license: `LIC-${i}` },
    importDate: '2026-11-27',
    serviceContract: { endOfServiceDate: `20${28 + (i % 3)}-06-30` },
  }));
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

const round = (n: number, d = 2) => Math.round(n * 10 ** d) / 10 ** d;

async function main(): Promise<void> {
  Runtime.install({ logger: new DefaultLogger('ERROR') });
  let peakRss = 0;
  const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 100);
  const server = await startDevServer({ port: 17233 + Math.floor(Math.random() * 1000) });
  const dir = mkdtempSync(join(tmpdir(), 'glpi-bridge-bench-'));
  const inventoryPath = join(dir, 'inventory.json');
  const items = makeItems(ITEMS);
  writeFileSync(inventoryPath, JSON.stringify({ source: 'bench', items }));
  const results: Record<string, unknown> = {
    command: ['npm run bench', ...(process.argv.length > 2 ? ['--', ...process.argv.slice(2)] : [])].join(
      ' ',
    ),
    date: new Date().toISOString(),
    machine: {
      cpus: cpus().length,
      cpu: cpus()[0]?.model,
      memoryGiB: round(totalmem() / 2 ** 30, 1),
      os: `${osType()} ${release()}`,
      node: process.version,
    },
    settings: { items: ITEMS, latencyMs: LATENCY, concurrency: CONCURRENCY, glpiProfile: PROFILE },
  };

  try {
    // ---- Inventory on Temporal ----
    const emulator = new GlpiEmulator({ profile: PROFILE, faults: { latencyMs: LATENCY } });
    await emulator.start();
    const glpi = {
      url: emulator.url,
      appToken: emulator.appToken,
      userToken: emulator.userToken,
      maxSockets: 64,
    };
    const nativeConnection = await NativeConnection.connect({ address: server.address });
    const connection = await Connection.connect({ address: server.address });
    const client = new Client({ connection });
    const taskQueue = 'bench';
    const { worker, close } = await createWorker({
      connection: nativeConnection,
      namespace: 'default',
      taskQueue,
      glpi,
      maxConcurrentActivityTaskExecutions: 64,
    });
    const running = worker.run();

    const runSync = async (label: string) => {
      emulator.resetCounters();
      const workflowId = `bench-${label}-${Date.now()}`;
      const since = new Date().toISOString();
      const started = performance.now();
      const report = await client.workflow.execute(syncInventory, {
        taskQueue,
        workflowId,
        args: [{ location: inventoryPath, concurrency: CONCURRENCY }],
      });
      const seconds = (performance.now() - started) / 1000;
      // Item workflows this run started (a warm run starts none for unchanged hosts).
      const childRuns: number[] = [];
      for await (const run of client.workflow.list({
        query: `WorkflowType = "syncInventoryItem" AND StartTime > "${since}"`,
      })) {
        childRuns.push(run.historyLength);
        if (childRuns.length >= 20) break;
      }
      const itemWorkflows = await client.workflow.count(
        `WorkflowType = "syncInventoryItem" AND StartTime > "${since}"`,
      );
      return {
        seconds: round(seconds),
        itemsPerSecond: round(ITEMS / seconds),
        glpiRequestsPerItem: round(emulator.counters.total / ITEMS, 3),
        glpiWritesPerItem: round(emulator.counters.writes / ITEMS, 3),
        itemWorkflowsStarted: itemWorkflows.count,
        historyEventsPerItemWorkflow: childRuns.length
          ? round(childRuns.reduce((a, b) => a + b, 0) / childRuns.length, 1)
          : 0,
        outcomes: report.progress,
      };
    };
    const cold = await runSync('cold');
    process.stderr.write(`cold: ${JSON.stringify(cold)}\n`);
    const warm = await runSync('warm');
    process.stderr.write(`warm: ${JSON.stringify(warm)}\n`);
    results.inventory = { cold, warm, workerPeakRssMiB: round(peakRss / 2 ** 20, 0) };

    // ---- Baseline: the same steps, in a plain sequential loop, no Temporal ----
    if (!args['skip-baseline']) {
      const baseEmulator = new GlpiEmulator({ profile: PROFILE, faults: { latencyMs: LATENCY } });
      await baseEmulator.start();
      const { activities, close: closeBase } = createActivities({
        glpi: { url: baseEmulator.url, appToken: baseEmulator.appToken, userToken: baseEmulator.userToken },
      });
      const started = performance.now();
      const handle = await activities.openGlpiSession();
      const { entityId } = await activities.ensureSubEntity({ handle, name: 'Supervision' });
      for (const item of items) {
        const step = { handle, entityId, source: 'bench', item };
        const computer = await activities.upsertComputer(step);
        await activities.upsertOperatingSystem({ ...step, computerId: computer.computerId });
        await activities.ensureContract({ ...step, computerId: computer.computerId });
      }
      await activities.killGlpiSession(handle);
      const seconds = (performance.now() - started) / 1000;
      await closeBase();
      await baseEmulator.stop();
      const baseline = {
        seconds: round(seconds),
        itemsPerSecond: round(ITEMS / seconds),
        glpiRequestsPerItem: round(baseEmulator.counters.total / ITEMS, 3),
      };
      const limit = CONCURRENCY / ((cold.glpiRequestsPerItem * LATENCY) / 1000);
      results.baseline = baseline;
      results.ratios = {
        coldThroughputVsBaseline: round(cold.itemsPerSecond / baseline.itemsPerSecond),
        coldThroughputVsLatencyLimit: round(cold.itemsPerSecond / limit),
        latencyLimitItemsPerSecond: round(limit),
      };
      process.stderr.write(
        `baseline: ${JSON.stringify(baseline)} ratios: ${JSON.stringify(results.ratios)}\n`,
      );
    }

    // ---- Alerts through the receiver ----
    if (!args['skip-alerts']) {
      results.alerts = await alertBench(client, taskQueue, emulator);
      process.stderr.write(`alerts: ${JSON.stringify(results.alerts)}\n`);
    }

    worker.shutdown();
    await running;
    await close();
    await connection.close();
    await nativeConnection.close();
    await emulator.stop();
  } finally {
    clearInterval(sampler);
    await server.stop();
  }
  (results.inventory as Record<string, unknown>).workerPeakRssMiB = round(peakRss / 2 ** 20, 0);
  mkdirSync(resolve(args.out!, '..'), { recursive: true });
  writeFileSync(args.out!, `${JSON.stringify(results, null, 2)}\n`);
  writeFileSync(args.markdown!, markdown(results));
  process.stdout.write(`${JSON.stringify(results, null, 2)}\n`);
}

async function alertBench(client: Client, taskQueue: string, emulator: GlpiEmulator) {
  const rate = Number(args['alert-rate']);
  const seconds = Number(args['alert-seconds']);
  const keys = Number(args['alert-keys']);
  const token = randomBytes(8).toString('hex');
  const logger = createLogger('error', { write: () => undefined } as never);
  const receiver = createReceiver({ client, taskQueue, policy: { ...DEFAULT_TICKET_POLICY }, token, logger });
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/alerts`;
  for (let k = 0; k < keys; k++) emulator.db.insert('Computer', { name: `alert-host-${k}`, entities_id: 0 });

  // When each ticket appears in GLPI: the emulator's add, observed directly.
  const created = new Map<string, number>();
  const add = emulator.db.add.bind(emulator.db);
  emulator.db.add = (itemtype, input, actor, entity) => {
    const row = add(itemtype, input, actor, entity);
    if (itemtype === 'Ticket')
      created.set(String(/alert-host-(\d+)/.exec(String(row.name))?.[1]), performance.now());
    return row;
  };
  emulator.resetCounters();
  const accepted = new Map<string, number>();
  const total = rate * seconds;
  let statusErrors = 0;
  const sends: Promise<void>[] = [];
  const startedAt = performance.now();
  for (let i = 0; i < total; i++) {
    const k = i % keys;
    const round_ = Math.floor(i / keys);
    // Each key fires first; later rounds repeat it, and every third round resolves then fires again.
    const status = round_ > 0 && round_ % 3 === 2 ? 'resolved' : 'firing';
    const due = startedAt + (i * 1000) / rate;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    sends.push(
      fetch(url, {
        method: 'POST',
        headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
        body: JSON.stringify({
          source: 'bench',
          dedupKey: `key-${k}`,
          status,
          severity: 'critical',
          host: { name: `alert-host-${k}` },
          summary: `problem ${k} round ${round_}`,
        }),
      }).then((res) => {
        if (res.status !== 202) statusErrors += 1;
        if (round_ === 0 && !accepted.has(String(k))) accepted.set(String(k), performance.now());
      }),
    );
  }
  await Promise.all(sends);
  const deadline = performance.now() + 120_000;
  while (created.size < Math.min(keys, total) && performance.now() < deadline)
    await new Promise((r) => setTimeout(r, 100));
  await new Promise((r) => setTimeout(r, 2_000)); // let late duplicates, if any, show up
  receiver.close();
  const latencies = [...accepted.entries()]
    .map(([k, at]) => (created.get(k) ?? NaN) - at)
    .filter((n) => Number.isFinite(n))
    .sort((a, b) => a - b);
  const tickets = emulator.rows('Ticket').filter((t) => /alert-host-/.test(String(t.name))).length;
  return {
    alertsSent: total,
    ratePerSecond: rate,
    seconds,
    keys,
    non202: statusErrors,
    ticketsCreated: tickets,
    ticketsExpected: Math.min(keys, total),
    latencyMs: {
      p50: round(percentile(latencies, 50), 0),
      p95: round(percentile(latencies, 95), 0),
      p99: round(percentile(latencies, 99), 0),
    },
    glpiRequestsPerAlert: round(emulator.counters.total / total, 2),
  };
}

function markdown(r: Record<string, unknown>): string {
  const inv = r.inventory as {
    cold: Record<string, unknown>;
    warm: Record<string, unknown>;
    workerPeakRssMiB: number;
  };
  const base = r.baseline as Record<string, number> | undefined;
  const ratios = r.ratios as Record<string, number> | undefined;
  const alerts = r.alerts as Record<string, unknown> | undefined;
  const m = r.machine as Record<string, unknown>;
  const s = r.settings as Record<string, unknown>;
  const lines = [
    '# Benchmarks',
    '',
    `Produced by \`${String(r.command)}\` on ${String(r.date)}; machine: ${String(m.cpus)} cores (${String(m.cpu)}), ${String(m.memoryGiB)} GiB, ${String(m.os)}, Node ${String(m.node)}.`,
    `Real Temporal dev server (CLI v1.5.1) and the GLPI ${String(s.glpiProfile)} emulator with ${String(s.latencyMs)} ms injected per request; ${String(s.items)} items, concurrency ${String(s.concurrency)}.`,
    'The machine is shared and noisy: compare the ratios (same process, same run), not the absolute figures across runs.',
    '',
    '## Inventory sync',
    '',
    '| run | seconds | items/s | GLPI requests/item | GLPI writes/item | item workflows started | history events per item workflow |',
    '|---|---|---|---|---|---|---|',
    ...(['cold', 'warm'] as const).map(
      (k) =>
        `| ${k} | ${String(inv[k].seconds)} | ${String(inv[k].itemsPerSecond)} | ${String(inv[k].glpiRequestsPerItem)} | ${String(inv[k].glpiWritesPerItem)} | ${String(inv[k].itemWorkflowsStarted)} | ${String(inv[k].historyEventsPerItemWorkflow || '-')} |`,
    ),
    ...(base
      ? [
          `| baseline (sequential loop, no Temporal, cold) | ${base.seconds} | ${base.itemsPerSecond} | ${base.glpiRequestsPerItem} | | | |`,
        ]
      : []),
    '',
    `Worker peak RSS (the benchmark process: worker, emulator, receiver): ${inv.workerPeakRssMiB} MiB.`,
  ];
  if (ratios) {
    lines.push(
      '',
      `- Cold throughput vs. the sequential baseline: **${ratios.coldThroughputVsBaseline}×**.`,
      `- Cold throughput vs. the limit the injected latency sets (concurrency ÷ (requests per item × latency) = ${ratios.latencyLimitItemsPerSecond} items/s): **${ratios.coldThroughputVsLatencyLimit}**.`,
    );
  }
  if (alerts) {
    const l = alerts.latencyMs as Record<string, number>;
    lines.push(
      '',
      '## Alerts',
      '',
      `${String(alerts.alertsSent)} alerts at ${String(alerts.ratePerSecond)}/s for ${String(alerts.seconds)} s over ${String(alerts.keys)} dedup keys (firing, repeats, resolves, re-fires) through \`POST /alerts\`.`,
      '',
      '| receiver 202 → ticket in GLPI p50 | p95 | p99 | tickets created / expected | non-202 answers | GLPI requests per alert |',
      '|---|---|---|---|---|---|',
      `| ${l.p50} ms | ${l.p95} ms | ${l.p99} ms | ${String(alerts.ticketsCreated)} / ${String(alerts.ticketsExpected)} | ${String(alerts.non202)} | ${String(alerts.glpiRequestsPerAlert)} |`,
    );
  }
  const faultsFile = resolve(args.out!, '..', 'faults.json');
  if (existsSync(faultsFile)) {
    const f = JSON.parse(readFileSync(faultsFile, 'utf8')) as {
      command: string;
      date: string;
      items: number;
      alerts: number;
      problems: number;
      seconds: number;
      faultsInjected: Record<string, number>;
      disruptions: string[];
      activityRetries: number;
      glpiRequests: number;
      historiesScanned: number;
      secretsLooked: number;
      checks: { what: string; ok: boolean; detail: string }[];
    };
    lines.push(
      '',
      '## Fault suite',
      '',
      `Produced by \`${f.command}\` on ${f.date} (${f.seconds} s): ${f.items} items and ${f.alerts} alerts over ${f.problems} problems while the emulator injected ${Object.entries(
        f.faultsInjected,
      )
        .map(([k, v]) => `${v} ${k}`)
        .join(
          ', ',
        )} faults, with ${f.disruptions.join('; ')}. ${f.activityRetries} activity retries recorded in histories; ${f.glpiRequests} GLPI requests.`,
      '',
      '| check | result | detail |',
      '|---|---|---|',
      ...f.checks.map((c) => `| ${c.what} | ${c.ok ? 'ok' : '**FAIL**'} | ${c.detail} |`),
    );
  }
  return `${lines.join('\n')}\n`;
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
