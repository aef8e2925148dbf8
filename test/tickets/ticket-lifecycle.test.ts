import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { AlertEvent } from '../../src/alerts/alert-event';
import { deliverAlerts } from '../../src/delivery/deliver-alerts';
import { DEFAULT_TICKET_POLICY, type TicketPolicy } from '../../src/alerts/ticket-policy';
import { GlpiEmulator } from '../../src/emulator/glpi-emulator';
import type { Row } from '../../src/emulator/itemtypes';
import { PROFILE_NAMES, type ProfileName } from '../../src/emulator/profiles';
import { ticketStateQuery, type TicketState } from '../../src/workflows/ticket-lifecycle';
import { startWorkerOn, testTemporal, uniqueId } from '../support/temporal';

const ALL = { userId: 2, activeEntities: new Set<number>() };

async function eventually<T>(
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

describe.each(PROFILE_NAMES.map((p) => [p]))('ticket lifecycle on GLPI %s', (profile: ProfileName) => {
  let env: Awaited<ReturnType<typeof testTemporal>>;
  let emulator: GlpiEmulator;
  let stop: () => Promise<void>;
  let computer: Row;
  let site: Row;
  let source: string;

  const policy = (overrides: Partial<TicketPolicy> = {}): TicketPolicy => ({
    ...DEFAULT_TICKET_POLICY,
    reopenWindowSeconds: 2,
    syncIntervalSeconds: 0.5,
    ...overrides,
  });
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
  const send = (events: AlertEvent[], p = policy()) => deliverAlerts(env.client, env.taskQueue, p, events);
  const state = (key: string) =>
    env.client.workflow.getHandle(`ticket/${source}/${key}`).query(ticketStateQuery);
  const tickets = () => emulator.rows('Ticket');
  const followups = (ticketId: number) =>
    profile === '9.1'
      ? emulator.rows('TicketFollowup').filter((f) => f.tickets_id === ticketId)
      : emulator.rows('ITILFollowup').filter((f) => f.items_id === ticketId);

  beforeAll(async () => {
    env = await testTemporal();
  });
  beforeEach(async () => {
    source = uniqueId('mon');
    emulator = new GlpiEmulator({ profile });
    site = emulator.db.insert('Entity', {
      name: 'Site A',
      entities_id: 0,
      completename: 'Root entity > Site A',
      level: 2,
    });
    computer = emulator.db.insert('Computer', { name: 'srv-alert', entities_id: site.id });
    ALL.activeEntities = new Set(emulator.db.subtree(0));
    ({ stop } = await startWorkerOn(env, emulator));
  });
  afterEach(() => stop());
  afterAll(async () => env.close());

  it('opens one ticket linked to the computer, in its entity, with the mapped urgency; repeats and a lost response change nothing', async () => {
    emulator.faults.script({ kind: 'dropAfterCommit', match: /^POST Ticket$/ });
    await send([alert('cpu-1')]);
    const opened = await eventually(
      () => state('cpu-1'),
      (s) => s.phase === 'open',
    );
    await send(Array.from({ length: 20 }, () => alert('cpu-1')));
    await eventually(
      () => state('cpu-1'),
      (s) => s.counts.events === 21,
    );
    expect(emulator.faults.injected.dropAfterCommit).toBe(1);
    expect(tickets()).toHaveLength(1);
    const [ticket] = tickets();
    expect(ticket).toMatchObject({
      id: opened.ticketId,
      entities_id: site.id,
      urgency: 5,
      impact: 5,
      type: 1,
    });
    expect(emulator.db.get('RequestType', Number(ticket!.requesttypes_id))?.name).toBe('Monitoring');
    expect(emulator.rows('Item_Ticket')).toEqual([
      expect.objectContaining({ tickets_id: ticket!.id, itemtype: 'Computer', items_id: computer.id }),
    ]);
    expect((await state('cpu-1')).counts.coalesced).toBe(20);
    expect(followups(ticket!.id)).toHaveLength(0);
  });

  it('turns an update into a follow-up, solves on recovery, reopens on a re-fire in the window, and opens a new ticket after it', async () => {
    await send([alert('disk')]);
    const { ticketId } = await eventually(
      () => state('disk'),
      (s) => s.phase === 'open',
    );
    await send([alert('disk', { severity: 'warning', summary: 'CPU at 80%' })]);
    await eventually(
      () => followups(ticketId!),
      (f) => f.length === 1,
    );
    expect(String(followups(ticketId!)[0]!.content)).toContain('CPU at 80%');

    await send([alert('disk', { status: 'resolved', summary: 'CPU back to normal' })]);
    await eventually(
      () => state('disk'),
      (s) => s.phase === 'recovered',
    );
    expect(emulator.db.get('Ticket', ticketId!)!.status).toBe(5);
    if (profile === '9.1')
      expect(String(emulator.db.get('Ticket', ticketId!)!.solution)).toContain('Recovered');
    else expect(emulator.rows('ITILSolution').filter((s) => s.items_id === ticketId)).toHaveLength(1);

    await send([alert('disk')]);
    await eventually(
      () => state('disk'),
      (s) => s.phase === 'open' && s.counts.reopens === 1,
    );
    expect(Number(emulator.db.get('Ticket', ticketId!)!.status)).toBeLessThan(5);
    expect(tickets()).toHaveLength(1);

    await send([alert('disk', { status: 'resolved' })]);
    await eventually(
      () => state('disk'),
      (s) => s.phase === 'recovered',
    );
    const handle = env.client.workflow.getHandle(`ticket/${source}/disk`);
    const final = (await handle.result()) as TicketState;
    expect(final.phase).toBe('closed');
    await send([alert('disk')]);
    await eventually(
      () => tickets(),
      (t) => t.length === 2,
    );
    expect(tickets()[1]!.id).not.toBe(ticketId);
  });

  it('opens nothing for a problem that recovers inside the flap gate', async () => {
    const gated = policy({ flapSeconds: 3 });
    await send([alert('flap')], gated);
    await send([alert('flap', { status: 'resolved' })], gated);
    const result = (await env.client.workflow.getHandle(`ticket/${source}/flap`).result()) as TicketState;
    expect(result.phase).toBe('closed');
    expect(result.lastEvents.at(-1)!.action).toContain('flap gate');
    expect(tickets()).toHaveLength(0);
  });

  it('notices a ticket a person closed in GLPI and tells the outbound webhook', async () => {
    const received: Record<string, unknown>[] = [];
    const hook: Server = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        received.push(JSON.parse(body) as Record<string, unknown>);
        res.end('ok');
      });
    });
    await new Promise<void>((r) => hook.listen(0, '127.0.0.1', r));
    try {
      const url = `http://127.0.0.1:${(hook.address() as AddressInfo).port}/hook`;
      await send([alert('mem')], policy({ outboundWebhookUrl: url }));
      const { ticketId } = await eventually(
        () => state('mem'),
        (s) => s.phase === 'open',
      );
      emulator.db.update('Ticket', ticketId!, { status: 6 }, ALL);
      await eventually(
        () => state('mem'),
        (s) => s.phase === 'detached',
      );
      await eventually(
        () => received,
        (r) => r.length === 1,
      );
      expect(received[0]).toMatchObject({
        alertKey: `${source}/mem`,
        ticketId,
        status: 6,
        statusName: 'closed',
      });
      // Still firing: nothing more is written to the ticket people closed.
      const before = emulator.counters.writes;
      await send([alert('mem', { summary: 'still bad' })], policy({ outboundWebhookUrl: url }));
      await eventually(
        () => state('mem'),
        (s) => s.counts.coalesced === 1,
      );
      expect(emulator.counters.writes).toBe(before);
    } finally {
      hook.close();
    }
  });

  it('opens exactly one ticket per key for 200 concurrent alerts over 50 keys', async () => {
    const events = Array.from({ length: 200 }, (_v, i) =>
      alert(`k${i % 50}`, { host: { name: `host-${i % 50}` } }),
    );
    await Promise.all([0, 1, 2, 3].map((part) => send(events.filter((_e, i) => i % 4 === part))));
    await eventually(
      () => tickets(),
      (t) => t.length >= 50,
      90_000,
    );
    await Promise.all(
      Array.from({ length: 50 }, (_v, k) =>
        eventually(
          () => state(`k${k}`),
          (s) => s.counts.events === 4,
          60_000,
        ),
      ),
    );
    expect(tickets()).toHaveLength(50);
  });
});

