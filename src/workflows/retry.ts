import type { ActivityOptions } from '@temporalio/workflow';
import type { InventoryRetrySettings } from '../config/worker-settings';

/**
 * Inventory steps: retried with back-off up to the configured interval, for the configured budget; whether
 * an error is worth another try is decided by the error itself (non-retryable failures stop at once).
 */
export function inventoryActivityOptions(retry: InventoryRetrySettings): ActivityOptions {
  const maxMs = Math.max(10, Math.round(retry.maxIntervalSeconds * 1000));
  return {
    startToCloseTimeout: '5 minutes',
    scheduleToCloseTimeout: Math.max(1000, Math.round(retry.budgetSeconds * 1000)),
    retry: { initialInterval: Math.min(1000, maxMs), backoffCoefficient: 2, maximumInterval: maxMs },
  };
}
