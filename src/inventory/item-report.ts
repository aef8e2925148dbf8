/** What a sync did with one host, as the batch reports it and `sync --wait` prints it. */
export type ItemOutcome = 'created' | 'updated' | 'unchanged' | 'failed';

export interface ItemReport {
  id: string;
  label: string;
  outcome: ItemOutcome;
  /** The host's entity path below the sub-entity, when it has one. */
  entity?: string;
  computerId?: number | null;
  contractId?: number | null;
  /** What was written, by step (`computer.serial`, `os.licenseid`…), or what a dry run would write. */
  changes?: string[];
  warnings?: string[];
  /** Why the host failed: the real cause, as GLPI or the bridge said it. */
  error?: string;
  /** The host's own workflow (`syncInventoryItem`), where a failure can be inspected and retried. */
  workflowId?: string;
}

/** What one step did to one GLPI object. */
export type StepOutcome = 'created' | 'updated' | 'unchanged';

export interface StepResult {
  outcome: StepOutcome;
  /** Mapped fields written (or that a dry run would write). */
  changes: string[];
  warning?: string;
}

export interface ComputerResult extends StepResult {
  /** `null` in a dry run that would create it, or when the host's computer is in GLPI's trash. */
  computerId: number | null;
  matchedBy?: 'marker' | 'serial' | 'name';
  /** This attempt created the computer: nothing is linked to it yet. */
  createdNow?: boolean;
}

export interface ContractResult extends StepResult {
  contractId: number | null;
}

/** One host's report from its three steps; the host is `created` when its computer was. */
export function composeItemReport(
  item: { id: string; label: string; entity?: string },
  computer: ComputerResult,
  os: StepResult,
  contract: ContractResult,
): ItemReport {
  const changes = [
    ...computer.changes.map((c) => `computer.${c}`),
    ...os.changes.map((c) => `os.${c}`),
    ...contract.changes.map((c) => `contract.${c}`),
  ];
  const outcome: ItemOutcome =
    computer.outcome === 'created' ? 'created' : changes.length > 0 ? 'updated' : 'unchanged';
  const warnings = [computer.warning, os.warning, contract.warning].filter((w): w is string => Boolean(w));
  return {
    id: item.id,
    label: item.label,
    ...(item.entity ? { entity: item.entity } : {}),
    outcome,
    computerId: computer.computerId,
    contractId: contract.contractId,
    changes,
    ...(warnings.length ? { warnings } : {}),
  };
}
