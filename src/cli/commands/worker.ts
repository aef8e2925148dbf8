import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { ConfigError, loadConfig } from '../../config/config';
import { glpiClientOptions } from '../../config/glpi-options';
import { createLogger } from '../../observability/logger';
import { registerSearchAttributes } from '../../temporal/register-search-attributes';
import { createWorker } from '../../worker/create-worker';
import { installRuntime } from '../../worker/runtime';
import { connectTemporalAtStart, watchGlpi } from '../../worker/startup-checks';

export function workerCommand(program: Command): void {
  program
    .command('worker')
    .description(
      'Run a worker against the configured Temporal and GLPI (TEMPORAL_*, GLPI_* variables); checks both at start, logs one line each, and keeps trying while either is down',
    )
    .option('--no-register', 'do not register missing search attributes in the namespace at start')
    .action(async (options: { register: boolean }) => {
      const config = loadConfig();
      if (!config.glpi) {
        throw new ConfigError([
          'GLPI_URL: is required for a worker (the GLPI API root, e.g. https://glpi.example.com/apirest.php); for a local try-out without GLPI run `glpi-bridge dev`',
        ]);
      }
      const glpi = glpiClientOptions(config.glpi);
      const logger = createLogger(config.logLevel);
      installRuntime(logger, config.metricsPort);

      // A signal before the worker runs (Temporal still down) stops the start-up; later the worker's own.
      const abort = new AbortController();
      const onSignal = () => abort.abort();
      process.once('SIGINT', onSignal);
      process.once('SIGTERM', onSignal);

      // GLPI may be down or misconfigured: say so at once, keep checking, and run anyway (syncs retry).
      const glpiWatch = watchGlpi(glpi, config.settings.inventoryRetry, logger);
      const connection = await connectTemporalAtStart(config.temporal, logger, abort.signal);
      if (!connection) {
        glpiWatch.stop();
        logger.info('worker stopped');
        return;
      }
      try {
        if (options.register) {
          try {
            const added = await registerSearchAttributes(connection, config.temporal.namespace);
            if (added.length) logger.info({ added }, 'registered search attributes');
          } catch (err) {
            logger.warn(
              { err },
              'could not register search attributes; run `glpi-bridge setup` with an admin identity',
            );
          }
        }
        const { worker, close } = await createWorker({
          connection,
          namespace: config.temporal.namespace,
          taskQueue: config.temporal.taskQueue,
          glpi,
          settings: config.settings,
          outboundToken: config.outboundToken,
          snapshotDir: join(resolve(config.dataDir), 'inventory-snapshots'),
        });
        process.off('SIGINT', onSignal);
        process.off('SIGTERM', onSignal);
        logger.info(
          {
            taskQueue: config.temporal.taskQueue,
            namespace: config.temporal.namespace,
            metricsPort: config.metricsPort || undefined,
          },
          'worker started',
        );
        try {
          // A signal received while the worker was being created is delivered to it now (the runtime's).
          await worker.run();
        } finally {
          await close();
        }
      } finally {
        glpiWatch.stop();
        await connection.close();
        logger.info('worker stopped');
      }
    });
}
