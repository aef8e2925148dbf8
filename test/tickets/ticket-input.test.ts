import { WorkflowFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { GlpiEmulator } from '../../src/emulator/glpi-emulator';
import { alertSignal, ticketLifecycle } from '../../src/workflows/ticket-lifecycle';
import { testTemporal, uniqueId } from '../support/temporal';
import { alerts, ownQueue, startTicketWorker, type Env } from './support';

describe('ticketLifecycle input, checked at the start and on arrival', () => {
  let base: Env;
  let env: Env;
  let emulator: GlpiEmulator;
  let stop: () => Promise<void>;

  beforeAll(async () => {
    base = await testTemporal();
  });
  beforeEach(async () => {
    env = ownQueue(base);
    emulator = new GlpiEmulator({ profile: '10.0' });
    emulator.db.insert('Computer', { name: 'srv-alert', entities_id: 0 });
    ({ stop } = await startTicketWorker(env, emulator));
  });
  afterEach(() => stop());
  afterAll(() => base.close());

  const failure = async (args: unknown): Promise<ApplicationFailure> => {
    const handle = await env.client.workflow.start(ticketLifecycle, {
      workflowId: uniqueId('ticket/ui'),
      taskQueue: env.taskQueue,
      args: [args as never],
    });
    const started = Date.now();
    const err = await handle.result().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(err).toBeInstanceOf(WorkflowFailedError);
    const cause = (err as WorkflowFailedError).cause;
    expect(cause).toBeInstanceOf(ApplicationFailure);
    return cause as ApplicationFailure;
  };

  it('fails at once, non-retryable, naming each bad field of a start from the Temporal UI', async () => {
    const noKey = await failure({});
    expect(noKey).toMatchObject({ type: 'InvalidTicketInput', nonRetryable: true });
    expect(noKey.message).toContain('input.key');

    const badKey = await failure({ key: { source: 'bad source!', dedupKey: '' } });
    expect(badKey.message).toContain(
      'input.key.source may only hold letters, digits, dot, dash and underscore',
    );
    expect(badKey.message).toContain('input.key.dedupKey is required');

    const badEvent = await failure({
      key: { source: 'ui', dedupKey: 'k' },
      event: { source: 'ui', dedupKey: 'k', status: 'burning', host: { name: 'h' }, summary: 's' },
    });
    expect(badEvent.message).toContain("input.event.status must be 'firing' or 'resolved'");

    const otherKey = await failure({
      key: { source: 'ui', dedupKey: 'k' },
      event: { source: 'ui', dedupKey: 'other', status: 'firing', host: { name: 'h' }, summary: 's' },
    });
    expect(otherKey.message).toContain("'ui/other' is another problem");
  });

  it('opens a ticket for a run started by hand with a first event', async () => {
    const source = uniqueId('ui');
    const handle = await env.client.workflow.start(ticketLifecycle, {
      workflowId: `ticket/${source}/k`,
      taskQueue: env.taskQueue,
      args: [
        {
          key: { source, dedupKey: 'k' },
          event: {
            source,
            dedupKey: 'k',
            status: 'firing',
            severity: 'major',
            host: { name: 'srv-alert' },
            summary: 'x',
          },
        },
      ],
    });
    const a = alerts(env, source);
    const state = await a.until('k', (s) => s.phase === 'open');
    expect(emulator.db.get('Ticket', state.ticketId!)).toBeDefined();
    const described = await handle.describe();
    expect(described.searchAttributes.GlpiBridgeAlertKey).toEqual([`${source}/k`]);
  });

  it('ignores a bad signalled event with a warning naming the field, and goes on with the incident', async () => {
    const a = alerts(env, uniqueId('sig'));
    await a.fire('k');
    await a.until('k', (s) => s.phase === 'open');
    const handle = a.handle('k');
    await handle.signal(alertSignal, { ...a.alert('k'), status: 'burning' } as never);
    await handle.signal(alertSignal, { ...a.alert('k'), host: {} } as never);
    await handle.signal(alertSignal, a.alert('another-key'));
    const state = await a.until('k', (s) => s.counts.ignored === 3);
    expect(state.warnings).toEqual([
      "ignored an invalid alert: alert.status must be 'firing' or 'resolved'",
      'ignored an invalid alert: alert.host.name is required',
      expect.stringMatching(
        /ignored an invalid alert: alert: source\/dedupKey '.*\/another-key' is another problem/,
      ),
    ]);
    expect(state.phase).toBe('open');
    await a.fire('k', { status: 'resolved' });
    await a.until('k', (s) => s.phase === 'recovered');
  });
});
