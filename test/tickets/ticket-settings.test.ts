import { ConfigError, loadConfig } from '../../src/config/config';
import { DEFAULT_TICKET_POLICY } from '../../src/alerts/ticket-policy';
import { GlpiEmulator } from '../../src/emulator/glpi-emulator';
import { inventoryMarker } from '../../src/glpi/markers';
import { glpiText } from '../../src/glpi/text';
import type { TicketState } from '../../src/workflows/ticket-lifecycle';
import { testTemporal, uniqueId } from '../support/temporal';
import {
  alerts,
  anyone,
  eventually,
  glpiRows,
  ownQueue,
  sleep,
  startTicketWorker,
  startWorkerFromEnv,
  webhookServer,
  type Env,
} from './support';

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

/** A text as people read it in GLPI 9.5 (plain text), without the bridge's marker line. */
const plain = (value: unknown) => glpiText(value).replace(/\n\n\[glpi-bridge:[^\]]+\]$/, '');

describe('each ticket variable, set as an operator sets it, changes what people see in GLPI', () => {
  let base: Env;
  beforeAll(async () => {
    base = await testTemporal();
  });
  afterAll(() => base.close());

  /** Runs `scenario` against a fresh GLPI 9.5 and a worker configured by `variables`. */
  async function under<T>(
    variables: Record<string, string>,
    scenario: (a: ReturnType<typeof alerts>, emulator: GlpiEmulator, source: string) => Promise<T>,
    seed: (emulator: GlpiEmulator, source: string) => void = () => undefined,
  ): Promise<T> {
    const env = ownQueue(base);
    const emulator = new GlpiEmulator({ profile: '9.5' });
    const source = uniqueId('vars');
    seed(emulator, source);
    const worker = await startWorkerFromEnv(env, emulator, variables);
    try {
      return await scenario(alerts(env, source), emulator, source);
    } finally {
      await worker.stop();
    }
  }

  const defaults = {
    title: '[CRITICAL] web-3: CPU above 95%',
    content: 'CPU above 95%\n\nHost: web-3\nService: cpu\nSeverity: CRITICAL\n\nload 12',
    urgency: 5,
    impact: 5,
    priority: 5,
    requestSource: 'Monitoring',
    followupRequestSource: 'Monitoring',
    computers: [] as string[],
  };
  it.each<[string, Record<string, string>, Partial<typeof defaults>]>([
    ['none (the defaults)', {}, {}],
    [
      'TICKET_REQUEST_SOURCE',
      { TICKET_REQUEST_SOURCE: 'Alerting' },
      { requestSource: 'Alerting', followupRequestSource: 'Alerting' },
    ],
    // The alert's host name matches no computer; its `host_id` label names the computer's inventory id.
    ['TICKET_HOST_ID_LABEL', { TICKET_HOST_ID_LABEL: 'host_id' }, { computers: ['web-3.lyon'] }],
    [
      'TICKET_SEVERITY_MAP',
      { TICKET_SEVERITY_MAP: '{"critical":{"urgency":3,"impact":2}}' },
      { urgency: 3, impact: 2, priority: 2 },
    ],
    [
      'TICKET_TITLE_TEMPLATE',
      { TICKET_TITLE_TEMPLATE: '{{service}} on {{host}} ({{severity}}, {{key}})' },
      { title: 'cpu on web-3 (CRITICAL, k)' },
    ],
    // As written in a compose file or an env file: `\n` is two characters there. The empty note's line goes.
    [
      'TICKET_CONTENT_TEMPLATE',
      { TICKET_CONTENT_TEMPLATE: '{{host}}/{{service}}: {{summary}}\\nNote: {{note}}\\n\\n{{details}}' },
      { content: 'web-3/cpu: CPU above 95%\n\nload 12' },
    ],
  ])('variable %s: the ticket and its follow-up', async (_variable, variables, changes) => {
    const seen = await under(
      variables,
      async (a, emulator) => {
        const glpi = glpiRows(emulator);
        const fields = { host: { name: 'web-3' }, labels: { host_id: 'h-7' }, details: 'load 12' };
        await a.fire('k', fields);
        const { ticketId } = await a.until('k', (s) => s.phase === 'open');
        await a.fire('k', { ...fields, summary: 'CPU above 99%' });
        const [followup] = await eventually(
          () => glpi.followups(ticketId!),
          (f) => f.length === 1,
        );
        const ticket = glpi.ticket(ticketId!);
        const requestSource = (id: unknown) => emulator.db.get('RequestType', Number(id))?.name;
        return {
          title: glpiText(ticket.name),
          content: plain(ticket.content),
          urgency: ticket.urgency,
          impact: ticket.impact,
          priority: ticket.priority,
          requestSource: requestSource(ticket.requesttypes_id),
          followupRequestSource: requestSource(followup!.requesttypes_id),
          computers: glpi
            .links(ticketId!)
            .map((l) => glpiText(emulator.db.get('Computer', Number(l.items_id))?.name)),
        };
      },
      (emulator, source) =>
        emulator.db.insert('Computer', {
          name: 'web-3.lyon',
          entities_id: 0,
          comment: inventoryMarker(source, 'h-7'),
        }),
    );
    expect(seen).toEqual({ ...defaults, ...changes });
  });

  it.each([
    [
      'true (the default)',
      {},
      { status: 5, solutions: ['Recovered: CPU back to normal\n\nback to 21 %'], followups: [] },
    ],
    [
      'false',
      { TICKET_SOLVE_ON_RECOVERY: 'false' },
      { status: 1, solutions: [], followups: ['Recovered: CPU back to normal\n\nback to 21 %'] },
    ],
  ])(
    'TICKET_SOLVE_ON_RECOVERY=%s: the recovery solves the ticket, or only adds a follow-up and leaves the ticket to people',
    async (_value, variables, expected) => {
      const seen = await under(variables, async (a, emulator) => {
        const glpi = glpiRows(emulator);
        await a.fire('k');
        const { ticketId } = await a.until('k', (s) => s.phase === 'open');
        await a.fire('k', { status: 'resolved', summary: 'CPU back to normal', details: 'back to 21 %' });
        // The reopen window (2 s) passes: the workflow is done with the ticket.
        const final = (await a.handle('k').result()) as TicketState;
        const followups = glpi.followups(ticketId!);
        return {
          phase: final.phase,
          status: glpi.ticket(ticketId!).status,
          solutions: glpi.solutions(ticketId!).map(plain),
          followups: followups.map((f) => plain(f.content)),
          followupSources: followups.map((f) => f.requesttypes_id),
          ticketSource: glpi.ticket(ticketId!).requesttypes_id,
        };
      });
      const { followupSources, ticketSource, ...rest } = seen;
      expect(rest).toEqual({ phase: 'closed', ...expected });
      expect(followupSources.every((s) => s === ticketSource)).toBe(true);
    },
  );

  it('TICKET_SOLVE_ON_RECOVERY=false: a re-fire after the recovery is a follow-up on the open ticket, not a reopening', async () => {
    const seen = await under(
      { TICKET_SOLVE_ON_RECOVERY: 'false', TICKET_REOPEN_WINDOW_SECONDS: '600' },
      async (a, emulator) => {
        const glpi = glpiRows(emulator);
        await a.fire('k');
        const { ticketId } = await a.until('k', (s) => s.phase === 'open');
        await a.fire('k', { status: 'resolved', summary: 'CPU back to normal' });
        await a.until('k', (s) => s.phase === 'recovered');
        await a.fire('k', { summary: 'CPU above 95% again' });
        const state = await a.until('k', (s) => s.phase === 'open');
        return {
          action: state.lastEvents.at(-1)!.action,
          counts: { reopens: state.counts.reopens, followups: state.counts.followups },
          status: glpi.ticket(ticketId!).status,
          followups: glpi.followups(ticketId!).length,
        };
      },
    );
    expect(seen).toEqual({
      action: 'added a follow-up: fired again (the ticket stayed open)',
      counts: { reopens: 0, followups: 2 },
      status: 1,
      followups: 2,
    });
  });

  it.each([
    ['unset', {}, undefined],
    ['set', { OUTBOUND_WEBHOOK_TOKEN: 'hook-secret-1' }, 'hook-secret-1'],
  ])(
    'OUTBOUND_WEBHOOK_TOKEN %s: the webhook request carries it as X-Glpi-Bridge-Token',
    async (_state, variables, token) => {
      const hook = await webhookServer();
      try {
        const headers = await under(
          { ...variables, OUTBOUND_WEBHOOK_URL: hook.url, TICKET_SYNC_INTERVAL_SECONDS: '1' },
          async (a, emulator) => {
            await a.fire('k');
            const { ticketId } = await a.until('k', (s) => s.phase === 'open');
            emulator.db.update('Ticket', ticketId!, { status: 6 }, anyone(emulator));
            await eventually(
              () => hook.received,
              (r) => r.length === 1,
            );
            expect(hook.received[0]).toMatchObject({ ticketId, statusName: 'closed' });
            return hook.headers[0]!;
          },
        );
        expect(headers['x-glpi-bridge-token']).toBe(token);
      } finally {
        hook.close();
      }
    },
  );
});
