import { Command, CommanderError } from 'commander';
import { ConfigError } from '../config/config';
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
import { UsageError } from './usage-error';

const program = new Command()
  .name('glpi-bridge')
  .description('Durable bridge from a monitoring platform to GLPI 9.1–11, on Temporal')
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

/** Known failures get one clear line and a status; only bugs show a stack. */
function report(err: unknown): number {
  if (err instanceof CommanderError) return err.exitCode;
  if (err instanceof UsageError) {
    process.stderr.write(`error: ${err.message}\n`);
    return 2;
  }
  if (err instanceof ConfigError) {
    process.stderr.write(`${err.message}\n`);
    return 2;
  }
  if (err instanceof GlpiError || err instanceof InventoryFileError) {
    process.stderr.write(`error: ${err.message}\n`);
    return 1;
  }
  const message = err instanceof Error ? err.message : String(err);
  if (/ECONNREFUSED|UNAVAILABLE|Failed to connect|DEADLINE_EXCEEDED|TransportError/i.test(message)) {
    process.stderr.write(
      `error: cannot reach Temporal (${message}); check TEMPORAL_ADDRESS or start it with \`glpi-bridge dev\`\n`,
    );
    return 1;
  }
  process.stderr.write(`${err instanceof Error ? err.stack : message}\n`);
  return 1;
}

program.parseAsync(process.argv).catch((err: unknown) => {
  process.exitCode = report(err);
});
