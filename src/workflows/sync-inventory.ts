import {
  ApplicationFailure,
  ChildWorkflowFailure,
  continueAsNew,
  defineQuery,
  patched,
  proxyActivities,
  proxyLocalActivities,
  setHandler,
  startChild,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import type { Activities } from '../activities';
import type { ChunkResult, EntityMap, MissingHost, PreparedInventory } from '../activities/inventory';
import { validateInventoryInput } from '../inventory/inventory-input';
import type { RejectedRow } from '../inventory/inventory-schema';
import type { ItemReport } from '../inventory/item-report';
import { SEARCH_ATTRIBUTES } from '../temporal/search-attributes';
import { failureMessage } from './failure-message';
import { inventoryActivityOptions } from './retry';
import { syncInventoryItem } from './sync-inventory-item';

export interface SyncInventoryInput {
  /** Inventory file path (as the worker sees it) or http(s) URL, JSON or CSV. */
  location?: string;
  /** Or the inventory itself, e.g. pasted into the Temporal UI's start form. */
  inventory?: { source?: string; items: unknown[] };
  /** Overrides the file's `source`; names the source of a CSV (default: the file's name). */
  source?: string;
  /** Compute the plan; write nothing. */
  dryRun?: boolean;
  /** Chunks of hosts synced at once. @default 4 */
  concurrency?: number;
  /** Hosts per run before continuing as new, which keeps histories small. @default 2000 */
  itemsPerRun?: number;
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
  /** Complete names of the entities the sync created (or, in a dry run, would create). */
  entitiesCreated: string[];
  /** Hosts synced by an earlier run of this source that this inventory lacks (listed, not deleted). */
  missing: MissingHost[];
  runs: number;
}

interface Carried {
  source: string;
  prepared: PreparedInventory;
  entities: EntityMap;
  handle: string;
  offset: number;
  runs: number;
  progress: SyncProgress;
  items: ItemReport[];
}

export const progressQuery = defineQuery<SyncProgress>('progress');
/** The report so far: what `glpi-bridge sync status` prints of a running or finished sync. */
export const reportQuery = defineQuery<SyncInventoryReport>('report');

/** Hosts per chunk activity: one bulk request per kind of GLPI object for all of them. */
const CHUNK = 100;

/**
 * The batch: reads the inventory once, makes sure the entities exist, syncs the hosts chunk by chunk
 * (each chunk one activity), gives every host that fails its own `syncInventoryItem` workflow (where its
 * cause shows and it can be retried alone), then reports per host. A run where hosts failed or rows were
 * rejected ends Failed, with the report in the failure's details, so it stands out in the Web UI list.
 */
export async function syncInventory(input: SyncInventoryInput): Promise<SyncInventoryReport> {
  const problems = validateInventoryInput(input);
  if (problems.length) {
    throw ApplicationFailure.nonRetryable(
      `invalid syncInventory input: ${problems.join('; ')}`,
      'InvalidInput',
    );
  }
  const dryRun = input.dryRun ?? false;
  const concurrency = input.concurrency ?? 4;
  const itemsPerRun = Math.max(CHUNK, input.itemsPerRun ?? 2000);
  const settings = await proxyLocalActivities<Activities>({
    startToCloseTimeout: '10 seconds',
  }).loadSettings();
  const act = proxyActivities<Activities>(inventoryActivityOptions(settings.inventoryRetry));

  const run = input.carried ?? (await startRun(input, act, settings.glpiEntity, dryRun));
  run.runs += 1;
  const report = (missing: MissingHost[] = []): SyncInventoryReport => ({
    source: run.source,
    dryRun,
    progress: run.progress,
    items: run.items,
    rejected: run.prepared.rejected,
    entitiesCreated: run.entities.created,
    missing,
    runs: run.runs,
  });
  setHandler(progressQuery, () => run.progress);
  setHandler(reportQuery, () => report());

  const runKey = `${workflowInfo().workflowId}/${workflowInfo().firstExecutionRunId}`;
  const end = Math.min(run.prepared.total, run.offset + itemsPerRun);
  let next = run.offset;
  const lane = async () => {
    while (next < end) {
      const offset = next;
      next = Math.min(end, next + CHUNK);
      const chunkInput = {
        handle: run.handle,
        runKey,
        source: run.source,
        entities: run.entities,
        inventory: chunkOf(run.prepared, input.inventory, offset, next - offset),
        dryRun,
      };
      // The plan is recorded before anything is written: a retry of the writes knows what it set out to create.
      const plan = await act.planInventoryChunk(chunkInput);
      const chunk = await act.syncInventoryChunk({ ...chunkInput, plan });
      for (const r of await retryFailures(chunk, run, dryRun)) record(run, r, dryRun);
    }
  };
  try {
    await Promise.all(Array.from({ length: concurrency }, lane));
  } catch (err) {
    // GLPI stayed down past the retry budget, or the inventory changed underneath: the run fails with it.
    upsertSearchAttributes([{ key: SEARCH_ATTRIBUTES.outcome, value: 'failed' }]);
    await act.killGlpiSession(run.handle).catch(() => undefined);
    throw err;
  }
  run.offset = end;
  // The next run goes on with the same session and entities.
  if (run.offset < run.prepared.total) await continueAsNew<typeof syncInventory>({ ...input, carried: run });

  try {
    // Listing only reads: a dry run shows what the sync would report missing too. Runs recorded before it
    // did so replay without it.
    const missing =
      dryRun && !patched('dry-run-lists-missing-hosts')
        ? []
        : await act.listMissingHosts({
            handle: run.handle,
            subEntityId: run.entities.subEntityId,
            source: run.source,
            inventory: run.prepared.ref,
            presentIds: run.prepared.ref ? undefined : run.items.map((i) => i.id),
          });
    const final = report(missing);
    const failed = run.progress.failed + run.progress.rejected;
    upsertSearchAttributes([
      { key: SEARCH_ATTRIBUTES.outcome, value: failed ? 'partial' : 'succeeded' },
      { key: SEARCH_ATTRIBUTES.failedItems, value: failed },
    ]);
    if (!failed) return final;
    const p = run.progress;
    throw ApplicationFailure.create({
      type: 'SyncIncomplete',
      message: `${p.failed} of ${p.total} hosts failed${p.rejected ? `, ${p.rejected} inventory rows rejected` : ''}; the report is in this failure's details`,
      nonRetryable: true,
      details: [final],
    });
  } finally {
    await act.killGlpiSession(run.handle).catch(() => undefined);
  }
}

/**
 * The start of a run: a GLPI session, the inventory read once, the entities made sure of. A failure here
 * (GLPI down past the retry budget, an unreadable inventory) ends the run Failed, marked as such.
 */
async function startRun(
  input: SyncInventoryInput,
  act: ReturnType<typeof proxyActivities<Activities>>,
  glpiEntity: string,
  dryRun: boolean,
): Promise<Carried> {
  upsertSearchAttributes([{ key: SEARCH_ATTRIBUTES.outcome, value: 'running' }]);
  let handle: string | undefined;
  try {
    handle = await act.openGlpiSession();
    const prepared = await act.prepareInventory({
      location: input.location,
      inline: input.inventory,
      source: input.source,
    });
    upsertSearchAttributes([{ key: SEARCH_ATTRIBUTES.inventorySource, value: prepared.source }]);
    const entities = await act.ensureEntities({
      handle,
      name: glpiEntity,
      paths: prepared.entityPaths,
      dryRun,
    });
    return {
      source: prepared.source,
      prepared,
      entities,
      handle,
      offset: 0,
      runs: 0,
      progress: {
        total: prepared.total,
        done: 0,
        created: 0,
        updated: 0,
        unchanged: 0,
        failed: 0,
        rejected: prepared.rejected.length,
      },
      items: [],
    };
  } catch (err) {
    upsertSearchAttributes([{ key: SEARCH_ATTRIBUTES.outcome, value: 'failed' }]);
    if (handle) await act.killGlpiSession(handle).catch(() => undefined);
    throw err;
  }
}

/** The chunk activity's view of the inventory: a slice of the run's snapshot, or inline entries. */
function chunkOf(
  prepared: PreparedInventory,
  inline: SyncInventoryInput['inventory'],
  offset: number,
  limit: number,
) {
  if (prepared.ref) return { ref: prepared.ref, offset, limit };
  const entries = inline?.items ?? [];
  return { entries: prepared.accepted!.slice(offset, offset + limit).map((i) => entries[i]) };
}

/**
 * Every host that failed in a chunk gets its own `syncInventoryItem` workflow, which retries the steps
 * with their back-off and, when the host fails again, shows the cause in the Web UI where it can be
 * retried on its own. Its report replaces the chunk's.
 */
async function retryFailures(chunk: ChunkResult, run: Carried, dryRun: boolean): Promise<ItemReport[]> {
  const kind = dryRun ? 'inventory-plan' : 'inventory-item';
  return Promise.all(
    chunk.reports.map(async (r) => {
      const failure = chunk.failed.find((f) => f.item.id === r.id);
      if (r.outcome !== 'failed' || !failure) return r;
      const { item, computerCreated } = failure;
      const workflowId = `${kind}/${run.source}/${r.id}`;
      try {
        const child = await startChild(syncInventoryItem, {
          workflowId,
          args: [
            { source: run.source, item, shared: { handle: run.handle, entities: run.entities }, dryRun },
          ],
          typedSearchAttributes: [
            { key: SEARCH_ATTRIBUTES.sourceId, value: r.id },
            { key: SEARCH_ATTRIBUTES.hostName, value: r.label },
            { key: SEARCH_ATTRIBUTES.inventorySource, value: run.source },
          ],
          memo: { host: r.label, source: run.source, firstError: r.error },
        });
        const retried = await child.result();
        // The computer this run made before the host failed in its chunk is still this run's creation.
        return { ...retried, ...(computerCreated ? { outcome: 'created' as const } : {}), workflowId };
      } catch (err) {
        if (err instanceof WorkflowExecutionAlreadyStartedError) {
          return {
            ...r,
            error: `another sync of this host is already running (${workflowId}); ${r.error ?? ''}`,
            workflowId,
          };
        }
        const computerId =
          (err instanceof ChildWorkflowFailure && err.cause instanceof ApplicationFailure
            ? (err.cause.details?.[0] as { computerId?: number } | undefined)?.computerId
            : undefined) ?? r.computerId;
        return { ...r, computerId, error: failureMessage(err), workflowId };
      }
    }),
  );
}

/**
 * The batch keeps one compact entry per host (it is carried across continue-as-new and returned, within
 * Temporal's payload limits for 10,000 hosts): the changes of updated hosts and the plan of a dry run; what
 * a created host got is in GLPI.
 */
function record(run: Carried, r: ItemReport, plan: boolean): void {
  const { changes, ...entry } = r;
  run.items.push(plan || r.outcome === 'updated' ? { ...entry, changes } : entry);
  run.progress.done += 1;
  run.progress[r.outcome] += 1;
}
