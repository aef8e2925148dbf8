import {
  WorkflowFailedError,
  type Client,
  type WorkflowExecutionDescription,
  type WorkflowHandle,
} from '@temporalio/client';
import { CancelledFailure, TerminatedFailure, TimeoutFailure } from '@temporalio/common';
import { formatRejectedRow } from '../inventory/inventory-schema';
import type { ItemReport } from '../inventory/item-report';
import {
  budgetExhausted,
  causeText,
  describeProtoFailure,
  errorChain,
  rootCause,
  type FailureLink,
} from '../observability/describe-failure';
import { SEARCH_ATTRIBUTES } from '../temporal/search-attributes';
import {
  progressQuery,
  reportQuery,
  type syncInventory,
  type SyncInventoryReport,
  type SyncProgress,
} from '../workflows/sync-inventory';
import { CliError } from './cli-error';
import { makeProgress, progressLine, table, type Progress } from './output';
import { syncReport } from './sync-result';

type SyncHandle = WorkflowHandle<typeof syncInventory>;

/** How long a table cell of an error may be; the whole cause is printed under the table. */
const ERROR_CELL = 60;

function clip(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/** The failed hosts, one line each: the real cause, the computer already in GLPI, the host's own workflow. */
export function failedLines(
  items: ItemReport[],
  link?: (workflowId: string) => string | undefined,
): string[] {
  return items
    .filter((i) => i.outcome === 'failed')
    .sort((a, b) => a.id.localeCompare(b.id))
    .map((i) => {
      const parts = [`failed ${i.id} (${i.label}): ${i.error ?? 'no cause recorded'}`];
      if (typeof i.computerId === 'number')
        parts.push(`computer ${i.computerId} is in GLPI (created or found before the step that failed)`);
      if (i.workflowId) parts.push(`retry or inspect it: ${link?.(i.workflowId) ?? i.workflowId}`);
      return parts.join('; ');
    });
}

/** Prints the per-item table, the failed hosts with their causes, and the summary; returns the exit status. */
export function printReport(
  report: SyncInventoryReport,
  out: NodeJS.WritableStream = process.stdout,
  link?: (workflowId: string) => string | undefined,
): number {
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
          i.error
            ? clip(i.error, ERROR_CELL)
            : [...(i.outcome === 'updated' ? (i.changes ?? []) : []), ...(i.warnings ?? [])].join(', '),
        ]),
    )}\n`,
  );
  const failed = failedLines(report.items, link);
  if (failed.length) out.write(`\n${failed.join('\n')}\n`);
  for (const r of report.rejected) out.write(`rejected ${formatRejectedRow(r)}\n`);
  for (const m of report.missing)
    out.write(`missing from this inventory: ${m.id} (computer ${m.computerId}, ${m.name}); left in GLPI\n`);
  out.write(`\n${summaryLine(report)}\n`);
  const p = report.progress;
  return p.failed > 0 || p.rejected > 0 ? 1 : 0;
}

export function summaryLine(report: SyncInventoryReport): string {
  const p = report.progress;
  return `${report.dryRun ? 'Dry run (nothing written): ' : ''}${p.total} items: ${p.created} created, ${p.updated} updated, ${p.unchanged} unchanged, ${p.failed} failed, ${p.rejected} rejected rows, ${report.missing.length} missing`;
}

function progressText(p: SyncProgress): string {
  return progressLine(
    p.done,
    p.total,
    `created ${p.created} updated ${p.updated} unchanged ${p.unchanged} failed ${p.failed}`,
  );
}

/** `inventory-item/servicenav/host-1002` → `host host-1002`. */
function childLabel(workflowId: string): string {
  const id = workflowId.split('/').slice(2).join('/');
  return id ? `host ${id}` : workflowId;
}

/** Why Temporal retries the run's own step, if it does ("GLPI unreachable: connect ECONNREFUSED …"). */
function retryCause(description: WorkflowExecutionDescription): string | undefined {
  const retried = (description.raw.pendingActivities ?? []).find(
    (a) => a.lastFailure && (a.attempt ?? 1) >= 2,
  );
  return retried?.lastFailure ? describeProtoFailure(retried.lastFailure) : undefined;
}

/**
 * What a running sync is waiting on: every activity Temporal is retrying after a failure, with that
 * failure's real cause and the attempt under way ("GLPI unreachable: connect ECONNREFUSED 127.0.0.1:1 —
 * retrying, attempt 3"), read from the workflow's pending activities, and those of the host workflows it
 * waits for.
 */
export async function pendingRetries(
  client: Client,
  description: WorkflowExecutionDescription,
  depth = 0,
): Promise<string[]> {
  const lines: string[] = [];
  for (const a of description.raw.pendingActivities ?? []) {
    const attempt = a.attempt ?? 1;
    if (!a.lastFailure || attempt < 2) continue;
    lines.push(`${describeProtoFailure(a.lastFailure)} — retrying, attempt ${attempt}`);
  }
  if (depth === 0) {
    for (const child of (description.raw.pendingChildren ?? []).slice(0, 5)) {
      if (!child.workflowId) continue;
      try {
        const d = await client.workflow.getHandle(child.workflowId, child.runId ?? undefined).describe();
        const sub = await pendingRetries(client, d, depth + 1);
        lines.push(...sub.map((l) => `${childLabel(child.workflowId!)}: ${l}`));
      } catch {
        // The child just finished; the next poll knows.
      }
    }
  }
  return lines;
}

export function noWorkerLine(client: Client, taskQueue: string): string {
  return `no worker polls task queue '${taskQueue}' in namespace '${client.options.namespace}': the sync waits for one; start it with \`glpi-bridge worker\` (same TEMPORAL_* settings)`;
}

