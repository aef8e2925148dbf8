import type { ActivityOptions } from '@temporalio/workflow';
import type { InventoryRetrySettings } from '../config/worker-settings';

/** How long Temporal waits for a heartbeat before it retries an attempt whose worker went away. */
export const ACTIVITY_HEARTBEAT_TIMEOUT = '30 seconds';

/**
 * Inventory steps: retried with back-off up to the configured interval, for the configured budget; whether
 * an error is worth another try is decided by the error itself (non-retryable failures stop at once).
 */
export function inventoryActivityOptions(retry: InventoryRetrySettings): ActivityOptions {
  const maxMs = Math.max(10, Math.round(retry.maxIntervalSeconds * 1000));
  return {
    startToCloseTimeout: '5 minutes',
    // Activities heartbeat every few seconds (src/activities/activity-boundary.ts): a killed worker's
    // attempt is retried after this, not after the start-to-close timeout.
    heartbeatTimeout: ACTIVITY_HEARTBEAT_TIMEOUT,
    scheduleToCloseTimeout: Math.max(1000, Math.round(retry.budgetSeconds * 1000)),
    retry: { initialInterval: Math.min(1000, maxMs), backoffCoefficient: 2, maximumInterval: maxMs },
  };
}
