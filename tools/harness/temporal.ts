import type { Client } from '@temporalio/client';
import { syncReport } from '../../src/cli/sync-result';
import type {
  syncInventory,
  SyncInventoryInput,
  SyncInventoryReport,
} from '../../src/workflows/sync-inventory';

/**
 * Executions matching a visibility query and their history events, in total (visibility knows the length
 * of closed histories; running ones are described).
 */
export async function historyFigures(
  client: Client,
  query: string,
): Promise<{ executions: number; events: number }> {
  let executions = 0;
  let events = 0;
  const running: Promise<number>[] = [];
  for await (const run of client.workflow.list({ query })) {
    executions += 1;
    if (run.status.name === 'RUNNING' || !run.historyLength) {
      running.push(
        client.workflow
          .getHandle(run.workflowId, run.runId)
          .describe()
          .then((d) => d.historyLength)
          .catch(() => 0),
      );
      if (running.length >= 25) events += (await Promise.all(running.splice(0))).reduce((a, b) => a + b, 0);
    } else events += run.historyLength;
  }
  events += (await Promise.all(running)).reduce((a, b) => a + b, 0);
  return { executions, events };
}

export interface SyncRun {
  workflowId: string;
  report: SyncInventoryReport;
  seconds: number;
  /** The batch's runs (continue-as-new) and their history events. */
  batch: { executions: number; events: number };
  /** `syncInventoryItem` workflows the run started (hosts that failed in their chunk) and their events. */
  items: { executions: number; events: number };
}

/**
 * Runs a `syncInventory` to its end and returns its report (also when hosts failed: the run then ends
 * Failed with the report in its failure) and what it cost in history.
 */
export async function runSync(
  client: Client,
  taskQueue: string,
  workflowId: string,
  input: SyncInventoryInput,
): Promise<SyncRun> {
  const since = new Date(Date.now() - 1000).toISOString();
  const started = performance.now();
  const handle = await client.workflow.start<typeof syncInventory>('syncInventory', {
    taskQueue,
    workflowId,
    args: [input],
  });
  const report = await untilFailedTask(client, workflowId, syncReport(handle));
  const seconds = (performance.now() - started) / 1000;
  const batch = await historyFigures(client, `WorkflowId = "${workflowId}"`);
  const items = await historyFigures(
    client,
    `WorkflowType = "syncInventoryItem" AND StartTime >= "${since}"`,
  );
  return { workflowId, report, seconds, batch, items };
}

/**
 * `result`, unless a workflow task of `workflowId` fails first (workflow code that cannot run, which
 * Temporal retries without end): then the failure's message is thrown instead of waiting forever.
 */
export async function untilFailedTask<T>(client: Client, workflowId: string, result: Promise<T>): Promise<T> {
  let done = false;
  const watch = (async (): Promise<never> => {
    for (;;) {
      await new Promise((r) => setTimeout(r, 5_000));
      if (done) return new Promise<never>(() => undefined);
      const history = await client.workflow
        .getHandle(workflowId)
        .fetchHistory()
        .catch(() => undefined);
      const failed = history?.events?.find((e) => e.workflowTaskFailedEventAttributes);
      if (failed) {
        const message = failed.workflowTaskFailedEventAttributes?.failure?.message ?? 'unknown cause';
        throw new Error(`a workflow task of ${workflowId} failed: ${message}`);
      }
    }
  })();
  try {
    return await Promise.race([result, watch]);
  } finally {
    done = true;
  }
}
