/**
 * BENCHMARKS.md, generated from the results files: bench/results/latest.json (`npm run bench`),
 * bench/results/items-10000.json (`npm run bench -- --items 10000 …`), bench/results/before.json (the figures
 * before the rework) and bench/results/faults-<seed>.json (each run of `npm run test:faults`). Text below the
 * KEPT line of BENCHMARKS.md is written by hand and kept. `npm run bench -- --report-only` regenerates the
 * file alone; the fault suite regenerates it after each run.
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SyncProgress } from '../../src/workflows/sync-inventory';
import type { Check, Tally } from './invariants';
import type { PhaseFigures } from './proc-stats';
import { ROOT } from './root';

export interface SyncPhase {
  label: string;
  hosts: number;
  concurrency: number;
  seconds: number;
  hostsPerSecond: number;
  glpiRequests: number;
  glpiRequestsPerHost: number;
  glpiWritesPerHost: number;
  batchRuns: number;
  itemWorkflows: number;
  historyEvents: number;
  historyEventsPerHost: number;
  outcomes: SyncProgress;
  processes: Record<string, PhaseFigures>;
  cpuMsPerHost: { worker: number; temporal: number };
  baselineSample?: BaselineResult;
}

export interface BaselineResult {
  hosts: number;
  seconds: number;
  hostsPerSecond: number;
  glpiRequestsPerHost: number;
}

export interface AlertResult {
  via: string;
  alertsSent: number;
  ratePerSecond: number;
  seconds: number;
  keys: number;
  non202: number;
  ticketsCreated: number;
  ticketsExpected: number;
  ticketsMatched: number;
  matchedBy: string;
  latencyMs: { p50: number; p95: number; p99: number; max: number };
  receiverResponseMs: { p50: number; p99: number; max: number };
  maxSendLagMs: number;
  drainedAfterSeconds: number;
  glpiRequestsPerAlert: number;
  /** Runs of the ticket workflows (continue-as-new included) and their history events per alert. */
  ticketWorkflowRuns?: number;
  historyEventsPerAlert?: number;
  processes: Record<string, PhaseFigures>;
  cpuMsPerAlert: { workerPlusTemporal: number; worker: number; temporal: number; receiver: number };
}

export interface BenchResults {
  command: string;
  date: string;
  machine: { cpus: number; cpu: string; memoryGiB: number; os: string; node: string };
  settings: { items: number; latencyMs: number; concurrency: number; glpiProfile: string };
  processes: Record<string, string>;
  inventory: {
    cold?: SyncPhase;
    warm?: SyncPhase;
    baseline?: BaselineResult;
    ratios?: { coldVsBaseline: number; warmVsBaseline: number };
  };
  slowGlpi?: { latencyMs: number; hosts: number; runs: SyncPhase[]; baselineSample?: BaselineResult };
  alerts?: AlertResult;
  checks: Check[];
  peakRssMiB?: Record<string, number>;
  cpuSecondsTotal?: Record<string, number>;
}

interface Before {
  runs: { command: string; date: string; settings: string }[];
  coldHostsPerSecond: number;
  warmHostsPerSecond: number;
  baselineHostsPerSecond: number;
  coldVsBaseline: number;
  glpiRequestsPerNewHost: number;
  glpiRequestsPerUnchangedHost: number;
  historyEventsPerHost: string;
  alertLatencyMs: { p50: number; p95: number; p99: number };
  cpuMsPerAlert: string;
  cpuMsPerHost: string;
  peakRssMiB1000: number;
  peakRssMiB10000: number;
  peakRssWhat: string;
  items10000: {
    coldSeconds: number;
    coldHostsPerSecond: number;
    warmSeconds: number;
    warmHostsPerSecond: number;
  };
}

export interface LatencySummary {
  count: number;
  p50: number;
  p99: number;
  max: number;
}

