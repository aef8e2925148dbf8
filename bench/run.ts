/**
 * `npm run bench`: the product measured as users run it, each part in its own process: the compiled
 * `glpi-bridge worker` (with the workflow bundle `npm run build` made), a real Temporal dev server, the GLPI
 * emulator with injected latency (tools/harness/emulator-process.ts), the alert receiver `glpi-bridge serve`;
 * this process is the load generator. Reports each process's CPU seconds and peak RSS per phase:
 *
 * 1. cold then warm inventory sync (default 1000 hosts, 20 ms per GLPI request);
 * 2. the sequential baseline (the per-host steps in a plain loop, no Temporal) on a fresh emulator, same latency;
 * 3. a slower GLPI (100 ms per request) at several concurrencies, with a sampled sequential baseline;
 * 4. an alert storm through the receiver (50/s for 60 s over 500 keys), last.
 *
 * Writes bench/results/latest.json (bench/results/items-<N>.json for another --items) and regenerates
 * BENCHMARKS.md from the results files. Ratios are against the baseline of the same run.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, release, totalmem, type as osType } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { ticketWorkflowId } from '../src/alerts/alert-event';
import type { ProfileName } from '../src/emulator/profiles';
import { ticketMarker, ticketMarkerKeyPartIn } from '../src/glpi/markers';
import type { InventoryItem } from '../src/inventory/inventory-schema';
import { WORKFLOW_BUNDLE_PATH, staleReason } from '../src/worker/workflow-bundle';
import {
  alertStorm,
  epochMs,
  INVENTORY_ITEMTYPES,
  inventoryChecks,
  makeHosts,
  percentile,
  ROOT,
  round,
  scanHistories,
  secretCheck,
  sleep,
  Stack,
  startReceiverProcess,
  ticketChecks,
  type Check,
  type EmulatorInstance,
  type InventoryRows,
  type PhaseFigures,
  historyFigures,
  runSync,
} from '../tools/harness';
import { sequentialBaseline } from './baseline';
import { writeBenchmarksMarkdown, writeFormatted, type BenchResults, type SyncPhase } from '../tools/harness';

const { values: args } = parseArgs({
  options: {
    items: { type: 'string', default: '1000' },
    latency: { type: 'string', default: '20' },
    /** Chunks in flight; unset = the workflow's default (what users get). */
    concurrency: { type: 'string' },
    profile: { type: 'string', default: '10.0' },
    'baseline-items': { type: 'string' },
    'slow-latency': { type: 'string', default: '100' },
    'slow-concurrency': { type: 'string', default: '1,4,8' },
    'slow-items': { type: 'string', default: '1000' },
    'slow-baseline-items': { type: 'string', default: '30' },
    'alert-rate': { type: 'string', default: '50' },
    'alert-seconds': { type: 'string', default: '60' },
    'alert-keys': { type: 'string', default: '500' },
    /** Only the alert storm (for profiling it; not for BENCHMARKS.md). */
    'skip-inventory': { type: 'boolean', default: false },
    'skip-baseline': { type: 'boolean', default: false },
    'skip-slow': { type: 'boolean', default: false },
    'skip-alerts': { type: 'boolean', default: false },
    'skip-history-scan': { type: 'boolean', default: false },
    out: { type: 'string' },
    markdown: { type: 'string', default: 'BENCHMARKS.md' },
    'report-only': { type: 'boolean', default: false },
  },
});
const ITEMS = Number(args.items);
const LATENCY = Number(args.latency);
const CONCURRENCY = args.concurrency === undefined ? undefined : Number(args.concurrency);
const PROFILE = args.profile as ProfileName;
const TASK_QUEUE = 'bench';
const SOURCE = 'bench';
const OUT = resolve(
  ROOT,
  args.out ?? (ITEMS === 1000 ? 'bench/results/latest.json' : `bench/results/items-${ITEMS}.json`),
);
/** syncInventory's default `concurrency`, for the report when none is given. */
const DEFAULT_CONCURRENCY = 4;

const log = (line: string) => process.stderr.write(`[bench] ${line}\n`);

function command(): string {
  const extra = process.argv.slice(2);
  return ['npm run bench', ...(extra.length ? ['--', ...extra] : [])].join(' ');
}

function figures(byProcess: Record<string, PhaseFigures>): Record<string, PhaseFigures> {
  return Object.fromEntries(
    Object.entries(byProcess).map(([name, f]) => [
      name,
      { cpuSeconds: round(f.cpuSeconds, 2), peakRssMiB: round(f.peakRssMiB, 0) },
    ]),
  );
}

