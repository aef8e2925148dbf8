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