/** One run of `npm run test:faults`: bench/results/faults-<seed>.json. */
export interface FaultRun {
  seed: number;
  command: string;
  date: string;
  passed: boolean;
  /** The whole run, the suite before the fuzz, and the receiver fuzz. */
  seconds: { total: number; suite: number; fuzz?: number };
  machine: { cpus: number; cpu: string };
  load: { items: number; problems: number; alerts: number; resends: number };
  faults: {
    /** The emulator's random faults (drawn from the run's seed) and what they came to. */
    settings: Record<string, number>;
    injected: Record<string, number>;
    glpiRequests: number;
    /** Idempotent GLPI requests the worker's client retried (its metrics, every worker process of the run). */
    clientRetries?: number;
    /** Activity attempts beyond the first, in every history. */
    activityRetries: number;
  };
  /** What was disrupted, and when (seconds from the start, and how far the sync was). */
  disruptions: { what: string; atSeconds: number; detail: string }[];
  /** The worker's retry settings, and the waits of the suite derived from them (seconds). */
  policy: Record<string, string>;
  waits: Record<string, number>;
  /** Each kind of object: expected, found, duplicated, lost. */
  exactlyOnce: Tally[];
  duplicates: number;
  lost: number;
  /** Alert accepted (signal-with-start answered) → ticket created in GLPI (the emulator's clock). */
  latencyMs: {
    /** Problems that GLPI's outage did not hold up. */
    underFaults: LatencySummary;
    /** Every problem. */
    all: LatencySummary;
  };
  outage: {
    seconds: number;
    /** From the start of the run. */
    startedAtSeconds: number;
    /** Problems whose first alert was accepted while GLPI refused connections. */
    alertsDuring: number;
    /** Problems of the outage's alert wave without a ticket when GLPI came back. */
    pendingAtEnd: number;
    /** From GLPI back to the last of those tickets opening. */
    recoverySeconds: number;
    requiredSeconds: number;
  };
  /** Tickets whose opening waited for the try the killed worker was running to time out. */
  ticketsHeldByWorkerKill: number;
  fuzz?: { cases: number; passed: boolean; seconds: number };
  checks: Check[];
}

const KEPT =
  '<!-- Written by hand below this line: kept when `npm run bench` regenerates the rest of this file. -->';

export const RESULTS_DIR = join(ROOT, 'bench', 'results');

function read<T>(path: string): T | undefined {
  return existsSync(path) ? (JSON.parse(readFileSync(path, 'utf8')) as T) : undefined;
}

/** Results of this benchmark (an older format, from before the harness, is left out). */
function readResults(path: string): BenchResults | undefined {
  const r = read<BenchResults>(path);
  return r && typeof r.processes === 'object' ? r : undefined;
}

/** Which results files the page is made of. */
export interface ReportSources {
  /** `npm run bench`. @default bench/results/latest.json */
  latest?: string;
  /** `npm run bench -- --items 10000 …`. @default bench/results/items-10000.json */
  big?: string;
}

const n = (v: number | undefined, unit = '') => (v === undefined || Number.isNaN(v) ? '–' : `${v}${unit}`);
const row = (cells: (string | number)[]) => `| ${cells.join(' | ')} |`;
const verdict = (ok: boolean | undefined) => (ok === undefined ? '–' : ok ? '**met**' : '**missed**');

