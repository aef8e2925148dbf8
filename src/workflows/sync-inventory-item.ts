import {
  ApplicationFailure,
  proxyActivities,
  proxyLocalActivities,
  upsertSearchAttributes,
} from '@temporalio/workflow';
import type { Activities } from '../activities';
import type { EntityMap } from '../activities/inventory';
import { normaliseEntityPath } from '../inventory/entity-path';
import { validateItemInput } from '../inventory/inventory-input';
import { validateItem, type InventoryItem } from '../inventory/inventory-schema';
import { composeItemReport, type ItemReport } from '../inventory/item-report';
import { SEARCH_ATTRIBUTES } from '../temporal/search-attributes';
import { failureMessage } from './failure-message';
import { inventoryActivityOptions } from './retry';

export interface SyncInventoryItemInput {
  /** Short name of the monitoring platform; part of the marker kept in GLPI. */
  source: string;
  item: InventoryItem;
  /** Given by the batch: its GLPI session handle and entities, so that each host does not log in again. */
  shared?: { handle: string; entities: EntityMap };
  /** Compute what would change; write nothing. */
  dryRun?: boolean;
}

export type { ItemReport };

/**
 * One host → one GLPI computer, its operating system and its contract. The design card's sequence of
 * retriable activities: open session, ensure sub-entity (and the host's entity), upsert computer, upsert
 * OS, contract if absent, kill session (always). Started on its own from the Temporal UI or the CLI, and by
 * a batch for every host that failed in it, so each failure can be inspected and retried on its own.
 */
export async function syncInventoryItem(input: SyncInventoryItemInput): Promise<ItemReport> {
  const problems = validateItemInput(input);
  if (problems.length) {
    throw ApplicationFailure.nonRetryable(
      `invalid syncInventoryItem input: ${problems.join('; ')}`,
      'InvalidInput',
    );
  }
  const { source, dryRun = false } = input;
  // The item as the steps expect it: trimmed, its entity path normalised (a UI-typed item may not be).
  const item = validateItem(input.item).item!;
  const settings = await proxyLocalActivities<Activities>({
    startToCloseTimeout: '10 seconds',
  }).loadSettings();
  const act = proxyActivities<Activities>(inventoryActivityOptions(settings.inventoryRetry));
  const own = input.shared === undefined;
  if (own) {
    // Started on its own (Temporal UI, CLI): make the run findable by what operators know.
    upsertSearchAttributes([
      { key: SEARCH_ATTRIBUTES.sourceId, value: item.id },
      { key: SEARCH_ATTRIBUTES.hostName, value: item.label },
      { key: SEARCH_ATTRIBUTES.inventorySource, value: source },
    ]);
  }
  const handle = input.shared?.handle ?? (await act.openGlpiSession());
  try {
    const path = normaliseEntityPath(item.entity);
    const entities =
      input.shared?.entities ??
      (await act.ensureEntities({ handle, name: settings.glpiEntity, paths: path ? [path] : [], dryRun }));
    const step = { handle, entities, source, item, dryRun };
    const computer = await act.upsertComputer(step);
    const { computerId } = computer;
    if (computerId !== null)
      upsertSearchAttributes([{ key: SEARCH_ATTRIBUTES.computerId, value: computerId }]);
    try {
      const os = await act.upsertOperatingSystem({ ...step, computerId, newComputer: computer.createdNow });
      const contract = await act.ensureContract({ ...step, computerId });
      return composeItemReport(item, computer, os, contract);
    } catch (err) {
      if (computerId === null) throw err;
      // Say which computer is in GLPI already, so that the batch's report and the operator know it.
      throw ApplicationFailure.create({
        type: 'HostIncomplete',
        message: `${failureMessage(err)} (computer ${computerId} is in GLPI; this step did not complete)`,
        nonRetryable: true,
        details: [{ computerId }],
        cause: err instanceof Error ? err : undefined,
      });
    }
  } finally {
    if (own) await act.killGlpiSession(handle);
  }
}
