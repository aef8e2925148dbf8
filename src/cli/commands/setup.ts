import type { Command } from 'commander';
import { loadConfig } from '../../config/config';
import { connectClient } from '../../temporal/connection';
import { registerSearchAttributes } from '../../temporal/register-search-attributes';

export function setupCommand(program: Command): void {
  program
    .command('setup')
    .description("Register glpi-bridge's search attributes in the configured Temporal namespace")
    .action(async () => {
      const config = loadConfig();
      const client = await connectClient(config.temporal);
      try {
        const added = await registerSearchAttributes(client.connection, config.temporal.namespace);
        process.stdout.write(
          added.length
            ? `Registered: ${added.join(', ')}\n`
            : 'All search attributes are already registered.\n',
        );
      } finally {
        await client.connection.close();
      }
    });
}