async function inventoryRows(glpi: EmulatorInstance): Promise<InventoryRows> {
  const entries = await Promise.all(INVENTORY_ITEMTYPES.map(async (t) => [t, await glpi.rows(t)] as const));
  return Object.fromEntries(entries) as unknown as InventoryRows;
}

/** One sync measured: wall time, GLPI requests, history, each process's CPU and peak memory. */
async function measureSync(
  stack: Stack,
  label: string,
  source: string,
  items: InventoryItem[],
  concurrency: number | undefined,
): Promise<SyncPhase> {
  const path = join(stack.dataDir, `${source}.json`);
  writeFileSync(path, JSON.stringify({ source, items }));
  await stack.glpi.resetCounters();
  const end = stack.meter.start();
  const slug = label.replace(/[^a-z0-9]+/gi, '-').toLowerCase();
  const run = await runSync(stack.client, TASK_QUEUE, `bench-${slug}-${Date.now()}`, {
    location: path,
    ...(concurrency === undefined ? {} : { concurrency }),
  });
  const processes = figures(end());
  const counters = await stack.glpi.counters();
  const hosts = items.length;
  const historyEvents = run.batch.events + run.items.events;
  const phase: SyncPhase = {
    label,
    hosts,
    concurrency: concurrency ?? DEFAULT_CONCURRENCY,
    seconds: round(run.seconds, 2),
    hostsPerSecond: round(hosts / run.seconds, 2),
    glpiRequests: counters.total,
    glpiRequestsPerHost: round(counters.total / hosts, 3),
    glpiWritesPerHost: round(counters.writes / hosts, 3),
    batchRuns: run.batch.executions,
    itemWorkflows: run.items.executions,
    historyEvents,
    historyEventsPerHost: round(historyEvents / hosts, 3),
    outcomes: run.report.progress,
    processes,
    cpuMsPerHost: {
      worker: round(((processes.worker?.cpuSeconds ?? 0) * 1000) / hosts, 2),
      temporal: round(((processes.temporal?.cpuSeconds ?? 0) * 1000) / hosts, 2),
    },
  };
  log(
    `${label}: ${hosts} hosts in ${phase.seconds} s (${phase.hostsPerSecond}/s), ${phase.glpiRequestsPerHost} GLPI requests/host, ${phase.historyEventsPerHost} history events/host, worker ${processes.worker?.cpuSeconds} s CPU, temporal ${processes.temporal?.cpuSeconds} s; ${JSON.stringify(run.report.progress)}`,
  );
  return phase;
}

