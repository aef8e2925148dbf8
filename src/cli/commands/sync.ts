import { existsSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import type { Command } from 'commander';
import type { Client } from '@temporalio/client';
import { loadConfig, workflowUrl } from '../../config/config';
import { formatRejectedRow } from '../../inventory/inventory-schema';
import { readInventory } from '../../inventory/read-inventory';
import { connectClient } from '../../temporal/connection';
import {
  progressQuery,
  syncInventory,
  type SyncInventoryInput,
  type SyncInventoryReport,
} from '../../workflows/sync-inventory';
import { makeProgress, progressLine, table } from '../output';
import { UsageError } from '../usage-error';

interface SyncFlags {
  file: string;
  source?: string;
  dryRun?: boolean;
  wait?: boolean;
  concurrency: string;
}

/** The input of a sync, checked on this side first so that a bad file fails before anything starts. */
export async function prepareSync(
  flags: SyncFlags,
): Promise<{ input: SyncInventoryInput; source: string; rejected: number }> {
  const isUrl = /^https?:\/\//i.test(flags.file);
  const location = isUrl ? flags.file : resolve(flags.file);
  if (!isUrl && !existsSync(location)) throw new UsageError(`--file: ${location} does not exist`);
  const concurrency = Number(flags.concurrency);
  if (!Number.isInteger(concurrency) || concurrency < 1)
    throw new UsageError(`--concurrency must be a whole number >= 1, got '${flags.concurrency}'`);
  const inventory = await readInventory(location, flags.source ?? basename(location).replace(/\.[^.]+$/, ''));
  const source = flags.source ?? inventory.source;
  return {
    input: { location, source, dryRun: flags.dryRun ?? false, concurrency },
    source,
    rejected: inventory.rejected.length,
  };
}

/** Prints the per-item table and the summary; returns the exit status (0 only when nothing failed). */
export function printReport(report: SyncInventoryReport, out: NodeJS.WriteStream = process.stdout): number {
  out.write(
    `${table(
      ['host id', 'name', 'outcome', 'computer', 'contract', 'changes / error'],
      [...report.items]
        .sort((a, b) => a.id.localeCompare(b.id))
        .map((i) => [
          i.id,
          i.label,
          i.outcome,
          i.computerId,
          i.contractId,
          i.error ??
            [...(i.outcome === 'updated' ? (i.changes ?? []) : []), ...(i.warnings ?? [])].join(', '),
        ]),
    )}\n`,
  );
  for (const r of report.rejected) out.write(`rejected ${formatRejectedRow(r)}\n`);
  for (const m of report.missing)
    out.write(`missing from this inventory: ${m.id} (computer ${m.computerId}, ${m.name}); left in GLPI\n`);
  const p = report.progress;
  out.write(
    `\n${report.dryRun ? 'Dry run (nothing written): ' : ''}${p.total} items: ${p.created} created, ${p.updated} updated, ${p.unchanged} unchanged, ${p.failed} failed, ${p.rejected} rejected rows, ${report.missing.length} missing\n`,
  );
  return p.failed > 0 || p.rejected > 0 ? 1 : 0;
}

/** Waits for a sync, drawing its progress from the workflow's progress query. */
export async function waitForSync(client: Client, workflowId: string): Promise<SyncInventoryReport> {
  const handle = client.workflow.getHandle<typeof syncInventory>(workflowId);
  const bar = makeProgress();
  let finished = false;
  const result = handle.result().finally(() => (finished = true));
  while (!finished) {
    try {
      const p = await handle.query(progressQuery);
      bar.update(
        progressLine(
          p.done,
          p.total,
          `created ${p.created} updated ${p.updated} unchanged ${p.unchanged} failed ${p.failed}`,
        ),
      );
    } catch {
      // Between runs (continue-as-new) the query may briefly fail; the next poll answers.
    }
    await Promise.race([result.catch(() => undefined), new Promise((r) => setTimeout(r, 500))]);
  }
  const report = await result.catch((err: unknown) => {
    bar.done();
    throw err;
  });
  const p = report.progress;
  bar.update(
    progressLine(
      p.done,
      p.total,
      `created ${p.created} updated ${p.updated} unchanged ${p.unchanged} failed ${p.failed}`,
    ),
  );
  bar.done();
  return report;
}

export function syncCommand(program: Command): void {
  program
    .command('sync')
    .description(
      'Sync an inventory (JSON or CSV, file or URL) to GLPI computers, operating systems and contracts',
    )
    .requiredOption('--file <path|url>', 'the inventory; a path must be readable by the worker too')
    .option(
      '--source <name>',
      "the monitoring platform's name (default: the file's `source`, or a CSV's file name)",
    )
    .option('--dry-run', 'compute what would change; write nothing')
    .option('--wait', 'show progress and a summary table; exit 1 when an item failed or a row was rejected')
    .option('--concurrency <n>', 'items synced at once', '8')
    .action(async (flags: SyncFlags) => {
      const config = loadConfig();
      const { input, source, rejected } = await prepareSync(flags);
      if (rejected)
        process.stderr.write(
          `${rejected} row(s) of ${flags.file} are invalid and will be reported, not synced\n`,
        );
      const client = await connectClient(config.temporal);
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
        process.exitCode = printReport(await waitForSync(client, workflowId));
      } finally {
        await client.connection.close();
      }
    });
}