describe('ticket lifecycle with a backlog', () => {
  it('handles firing, update and recovery that all arrived before any worker ran: one ticket, one follow-up, solved', async () => {
    const env = await testTemporal();
    const emulator = new GlpiEmulator({ profile: '10.0' });
    emulator.db.insert('Computer', { name: 'srv-backlog', entities_id: 0 });
    const source = uniqueId('backlog');
    const base = {
      source,
      dedupKey: 'k',
      severity: 'critical' as const,
      host: { name: 'srv-backlog' },
      summary: 'down',
    };
    const policy = { ...DEFAULT_TICKET_POLICY, reopenWindowSeconds: 1 };
    for (const event of [
      { ...base, status: 'firing' as const },
      { ...base, status: 'firing' as const },
      { ...base, status: 'firing' as const, severity: 'major' as const, summary: 'degraded' },
      { ...base, status: 'resolved' as const, summary: 'up' },
    ]) {
      await deliverAlerts(env.client, env.taskQueue, policy, [event]);
    }
    const { stop } = await startWorkerOn(env, emulator);
    try {
      const final = (await env.client.workflow.getHandle(`ticket/${source}/k`).result()) as TicketState;
      expect(final.phase).toBe('closed');
      expect(final.counts).toMatchObject({ events: 4, coalesced: 1, followups: 1 });
      const tickets = emulator.rows('Ticket');
      expect(tickets).toHaveLength(1);
      expect(tickets[0]!.status).toBe(5);
      expect(emulator.rows('ITILFollowup')).toHaveLength(1);
    } finally {
      await stop();
      await env.close();
    }
  });
});

