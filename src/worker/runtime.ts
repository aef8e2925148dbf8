import { Runtime } from '@temporalio/worker';
import { temporalLogger, type Logger } from '../observability/logger';

let installed = false;

/**
 * Installs the Temporal runtime once per process, before any connection: our JSON logger for the SDK
 * (workers, activities and workflow `log` calls) and, when a port is given, a Prometheus endpoint.
 */
export function installRuntime(logger: Logger, metricsPort = 0): void {
  if (installed) return;
  installed = true;
  Runtime.install({
    logger: temporalLogger(logger),
    telemetryOptions: metricsPort
      ? { metrics: { prometheus: { bindAddress: `0.0.0.0:${metricsPort}` } } }
      : undefined,
  });
}
