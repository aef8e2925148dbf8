import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import { loadConfig, workflowUrl, type TemporalSettings } from '../../config/config';
import { defaultSourceFor } from '../../inventory/inventory-input';
import { readInventory } from '../../inventory/read-inventory';
import { SEARCH_ATTRIBUTES } from '../../temporal/search-attributes';
import {
  syncInventory,
  type SyncInventoryInput,
  type SyncInventoryReport,
  type SyncProgress,
} from '../../workflows/sync-inventory';
import { CliError } from '../cli-error';
import { makeProgress, table } from '../output';
import { syncReport } from '../sync-result';
import {
  failedLines,
  hasPollers,
  noWorkerLine,
  pendingRetries,
  printReport,
  progressText,
  reportSoFar,
  statusText,
  syncFailure,
  syncOutcome,
  watchSync,
} from '../sync-watch';
import { connectTemporal, withTemporal } from '../temporal-client';
import { UsageError } from '../usage-error';

export { printReport } from '../sync-watch';

/** Chunks of hosts (100 each) a sync works on at once. */
export const CONCURRENCY = { min: 1, max: 64, default: 4 } as const;

export interface SyncFlags {
  file?: string;
  source?: string;
  dryRun?: boolean;
  wait?: boolean;
  concurrency: string;
}

export function parseConcurrency(value: string): number {
  const n = Number(value);
  if (!/^\s*\d+\s*$/.test(value) || n < CONCURRENCY.min || n > CONCURRENCY.max)
    throw new UsageError(
      `--concurrency must be a whole number from ${CONCURRENCY.min} to ${CONCURRENCY.max} (chunks of 100 hosts synced at once), got '${value}'`,
    );
  return n;
}

/** The input of a sync, checked on this side first so that a bad file fails before anything starts. */
export async function prepareSync(
  flags: SyncFlags,
): Promise<{ input: SyncInventoryInput; source: string; rejected: number }> {
  if (!flags.file) throw new UsageError("--file is required: the inventory's path or http(s) URL");
  const isUrl = /^https?:\/\//i.test(flags.file);
  const location = isUrl ? flags.file : resolve(flags.file);
  if (!isUrl && !existsSync(location)) throw new UsageError(`--file: ${location} does not exist`);
  const concurrency = parseConcurrency(flags.concurrency);
  // The same default as the worker's (a CSV's source is its file name), so that both agree on the marker.
  const inventory = await readInventory(location, flags.source ?? defaultSourceFor(location));
  const source = flags.source ?? inventory.source;
  return {
    input: { location, source, dryRun: flags.dryRun ?? false, concurrency },
    source,
    rejected: inventory.rejected.length,
  };
}

/** Waits for a sync, drawing its progress and the causes of retries (kept for the demo's use). */
export async function waitForSync(client: Client, workflowId: string): Promise<SyncInventoryReport> {
  return watchSync(client, workflowId);
}

const linkFor = (settings: TemporalSettings) => (workflowId: string) => workflowUrl(settings, workflowId);

