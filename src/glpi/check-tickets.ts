import {
  defaultTicketEntity,
  findActor,
  findCategory,
  formatOffset,
  readUtcOffset,
} from '../activities/tickets/ticket-setup';
import { formatTicketActor, normaliseGlpiPath, type TicketActor } from '../alerts/ticket-policy';
import type { WorkerSettings } from '../config/worker-settings';
import type { CheckResult } from './check-connection';
import { GlpiError } from './errors';
import { GlpiClient, type GlpiClientOptions } from './glpi-client';
import { findExact } from './lookups';

export interface TicketCheck {
  /** One line per check, as `check` prints them; `ok` false is a setting tickets cannot work with. */
  results: CheckResult[];
  /** The ticket policy in force on this worker's settings, one printable line per setting. */
  policy: string[];
}

/** The ticket policy as lines `name: value (VARIABLE)`, for `check` and the worker's start-up log. */
export function describeTicketPolicy(settings: WorkerSettings): string[] {
  const t = settings.tickets;
  const severity = Object.entries(t.severity)
    .map(([name, m]) => `${name} ${m.urgency}/${m.impact}`)
    .join(', ');
  return [
    `flap gate: ${t.flapSeconds} s (TICKET_FLAP_SECONDS)`,
    `reopen window: ${t.reopenWindowSeconds} s (TICKET_REOPEN_WINDOW_SECONDS)`,
    `solve on recovery: ${t.solveOnRecovery} (TICKET_SOLVE_ON_RECOVERY)`,
    `back-sync interval: ${t.syncIntervalSeconds} s (TICKET_SYNC_INTERVAL_SECONDS)`,
    `retry interval at most: ${t.retryMaxIntervalSeconds} s (TICKET_RETRY_MAX_INTERVAL_SECONDS)`,
    `category: ${t.category ? normaliseGlpiPath(t.category) : 'none'} (TICKET_CATEGORY)`,
    `request source: ${t.requestSource} (TICKET_REQUEST_SOURCE)`,
    `entity of a ticket whose host matches no computer: ${
      t.defaultEntity ?? `the sub-entity '${settings.glpiEntity}' (GLPI_ENTITY)`
    } (TICKET_DEFAULT_ENTITY)`,
    `requester: ${formatTicketActor(t.requester)} (TICKET_REQUESTER)`,
    `assignee: ${formatTicketActor(t.assignee)} (TICKET_ASSIGNEE)`,
    `host id label: ${t.hostIdLabel} (TICKET_HOST_ID_LABEL)`,
    `urgency/impact per severity: ${severity} (TICKET_SEVERITY_MAP)`,
    `title: ${t.titleTemplate} (TICKET_TITLE_TEMPLATE)`,
    `content: ${JSON.stringify(t.contentTemplate)} (TICKET_CONTENT_TEMPLATE)`,
    `outbound webhook: ${t.outboundWebhookUrl ?? 'none'} (OUTBOUND_WEBHOOK_URL)`,
  ];
}

/**
 * The ticket part of `glpi-bridge check`: everything a ticket's creation looks up by name exists in GLPI
 * (the category path, the requester and assignee, the default entity), checked with the same lookups that
 * tickets use, and the policy in force. Nothing is created.
 */
export async function checkTickets(
  options: GlpiClientOptions,
  settings: WorkerSettings,
): Promise<TicketCheck> {
  const t = settings.tickets;
  const results: CheckResult[] = [];
  const pass = (name: string, detail: string) => results.push({ name, ok: true, detail });
  const fail = (name: string, detail: string, fix: string) => results.push({ name, ok: false, detail, fix });
  const client = new GlpiClient(options);
  try {
    // Every entity, including sub-entities created since login (GLPI 9.1 hides them otherwise).
    await client.changeActiveEntities(0, true);

    if (!t.category) pass('ticket category', 'none (TICKET_CATEGORY is not set)');
    else {
      const path = normaliseGlpiPath(t.category);
      const id = await findCategory(client, path);
      if (id !== undefined) pass('ticket category', `'${path}' exists (id ${id})`);
      else {
        const leaf = path.split(' > ').at(-1)!;
        const near = (await findExact(client, 'ITILCategory', 'name', leaf)).map(
          (r) => `'${String(r.completename)}'`,
        );
        fail(
          'ticket category',
          `no ITIL category has the complete name '${path}'${near.length ? `; categories named '${leaf}': ${near.join(', ')}` : ''}`,
          'set TICKET_CATEGORY to a category\'s complete name as GLPI shows it (Setup > Dropdowns > ITIL categories), levels separated by " > "',
        );
      }
    }

    for (const [role, actor, variable] of [
      ['ticket requester', t.requester, 'TICKET_REQUESTER'],
      ['ticket assignee', t.assignee, 'TICKET_ASSIGNEE'],
    ] as [string, TicketActor, string][]) {
      if (actor.kind === 'none') {
        pass(
          role,
          role.endsWith('assignee') ? 'none: tickets open unassigned on every GLPI version' : 'none',
        );
        continue;
      }
      const id = await findActor(client, actor);
      if (id !== undefined) pass(role, `${actor.kind} '${actor.name}' exists (id ${id})`);
      else
        fail(
          role,
          `no GLPI ${actor.kind} ${actor.kind === 'user' ? 'with the login' : 'with the complete name'} '${actor.name}'`,
          `set ${variable} to 'user:<login name>', 'group:<complete name>' (Administration > ${actor.kind === 'user' ? 'Users' : 'Groups'}) or 'none'`,
        );
    }

    const entity = await defaultTicketEntity(client, t.defaultEntity, settings.glpiEntity, false);
    if (entity.problem)
      fail(
        'ticket default entity',
        entity.problem,
        "set TICKET_DEFAULT_ENTITY to an existing entity's path from the root ('Supervision > Unknown hosts'), 'root', or unset it for the bridge's sub-entity",
      );
    else if (entity.entity)
      pass('ticket default entity', `${entity.description} exists (id ${entity.entity.id})`);
    else pass('ticket default entity', `${entity.description}: created at the first ticket or sync`);

    const offset = await readUtcOffset(client).catch(() => undefined);
    pass(
      'GLPI clock',
      offset === undefined
        ? 'GLPI does not report its time: tickets open with the time GLPI creates them'
        : `GLPI writes dates in UTC${formatOffset(offset)}: tickets open at the alert's start time`,
    );
  } catch (err) {
    if (!(err instanceof GlpiError)) throw err;
    fail('ticket settings', err.message, "check the API user's profile and entities");
  } finally {
    await client.killSession().catch(() => undefined);
  }
  return { results, policy: describeTicketPolicy(settings) };
}