function goals(before: Before | undefined, after: BenchResults | undefined, big: BenchResults | undefined) {
  const cold = after?.inventory.cold;
  const warm = after?.inventory.warm;
  const ratio = after?.inventory.ratios?.coldVsBaseline;
  const alerts = after?.alerts;
  const rss10k = big?.peakRssMiB?.worker;
  const lines = [
    row(['metric', 'before', 'after', 'required', 'aim', 'required met']),
    row(['---', '---', '---', '---', '---', '---']),
    row([
      `cold sync throughput vs the sequential baseline, ${after?.settings.items ?? 1000} hosts`,
      `${n(before?.coldVsBaseline)}× (${n(before?.coldHostsPerSecond)} vs ${n(before?.baselineHostsPerSecond)} hosts/s)`,
      `${n(ratio)}× (${n(cold?.hostsPerSecond)} vs ${n(after?.inventory.baseline?.hostsPerSecond)} hosts/s)`,
      '≥ 8×',
      '≥ 15×',
      verdict(ratio === undefined ? undefined : ratio >= 8),
    ]),
    row([
      'GLPI requests per new host',
      n(before?.glpiRequestsPerNewHost),
      n(cold?.glpiRequestsPerHost),
      '≤ 4',
      '≤ 1',
      verdict(cold ? cold.glpiRequestsPerHost <= 4 : undefined),
    ]),
    row([
      'GLPI requests per unchanged host',
      n(before?.glpiRequestsPerUnchangedHost),
      n(warm?.glpiRequestsPerHost),
      '≤ 0.02',
      '',
      verdict(warm ? warm.glpiRequestsPerHost <= 0.02 : undefined),
    ]),
    row([
      `alerts at ${alerts?.ratePerSecond ?? 50}/s, ${alerts?.seconds ?? 60} s, ${alerts?.keys ?? 500} keys: receiver 202 → ticket p99`,
      `${n(before ? before.alertLatencyMs.p99 / 1000 : undefined)} s`,
      `${n(alerts ? alerts.latencyMs.p99 / 1000 : undefined)} s`,
      '< 5 s',
      '< 2 s',
      verdict(
        alerts ? alerts.latencyMs.p99 < 5000 && alerts.ticketsMatched === alerts.ticketsExpected : undefined,
      ),
    ]),
    row([
      'CPU per alert (worker + Temporal server)',
      before?.cpuMsPerAlert ?? '–',
      `${n(alerts?.cpuMsPerAlert.workerPlusTemporal)} ms`,
      '≤ 25 ms',
      '≤ 15 ms',
      verdict(alerts ? alerts.cpuMsPerAlert.workerPlusTemporal <= 25 : undefined),
    ]),
    row([
      'worker peak RSS, the `glpi-bridge worker` process, 10,000 hosts',
      `(${n(before?.peakRssMiB10000)} MiB: ${before?.peakRssWhat ?? ''})`,
      `${n(rss10k)} MiB`,
      '< 350 MiB',
      '< 250 MiB',
      verdict(rss10k === undefined ? undefined : rss10k < 350),
    ]),
  ];
  return lines;
}

function phaseRows(phases: SyncPhase[], baselineHostsPerSecond?: number): string[] {
  return phases.map((p) =>
    row([
      p.label,
      p.hosts,
      p.concurrency,
      p.seconds,
      p.hostsPerSecond,
      baselineHostsPerSecond ? `${Math.round((p.hostsPerSecond / baselineHostsPerSecond) * 100) / 100}×` : '',
      p.glpiRequestsPerHost,
      p.glpiWritesPerHost,
      p.historyEventsPerHost,
      `${p.batchRuns} / ${p.itemWorkflows}`,
      n(p.cpuMsPerHost.worker),
      n(p.cpuMsPerHost.temporal),
      `${p.outcomes.created}/${p.outcomes.updated}/${p.outcomes.unchanged}/${p.outcomes.failed}`,
    ]),
  );
}

const PHASE_HEADER = [
  row([
    'run',
    'hosts',
    'concurrency',
    'seconds',
    'hosts/s',
    'vs baseline',
    'GLPI requests/host',
    'GLPI writes/host',
    'history events/host',
    'batch runs / host workflows',
    'worker CPU ms/host',
    'Temporal CPU ms/host',
    'created/updated/unchanged/failed',
  ]),
  row(Array.from({ length: 13 }, () => '---')),
];

function processTable(r: BenchResults): string[] {
  const phases: [string, Record<string, PhaseFigures>][] = [];
  if (r.inventory.cold) phases.push(['cold', r.inventory.cold.processes]);
  if (r.inventory.warm) phases.push(['warm', r.inventory.warm.processes]);
  for (const s of r.slowGlpi?.runs ?? []) phases.push([s.label, s.processes]);
  if (r.alerts) phases.push(['alerts', r.alerts.processes]);
  const names = [...Object.keys(r.processes), 'other processes'];
  return [
    row(['process', 'how it runs', ...phases.map(([l]) => `${l}: CPU s / peak MiB`), 'peak RSS, whole run']),
    row(Array.from({ length: phases.length + 3 }, () => '---')),
    ...names.map((name) =>
      row([
        name,
        r.processes[name] ?? 'everything else on the machine (the kernel, other users: noise)',
        ...phases.map(([, p]) =>
          p[name]
            ? `${p[name].cpuSeconds} / ${Number.isNaN(p[name].peakRssMiB) || p[name].peakRssMiB === null ? '–' : p[name].peakRssMiB}`
            : '–',
        ),
        name === 'other processes' || r.peakRssMiB?.[name] === undefined ? '' : `${r.peakRssMiB[name]} MiB`,
      ]),
    ),
  ];
}

