import type { MetricMeter } from '@temporalio/common';
import type { WorkerSettings } from '../config/worker-settings';
import { GlpiClient, type GlpiClientOptions } from '../glpi/glpi-client';
import { DropdownResolver } from '../glpi/lookups';
import { withActivityBoundary } from './activity-boundary';
import { GlpiSessions } from './glpi-sessions';
import { createInventoryActivities, InventorySnapshots, SourceSnapshots } from './inventory';
import { createSessionActivities } from './session-activities';
import { createTicketActivities } from './tickets/ticket-activities';

export interface ActivityDeps {
  /** How to reach GLPI; credentials stay in the worker. */
  glpi: GlpiClientOptions;
  /** The worker's settings, which workflows read at their start (`loadSettings`). */
  settings: WorkerSettings;
  /** Sent with outbound webhooks (X-Glpi-Bridge-Token) so the receiving side can trust them. */
  outboundToken?: string;
  /** Where the worker keeps each sync run's inventory snapshot (DATA_DIR); memory only when absent. */
  snapshotDir?: string;
  /** The worker's metrics (Temporal's runtime meter, exported with its Prometheus endpoint). */
  metrics?: MetricMeter;
}

/** Every activity of glpi-bridge, built from their dependencies (Temporal's factory pattern). */
export function createActivities(deps: ActivityDeps) {
  const retries = deps.metrics?.createCounter(
    'glpi_bridge_glpi_request_retries',
    'retries',
    'Idempotent GLPI requests retried inside the client after a transient failure',
  );
  const glpi: GlpiClientOptions = {
    ...deps.glpi,
    onRetry: (event) => {
      retries?.add(1, { request: event.request.replace(/\/\d+/g, '/:id'), reason: event.reason });
      deps.glpi.onRetry?.(event);
    },
  };
  const sessions = new GlpiSessions(() => new GlpiClient(glpi));
  const dropdowns = new DropdownResolver();
  const activities = withActivityBoundary({
    /** The worker's settings; run as a local activity, so that its answer is recorded for replay. */
    loadSettings: async (): Promise<WorkerSettings> => deps.settings,
    ...createSessionActivities({ sessions }),
    ...createInventoryActivities({
      sessions,
      dropdowns,
      snapshots: new InventorySnapshots(deps.snapshotDir),
      sourceSnapshots: new SourceSnapshots(),
    }),
    ...createTicketActivities({ sessions, dropdowns, outboundToken: deps.outboundToken }),
  });
  return {
    activities,
    /** Ends the worker's GLPI sessions; call on shutdown. */
    close: () => sessions.killAll(),
  };
}

export type Activities = ReturnType<typeof createActivities>['activities'];
