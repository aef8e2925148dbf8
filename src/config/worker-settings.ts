import { DEFAULT_TICKET_POLICY, type TicketPolicy } from '../alerts/ticket-policy';

/** The sub-entity, under the root entity, that holds what the bridge writes. The one default of GLPI_ENTITY. */
export const DEFAULT_GLPI_ENTITY = 'Supervision';

/**
 * Everything a workflow needs to know of its worker's configuration. The worker owns these settings (it is
 * where GLPI's credentials live): a workflow reads them once, at its start, through the `loadSettings`
 * local activity, so every way of starting it (CLI, schedule, Temporal UI, receiver) runs under the same
 * settings, and the value is recorded in its history for replay.
 */
export interface WorkerSettings {
  /** GLPI_ENTITY. */
  glpiEntity: string;
  /** How inventory steps retry a GLPI that fails or is down. */
  inventoryRetry: InventoryRetrySettings;
  /** How alerts become tickets. */
  tickets: TicketPolicy;
}

export interface InventoryRetrySettings {
  /** Longest wait between two tries of a step (SYNC_RETRY_MAX_INTERVAL_SECONDS). @default 60 */
  maxIntervalSeconds: number;
  /**
   * How long a step keeps trying a GLPI that is down or failing before the sync fails with the cause
   * (SYNC_RETRY_BUDGET_SECONDS). @default 600
   */
  budgetSeconds: number;
}

export const DEFAULT_WORKER_SETTINGS: WorkerSettings = {
  glpiEntity: DEFAULT_GLPI_ENTITY,
  inventoryRetry: { maxIntervalSeconds: 60, budgetSeconds: 600 },
  tickets: DEFAULT_TICKET_POLICY,
};