export function renderBenchmarks(sources: ReportSources = {}): string {
  const before = read<Before>(join(RESULTS_DIR, 'before.json'));
  const after = readResults(sources.latest ?? join(RESULTS_DIR, 'latest.json'));
  const big = readResults(sources.big ?? join(RESULTS_DIR, 'items-10000.json'));
  const faultRuns = readFaultRuns();
  const lines: string[] = ['# Benchmarks', ''];
  if (after) {
    const m = after.machine;
    lines.push(
      `Machine: ${m.cpus} cores (${m.cpu}), ${m.memoryGiB} GiB, ${m.os}, Node ${m.node}. Real Temporal dev server (CLI v1.5.1) and the GLPI ${after.settings.glpiProfile} emulator with latency injected per request. Each part runs in its own process (table below), as users run them; the machine is shared and noisy, so compare ratios within one run rather than absolute figures across runs.`,
      '',
    );
  }
  lines.push('## Goals of issue 10: before and after', '');
  lines.push(...goals(before, after, big), '');
  lines.push(
    `- before: ${(before?.runs ?? []).map((r) => `\`${r.command}\` (${r.date}; ${r.settings})`).join('; ')}. ${before ? `CPU per host then: ${before.cpuMsPerHost}.` : ''}`,
    `- after: ${[after, big]
      .filter((r): r is BenchResults => r !== undefined)
      .map((r) => `\`${r.command}\` (${r.date})`)
      .join('; ')}.`,
    '',
  );
  if (after) {
    const base = after.inventory.baseline;
    lines.push(
      '## Inventory sync',
      '',
      `\`${after.command}\` (${after.date}): ${after.settings.items} hosts, ${after.settings.latencyMs} ms per GLPI request, ${after.settings.concurrency} chunks of 100 hosts in flight. The baseline is the per-host steps (upsertComputer, upsertOperatingSystem, ensureContract) in a plain loop without Temporal, on a fresh emulator with the same latency.`,
      '',
      ...PHASE_HEADER,
      ...phaseRows(
        [after.inventory.cold, after.inventory.warm].filter((p): p is SyncPhase => p !== undefined),
        base?.hostsPerSecond,
      ),
      ...(base
        ? [
            row([
              'baseline (sequential loop, no Temporal, cold)',
              base.hosts,
              1,
              base.seconds,
              base.hostsPerSecond,
              '1×',
              base.glpiRequestsPerHost,
              '',
              '',
              '',
              '',
              '',
              '',
            ]),
          ]
        : []),
      '',
      'History events per host count every event of the batch (all its runs) and of the host workflows it started, divided by the hosts.',
      '',
      '### Processes',
      '',
      ...processTable(after),
      '',
    );
    if (after.slowGlpi) {
      const s = after.slowGlpi;
      const first = s.runs[0];
      lines.push(
        `## A slower GLPI: ${s.latencyMs} ms per request`,
        '',
        `Same run, ${s.hosts} new hosts per concurrency, each on a fresh emulated GLPI with the worker restarted on it (a cold sync, like the first).${s.baselineSample ? ` The sequential baseline was measured on a sample of ${s.baselineSample.hosts} hosts: ${s.baselineSample.hostsPerSecond} hosts/s, ${s.baselineSample.glpiRequestsPerHost} requests per host.` : ''}`,
        '',
        ...PHASE_HEADER,
        ...phaseRows(s.runs, s.baselineSample?.hostsPerSecond),
        '',
        first
          ? `Throughput relative to concurrency ${first.concurrency}: ${s.runs.map((r) => `${r.concurrency} → ${Math.round((r.hostsPerSecond / first.hostsPerSecond) * 100) / 100}×`).join(', ')}.`
          : '',
        '',
      );
    }
    if (after.alerts) {
      const a = after.alerts;
      lines.push(
        '## Alerts',
        '',
        `${a.alertsSent} alerts at ${a.ratePerSecond}/s for ${a.seconds} s over ${a.keys} dedup keys (each key: firing, repeat, resolved, re-fire, …) through \`POST /alerts\`: ${a.via}. Latency: from the receiver's 202 for a key's first alert to its ticket's creation in GLPI (noted by the emulator); tickets matched to keys by ${a.matchedBy}. CPU per alert: CPU of the process(es) from the first alert until the worker is idle again (${a.drainedAfterSeconds} s after the first alert), divided by the alerts.`,
        '',
        row([
          '202 → ticket p50',
          'p95',
          'p99',
          'max',
          'tickets created / expected / matched',
          'non-202',
          'receiver answer p50 / p99',
          'GLPI requests per alert',
          'history events per alert',
          'CPU ms per alert: worker + Temporal (worker, Temporal; receiver)',
        ]),
        row(Array.from({ length: 10 }, () => '---')),
        row([
          `${a.latencyMs.p50} ms`,
          `${a.latencyMs.p95} ms`,
          `${a.latencyMs.p99} ms`,
          `${a.latencyMs.max} ms`,
          `${a.ticketsCreated} / ${a.ticketsExpected} / ${a.ticketsMatched}`,
          a.non202,
          `${a.receiverResponseMs.p50} / ${a.receiverResponseMs.p99} ms`,
          a.glpiRequestsPerAlert,
          n(a.historyEventsPerAlert),
          `${a.cpuMsPerAlert.workerPlusTemporal} (${a.cpuMsPerAlert.worker}, ${a.cpuMsPerAlert.temporal}; ${a.cpuMsPerAlert.receiver})`,
        ]),
        '',
      );
    }
  }
  if (big) {
    lines.push(
      `## ${big.settings.items.toLocaleString('en')} hosts`,
      '',
      `\`${big.command}\` (${big.date}): ${big.settings.latencyMs} ms per GLPI request, ${big.settings.concurrency} chunks in flight. Worker peak RSS over the whole run: **${n(big.peakRssMiB?.worker)} MiB** (Temporal server ${n(big.peakRssMiB?.temporal)} MiB, emulator ${n(big.peakRssMiB?.emulator)} MiB). Before: cold ${before?.items10000.coldSeconds ?? '–'} s (${before?.items10000.coldHostsPerSecond ?? '–'} hosts/s), warm ${before?.items10000.warmSeconds ?? '–'} s, ${before?.peakRssMiB10000 ?? '–'} MiB for the whole benchmark process.`,
      '',
      ...PHASE_HEADER,
      ...phaseRows([big.inventory.cold, big.inventory.warm].filter((p): p is SyncPhase => p !== undefined)),
      '',
      ...processTable(big),
      '',
    );
  }
  const checks = [
    ...(after?.checks ?? []).map((c) => ({ ...c, run: after!.command })),
    ...(big?.checks ?? []).map((c) => ({ ...c, run: big!.command })),
  ];
  if (checks.length) {
    lines.push(
      '## Invariants checked by the benchmark',
      '',
      row(['run', 'check', 'result', 'detail']),
      row(['---', '---', '---', '---']),
      ...checks.map((c) => row([c.run, c.what, c.ok ? 'ok' : '**FAIL**', c.detail])),
      '',
    );
  }
  if (faultRuns.length) lines.push(...faultSection(faultRuns));
  return lines.join('\n');
}

