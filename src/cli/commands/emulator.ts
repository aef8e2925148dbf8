import type { Command } from 'commander';
import { GlpiEmulator } from '../../emulator/glpi-emulator';
import { isProfileName, PROFILE_NAMES } from '../../emulator/profiles';
import { UsageError } from '../usage-error';

export function emulatorCommand(program: Command): void {
  program
    .command('emulator')
    .description('Run the GLPI emulator on its own (apirest.php of GLPI 9.1, 9.5, 10.0 or 11.0)')
    .option('--port <port>', 'port to listen on', '8089')
    .option('--host <host>', 'address to listen on', '127.0.0.1')
    .option('--glpi-version <version>', `GLPI version to behave like (${PROFILE_NAMES.join(', ')})`, '10.0')
    .option('--app-token <token>', 'App-Token to require (default: random)')
    .option('--user-token <token>', "the glpi user's API token (default: random)")
    .option('--latency <ms>', 'delay added to every request', '0')
    .action(
      async (flags: {
        port: string;
        host: string;
        glpiVersion: string;
        appToken?: string;
        userToken?: string;
        latency: string;
      }) => {
        if (!isProfileName(flags.glpiVersion)) {
          throw new UsageError(
            `--glpi-version must be one of ${PROFILE_NAMES.join(', ')}, got '${flags.glpiVersion}'`,
          );
        }
        const port = Number(flags.port);
        if (!/^\d+$/.test(flags.port) || port > 65535)
          throw new UsageError(`--port must be a port number (0 for any free one), got '${flags.port}'`);
        const latency = Number(flags.latency);
        if (!/^\d+$/.test(flags.latency))
          throw new UsageError(`--latency must be a whole number of milliseconds, got '${flags.latency}'`);
        const emulator = new GlpiEmulator({
          profile: flags.glpiVersion,
          appToken: flags.appToken,
          userToken: flags.userToken,
          faults: { latencyMs: latency },
        });
        const url = await emulator.start(port, flags.host);
        process.stdout.write(
          [
            `GLPI ${emulator.profile.version} emulator at ${url}`,
            `GLPI_URL=${url}`,
            `GLPI_APP_TOKEN=${emulator.appToken}`,
            `GLPI_USER_TOKEN=${emulator.userToken}`,
            'Login glpi / glpi also works. Press Ctrl-C to stop.',
            '',
          ].join('\n'),
        );
        await new Promise<void>((resolve) => {
          process.once('SIGINT', resolve);
          process.once('SIGTERM', resolve);
        });
        await emulator.stop();
      },
    );
}