async function main(): Promise<void> {
  if (args['report-only']) {
    await writeBenchmarksMarkdown(resolve(ROOT, args.markdown!));
    return;
  }
  const bundleProblem = staleReason();
  if (bundleProblem)
    throw new Error(`the workflow bundle is not fresh (${bundleProblem}): run npm run build`);
  const results: BenchResults = {
    command: command(),
    date: new Date().toISOString(),
    machine: {
      cpus: cpus().length,
      cpu: cpus()[0]?.model ?? '',
      memoryGiB: round(totalmem() / 2 ** 30, 1),
      os: `${osType()} ${release()}`,
      node: process.version,
    },
    settings: {
      items: ITEMS,
      latencyMs: LATENCY,
      concurrency: CONCURRENCY ?? DEFAULT_CONCURRENCY,
      glpiProfile: PROFILE,
    },
    processes: {
      worker: `node bin/glpi-bridge worker (compiled; workflows from ${WORKFLOW_BUNDLE_PATH.replace(`${ROOT}/`, '')}; LOG_LEVEL=info, Prometheus on)`,
      temporal: 'temporal server start-dev (Temporal CLI, SQLite in memory)',
      emulator: `GLPI ${PROFILE} emulator, its own process (tools/harness/emulator-process.ts)`,
      receiver: 'node bin/glpi-bridge serve (alerts only)',
      'load generator': 'this process: starts syncs, sends alerts, runs the sequential baseline',
    },
    inventory: {},
    checks: [],
  };
  log(`starting: Temporal dev server, emulator and worker processes`);
  const stack = await Stack.start({
    taskQueue: TASK_QUEUE,
    emulator: { profile: PROFILE, faults: { latencyMs: LATENCY } },
  });
  const checks: Check[] = [];
  // Ctrl-C or SIGTERM: stop the processes this run started, then exit.
  const interrupt = (signal: NodeJS.Signals) => {
    log(`${signal}: stopping the stack`);
    void stack.stop().finally(() => process.exit(130));
  };
  process.once('SIGINT', interrupt);
  process.once('SIGTERM', interrupt);
  try {
    if (!args['skip-inventory']) {
      // ---- 1. cold and warm, 20 ms ----
      const items = makeHosts(ITEMS, { idPrefix: 'h', labelPrefix: 'bench-', serialPrefix: 'SN' });
      const cold = await measureSync(stack, 'cold', SOURCE, items, CONCURRENCY);
      const warm = await measureSync(stack, 'warm', SOURCE, items, CONCURRENCY);
      results.inventory = { cold, warm };
      for (const c of inventoryChecks(await inventoryRows(stack.glpi), SOURCE, ITEMS))
        checks.push({ ...c, what: `cold sync: ${c.what}` });
      checks.push({
        what: 'warm sync: every host unchanged, no write',
        ok: warm.outcomes.unchanged === ITEMS && warm.glpiWritesPerHost === 0,
        detail: JSON.stringify(warm.outcomes),
      });

      // ---- 2. the sequential baseline, same latency, fresh GLPI ----
      if (!args['skip-baseline']) {
        const n = Number(args['baseline-items'] ?? ITEMS);
        const fresh = await stack.emulators.create('baseline', {
          profile: PROFILE,
          faults: { latencyMs: LATENCY },
        });
        log(`baseline: ${n} hosts one after the other, no Temporal`);
        const b = await sequentialBaseline(fresh, SOURCE, items.slice(0, n));
        await fresh.stop();
        results.inventory.baseline = {
          hosts: b.hosts,
          seconds: round(b.seconds, 2),
          hostsPerSecond: round(b.hostsPerSecond, 2),
          glpiRequestsPerHost: round(b.glpiRequestsPerHost, 3),
        };
        results.inventory.ratios = {
          coldVsBaseline: round(cold.hostsPerSecond / b.hostsPerSecond, 2),
          warmVsBaseline: round(warm.hostsPerSecond / b.hostsPerSecond, 2),
        };
        log(
          `baseline: ${JSON.stringify(results.inventory.baseline)}; ${JSON.stringify(results.inventory.ratios)}`,
        );
      }

      // ---- 3. a slower GLPI: where concurrency pays ----
      if (!args['skip-slow']) {
        const slowLatency = Number(args['slow-latency']);
        const slowItems = Number(args['slow-items']);
        const main = stack.glpi;
        const runs: SyncPhase[] = [];
        // Each concurrency on a GLPI of its own (a cold sync, as the first one), with the worker restarted on it.
        for (const c of args['slow-concurrency']!.split(',').map(Number)) {
          const glpi = await stack.emulators.create(`slow-c${c}`, {
            profile: PROFILE,
            faults: { latencyMs: slowLatency },
          });
          await stack.useGlpi(glpi);
          const hosts = makeHosts(slowItems, { idPrefix: 'h', labelPrefix: 'bench-', serialPrefix: 'SN' });
          runs.push(await measureSync(stack, `slow GLPI, concurrency ${c}`, SOURCE, hosts, c));
          await glpi.stop();
        }
        await stack.useGlpi(main);
        let baseline: SyncPhase['baselineSample'];
        const sample = Number(args['slow-baseline-items']);
        if (!args['skip-baseline'] && sample > 0) {
          const fresh = await stack.emulators.create('slow-baseline', {
            profile: PROFILE,
            faults: { latencyMs: slowLatency },
          });
          const hosts = makeHosts(sample, { idPrefix: 'h', labelPrefix: 'bench-', serialPrefix: 'SN' });
          const b = await sequentialBaseline(fresh, SOURCE, hosts);
          await fresh.stop();
          baseline = {
            hosts: b.hosts,
            seconds: round(b.seconds, 2),
            hostsPerSecond: round(b.hostsPerSecond, 3),
            glpiRequestsPerHost: round(b.glpiRequestsPerHost, 3),
          };
          log(`slow baseline sample: ${JSON.stringify(baseline)}`);
        }
        results.slowGlpi = { latencyMs: slowLatency, hosts: slowItems, runs, baselineSample: baseline };
      }
    }

    // ---- 4. the alert storm, last ----
    if (!args['skip-alerts']) {
      results.alerts = await alertBench(stack, checks);
    }

    // ---- invariants over every history ----
    if (!args['skip-history-scan']) {
      const secrets = [stack.glpi.appToken, stack.glpi.userToken, ...(await stack.glpi.sessionTokens())];
      const scan = await scanHistories(stack.client, secrets);
      checks.push(secretCheck(scan, secrets.length));
    }
  } finally {
    results.peakRssMiB = Object.fromEntries(
      Object.entries(stack.meter.lifetimePeakRssMiB()).map(([k, v]) => [k, round(v, 0)]),
    );
    results.cpuSecondsTotal = Object.fromEntries(
      Object.entries(stack.meter.totals()).map(([k, v]) => [k, round(v.cpuSeconds, 1)]),
    );
    await stack.stop();
  }
  results.checks = checks;
  for (const c of checks) log(`${c.ok ? 'ok  ' : 'FAIL'} ${c.what}: ${c.detail}`);
  mkdirSync(resolve(OUT, '..'), { recursive: true });
  await writeFormatted(OUT, `${JSON.stringify(results, null, 2)}\n`);
  await writeBenchmarksMarkdown(
    resolve(ROOT, args.markdown!),
    ITEMS >= 10_000 ? { big: OUT } : { latest: OUT },
  );
  process.stdout.write(`${JSON.stringify(results, null, 2)}\n`);
  log(`wrote ${OUT.replace(`${ROOT}/`, '')} and ${args.markdown}`);
}

