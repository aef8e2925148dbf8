import type { Severity } from './alert-event';

/**
 * A ticket actor (requester or assignee): nobody, a GLPI user by login name, or a GLPI group by its complete
 * name (`Support > Level 1`). Written `none`, `user:<login>` or `group:<complete name>` in the configuration.
 */
export type TicketActor = { kind: 'none' } | { kind: 'user'; name: string } | { kind: 'group'; name: string };

/**
 * How alerts become tickets: part of the worker's settings (`WorkerSettings.tickets`, from the TICKET_* and
 * OUTBOUND_WEBHOOK_URL variables of the worker). A ticket workflow reads it once, when its run starts, so a
 * running workflow never changes behaviour under its feet. Timers are in seconds so tests can shorten them.
 */
export interface TicketPolicy {
  /** Open a ticket only once the alert has fired this long; a problem that recovers sooner opens nothing. @default 0 */
  flapSeconds: number;
  /** A re-fire within this time after recovery reopens the same ticket; after it, the next alert opens a new one. @default 3600 */
  reopenWindowSeconds: number;
  /** Solve the ticket on recovery (true) or only add a follow-up and leave it to people (false). @default true */
  solveOnRecovery: boolean;
  /** How often an open ticket's status is read back from GLPI, whatever the notification rate. @default 300 */
  syncIntervalSeconds: number;
  /** Longest wait between two tries of a GLPI step that fails (GLPI down, refusing). @default 15 */
  retryMaxIntervalSeconds: number;
  /** Urgency and impact (1 very low … 5 very high) per severity. */
  severity: Record<Severity, { urgency: number; impact: number }>;
  /** ITIL category as its full path (`Infra > Servers`); must exist in GLPI (`check` says so). */
  category?: string;
  /** Request source of tickets and follow-ups; created in GLPI when missing. @default 'Monitoring' */
  requestSource: string;
  /**
   * Entity of a ticket whose host matches no computer (or several, in different entities). Unset: the
   * bridge's sub-entity (GLPI_ENTITY under the root, created when missing); `root`: the root entity; any
   * other value: an existing entity's path from the root, `Supervision > Unknown hosts`.
   */
  defaultEntity?: string;
  /** Requester of every ticket. @default none */
  requester: TicketActor;
  /** Who a ticket is assigned to. @default none (no technician, on every GLPI version) */
  assignee: TicketActor;
  /** Alert label holding the host's inventory id, when the alert carries no `host.id`. @default 'glpi_host_id' */
  hostIdLabel: string;
  /**
   * Ticket title and content; `{{host}} {{service}} {{severity}} {{summary}} {{details}} {{note}} {{source}}
   * {{key}} {{links}} {{time}}`. A line whose placeholders are all empty is left out.
   */
  titleTemplate: string;
  contentTemplate: string;
  /** Told when people solve or close a ticket while its alert still fires (`{ alertKey, ticketId, status }`). */
  outboundWebhookUrl?: string;
  /** Continue as new after this many history events, keeping a long-flapping alert's history small. @default 2000 */
  maxHistoryEvents: number;
}

export const NO_ACTOR: TicketActor = { kind: 'none' };

export const DEFAULT_TICKET_POLICY: TicketPolicy = {
  flapSeconds: 0,
  reopenWindowSeconds: 3600,
  solveOnRecovery: true,
  syncIntervalSeconds: 300,
  retryMaxIntervalSeconds: 15,
  severity: {
    critical: { urgency: 5, impact: 5 },
    major: { urgency: 4, impact: 4 },
    minor: { urgency: 3, impact: 3 },
    warning: { urgency: 3, impact: 2 },
    info: { urgency: 2, impact: 2 },
  },
  requestSource: 'Monitoring',
  requester: NO_ACTOR,
  assignee: NO_ACTOR,
  hostIdLabel: 'glpi_host_id',
  titleTemplate: '[{{severity}}] {{host}}: {{summary}}',
  contentTemplate:
    '{{summary}}\n\nHost: {{host}}\nService: {{service}}\nSeverity: {{severity}}\n\n{{details}}\n\n{{note}}\n\n{{links}}',
  maxHistoryEvents: 2000,
};

/** `none`, `user:<login>`, `group:<complete name>` → the actor, or the reason it is not one. */
export function parseTicketActor(text: string): TicketActor | { problem: string } {
  const value = text.trim();
  if (value === '' || value.toLowerCase() === 'none') return NO_ACTOR;
  const match = /^(user|group):(.*)$/i.exec(value);
  const name = match?.[2]?.trim() ?? '';
  if (!match || name === '')
    return {
      problem:
        "must be 'none', 'user:<login name>' or 'group:<group complete name>', e.g. group:Support > Level 1",
    };
  const kind = match[1]!.toLowerCase() as 'user' | 'group';
  return { kind, name: kind === 'group' ? normaliseGlpiPath(name) : name };
}

export function formatTicketActor(actor: TicketActor): string {
  return actor.kind === 'none' ? 'none' : `${actor.kind}:${actor.name}`;
}

/** A GLPI tree path as GLPI writes complete names: levels separated by ` > `. */
export function normaliseGlpiPath(path: string): string {
  return path
    .split('>')
    .map((level) => level.trim())
    .join(' > ');
}

/**
 * `{{name}}` → value; unknown names become empty. A line whose placeholders all came out empty is left out
 * (no `Service:` line for an alert without a service), and runs of blank lines collapse.
 */
export function renderTemplate(template: string, values: Record<string, string | undefined>): string {
  const placeholder = /\{\{\s*(\w+)\s*\}\}/g;
  return template
    .split('\n')
    .flatMap((line) => {
      const names = [...line.matchAll(placeholder)].map((m) => m[1]!);
      if (names.length > 0 && names.every((n) => (values[n] ?? '').trim() === '')) return [];
      return [line.replace(placeholder, (_m, name: string) => values[name] ?? '')];
    })
    .join('\n')
    .replace(/\n[ \t]*(\n[ \t]*)+\n/g, '\n\n')
    .trim();
}
