import { randomUUID } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { AlertEvent } from '../../src/alerts/alert-event';
import { DEFAULT_TICKET_POLICY, type TicketPolicy } from '../../src/alerts/ticket-policy';
import { loadConfig } from '../../src/config/config';
import { deliverAlerts } from '../../src/delivery/deliver-alerts';
import type { GlpiEmulator } from '../../src/emulator/glpi-emulator';
import type { Row } from '../../src/emulator/itemtypes';
import { ticketStateQuery, type TicketState } from '../../src/workflows/ticket-lifecycle';
import { startWorkerOn, testSettings, type testTemporal } from '../support/temporal';

export type Env = Awaited<ReturnType<typeof testTemporal>>;

/** The same connections on a task queue of its own: a test's workflows are never run by another test's worker. */
export function ownQueue(env: Env): Env {
  return { ...env, taskQueue: `test-${randomUUID()}` };
}

/** What a person editing GLPI may do (every entity active). */
export const anyone = (emulator: GlpiEmulator) => ({
  userId: 2,
  activeEntities: new Set(emulator.db.subtree(0)),
});

export async function eventually<T>(
  read: () => Promise<T> | T,
  accept: (v: T) => boolean,
  timeoutMs = 30_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: T;
  for (;;) {
    last = await read();
    if (accept(last)) return last;
    if (Date.now() > deadline)
      throw new Error(`condition not met in time; last value: ${JSON.stringify(last)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The ticket policy of tests: short timers, fast retries. */
export function testPolicy(overrides: Partial<TicketPolicy> = {}): TicketPolicy {
  return {
    ...DEFAULT_TICKET_POLICY,
    reopenWindowSeconds: 2,
    syncIntervalSeconds: 30,
    retryMaxIntervalSeconds: 0.5,
    ...overrides,
  };
}

/** Starts the emulator and a worker whose settings hold this ticket policy. */
export function startTicketWorker(
  env: Env,
  emulator: GlpiEmulator,
  policy: Partial<TicketPolicy> = {},
  glpiEntity = 'Supervision',
): Promise<{ stop: () => Promise<void> }> {
  return startWorkerOn(env, emulator, testSettings({ glpiEntity, tickets: testPolicy(policy) }));
}

/** The environment of a test worker: the variables of `testPolicy`'s short timers and fast retries. */
export const TEST_TICKET_VARIABLES: Record<string, string> = {
  TICKET_REOPEN_WINDOW_SECONDS: '2',
  TICKET_SYNC_INTERVAL_SECONDS: '30',
  TICKET_RETRY_MAX_INTERVAL_SECONDS: '0.5',
};

/**
 * Starts the emulator and a worker configured as an operator would: from environment variables (the test
 * timers of `TEST_TICKET_VARIABLES`, then `variables`), read by `loadConfig` like `glpi-bridge worker` does,
 * including what stays out of the settings (OUTBOUND_WEBHOOK_TOKEN).
 */
export async function startWorkerFromEnv(
  env: Env,
  emulator: GlpiEmulator,
  variables: Record<string, string> = {},
): Promise<{ stop: () => Promise<void> }> {
  const config = loadConfig({ ...TEST_TICKET_VARIABLES, ...variables });
  return startWorkerOn(
    env,
    emulator,
    testSettings({ glpiEntity: config.settings.glpiEntity, tickets: config.settings.tickets }),
    config.outboundToken,
  );
}

export function alerts(env: Env, source: string) {
  const alert = (key: string, overrides: Partial<AlertEvent> = {}): AlertEvent => ({
    source,
    dedupKey: key,
    status: 'firing',
    severity: 'critical',
    host: { name: 'srv-alert' },
    service: 'cpu',
    summary: 'CPU above 95%',
    ...overrides,
  });
  return {
    alert,
    send: (events: AlertEvent[]) => deliverAlerts(env.client, env.taskQueue, events),
    fire: (key: string, overrides: Partial<AlertEvent> = {}) =>
      deliverAlerts(env.client, env.taskQueue, [alert(key, overrides)]),
    handle: (key: string) => env.client.workflow.getHandle(`ticket/${source}/${key}`),
    state: (key: string) => env.client.workflow.getHandle(`ticket/${source}/${key}`).query(ticketStateQuery),
    until: (key: string, accept: (s: TicketState) => boolean, timeoutMs = 30_000) =>
      eventually(
        () => env.client.workflow.getHandle(`ticket/${source}/${key}`).query(ticketStateQuery),
        accept,
        timeoutMs,
      ),
  };
}

export function glpiRows(emulator: GlpiEmulator) {
  const followupType = emulator.profile.followup;
  return {
    tickets: () => emulator.rows('Ticket'),
    ticket: (id: number) => emulator.db.get('Ticket', id)!,
    followups: (ticketId: number): Row[] =>
      followupType === 'TicketFollowup'
        ? emulator.rows('TicketFollowup').filter((f) => f.tickets_id === ticketId)
        : emulator.rows('ITILFollowup').filter((f) => f.items_id === ticketId),
    /** The ticket's solution texts: 9.1's `solution` field, ITILSolution rows later. */
    solutions: (ticketId: number): string[] =>
      emulator.profile.solution === 'ticket-field'
        ? [emulator.db.get('Ticket', ticketId)?.solution].filter((s) => s != null).map(String)
        : emulator
            .rows('ITILSolution')
            .filter((s) => s.items_id === ticketId)
            .map((s) => String(s.content)),
    links: (ticketId: number) => emulator.rows('Item_Ticket').filter((l) => l.tickets_id === ticketId),
    actors: (ticketId: number) => ({
      users: emulator.rows('Ticket_User').filter((u) => u.tickets_id === ticketId),
      groups: emulator.rows('Group_Ticket').filter((g) => g.tickets_id === ticketId),
    }),
  };
}

/** An outbound-webhook receiver: the bodies it received, and each request's headers (same order). */
export async function webhookServer(): Promise<{
  url: string;
  received: Record<string, unknown>[];
  headers: IncomingHttpHeaders[];
  close: () => void;
}> {
  const received: Record<string, unknown>[] = [];
  const headers: IncomingHttpHeaders[] = [];
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      headers.push(req.headers);
      received.push(JSON.parse(body) as Record<string, unknown>);
      res.end('ok');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`,
    received,
    headers,
    close: () => server.close(),
  };
}