/**
 * 50 alerts/s through `glpi-bridge serve` (its own process; this process sends them over HTTP). Latency is
 * from the receiver's 202 for a key's first alert to its ticket's creation in GLPI (the emulator notes the
 * time). CPU per alert = (worker + Temporal server CPU from the first alert until the worker is idle again)
 * / alerts. The ticket of each key is found from the workflow's `state` query (`ticketId`), else from the
 * ticket's marker, else from the host name in its title.
 */
async function alertBench(stack: Stack, checks: Check[]): Promise<NonNullable<BenchResults['alerts']>> {
  const rate = Number(args['alert-rate']);
  const seconds = Number(args['alert-seconds']);
  const keys = Number(args['alert-keys']);
  const source = 'bench';
  const hostName = (k: number) => `alert-host-${k}`;
  await stack.glpi.insert(
    'Computer',
    Array.from({ length: keys }, (_v, k) => ({ name: hostName(k), entities_id: 0 })),
  );
  await stack.glpi.watch('Ticket');
  const token = randomBytes(12).toString('hex');
  const receiver = await startReceiverProcess({
    temporalAddress: stack.address,
    taskQueue: TASK_QUEUE,
    token,
  });
  stack.meter.watch('receiver', receiver.pid);
  try {
    await stack.glpi.resetCounters();
    const end = stack.meter.start();
    const startedAt = epochMs();
    log(`alerts: ${rate}/s for ${seconds} s over ${keys} keys through ${receiver.url}/alerts`);
    const storm = await alertStorm({
      url: receiver.url,
      token,
      ratePerSecond: rate,
      seconds,
      keys,
      source,
      hostName,
    });
    log(`alerts: sent ${storm.sent} in ${round(storm.seconds, 1)} s, ${storm.non202} not accepted`);
    // Every key's ticket, then the end of the work (worker and server idle again).
    const expected = Math.min(keys, storm.sent);
    const deadline = Date.now() + 300_000;
    let tickets = await stack.glpi.created('Ticket');
    while (tickets.length < expected && Date.now() < deadline) {
      await sleep(250);
      tickets = await stack.glpi.created('Ticket');
    }
    const drainedAt = await untilIdle(stack, deadline);
    const processes = figures(end());
    const counters = await stack.glpi.counters();

    const history = await historyFigures(stack.client, 'WorkflowType = "ticketLifecycle"');
    const keyOf = await ticketKeys(stack, source, keys, hostName);
    const createdAt = new Map(tickets.map((t) => [t.id, t.at]));
    const latencies: number[] = [];
    const perKey = Array.from({ length: keys }, () => 0);
    for (const [ticketId, k] of keyOf.byTicket)
      perKey[k] = (perKey[k] ?? 0) + (createdAt.has(ticketId) ? 1 : 0);
    for (const [k, ticketId] of keyOf.byKey) {
      const accepted = storm.firstAccepted.get(k);
      const at = createdAt.get(ticketId);
      if (accepted !== undefined && at !== undefined) latencies.push(Math.max(0, at - accepted));
    }
    latencies.sort((a, b) => a - b);
    checks.push(...ticketChecks(perKey).map((c) => ({ ...c, detail: `${c.detail} (${keyOf.how})` })));
    const workerCpu = processes.worker?.cpuSeconds ?? 0;
    const temporalCpu = processes.temporal?.cpuSeconds ?? 0;
    const receiverCpu = processes.receiver?.cpuSeconds ?? 0;
    return {
      via: 'glpi-bridge serve in its own process; alerts sent over HTTP by the load generator',
      alertsSent: storm.sent,
      ratePerSecond: rate,
      seconds,
      keys,
      non202: storm.non202,
      ticketsCreated: tickets.length,
      ticketsExpected: expected,
      ticketsMatched: latencies.length,
      matchedBy: keyOf.how,
      latencyMs: {
        p50: round(percentile(latencies, 50), 0),
        p95: round(percentile(latencies, 95), 0),
        p99: round(percentile(latencies, 99), 0),
        max: round(latencies.at(-1) ?? NaN, 0),
      },
      receiverResponseMs: {
        p50: round(percentile(storm.responseMs, 50), 1),
        p99: round(percentile(storm.responseMs, 99), 1),
        max: round(storm.responseMs.at(-1) ?? NaN, 1),
      },
      maxSendLagMs: round(storm.maxSendLagMs, 0),
      drainedAfterSeconds: round((drainedAt - startedAt) / 1000, 1),
      glpiRequestsPerAlert: round(counters.total / storm.sent, 2),
      ticketWorkflowRuns: history.executions,
      historyEventsPerAlert: round(history.events / storm.sent, 2),
      processes,
      cpuMsPerAlert: {
        workerPlusTemporal: round(((workerCpu + temporalCpu) * 1000) / storm.sent, 2),
        worker: round((workerCpu * 1000) / storm.sent, 2),
        temporal: round((temporalCpu * 1000) / storm.sent, 2),
        receiver: round((receiverCpu * 1000) / storm.sent, 2),
      },
    };
  } finally {
    await receiver.stop();
  }
}