export function syncCommand(program: Command): void {
  const sync = program
    .command('sync')
    .enablePositionalOptions()
    .description(
      'Sync an inventory (JSON or CSV, file or URL) to GLPI computers, operating systems and contracts; `sync status` and `sync list` follow runs',
    )
    .option('--file <path|url>', 'the inventory (required); a path must be readable by the worker too')
    .option(
      '--source <name>',
      "the monitoring platform's name (default: the file's `source`, or a CSV's file name)",
    )
    .option('--dry-run', 'compute what would change; write nothing')
    .option(
      '--wait',
      'show progress, the cause of any retry, and the per-host table; exit 1 when a host failed or a row was rejected',
    )
    .option(
      '--concurrency <n>',
      `chunks of 100 hosts synced at once, ${CONCURRENCY.min} to ${CONCURRENCY.max}`,
      String(CONCURRENCY.default),
    )
    .action(async (flags: SyncFlags) => {
      const config = loadConfig();
      const { input, source, rejected } = await prepareSync(flags);
      if (rejected)
        process.stderr.write(
          `${rejected} row(s) of ${flags.file} are invalid and will be reported, not synced\n`,
        );
      const client = await connectTemporal(config.temporal);
      try {
        const workflowId = `inventory/${source}/${new Date().toISOString()}`;
        await client.workflow.start(syncInventory, {
          taskQueue: config.temporal.taskQueue,
          workflowId,
          args: [input],
        });
        process.stdout.write(`Started ${workflowId}\n`);
        const link = workflowUrl(config.temporal, workflowId);
        if (link) process.stdout.write(`${link}\n`);
        if (!flags.wait) return;
        const links = linkFor(config.temporal);
        process.exitCode = printReport(
          await watchSync(client, workflowId, { link: links }),
          process.stdout,
          links,
        );
      } finally {
        await client.connection.close().catch(() => undefined);
      }
    });

  sync
    .command('status <workflow-id>')
    .description(
      'Attach to a sync, running or finished: its progress, its table so far, its failed hosts with their causes; exit 0 when it succeeded (or runs without failures yet), 1 when hosts failed or the run failed',
    )
    .option('--wait', 'follow a running sync to its end, as `sync --wait` does')
    .action((workflowId: string, flags: { wait?: boolean }) =>
      withTemporal(async (client, config) => {
        process.exitCode = await syncStatus(client, config.temporal, workflowId, flags.wait ?? false);
      }),
    );

  sync
    .command('list')
    .description('Recent syncs, newest first, with their outcome (search attribute GlpiBridgeOutcome)')
    .option('--limit <n>', 'how many', '20')
    .option('--outcome <outcome>', 'only running, succeeded, partial or failed ones')
    .option('--source <name>', 'only syncs of this inventory source')
    .action((flags: { limit: string; outcome?: string; source?: string }) =>
      withTemporal(async (client) => {
        await listSyncs(client, flags);
      }),
    );
}

const OUTCOMES = ['running', 'succeeded', 'partial', 'failed'] as const;

/** The Temporal visibility query of `sync list`, also a saved view's query in the Web UI. */
export function listQuery(flags: { outcome?: string; source?: string }): string {
  const clauses = ["WorkflowType = 'syncInventory'"];
  if (flags.source)
    clauses.push(`${SEARCH_ATTRIBUTES.inventorySource.name} = '${flags.source.replace(/'/g, "\\'")}'`);
  if (flags.outcome === 'running') clauses.push("ExecutionStatus = 'Running'");
  else if (flags.outcome === 'succeeded') clauses.push("ExecutionStatus = 'Completed'");
  else if (flags.outcome === 'partial') clauses.push(`${SEARCH_ATTRIBUTES.outcome.name} = 'partial'`);
  else if (flags.outcome === 'failed')
    clauses.push(
      `ExecutionStatus IN ('Failed', 'Terminated', 'Canceled', 'TimedOut') AND ${SEARCH_ATTRIBUTES.outcome.name} != 'partial'`,
    );
  return clauses.join(' AND ');
}

async function listSyncs(client: Client, flags: { limit: string; outcome?: string; source?: string }) {
  const limit = Number(flags.limit);
  if (!Number.isInteger(limit) || limit < 1 || limit > 1000)
    throw new UsageError(`--limit must be a whole number from 1 to 1000, got '${flags.limit}'`);
  if (flags.outcome && !(OUTCOMES as readonly string[]).includes(flags.outcome))
    throw new UsageError(`--outcome must be one of ${OUTCOMES.join(', ')}, got '${flags.outcome}'`);
  const rows: (string | number | undefined)[][] = [];
  for await (const w of client.workflow.list({ query: listQuery(flags), pageSize: Math.min(limit, 100) })) {
    // A continued-as-new run is one step of a sync whose latest run is listed as well.
    if (w.status.name === 'CONTINUED_AS_NEW') continue;
    const failed = w.typedSearchAttributes.get(SEARCH_ATTRIBUTES.failedItems);
    rows.push([
      w.workflowId,
      w.startTime.toISOString().replace(/\.\d+Z$/, 'Z'),
      syncOutcome(w),
      failed ?? '',
      w.closeTime ? `${Math.round((w.closeTime.getTime() - w.startTime.getTime()) / 1000)} s` : '',
    ]);
    if (rows.length >= limit) break;
  }
  if (rows.length === 0) {
    process.stdout.write(
      `No syncs${flags.outcome ? ` with outcome ${flags.outcome}` : ''}${flags.source ? ` of source ${flags.source}` : ''} in namespace ${client.options.namespace}.\n`,
    );
    return;
  }
  process.stdout.write(`${table(['workflow id', 'started', 'outcome', 'failed', 'took'], rows)}\n`);
}

