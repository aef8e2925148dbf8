import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

/**
 * Temporal's SQL visibility (the dev server's SQLite, PostgreSQL in production) allows at most 3 custom
 * attributes of type Int (and 3 Text, 10 Keyword) per namespace: this set stays within those limits (the
 * dev server refuses to start otherwise). Put counts that need no filtering in the workflow's state.
 *
 * Custom search attributes, so that operators find a run in the Temporal UI by what they know: a host,
 * a source id, a GLPI computer or ticket id, an alert key.
 */
export const SEARCH_ATTRIBUTES = {
  sourceId: defineSearchAttributeKey('GlpiBridgeSourceId', SearchAttributeType.KEYWORD),
  hostName: defineSearchAttributeKey('GlpiBridgeHost', SearchAttributeType.KEYWORD),
  computerId: defineSearchAttributeKey('GlpiBridgeComputerId', SearchAttributeType.INT),
  inventorySource: defineSearchAttributeKey('GlpiBridgeInventorySource', SearchAttributeType.KEYWORD),
  alertKey: defineSearchAttributeKey('GlpiBridgeAlertKey', SearchAttributeType.KEYWORD),
  ticketId: defineSearchAttributeKey('GlpiBridgeTicketId', SearchAttributeType.INT),
  phase: defineSearchAttributeKey('GlpiBridgePhase', SearchAttributeType.KEYWORD),
  /** A sync's outcome: `running`, `succeeded`, `partial` (some hosts failed) or `failed`. */
  outcome: defineSearchAttributeKey('GlpiBridgeOutcome', SearchAttributeType.KEYWORD),
  /** Hosts a sync could not sync. */
  failedItems: defineSearchAttributeKey('GlpiBridgeFailedItems', SearchAttributeType.INT),
  /** Why a workflow is waiting on GLPI (a ticket that cannot be opened yet): the last GLPI error. */
  lastError: defineSearchAttributeKey('GlpiBridgeLastError', SearchAttributeType.TEXT),
} as const;

const CLI_TYPE_NAMES: Record<string, string> = {
  [SearchAttributeType.KEYWORD]: 'Keyword',
  [SearchAttributeType.INT]: 'Int',
  [SearchAttributeType.TEXT]: 'Text',
};

/** `--search-attribute NAME=Type` flags for `temporal server start-dev`. */
export function devServerSearchAttributeFlags(): string[] {
  return Object.values(SEARCH_ATTRIBUTES).flatMap((key) => [
    '--search-attribute',
    `${key.name}=${CLI_TYPE_NAMES[key.type]}`,
  ]);
}