/** Is any worker polling the workflow's task queue? undefined when that cannot be told. */
export async function hasPollers(client: Client, taskQueue: string): Promise<boolean | undefined> {
  try {
    const answer = await client.workflowService.describeTaskQueue({
      namespace: client.options.namespace,
      taskQueue: { name: taskQueue },
      taskQueueType: 1, // TASK_QUEUE_TYPE_WORKFLOW
    });
    return (answer.pollers ?? []).length > 0;
  } catch {
    return undefined;
  }
}

export interface WatchOptions {
  /** Where the progress and retry lines go. @default process.stderr */
  stream?: NodeJS.WriteStream;
  /** Poll interval. @default 500 */
  pollMs?: number;
  /** Link of a workflow in the Web UI, for the final failure line. */
  link?: (workflowId: string) => string | undefined;
}

/**
 * Waits for a sync, drawing its progress and, while Temporal retries a failing step, the cause and the
 * attempt; resolves with its report (also when hosts failed: the run then ends Failed with the report in
 * its details). A run that failed as a whole becomes one `CliError` line naming the cause and the fix.
 */
export async function watchSync(
  client: Client,
  workflowId: string,
  options: WatchOptions = {},
): Promise<SyncInventoryReport> {
  const handle: SyncHandle = client.workflow.getHandle<typeof syncInventory>(workflowId);
  const bar: Progress = makeProgress(options.stream ?? process.stderr);
  let finished = false;
  const result = syncReport(handle).finally(() => (finished = true));
  const shown = new Set<string>();
  const started = Date.now();
  let pollersChecked = false;
  let progressed = false;
  /** The run's own step Temporal was last seen retrying, and why: the cause a bare timeout leaves out. */
  let lastRetryCause: string | undefined;
  while (!finished) {
    try {
      // A query waits for a worker to answer it: bounded, so that a sync no worker runs is still told.
      const p = await client.connection.withDeadline(Date.now() + 2000, () => handle.query(progressQuery));
      progressed ||= p.total > 0;
      bar.update(progressText(p));
    } catch {
      // Before the first workflow task, between runs (continue-as-new), or no worker: the next poll answers.
    }
    try {
      const description = await handle.describe();
      const lines = await pendingRetries(client, description);
      lastRetryCause = retryCause(description) ?? lastRetryCause;
      for (const line of lines) {
        if (shown.has(line)) continue;
        shown.add(line);
        bar.note(line);
      }
      if (!pollersChecked && !progressed && lines.length === 0 && Date.now() - started > 3000) {
        pollersChecked = true;
        if ((await hasPollers(client, description.taskQueue)) === false)
          bar.note(noWorkerLine(client, description.taskQueue));
      }
    } catch {
      // describe() failing is no reason to stop waiting for the result.
    }
    await Promise.race([
      result.catch(() => undefined),
      new Promise((r) => setTimeout(r, options.pollMs ?? 500)),
    ]);
  }
  let report: SyncInventoryReport;
  try {
    report = await result;
  } catch (err) {
    bar.done();
    throw syncFailure(workflowId, err, options.link, lastRetryCause);
  }
  bar.update(progressText(report.progress));
  bar.done();
  return report;
}

