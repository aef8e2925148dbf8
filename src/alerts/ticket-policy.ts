import type { Severity } from './alert-event';

/**
 * How alerts become tickets. Fixed when a problem's workflow starts (it is part of its input), so a
 * running workflow never changes behaviour under its feet. Timers are in seconds so tests can shorten them.
 */
export interface TicketPolicy {
  /** Open a ticket only once the alert has fired this long; a problem that recovers sooner opens nothing. @default 0 */
  flapSeconds: number;
  /** A re-fire within this time after recovery reopens the same ticket; after it, the next alert opens a new one. @default 3600 */
  reopenWindowSeconds: number;
  /** Solve the ticket on recovery (true) or only add a follow-up and leave it to people (false). @default true */
  solveOnRecovery: boolean;
  /** How often an open ticket's status is read back from GLPI. @default 300 */
  syncIntervalSeconds: number;
  /** Urgency and impact (1 very low … 5 very high) per severity. */
  severity: Record<Severity, { urgency: number; impact: number }>;
  /** ITIL category as its full path (`Infra > Servers`); must exist in GLPI. */
  category?: string;
  /** Request source; created in GLPI when missing. @default 'Monitoring' */
  requestSource: string;
  /** Entity of a ticket whose host matches no GLPI computer. @default 0 (root entity) */
  defaultEntityId: number;
  /** Ticket title and content; `{{host}} {{service}} {{severity}} {{summary}} {{details}} {{source}} {{key}} {{links}}`. */
  titleTemplate: string;
  contentTemplate: string;
  /** Told when people solve or close a ticket while its alert still fires (`{ alertKey, ticketId, status }`). */
  outboundWebhookUrl?: string;
  /** Continue as new after this many history events, keeping a long-flapping alert's history small. @default 2000 */
  maxHistoryEvents: number;
}

export const DEFAULT_TICKET_POLICY: TicketPolicy = {
  flapSeconds: 0,
  reopenWindowSeconds: 3600,
  solveOnRecovery: true,
  syncIntervalSeconds: 300,
  severity: {
    critical: { urgency: 5, impact: 5 },
    major: { urgency: 4, impact: 4 },
    minor: { urgency: 3, impact: 3 },
    warning: { urgency: 3, impact: 2 },
    info: { urgency: 2, impact: 2 },
  },
  requestSource: 'Monitoring',
  defaultEntityId: 0,
  titleTemplate: '[{{severity}}] {{host}}: {{summary}}',
  contentTemplate:
    '{{summary}}\n\nHost: {{host}}\nService: {{service}}\nSeverity: {{severity}}\n\n{{details}}\n\n{{links}}',
  maxHistoryEvents: 2000,
};

/** `{{name}}` → value; unknown names become empty. */
export function renderTemplate(template: string, values: Record<string, string | undefined>): string {
  return template
    .replace(/\{\{\s*(\w+)\s*\}\}/g, (_m, name: string) => values[name] ?? '')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}
