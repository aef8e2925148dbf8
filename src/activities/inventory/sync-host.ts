import { GlpiError } from '../../glpi/errors';
import { composeItemReport, type ItemReport } from '../../inventory/item-report';
import { ensureContract } from './ensure-contract';
import type { InventoryDeps, ItemStepInput } from './inventory-deps';
import { upsertComputer } from './upsert-computer';
import { upsertOperatingSystem } from './upsert-operating-system';

/** A host's report, and whether its computer was created by this run (before a later step failed). */
export interface HostOutcome {
  report: ItemReport;
  computerCreated: boolean;
}

/**
 * One host's three steps in a row, inside a batch activity: for hosts a batch finds changed or adopts.
 * A failure of GLPI itself (down, overloaded) is thrown while `rethrowTransient`, so that Temporal retries
 * the whole chunk; any other failure is reported with its cause (and the computer, when one was made
 * before a later step failed): the batch gives the host its own workflow, to be inspected and retried.
 */
export async function syncHost(
  deps: InventoryDeps,
  input: ItemStepInput,
  rethrowTransient = false,
): Promise<HostOutcome> {
  const { item } = input;
  let computerId: number | null = null;
  let computerCreated = false;
  try {
    const computer = await upsertComputer(deps, input);
    computerId = computer.computerId;
    computerCreated = computer.outcome === 'created';
    const os = await upsertOperatingSystem(deps, { ...input, computerId, newComputer: computer.createdNow });
    const contract = await ensureContract(deps, { ...input, computerId });
    return { report: composeItemReport(item, computer, os, contract), computerCreated };
  } catch (err) {
    if (rethrowTransient && err instanceof GlpiError && err.retryable) throw err;
    return {
      report: {
        id: item.id,
        label: item.label,
        ...(item.entity ? { entity: item.entity } : {}),
        outcome: 'failed',
        computerId,
        error: err instanceof Error ? err.message : String(err),
      },
      computerCreated,
    };
  }
}
