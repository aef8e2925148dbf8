import { GlpiClient, type GlpiClientOptions } from '../glpi/glpi-client';
import { DropdownResolver } from '../glpi/lookups';
import { GlpiSessions } from './glpi-sessions';
import { createInventoryActivities } from './inventory-activities';
import { createInventoryPlanner } from './inventory-plan';
import { createSessionActivities } from './session-activities';
import { createTicketActivities } from './ticket-activities';

export interface ActivityDeps {
  /** How to reach GLPI; credentials stay in the worker. */
  glpi: GlpiClientOptions;
  /** Sent with outbound webhooks (X-Glpi-Bridge-Token) so the receiving side can trust them. */
  outboundToken?: string;
}

/** Every activity of glpi-bridge, built from their dependencies (Temporal's factory pattern). */
export function createActivities(deps: ActivityDeps) {
  const sessions = new GlpiSessions(() => new GlpiClient(deps.glpi));
  const dropdowns = new DropdownResolver();
  return {
    activities: {
      ...createSessionActivities({ sessions }),
      ...createInventoryActivities({ sessions, dropdowns }),
      ...createInventoryPlanner({ sessions, dropdowns }),
      ...createTicketActivities({ sessions, dropdowns, outboundToken: deps.outboundToken }),
    },
    /** Ends the worker's GLPI sessions; call on shutdown. */
    close: () => sessions.killAll(),
  };
}

export type Activities = ReturnType<typeof createActivities>['activities'];
export type { ItemPlan } from './inventory-plan';
export type { MissingHost, ComputerResult, ContractResult, StepResult } from './inventory-activities';
