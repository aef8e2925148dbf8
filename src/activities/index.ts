import { GlpiClient, type GlpiClientOptions } from '../glpi/glpi-client';
import { DropdownResolver } from '../glpi/lookups';
import { GlpiSessions } from './glpi-sessions';
import { createInventoryActivities } from './inventory-activities';
import { createSessionActivities } from './session-activities';

export interface ActivityDeps {
  /** How to reach GLPI; credentials stay in the worker. */
  glpi: GlpiClientOptions;
}

/** Every activity of glpi-bridge, built from their dependencies (Temporal's factory pattern). */
export function createActivities(deps: ActivityDeps) {
  const sessions = new GlpiSessions(() => new GlpiClient(deps.glpi));
  const dropdowns = new DropdownResolver();
  return {
    activities: {
      ...createSessionActivities({ sessions }),
      ...createInventoryActivities({ sessions, dropdowns }),
    },
    /** Ends the worker's GLPI sessions; call on shutdown. */
    close: () => sessions.killAll(),
  };
}

export type Activities = ReturnType<typeof createActivities>['activities'];
export type { MissingHost, ComputerResult, ContractResult, StepResult } from './inventory-activities';
