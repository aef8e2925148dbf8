import { ApplicationFailure } from '@temporalio/common';
import { GlpiError } from '../glpi/errors';
import { AttemptNotes } from './attempt-notes';

/** How often a running activity tells Temporal its worker is alive (its heartbeat timeout is 30 s). */
const KEEP_ALIVE_MS = 5_000;

/**
 * An error that knows whether another try can succeed. Each error class decides for itself; at the activity
 * boundary that decision becomes Temporal's (`nonRetryable`), so no list of error names is kept anywhere.
 */
export interface DecidedError extends Error {
  readonly retryable: boolean;
}

function decided(err: unknown): err is DecidedError {
  return err instanceof Error && typeof (err as Partial<DecidedError>).retryable === 'boolean';
}

/** What Temporal records of a failed attempt: the error's type, message and, for GLPI, code and status. */
export function toActivityFailure(err: unknown): unknown {
  if (err instanceof ApplicationFailure || !decided(err)) return err;
  const details =
    err instanceof GlpiError ? [{ code: err.code, status: err.status, request: err.request }] : undefined;
  return ApplicationFailure.create({
    type: err.name,
    message: err.message,
    nonRetryable: !err.retryable,
    details,
  });
}

type AsyncFunctions = Record<string, (...args: never[]) => Promise<unknown>>;

/**
 * Wraps every activity so that the errors it throws reach Temporal as typed, decided failures, and so that
 * a regular activity heartbeats while it runs.
 */
export function withActivityBoundary<T extends AsyncFunctions>(activities: T): T {
  return Object.fromEntries(
    Object.entries(activities).map(([name, fn]) => [
      name,
      async (...args: never[]) => {
        const stop = AttemptNotes.current().keepAlive(KEEP_ALIVE_MS);
        try {
          return await fn(...args);
        } catch (err) {
          throw toActivityFailure(err);
        } finally {
          stop();
        }
      },
    ]),
  ) as T;
}
