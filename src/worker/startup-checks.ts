import type { NativeConnection } from '@temporalio/worker';
import type { TemporalSettings } from '../config/config';
import type { InventoryRetrySettings } from '../config/worker-settings';
import { GlpiError } from '../glpi/errors';
import { GlpiClient, type GlpiClientOptions } from '../glpi/glpi-client';
import { describeFailure } from '../observability/describe-failure';
import type { Logger } from '../observability/logger';
import { connectWorker } from '../temporal/connection';

/** What a start-up check found: one line for the log, and whether all is well. */
export interface StartupCheck {
  ok: boolean;
  /** The whole line: "GLPI ok: …", or "GLPI check failed: <cause>; fix: <fix>". */
  message: string;
  cause?: string;
  fix?: string;
}

function howLoggedIn(glpi: GlpiClientOptions): string {
  return glpi.userToken ? 'by user token' : `by password as ${glpi.username ?? ''}`;
}

/** The fix of a GLPI that does not let the worker in, by what went wrong. */
function glpiFix(err: unknown, retry: InventoryRetrySettings): string {
  const keepsGoing = `the worker keeps running, and syncs retry GLPI for SYNC_RETRY_BUDGET_SECONDS (${retry.budgetSeconds} s) before they fail`;
  if (err instanceof GlpiError) {
    if (err.code === 'NETWORK' || err.code === 'TIMEOUT')
      return `check GLPI_URL and that this host reaches it (\`glpi-bridge check\` tells more); ${keepsGoing}`;
    if (err.code.startsWith('HTTP_') || err.code === 'UNEXPECTED_RESPONSE')
      return `GLPI_URL must be GLPI's API root, ending with /apirest.php (\`glpi-bridge check\` suggests the right one); ${keepsGoing}`;
    if (err.name === 'GlpiAuthError')
      return `fix GLPI_APP_TOKEN and GLPI_USER_TOKEN (or GLPI_USERNAME/GLPI_PASSWORD): \`glpi-bridge check\` names the one to fix; syncs fail until then`;
  }
  return `run \`glpi-bridge check\` with the worker's settings; ${keepsGoing}`;
}

/** Can the worker log in to GLPI, and which GLPI is it? One try, no retries: this is a diagnosis. */
export async function checkGlpiAtStart(
  glpi: GlpiClientOptions,
  retry: InventoryRetrySettings,
): Promise<StartupCheck> {
  const client = new GlpiClient({ ...glpi, retry: { attempts: 1 } });
  try {
    await client.initSession();
    const version = await client.version();
    return {
      ok: true,
      message: `GLPI ok: ${glpi.url} is GLPI ${version.raw}, logged in ${howLoggedIn(glpi)}`,
    };
  } catch (err) {
    const cause = describeFailure(err);
    const fix = glpiFix(err, retry);
    return { ok: false, cause, fix, message: `GLPI check failed: ${cause}; fix: ${fix}` };
  } finally {
    await client.killSession().catch(() => undefined);
  }
}

/**
 * Checks GLPI at start and logs one line; while GLPI fails, checks again in the background (30 s, then up to
 * every 5 min) and logs when it answers, or when the cause changes. `stop` ends the re-checks.
 */
export function watchGlpi(
  glpi: GlpiClientOptions,
  retry: InventoryRetrySettings,
  logger: Logger,
): { first: Promise<StartupCheck>; stop: () => void } {
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  let lastCause: string | undefined;
  const run = async (delayMs: number): Promise<StartupCheck> => {
    const check = await checkGlpiAtStart(glpi, retry);
    if (stopped) return check;
    if (check.ok) {
      logger.info({ check: 'glpi', ok: true, url: glpi.url }, check.message);
      return check;
    }
    if (check.cause !== lastCause)
      logger.error(
        { check: 'glpi', ok: false, url: glpi.url, cause: check.cause, fix: check.fix },
        check.message,
      );
    lastCause = check.cause;
    timer = setTimeout(() => void run(Math.min(delayMs * 2, 300_000)), delayMs);
    timer.unref();
    return check;
  };
  return {
    first: run(30_000),
    stop: () => {
      stopped = true;
      if (timer) clearTimeout(timer);
    },
  };
}

export const TEMPORAL_FIX =
  'check TEMPORAL_ADDRESS (and TEMPORAL_TLS_* / TEMPORAL_API_KEY for a secured server) and that this host reaches it';

/**
 * The worker's connection to Temporal, checked at start: one line when it answers ("Temporal ok: …"), or
 * the cause and the fix; then it tries again (1 s, doubling up to 30 s) until Temporal answers, logging
 * again only when the cause changes, or until `signal` aborts (Ctrl-C, SIGTERM): then undefined.
 */
export async function connectTemporalAtStart(
  settings: TemporalSettings,
  logger: Logger,
  signal: AbortSignal,
): Promise<NativeConnection | undefined> {
  let delay = 1000;
  let lastCause: string | undefined;
  for (;;) {
    let connection: NativeConnection | undefined;
    let cause: string;
    try {
      connection = await connectWorker(settings);
      await connection.workflowService.describeNamespace({ namespace: settings.namespace });
      logger.info(
        { check: 'temporal', ok: true, address: settings.address, namespace: settings.namespace },
        `Temporal ok: ${settings.address}, namespace ${settings.namespace}, task queue ${settings.taskQueue}`,
      );
      return connection;
    } catch (err) {
      await connection?.close().catch(() => undefined);
      const message = (err as Error).message ?? String(err);
      cause = /NOT_FOUND|not found/i.test(message)
        ? `namespace '${settings.namespace}' does not exist there`
        : /ConnectionRefused|Connection refused/i.test(message)
          ? 'connection refused'
          : message.split('\n')[0]!;
    }
    if (cause !== lastCause) {
      const noNamespace = cause.startsWith('namespace');
      const fix = noNamespace
        ? `create it (\`temporal operator namespace create ${settings.namespace}\`) or set TEMPORAL_NAMESPACE`
        : TEMPORAL_FIX;
      const problem = noNamespace
        ? `Temporal at ${settings.address} answers, but ${cause}`
        : `cannot reach Temporal at ${settings.address} (${cause})`;
      logger.error(
        { check: 'temporal', ok: false, address: settings.address, cause, fix },
        `Temporal check failed: ${problem}; fix: ${fix}; the worker tries again until it answers`,
      );
      lastCause = cause;
    }
    const wait = new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, delay);
      signal.addEventListener('abort', () => {
        clearTimeout(timer);
        resolve();
      });
    });
    await wait;
    if (signal.aborted) return undefined;
    delay = Math.min(delay * 2, 30_000);
  }
}
