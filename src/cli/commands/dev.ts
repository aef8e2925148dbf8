import type { Command } from 'commander';
import { loadConfig } from '../../config/config';
import { isProfileName, PROFILE_NAMES, type ProfileName } from '../../emulator/profiles';
import { createLogger } from '../../observability/logger';
import { startLocalStack } from '../local-stack';
import { UsageError } from '../usage-error';

export interface StackFlags {
  port: string;
  uiPort?: string;
  glpiVersion: string;
  persist: boolean;
}

export function parseStackFlags(flags: StackFlags) {
  const port = Number(flags.port);
  if (!Number.isInteger(port) || port <= 0 || port > 65535)
    throw new UsageError(`--port must be a port number, got '${flags.port}'`);
  const uiPort = flags.uiPort === undefined ? undefined : Number(flags.uiPort);
  if (uiPort !== undefined && (!Number.isInteger(uiPort) || uiPort <= 0 || uiPort > 65535))
    throw new UsageError(`--ui-port must be a port number, got '${flags.uiPort}'`);
  if (!isProfileName(flags.glpiVersion)) {
    throw new UsageError(
      `--glpi-version must be one of ${PROFILE_NAMES.join(', ')}, got '${flags.glpiVersion}'`,
    );
  }
  return {
    port,
    uiPort,
    glpiVersion: flags.glpiVersion as ProfileName,
    persist: flags.persist,
  };
}

export function stackOptions(command: Command, options: { persistOption?: boolean } = {}): Command {
  command
    .option('--port <port>', 'Temporal gRPC port (a free one is taken if busy)', '7233')
    .option('--ui-port <port>', 'Temporal Web UI port (default: gRPC port + 1000)')
    .option(
      '--glpi-version <version>',
      `emulated GLPI when GLPI_URL is not set (${PROFILE_NAMES.join(', ')})`,
      '10.0',
    );
  if (options.persistOption ?? true)
    command.option(
      '--no-persist',
      'keep Temporal state in memory instead of DATA_DIR/temporal.db (always in memory with the emulator)',
    );
  return command;
}

export function devCommand(program: Command): void {
  stackOptions(
    program
      .command('dev')
      .description(
        'All-in-one local run: Temporal dev server with Web UI, GLPI emulator (unless GLPI_URL is set), and a worker',
      ),
  ).action(async (flags: StackFlags) => {
    const config = loadConfig();
    const logger = createLogger(config.logLevel);
    const stack = await startLocalStack(config, logger, parseStackFlags(flags));
    const out = process.stdout;
    out.write(`Temporal:     ${stack.server.address} (namespace default, task queue ${stack.taskQueue})\n`);
    out.write(`Temporal UI:  ${stack.server.uiUrl}\n`);
    if (stack.emulator) {
      out.write(`GLPI:         emulator ${stack.emulator.profile.version} at ${stack.emulator.url}\n`);
      out.write(
        `              App-Token ${stack.emulator.appToken}  user token ${stack.emulator.userToken}\n`,
      );
    } else out.write(`GLPI:         ${stack.glpi.url}\n`);
    out.write(
      `State:        ${stack.stateFile ?? (stack.emulator ? "in memory, as the emulator's (both start empty each run)" : 'in memory (--no-persist)')}\n`,
    );
    out.write('Press Ctrl-C to stop.\n');
    await stack.running;
    out.write('Stopped.\n');
  });
}
