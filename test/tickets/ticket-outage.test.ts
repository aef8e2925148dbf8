import { GlpiEmulator } from '../../src/emulator/glpi-emulator';
import { SEARCH_ATTRIBUTES } from '../../src/temporal/search-attributes';
import { testTemporal, uniqueId } from '../support/temporal';
import { alerts, eventually, glpiRows, ownQueue, sleep, startTicketWorker, type Env } from './support';

describe.each([['9.1'], ['10.0']] as const)('an alert while GLPI %s is down', (profile) => {
  let base: Env;
  beforeAll(async () => {
    base = await testTemporal();
  });
  afterAll(() => base.close());

  it('stays pending with the last GLPI error and the attempt count in its state and search attributes, and opens its ticket within seconds of GLPI answering again', async () => {
    const env = ownQueue(base);
    const emulator = new GlpiEmulator({ profile });
    emulator.db.insert('Computer', { name: 'srv-alert', entities_id: 0 });
    // The ticket steps' interval is capped at 1 s here (15 s by default): GLPI is tried again soon.
    const { stop } = await startTicketWorker(env, emulator, { retryMaxIntervalSeconds: 1 });
    const port = Number(new URL(emulator.url).port);
    try {
      await emulator.stop(); // connections refused from now on
      const outageStarted = Date.now();
      const a = alerts(env, uniqueId('outage'));
      await a.fire('k');
      const pending = await a.until('k', (s) => (s.retrying?.attempts ?? 0) >= 3, 30_000);
      expect(pending.phase).toBe('pending');
      expect(pending.ticketId).toBeUndefined();
      expect(pending.retrying).toMatchObject({
        step: 'open the ticket',
        lastError: expect.stringContaining('GLPI'),
      });
      const described = await eventually(
        () => a.handle('k').describe(),
        (d) => (d.typedSearchAttributes.get(SEARCH_ATTRIBUTES.lastError) ?? '').includes('attempt'),
      );
      expect(described.typedSearchAttributes.get(SEARCH_ATTRIBUTES.phase)).toBe('pending');
      expect(described.typedSearchAttributes.get(SEARCH_ATTRIBUTES.lastError)).toMatch(
        /^open the ticket, attempt \d+: GLPI /,
      );

      // A long outage: with the old 300 s cap the next try would now be 15 s or more away.
      await sleep(Math.max(0, 20_000 - (Date.now() - outageStarted)));
      await emulator.start(port);
      const back = Date.now();
      const opened = await a.until('k', (s) => s.phase === 'open', 30_000);
      const openedAfterMs = Date.now() - back;
      process.stderr.write(
        `GLPI ${profile} back after a 20 s outage: ticket opened ${openedAfterMs} ms later\n`,
      );
      expect(openedAfterMs).toBeLessThan(5_000);
      expect(opened.retrying).toBeUndefined();
      expect(glpiRows(emulator).tickets()).toHaveLength(1);
      const after = await eventually(
        () => a.handle('k').describe(),
        (d) => d.typedSearchAttributes.get(SEARCH_ATTRIBUTES.lastError) === undefined,
      );
      expect(after.typedSearchAttributes.get(SEARCH_ATTRIBUTES.ticketId)).toBe(opened.ticketId);
    } finally {
      await stop();
    }
  });
});

describe('the wait between tries of a ticket step', () => {
  let base: Env;
  beforeAll(async () => {
    base = await testTemporal();
  });
  afterAll(() => base.close());

  it('grows while GLPI stays away, and starts over from 1 s once GLPI answers again, even with an error', async () => {
    const env = ownQueue(base);
    const emulator = new GlpiEmulator({ profile: '10.0' });
    const { stop } = await startTicketWorker(env, emulator, { retryMaxIntervalSeconds: 4 });
    const port = Number(new URL(emulator.url).port);
    try {
      await emulator.stop();
      const a = alerts(env, uniqueId('streak'));
      await a.fire('k');
      const away = await a.until('k', (s) => (s.retrying?.attempts ?? 0) >= 4, 30_000);
      // 1, 2, 4, then the cap: the waits of an outage.
      expect(away.retrying).toMatchObject({ unreachable: true, streak: away.retrying!.attempts });

      // GLPI is back but fails the creation once (a 5xx after the client's own tries).
      emulator.faults.script({ kind: 'error5xx', match: /^POST Ticket$/ });
      await emulator.start(port);
      const answered = await a.until(
        'k',
        (s) => s.retrying?.unreachable === false || s.phase === 'open',
        30_000,
      );
      // The first wait of a new streak: 1 s, not the outage's 4 s.
      expect(answered.retrying).toMatchObject({ unreachable: false, streak: 1 });
      expect(answered.retrying!.attempts).toBeGreaterThan(4);
      await a.until('k', (s) => s.phase === 'open', 30_000);
      expect(glpiRows(emulator).tickets()).toHaveLength(1);
    } finally {
      await stop();
    }
  });
});