function fixFor(cause: string, link: string | undefined): string {
  if (/^GLPI (unreachable|not answering|TLS error)/.test(cause))
    return "check GLPI_URL on the worker and that the worker's host reaches it (`glpi-bridge check` there), then sync again";
  if (/^GLPI refused the login/.test(cause))
    return "fix the worker's GLPI_APP_TOKEN and GLPI_USER_TOKEN (or GLPI_USERNAME/GLPI_PASSWORD): `glpi-bridge check` names the one to fix";
  return link ? `its history is in the Temporal Web UI: ${link}` : 'its history is in the Temporal Web UI';
}

/**
 * A sync that failed as a whole (GLPI down past the retry budget, refused login, bad input, terminated)
 * as one line with its real cause and the fix; anything else is returned as it is.
 */
export function syncFailure(
  workflowId: string,
  err: unknown,
  link?: (workflowId: string) => string | undefined,
  lastRetryCause?: string,
): unknown {
  if (!(err instanceof WorkflowFailedError)) return err;
  const url = link?.(workflowId);
  if (err.cause instanceof TerminatedFailure)
    return new CliError(`sync ${workflowId} was terminated: ${err.cause.message || 'no reason given'}`);
  if (err.cause instanceof CancelledFailure) return new CliError(`sync ${workflowId} was cancelled`);
  if (err.cause instanceof TimeoutFailure && !err.cause.cause)
    return new CliError(`sync ${workflowId} timed out (its workflow run timeout)`);
  const chain: FailureLink[] = errorChain(err.cause);
  const root = rootCause(chain);
  // The retry budget can run out while a try is under way: Temporal then reports the timeout alone, and the
  // cause is the one the watch saw on the tries before.
  const cause = root?.type === 'TimeoutFailure' && lastRetryCause ? lastRetryCause : causeText(root);
  const gaveUp = budgetExhausted(chain)
    ? ' (retried for SYNC_RETRY_BUDGET_SECONDS, a worker setting, then gave up)'
    : '';
  return new CliError(`sync ${workflowId} failed: ${cause}${gaveUp}; ${fixFor(cause, url)}`);
}

const STATUS_TEXT: Record<string, string> = {
  RUNNING: 'running',
  COMPLETED: 'completed',
  FAILED: 'failed',
  CANCELLED: 'cancelled',
  TERMINATED: 'terminated',
  CONTINUED_AS_NEW: 'continued as new',
  TIMED_OUT: 'timed out',
};

/**
 * A sync's outcome, from its search attribute and its status together: `running`, `succeeded`, `partial`
 * (hosts failed or rows were rejected), or `failed` (the run failed as a whole, was terminated…).
 */
export function syncOutcome(
  description: Pick<WorkflowExecutionDescription, 'status' | 'typedSearchAttributes'>,
): string {
  const recorded = description.typedSearchAttributes.get(SEARCH_ATTRIBUTES.outcome);
  const status = description.status.name;
  if (status === 'RUNNING') return 'running';
  if (status === 'COMPLETED') return recorded === 'partial' ? 'partial' : 'succeeded';
  if (status === 'FAILED' && recorded === 'partial') return 'partial';
  if (status === 'CONTINUED_AS_NEW') return 'running';
  return 'failed';
}

export function statusText(status: string): string {
  return STATUS_TEXT[status] ?? status.toLowerCase();
}

/** The report of a run still going: its `report` query, or its progress alone for runs older than it. */
export async function reportSoFar(
  client: Client,
  handle: SyncHandle,
): Promise<SyncInventoryReport | SyncProgress> {
  const bounded = <T>(fn: () => Promise<T>) => client.connection.withDeadline(Date.now() + 3000, fn);
  try {
    return await bounded(() => handle.query(reportQuery));
  } catch {
    return bounded(() => handle.query(progressQuery));
  }
}

export { progressText };
