import { ApplicationFailure, WorkflowFailedError, type WorkflowHandle } from '@temporalio/client';
import type { syncInventory, SyncInventoryReport } from '../workflows/sync-inventory';

/**
 * A finished sync's report: its result, or, for a run where hosts failed (which ends Failed so that it
 * stands out in the Web UI), the report carried in the failure's details. Any other failure is thrown.
 */
export async function syncReport(handle: WorkflowHandle<typeof syncInventory>): Promise<SyncInventoryReport> {
  try {
    return await handle.result();
  } catch (err) {
    const report = incompleteReport(err);
    if (report) return report;
    throw err;
  }
}

/** The report inside a `SyncIncomplete` failure, if that is what `err` is. */
export function incompleteReport(err: unknown): SyncInventoryReport | undefined {
  const cause = err instanceof WorkflowFailedError ? err.cause : err;
  if (cause instanceof ApplicationFailure && cause.type === 'SyncIncomplete')
    return cause.details?.[0] as SyncInventoryReport;
  return undefined;
}
