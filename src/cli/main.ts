import { Command, CommanderError } from 'commander';
import { NamespaceNotFoundError } from '@temporalio/common';
import { ConfigError, loadConfig } from '../config/config';
import { GlpiError } from '../glpi/errors';
import { InventoryFileError } from '../inventory/read-inventory';
import { alertCommand } from './commands/alert';
import { checkCommand } from './commands/check';
import { demoCommand } from './commands/demo';
import { devCommand } from './commands/dev';
import { emulatorCommand } from './commands/emulator';
import { scheduleCommand } from './commands/schedule';
import { serveCommand } from './commands/serve';
import { setupCommand } from './commands/setup';
import { syncCommand } from './commands/sync';
import { workerCommand } from './commands/worker';
import { CliError, EXIT } from './cli-error';
import { TEMPORAL_FIX } from './temporal-client';
import { UsageError } from './usage-error';

const program = new Command()
  .name('glpi-bridge')
  .description('Durable bridge from a monitoring platform to GLPI 9.1–11, on Temporal')
  .addHelpText(
    'after',
    '\nExit status: 0 done; 1 something failed (a host, a rejected row, GLPI, Temporal, a port in use); 2 the command line or the configuration must change.',
  )
  .enablePositionalOptions()
  .showHelpAfterError()
  .exitOverride();

for (const add of [
  demoCommand,
  devCommand,
  workerCommand,
  syncCommand,
  scheduleCommand,
  serveCommand,
  alertCommand,
  checkCommand,
  setupCommand,
  emulatorCommand,
]) {
  add(program);
}

/** The Temporal address the command used, for messages; the default when the configuration is bad. */
function temporalAddress(): string {
  try {
    return loadConfig().temporal.address;
  } catch {
    return process.env.TEMPORAL_ADDRESS?.trim() || 'localhost:7233';
  }
}

const TEMPORAL_DOWN =
  /ECONNREFUSED|UNAVAILABLE|Failed to connect|DEADLINE_EXCEEDED|TransportError|tcp connect error/i;

/**
 * Every failure becomes one line, `error: <what>; <what to do>`, and an exit status: 1 when something
 * failed, 2 when the command line or the configuration must change. Never a stack trace: an unexpected
 * error (a bug) shows its stack only with LOG_LEVEL=debug.
 */
function report(err: unknown): number {
  const fail = (line: string, status: number) => {
    process.stderr.write(`error: ${line}\n`);
    return status;
  };
  if (err instanceof CommanderError) {
    // Commander printed its message (and the help) already.
    return err.exitCode === 0 ? EXIT.ok : EXIT.usage;
  }
  if (err instanceof CliError) return fail(err.message, err.exitCode);
  if (err instanceof UsageError) return fail(err.message, EXIT.usage);
  if (err instanceof ConfigError) {
    process.stderr.write(`${err.message}\n`);
    return EXIT.usage;
  }
  if (err instanceof GlpiError || err instanceof InventoryFileError) return fail(err.message, EXIT.failure);
  if (err instanceof NamespaceNotFoundError)
    return fail(
      `namespace '${err.namespace}' does not exist on Temporal at ${temporalAddress()}; create it (\`temporal operator namespace create ${err.namespace}\`) or set TEMPORAL_NAMESPACE`,
      EXIT.usage,
    );
  const error = err as (Error & { code?: unknown; address?: unknown; port?: unknown }) | undefined;
  const message = error instanceof Error ? error.message : String(err);
  if (error?.code === 'EADDRINUSE')
    return fail(
      `${String(error.address ?? '')}:${String(error.port ?? '')} is already in use; stop what listens there, or choose another port (RECEIVER_PORT for serve, --port for the others)`,
      EXIT.failure,
    );
  if (/PERMISSION_DENIED|UNAUTHENTICATED|Request unauthorized/i.test(message))
    return fail(
      `Temporal at ${temporalAddress()} refused the request (${message}); check TEMPORAL_API_KEY or the TLS client certificate (TEMPORAL_TLS_CERT, TEMPORAL_TLS_KEY) and this identity's permissions`,
      EXIT.usage,
    );
  if (TEMPORAL_DOWN.test(message))
    return fail(
      `cannot reach Temporal at ${temporalAddress()} (${message.split('\n')[0]}); ${TEMPORAL_FIX}`,
      EXIT.failure,
    );
  const debug = /^(debug|trace)$/i.test(process.env.LOG_LEVEL ?? '');
  if (debug && error instanceof Error) process.stderr.write(`${error.stack}\n`);
  return fail(
    `${message.split('\n')[0]} (unexpected; ${debug ? 'the stack trace is above' : 'run again with LOG_LEVEL=debug for the stack trace'}, and report it)`,
    EXIT.failure,
  );
}

program.parseAsync(process.argv).catch((err: unknown) => {
  process.exitCode = report(err);
});
