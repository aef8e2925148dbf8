import type { RetryPolicy } from '@temporalio/common';

/** GLPI errors that no retry can fix (names of the classes in src/glpi/errors.ts). */
export const NON_RETRYABLE_GLPI_ERRORS = [
  'GlpiAuthError',
  'GlpiRightError',
  'GlpiNotFoundError',
  'GlpiRequestError',
  'GlpiResponseError',
  'InventoryFileError',
];

/** Retry settings a workflow input may shorten (tests) or lengthen (a GLPI known to be slow). */
export interface RetryOptions {
  /** First back-off. @default 1000 */
  initialIntervalMs?: number;
  /** Longest back-off. @default 60000 */
  maximumIntervalMs?: number;
  /** Attempts per activity, first included; 0 = until the workflow is cancelled. @default 10 */
  maximumAttempts?: number;
}

export function retryPolicy(options: RetryOptions = {}): RetryPolicy {
  return {
    initialInterval: options.initialIntervalMs ?? 1_000,
    backoffCoefficient: 2,
    maximumInterval: options.maximumIntervalMs ?? 60_000,
    // The SDK spells "no limit" as an absent maximum.
    maximumAttempts: options.maximumAttempts === 0 ? undefined : (options.maximumAttempts ?? 10),
    nonRetryableErrorTypes: NON_RETRYABLE_GLPI_ERRORS,
  };
}
