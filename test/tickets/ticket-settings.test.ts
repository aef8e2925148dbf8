import { ConfigError, loadConfig } from '../../src/config/config';
import { DEFAULT_TICKET_POLICY } from '../../src/alerts/ticket-policy';
import { GlpiEmulator } from '../../src/emulator/glpi-emulator';
import { testTemporal, uniqueId } from '../support/temporal';
import { alerts, ownQueue, sleep, startTicketWorker, type Env } from './support';

describe('ticket settings: the worker owns them', () => {
  let base: Env;
  beforeAll(async () => {
    base = await testTemporal();
  });
  afterAll(() => base.close());

  it("new workflows take the worker's settings of their start; a running one keeps those it started with", async () => {
    const env = ownQueue(base);
    const emulator = new GlpiEmulator({ profile: '10.0' });
    const infra = emulator.db.insert('ITILCategory', { name: 'Infra', completename: 'Infra' });
    const servers = emulator.db.insert('ITILCategory', {
      name: 'Servers',
      itilcategories_id: infra.id,
      completename: 'Infra > Servers',
    });
    const network = emulator.db.insert('ITILCategory', {
      name: 'Network',
      itilcategories_id: infra.id,
      completename: 'Infra > Network',
    });
    const a = alerts(env, uniqueId('settings'));

    let worker = await startTicketWorker(env, emulator, {
      category: 'Infra  >Servers',
      reopenWindowSeconds: 3600,
    });
    await a.fire('before');
    const before = await a.until('before', (s) => s.phase === 'open');
    await a.fire('before', { status: 'resolved' });
    await a.until('before', (s) => s.phase === 'recovered');
    await worker.stop();

    // The worker restarts with other settings; the senders never had any.
    worker = await startTicketWorker(env, emulator, { category: 'Infra > Network', reopenWindowSeconds: 1 });
    try {
      await a.fire('after');
      const after = await a.until('after', (s) => s.phase === 'open');
      expect(emulator.db.get('Ticket', before.ticketId!)!.itilcategories_id).toBe(servers.id);
      expect(emulator.db.get('Ticket', after.ticketId!)!.itilcategories_id).toBe(network.id);
      // 'before' keeps the one-hour reopen window it started with.
      await sleep(3_000);
      expect((await a.state('before')).phase).toBe('recovered');
      await a.fire('before');
      await a.until('before', (s) => s.phase === 'open' && s.counts.reopens === 1);
      expect(emulator.rows('Ticket')).toHaveLength(2);
    } finally {
      await worker.stop();
    }
  });
});

describe('ticket configuration (TICKET_*, OUTBOUND_*)', () => {
  it('reads every ticket variable into the worker settings, with the documented defaults', () => {
    const defaults = loadConfig({}).settings.tickets;
    expect(defaults).toEqual({
      ...DEFAULT_TICKET_POLICY,
      category: undefined,
      defaultEntity: undefined,
      outboundWebhookUrl: undefined,
    });
    expect(defaults.retryMaxIntervalSeconds).toBe(15);
    expect(defaults.requester).toEqual({ kind: 'none' });
    expect(defaults.assignee).toEqual({ kind: 'none' });

    const config = loadConfig({
      TICKET_FLAP_SECONDS: '30',
      TICKET_REOPEN_WINDOW_SECONDS: '600',
      TICKET_SYNC_INTERVAL_SECONDS: '60',
      TICKET_SOLVE_ON_RECOVERY: 'false',
      TICKET_RETRY_MAX_INTERVAL_SECONDS: '20',
      TICKET_CATEGORY: 'Infra > Servers',
      TICKET_REQUEST_SOURCE: 'Supervision',
      TICKET_DEFAULT_ENTITY: 'Supervision > Unknown hosts',
      TICKET_REQUESTER: 'user:monitoring',
      TICKET_ASSIGNEE: 'group: Support >Level 1',
      TICKET_HOST_ID_LABEL: 'host_id',
      TICKET_SEVERITY_MAP: '{"warning":{"urgency":2,"impact":1}}',
      TICKET_TITLE_TEMPLATE: '{{host}}: {{summary}}',
      TICKET_CONTENT_TEMPLATE: '{{summary}}',
      OUTBOUND_WEBHOOK_URL: 'https://monitoring.example.com/hook',
      OUTBOUND_WEBHOOK_TOKEN: 'secret',
    });
    expect(config.settings.tickets).toMatchObject({
      flapSeconds: 30,
      reopenWindowSeconds: 600,
      syncIntervalSeconds: 60,
      solveOnRecovery: false,
      retryMaxIntervalSeconds: 20,
      category: 'Infra > Servers',
      requestSource: 'Supervision',
      defaultEntity: 'Supervision > Unknown hosts',
      requester: { kind: 'user', name: 'monitoring' },
      assignee: { kind: 'group', name: 'Support > Level 1' },
      hostIdLabel: 'host_id',
      severity: { ...DEFAULT_TICKET_POLICY.severity, warning: { urgency: 2, impact: 1 } },
      titleTemplate: '{{host}}: {{summary}}',
      contentTemplate: '{{summary}}',
      outboundWebhookUrl: 'https://monitoring.example.com/hook',
    });
    expect(config.outboundToken).toBe('secret');
  });

  it('refuses bad ticket values, naming each variable, and the retired TICKET_DEFAULT_ENTITY_ID', () => {
    let error: unknown;
    try {
      loadConfig({
        TICKET_DEFAULT_ENTITY_ID: '3',
        TICKET_ASSIGNEE: 'bob',
        TICKET_REQUESTER: 'user:',
        TICKET_RETRY_MAX_INTERVAL_SECONDS: '0',
        TICKET_DEFAULT_ENTITY: 'Supervision > > NOC',
      });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems.join('\n');
    expect(problems).toContain('TICKET_DEFAULT_ENTITY_ID: is no longer read: set TICKET_DEFAULT_ENTITY');
    expect(problems).toContain(
      "TICKET_ASSIGNEE: must be 'none', 'user:<login name>' or 'group:<group complete name>'",
    );
    expect(problems).toContain('TICKET_REQUESTER: must be');
    expect(problems).toContain('TICKET_RETRY_MAX_INTERVAL_SECONDS: must be greater than 0');
    expect(problems).toContain("TICKET_DEFAULT_ENTITY: must be 'root' or an entity path");
  });
});
