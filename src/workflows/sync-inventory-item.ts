import { proxyActivities, upsertSearchAttributes } from '@temporalio/workflow';
import type { Activities } from '../activities';
import type { InventoryItem } from '../inventory/inventory-schema';
import { SEARCH_ATTRIBUTES } from '../temporal/search-attributes';
import { retryPolicy, type RetryOptions } from './retry';

export interface SyncInventoryItemInput {
  /** Short name of the monitoring platform; part of the marker kept in GLPI. */
  source: string;
  item: InventoryItem;
  /** Name of the sub-entity under the root entity. @default 'Supervision' */
  entityName?: string;
  /** Given by the batch: its GLPI session handle and sub-entity, so that each item does not log in. */
  shared?: { handle: string; entityId: number | null };
  /** Compute what would change; write nothing. */
  dryRun?: boolean;
  retry?: RetryOptions;
}

export type ItemOutcome = 'created' | 'updated' | 'unchanged' | 'failed';

export interface ItemReport {
  id: string;
  label: string;
  outcome: ItemOutcome;
  computerId?: number | null;
  contractId?: number | null;
  /** What was written, by step (or what a dry run would write). */
  changes?: string[];
  warnings?: string[];
  error?: string;
}

/**
 * One host → one GLPI computer, its operating system and its contract. The design card's sequence of
 * retriable activities: open session, ensure sub-entity, upsert computer, upsert OS, contract if absent,
 * kill session (always).
 */
export async function syncInventoryItem(input: SyncInventoryItemInput): Promise<ItemReport> {
  const { source, item, dryRun = false } = input;
  const act = proxyActivities<Activities>({
    startToCloseTimeout: '2 minutes',
    retry: retryPolicy(input.retry),
  });
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
    const entityId =
      input.shared?.entityId !== undefined
        ? input.shared.entityId
        : (await act.ensureSubEntity({ handle, name: input.entityName ?? 'Supervision', dryRun })).entityId;
    const step = { handle, entityId, source, item, dryRun };
    const computer = await act.upsertComputer(step);
    if (computer.computerId !== null) {
      upsertSearchAttributes([{ key: SEARCH_ATTRIBUTES.computerId, value: computer.computerId }]);
    }
    const os = await act.upsertOperatingSystem({
      ...step,
      computerId: computer.computerId,
      newComputer: computer.outcome === 'created',
    });
    const contract = await act.ensureContract({ ...step, computerId: computer.computerId });
    const changes = [
      ...computer.changes.map((c) => `computer.${c}`),
      ...os.changes.map((c) => `os.${c}`),
      ...contract.changes.map((c) => `contract.${c}`),
    ];
    const outcome: ItemOutcome =
      computer.outcome === 'created' ? 'created' : changes.length > 0 ? 'updated' : 'unchanged';
    const warnings = [os.warning, contract.warning].filter((w): w is string => Boolean(w));
    return {
      id: item.id,
      label: item.label,
      outcome,
      computerId: computer.computerId,
      contractId: contract.contractId,
      changes,
      ...(warnings.length ? { warnings } : {}),
    };
  } finally {
    if (own) await act.killGlpiSession(handle);
  }
}
