import {
  ChildWorkflowFailure,
  continueAsNew,
  defineQuery,
  proxyActivities,
  setHandler,
  startChild,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import type { Activities, MissingHost } from '../activities';
import type { InventoryItem, RejectedRow } from '../inventory/inventory-schema';
import { SEARCH_ATTRIBUTES } from '../temporal/search-attributes';
import { retryPolicy, type RetryOptions } from './retry';
import { syncInventoryItem, type ItemReport } from './sync-inventory-item';

export interface SyncInventoryInput {
  /** Inventory file path (as the worker sees it) or http(s) URL, JSON or CSV. */
  location?: string;
  /** Or the inventory itself, e.g. pasted into the Temporal UI's start form. */
  inventory?: { source: string; items: unknown[] };
  /** Overrides the file's `source` (and names the source of a CSV, which has none). */
  source?: string;
  /** Compute the plan; write nothing. */
  dryRun?: boolean;
  /** Items synced at once. @default 8 */
  concurrency?: number;
  /** Items per run before continuing as new, which keeps histories small. @default 500 */
  itemsPerRun?: number;
  /** Sub-entity under the root entity. @default 'Supervision' */
  entityName?: string;
  retry?: RetryOptions;
  /** Carried across continue-as-new; never set it yourself. */
  carried?: Carried;
}

export interface SyncProgress {
  total: number;
  done: number;
  created: number;
  updated: number;
  unchanged: number;
  failed: number;
  rejected: number;
}

export interface SyncInventoryReport {
  source: string;
  dryRun: boolean;
  progress: SyncProgress;
  items: ItemReport[];
  rejected: RejectedRow[];
  /** Hosts synced by an earlier run of this source that this inventory lacks (listed, not deleted). */
  missing: MissingHost[];
  runs: number;
}

interface Carried {
  source: string;
  offset: number;
  runs: number;
  progress: SyncProgress;
  items: ItemReport[];
  rejected: RejectedRow[];
  shared: { handle: string; entityId: number | null };
}

export const progressQuery = defineQuery<SyncProgress>('progress');

const CHUNK = 100;

/** The batch: reads the inventory, syncs every host as a child workflow, reports per item. */
export async function syncInventory(input: SyncInventoryInput): Promise<SyncInventoryReport> {
  const act = proxyActivities<Activities>({
    startToCloseTimeout: '5 minutes',
    retry: retryPolicy(input.retry),
  });
  const dryRun = input.dryRun ?? false;
  const concurrency = Math.max(1, input.concurrency ?? 8);
  const itemsPerRun = Math.max(1, input.itemsPerRun ?? 500);
  const inline = input.inventory;
  if (!input.location && !inline) {
    throw new Error('syncInventory needs `location` (a file or URL) or `inventory` ({ source, items })');
  }

  let carried = input.carried;
  if (!carried) {
    const handle = await act.openGlpiSession();
    const { entityId } = await act.ensureSubEntity({
      handle,
      name: input.entityName ?? 'Supervision',
      dryRun,
    });
    carried = {
      source: input.source ?? inline?.source ?? '',
      offset: 0,
      runs: 0,
      progress: { total: 0, done: 0, created: 0, updated: 0, unchanged: 0, failed: 0, rejected: 0 },
      items: [],
      rejected: [],
      shared: { handle, entityId },
    };
  }
  const state = carried;
  state.runs += 1;
  setHandler(progressQuery, () => state.progress);

  let continuing = false;
  try {
    let doneThisRun = 0;
    for (;;) {
      const chunk = await act.readInventoryChunk({
        location: input.location,
        inline,
        source: input.source,
        offset: state.offset,
        limit: Math.min(CHUNK, itemsPerRun - doneThisRun),
      });
      if (state.offset === 0) {
        state.source = chunk.source;
        state.rejected = chunk.rejected;
        state.progress.total = chunk.total;
        state.progress.rejected = chunk.rejected.length;
        upsertSearchAttributes([{ key: SEARCH_ATTRIBUTES.inventorySource, value: chunk.source }]);
      }
      // Hosts already exactly as mapped are reported from one snapshot of GLPI, without a child workflow.
      const plans = await act.planInventoryChunk({
        handle: state.shared.handle,
        entityId: state.shared.entityId,
        source: state.source,
        key: `${workflowInfo().workflowId}/${workflowInfo().firstExecutionRunId}`,
        items: chunk.items,
      });
      const toSync = chunk.items.filter((item, i) => {
        const plan = plans[i]!;
        if (!plan.unchanged) return true;
        record(state, {
          id: item.id,
          label: item.label,
          outcome: 'unchanged',
          computerId: plan.computerId,
          contractId: plan.contractId,
        });
        return false;
      });
      await syncAll(toSync, concurrency, (item) => syncOne(item, state, input, dryRun));
      state.offset += chunk.items.length;
      doneThisRun += chunk.items.length;
      if (chunk.items.length === 0 || state.offset >= chunk.total) break;
      if (doneThisRun >= itemsPerRun || workflowInfo().continueAsNewSuggested) {
        continuing = true;
        await continueAsNew<typeof syncInventory>({ ...input, carried: state });
      }
    }
    const missing = dryRun
      ? []
      : await act.listMissingHosts({
          handle: state.shared.handle,
          entityId: state.shared.entityId,
          source: state.source,
          location: input.location,
          presentIds: input.location ? undefined : state.items.map((i) => i.id),
        });
    return {
      source: state.source,
      dryRun,
      progress: state.progress,
      items: state.items,
      rejected: state.rejected,
      missing,
      runs: state.runs,
    };
  } finally {
    if (!continuing) await act.killGlpiSession(state.shared.handle);
  }
}

async function syncOne(
  item: InventoryItem,
  state: Carried,
  input: SyncInventoryInput,
  dryRun: boolean,
): Promise<void> {
  const kind = dryRun ? 'inventory-plan' : 'inventory-item';
  let report: ItemReport;
  try {
    const child = await startChild(syncInventoryItem, {
      workflowId: `${kind}/${state.source}/${item.id}`,
      args: [{ source: state.source, item, shared: state.shared, dryRun, retry: input.retry }],
      typedSearchAttributes: [
        { key: SEARCH_ATTRIBUTES.sourceId, value: item.id },
        { key: SEARCH_ATTRIBUTES.hostName, value: item.label },
        { key: SEARCH_ATTRIBUTES.inventorySource, value: state.source },
      ],
      memo: { host: item.label, source: state.source },
    });
    report = await child.result();
  } catch (err) {
    const message =
      err instanceof WorkflowExecutionAlreadyStartedError
        ? 'another sync of this host is already running'
        : err instanceof ChildWorkflowFailure
          ? (err.cause?.message ?? err.message)
          : String((err as Error)?.message ?? err);
    report = { id: item.id, label: item.label, outcome: 'failed', error: message };
  }
  record(state, report, dryRun);
}

/**
 * The batch keeps one compact entry per item (it is carried across continue-as-new and returned, within
 * Temporal's payload limits for 10,000 items): the changes of updated items and the plan of a dry run;
 * what a created item got is in its own workflow's result.
 */
function record(state: Carried, report: ItemReport, plan = false): void {
  const { changes, ...entry } = report;
  state.items.push(plan || report.outcome === 'updated' ? { ...entry, changes } : entry);
  state.progress.done += 1;
  state.progress[report.outcome] += 1;
}

/** Runs `work` over `items`, at most `limit` at a time. */
async function syncAll<T>(items: T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const lane = async () => {
    while (next < items.length) await work(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane));
}