/**
 * Waits until the worker (which handles every alert) uses under 5% of a core over 3 s: every alert has
 * been handled. Returns when that quiet began (epoch ms).
 */
async function untilIdle(stack: Stack, deadline: number): Promise<number> {
  const busy = () => stack.meter.totals().worker?.cpuSeconds ?? 0;
  let last = busy();
  let lastAt = epochMs();
  let quietSince: number | undefined;
  while (Date.now() < deadline) {
    await sleep(500);
    const now = busy();
    const at = epochMs();
    const share = (now - last) / ((at - lastAt) / 1000);
    if (share < 0.05) quietSince ??= lastAt;
    else quietSince = undefined;
    last = now;
    lastAt = at;
    if (quietSince !== undefined && at - quietSince >= 3000) return quietSince;
  }
  return epochMs();
}

/** Which ticket belongs to which key, and how that was found. */
async function ticketKeys(
  stack: Stack,
  source: string,
  keys: number,
  hostName: (k: number) => string,
): Promise<{ byKey: Map<number, number>; byTicket: Map<number, number>; how: string }> {
  const byKey = new Map<number, number>();
  const byTicket = new Map<number, number>();
  const how = new Set<string>();
  // 1. The workflow's own word: its state query's ticketId (phase 'open' or later).
  for (let k0 = 0; k0 < keys; k0 += 25) {
    await Promise.all(
      Array.from({ length: Math.min(25, keys - k0) }, async (_v, j) => {
        const k = k0 + j;
        const id = ticketWorkflowId({ source, dedupKey: `key-${k}` });
        const state = (await stack.client.workflow
          .getHandle(id)
          .query<unknown>('state')
          .catch(() => undefined)) as { ticketId?: unknown } | undefined;
        if (typeof state?.ticketId === 'number') {
          byKey.set(k, state.ticketId);
          how.add('state query');
        }
      }),
    );
  }
  // 2. Every ticket, by the marker in its content, else by the host in its title.
  const digests = Array.from({ length: keys }, (_v, k) =>
    ticketMarker({ source, dedupKey: `key-${k}` }, 'x').slice(0, -2),
  );
  const byDigest = new Map(digests.map((d, k) => [d, k]));
  for (const t of await stack.glpi.rows('Ticket')) {
    const text = `${String(t.content ?? '')}`;
    const marker = ticketMarkerKeyPartIn(text);
    let k = marker ? byDigest.get(marker) : undefined;
    if (k !== undefined) how.add('ticket marker');
    else {
      const m = /alert-host-(\d+)\b/.exec(String(t.name ?? ''));
      if (m && hostName(Number(m[1])) === `alert-host-${m[1]}`) {
        k = Number(m[1]);
        how.add('ticket title');
      }
    }
    if (k === undefined) continue;
    byTicket.set(Number(t.id), k);
    if (!byKey.has(k)) byKey.set(k, Number(t.id));
  }
  for (const [k, ticketId] of byKey) if (!byTicket.has(ticketId)) byTicket.set(ticketId, k);
  return { byKey, byTicket, how: [...how].join(', ') || 'none' };
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
