import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { ConfigError, loadConfig } from '../../config/config';
import { glpiClientOptions } from '../../config/glpi-options';
import { createLogger } from '../../observability/logger';
import { connectClient, connectWorker } from '../../temporal/connection';
import { registerSearchAttributes } from '../../temporal/register-search-attributes';
import { createWorker } from '../../worker/create-worker';
import { installRuntime } from '../../worker/runtime';

export function workerCommand(program: Command): void {
  program
    .command('worker')
    .description('Run a worker against the configured Temporal and GLPI (TEMPORAL_*, GLPI_* variables)')
    .option('--no-register', 'do not register missing search attributes in the namespace at start')
    .action(async (options: { register: boolean }) => {
      const config = loadConfig();
      if (!config.glpi) {
        throw new ConfigError([
          'GLPI_URL: is required for a worker (the GLPI API root, e.g. https://glpi.example.com/apirest.php); for a local try-out without GLPI run `glpi-bridge dev`',
        ]);
      }
      const logger = createLogger(config.logLevel);
      installRuntime(logger, config.metricsPort);
      if (options.register) {
        const client = await connectClient(config.temporal);
        try {
          const added = await registerSearchAttributes(client.connection, config.temporal.namespace);
          if (added.length) logger.info({ added }, 'registered search attributes');
        } catch (err) {
          logger.warn(
            { err: (err as Error).message },
            'could not register search attributes; run `glpi-bridge setup` with an admin identity',
          );
        } finally {
          await client.connection.close();
        }
      }
      const connection = await connectWorker(config.temporal);
      const { worker, close } = await createWorker({
        connection,
        namespace: config.temporal.namespace,
        taskQueue: config.temporal.taskQueue,
        glpi: glpiClientOptions(config.glpi),
        settings: config.settings,
        outboundToken: config.outboundToken,
        snapshotDir: join(resolve(config.dataDir), 'inventory-snapshots'),
      });
      logger.info(
        {
          taskQueue: config.temporal.taskQueue,
          namespace: config.temporal.namespace,
          metricsPort: config.metricsPort || undefined,
        },
        'worker started',
      );
      try {
        await worker.run();
      } finally {
        await close();
        await connection.close();
        logger.info('worker stopped');
      }
    });
}
