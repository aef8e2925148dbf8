import type { Command } from 'commander';
import { registerSearchAttributes } from '../../temporal/register-search-attributes';
import { withTemporal } from '../temporal-client';

export function setupCommand(program: Command): void {
  program
    .command('setup')
    .description("Register glpi-bridge's search attributes in the configured Temporal namespace")
    .action(() =>
      withTemporal(async (client, config) => {
        const added = await registerSearchAttributes(client.connection, config.temporal.namespace);
        process.stdout.write(
          added.length
            ? `Registered in namespace ${config.temporal.namespace}: ${added.join(', ')}\n`
            : `All search attributes are already registered in namespace ${config.temporal.namespace}.\n`,
        );
      }),
    );
}