function isReport(value: SyncInventoryReport | SyncProgress): value is SyncInventoryReport {
  return 'items' in value;
}

/** `sync status`: prints what a sync did so far and returns the exit status. */
async function syncStatus(
  client: Client,
  settings: TemporalSettings,
  workflowId: string,
  wait: boolean,
): Promise<number> {
  const handle = client.workflow.getHandle<typeof syncInventory>(workflowId);
  let description;
  try {
    description = await handle.describe();
  } catch (err) {
    if (err instanceof WorkflowNotFoundError)
      throw new CliError(
        `no workflow '${workflowId}' in namespace ${client.options.namespace}; \`glpi-bridge sync list\` shows recent syncs`,
        2,
      );
    throw err;
  }
  if (description.type !== 'syncInventory')
    throw new CliError(
      `'${workflowId}' is a ${description.type} workflow, not a sync; \`glpi-bridge sync list\` shows recent syncs`,
      2,
    );
  const links = linkFor(settings);
  const out = process.stdout;
  const status = description.status.name;
  out.write(
    `Sync ${workflowId}: ${syncOutcome(description)} (${statusText(status)}), started ${description.startTime.toISOString()}${description.closeTime ? `, closed ${description.closeTime.toISOString()}` : ''}\n`,
  );
  const link = links(workflowId);
  if (link) out.write(`${link}\n`);

  if (status === 'RUNNING' && !wait) {
    const soFar = await reportSoFar(client, handle).catch(() => undefined);
    const bar = makeProgress(out);
    if (!soFar) {
      out.write('No progress yet: the sync has not read its inventory.\n');
      if ((await hasPollers(client, description.taskQueue)) === false)
        out.write(`${noWorkerLine(client, description.taskQueue)}\n`);
    } else if (isReport(soFar)) {
      bar.update(progressText(soFar.progress));
      bar.done();
      if (soFar.items.length) printItems(soFar, out, links);
    } else {
      bar.update(progressText(soFar));
      bar.done();
    }
    for (const line of await pendingRetries(client, description)) out.write(`${line}\n`);
    return soFar && (isReport(soFar) ? soFar.progress : soFar).failed > 0 ? 1 : 0;
  }

  let report: SyncInventoryReport;
  if (status === 'RUNNING') report = await watchSync(client, workflowId, { link: links });
  else {
    try {
      report = await syncReport(handle);
    } catch (err) {
      const failure = syncFailure(workflowId, err, links);
      if (failure instanceof CliError) {
        // The run failed as a whole: that is its status, printed as the one line it is.
        out.write(`${failure.message.replace(/^sync \S+ /, '')}\n`);
        return 1;
      }
      throw failure;
    }
  }
  return printReport(report, out, links);
}

/** The hosts a running sync has done so far, and its failed ones with their causes. */
function printItems(
  report: SyncInventoryReport,
  out: NodeJS.WritableStream,
  links: (workflowId: string) => string | undefined,
): void {
  out.write(
    `${table(
      ['host id', 'name', 'outcome', 'computer', 'contract'],
      [...report.items]
        .sort((a, b) => a.id.localeCompare(b.id))
        .map((i) => [i.id, i.label, i.outcome, i.computerId, i.contractId]),
    )}\n`,
  );
  const failed = failedLines(report.items, links);
  if (failed.length) out.write(`\n${failed.join('\n')}\n`);
}