/** Every run of the fault suite, oldest first (bench/results/faults-<seed>.json). */
export function readFaultRuns(dir = RESULTS_DIR): FaultRun[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => /^faults-\d+\.json$/.test(f))
    .map((f) => read<FaultRun>(join(dir, f)))
    .filter((r): r is FaultRun => r !== undefined && typeof r.seed === 'number')
    .sort((a, b) => a.date.localeCompare(b.date));
}

const seconds = (ms: number) => `${Math.round(ms / 100) / 10} s`;

function faultSection(runs: FaultRun[]): string[] {
  const last = runs.at(-1)!;
  const kinds = last.exactlyOnce.map((t) => t.what).join(', ');
  const out = [
    '## Fault suite',
    '',
    `\`npm run test:faults\` (\`-- --seed N\` reruns a run: the seed draws every injected fault: the emulator's random faults, where in the sync the worker is killed and the Temporal dev server restarted, when GLPI's outage begins). A run syncs ${last.load.items} hosts and sends ${last.load.alerts} alerts over ${last.load.problems} problems (each fires, repeats, is updated, resolves) while the emulator answers ${Object.entries(
      last.faults.settings,
    )
      .map(([k, v]) => `${k} ${v}`)
      .join(
        ', ',
      )}; ${last.disruptions.map((d) => d.what).join('; ')}. Then it checks that each of ${kinds} exists exactly once, that the sync reports each host it created as created, and that no workflow history holds a GLPI secret, and ends with the receiver fuzz (${last.fuzz?.cases ?? 5000} payloads). Its waits derive from the worker's retry settings (${Object.entries(
      last.policy,
    )
      .map(([k, v]) => `${k}=${v}`)
      .join(
        ', ',
      )}). Latency: from Temporal accepting a problem's first alert to its ticket's creation in GLPI; "under faults" leaves out the problems GLPI's outage held up. Recovery: from GLPI accepting connections again to the last ticket pending then opening; required ≤ ${last.outage.requiredSeconds} s.`,
    '',
    row([
      'date',
      'seed',
      'command',
      'result',
      'duplicates',
      'lost',
      'alert → ticket under faults: p50 / p99 / max',
      'recovery after the outage (tickets pending)',
      'tickets held by the worker kill',
      'duration (suite + fuzz)',
    ]),
    row(Array.from({ length: 10 }, () => '---')),
    ...runs.map((r) =>
      row([
        r.date,
        r.seed,
        `\`${r.command}\``,
        r.passed ? 'passed' : '**FAILED**',
        r.duplicates,
        r.lost,
        `${seconds(r.latencyMs.underFaults.p50)} / ${seconds(r.latencyMs.underFaults.p99)} / ${seconds(r.latencyMs.underFaults.max)} (${r.latencyMs.underFaults.count} tickets)`,
        `${r.outage.recoverySeconds} s (${r.outage.pendingAtEnd})`,
        r.ticketsHeldByWorkerKill,
        `${r.seconds.total} s (${r.seconds.suite} + ${r.seconds.fuzz ?? '–'})`,
      ]),
    ),
    '',
    `Last run (seed ${last.seed}, ${last.date}): ${Object.entries(last.faults.injected)
      .map(([k, v]) => `${v} ${k}`)
      .join(
        ', ',
      )} faults over ${last.faults.glpiRequests} GLPI requests; ${last.faults.clientRetries ?? '–'} requests retried inside the GLPI client, ${last.faults.activityRetries} activity retries; ${last.disruptions.map((d) => `${d.what} at ${d.atSeconds} s (${d.detail})`).join('; ')}.`,
    '',
    row(['what', 'expected', 'found', 'duplicated', 'lost']),
    row(['---', '---', '---', '---', '---']),
    ...last.exactlyOnce.map((t) => row([t.what, t.expected, t.found, t.duplicated, t.lost])),
    '',
    row(['check', 'result', 'detail']),
    row(['---', '---', '---']),
    ...last.checks.map((c) => row([c.what, c.ok ? 'ok' : '**FAIL**', c.detail])),
    '',
  ];
  return out;
}

/** Writes a file formatted as `prettier --check` (part of `npm run lint`) wants it. */
export async function writeFormatted(path: string, text: string): Promise<void> {
  const prettier = await import('prettier');
  const options = (await prettier.resolveConfig(path)) ?? {};
  writeFileSync(path, await prettier.format(text, { ...options, filepath: path }));
}

/** Writes BENCHMARKS.md, keeping what is written by hand below the KEPT line; formatted as `prettier` would. */
export async function writeBenchmarksMarkdown(path: string, sources: ReportSources = {}): Promise<void> {
  const previous = existsSync(path) ? readFileSync(path, 'utf8') : '';
  const at = previous.indexOf(KEPT);
  const kept = at >= 0 ? previous.slice(at + KEPT.length).replace(/^\n+/, '') : '';
  await writeFormatted(path, `${renderBenchmarks(sources)}\n${KEPT}\n\n${kept}`.replace(/\n*$/, '\n'));
}