describe('ticket policy details', () => {
  let env: Awaited<ReturnType<typeof testTemporal>>;
  let emulator: GlpiEmulator;
  let stop: () => Promise<void>;
  let source: string;
  const fire = (summary: string, severity: AlertEvent['severity'] = 'critical'): AlertEvent => ({
    source,
    dedupKey: 'p',
    status: 'firing',
    severity,
    host: { name: 'no-such-host' },
    summary,
  });

  beforeEach(async () => {
    env = await testTemporal();
    source = uniqueId('policy');
    emulator = new GlpiEmulator({ profile: '10.0' });
    const infra = emulator.db.insert('ITILCategory', { name: 'Infra', completename: 'Infra' });
    emulator.db.insert('ITILCategory', {
      name: 'Servers',
      itilcategories_id: infra.id,
      completename: 'Infra > Servers',
    });
    ({ stop } = await startWorkerOn(env, emulator));
  });
  afterEach(async () => {
    await stop();
    await env.close();
  });

  it('files the ticket under the configured category, the default entity and the mapped severity', async () => {
    const policy = {
      ...DEFAULT_TICKET_POLICY,
      category: 'Infra > Servers',
      severity: { ...DEFAULT_TICKET_POLICY.severity, warning: { urgency: 2, impact: 1 } },
    };
    await deliverAlerts(env.client, env.taskQueue, policy, [fire('slow', 'warning')]);
    const [ticket] = await eventually(
      () => emulator.rows('Ticket'),
      (t) => t.length === 1,
    );
    const category = emulator.rows('ITILCategory').find((c) => c.completename === 'Infra > Servers')!;
    expect(ticket).toMatchObject({
      itilcategories_id: category.id,
      entities_id: 0,
      urgency: 2,
      impact: 1,
      name: '[warning] no-such-host: slow',
    });
    expect(emulator.rows('Item_Ticket')).toHaveLength(0);
  });

  it('opens the ticket without a category, and says so, when the configured one does not exist', async () => {
    await deliverAlerts(env.client, env.taskQueue, { ...DEFAULT_TICKET_POLICY, category: 'Infra > Nope' }, [
      fire('x'),
    ]);
    const handle = env.client.workflow.getHandle(`ticket/${source}/p`);
    const state = await eventually(
      () => handle.query(ticketStateQuery),
      (s) => s.phase === 'open',
    );
    expect(state.warnings).toEqual([expect.stringContaining("ITIL category 'Infra > Nope' does not exist")]);
    expect(emulator.rows('Ticket')[0]!.itilcategories_id).toBe(0);
  });

  it("keeps a long-flapping alert's history small by continuing as new, with its ticket and counts", async () => {
    const policy = { ...DEFAULT_TICKET_POLICY, maxHistoryEvents: 40 };
    const handle = env.client.workflow.getHandle(`ticket/${source}/p`);
    for (let i = 0; i < 12; i++) {
      await deliverAlerts(env.client, env.taskQueue, policy, [fire(`value ${i}`)]);
      await eventually(
        () => handle.query(ticketStateQuery),
        (s) => s.counts.events === i + 1,
      );
    }
    const state = await handle.query(ticketStateQuery);
    expect(state.counts).toMatchObject({ events: 12, followups: 11 });
    expect(emulator.rows('Ticket')).toHaveLength(1);
    const runs = [];
    for await (const run of env.client.workflow.list({ query: `WorkflowId = "ticket/${source}/p"` }))
      runs.push(run);
    expect(runs.length).toBeGreaterThan(1);
    expect(state.ticketId).toBe(emulator.rows('Ticket')[0]!.id);
  });
});
