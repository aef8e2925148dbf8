import type { Command } from 'commander';
import { ConfigError, loadConfig } from '../../config/config';
import { createReceiver } from '../../receiver/receiver';
import { createLogger } from '../../observability/logger';
import { connectClient } from '../../temporal/connection';

export function serveCommand(program: Command): void {
  program
    .command('serve')
    .description(
      'Run the alert receiver: POST /alerts, /alerts/alertmanager, /alerts/grafana, /alerts/zabbix; GET /healthz',
    )
    .action(async () => {
      const config = loadConfig();
      if (!config.receiver.token && !config.receiver.hmacSecret) {
        throw new ConfigError([
          'RECEIVER_TOKEN: is required (or RECEIVER_HMAC_SECRET): the receiver never accepts unauthenticated alerts',
        ]);
      }
      const logger = createLogger(config.logLevel);
      const client = await connectClient(config.temporal);
      const server = createReceiver({
        client,
        taskQueue: config.temporal.taskQueue,
        token: config.receiver.token,
        hmacSecret: config.receiver.hmacSecret,
        coalesceSeconds: config.receiver.coalesceSeconds,
        logger,
      });
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(config.receiver.port, config.receiver.host, resolve);
      });
      logger.info({ host: config.receiver.host, port: config.receiver.port }, 'alert receiver listening');
      await new Promise<void>((resolve) => {
        process.once('SIGINT', resolve);
        process.once('SIGTERM', resolve);
      });
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await client.connection.close();
    });
}
