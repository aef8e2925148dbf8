import { GlpiEmulator } from '../../src/emulator/glpi-emulator';
import { testSettings, testTemporal, testWorker, uniqueId } from '../support/temporal';
import { alerts, glpiRows, ownQueue, testPolicy, type Env } from './support';

describe.each([['9.1'], ['10.0']] as const)('ticket writes under GLPI faults (%s)', (profile) => {
  let base: Env;
  beforeAll(async () => {
    base = await testTemporal();
  });
  afterAll(() => base.close());

  it('writes each ticket, follow-up and solution exactly once while GLPI fails, times out, drops answers after committing and expires sessions', async () => {
    const env = ownQueue(base);
    const emulator = new GlpiEmulator({
      profile,
      faults: {
        errorRate: 0.1,
        timeoutRate: 0.03,
        timeoutHoldMs: 1_500,
        dropAfterCommitRate: 0.08,
        sessionExpiryEvery: 40,
        seed: 7,
      },
    });
    await emulator.start();
    const { worker, close } = await testWorker(
      env,
      { url: emulator.url, appToken: emulator.appToken, userToken: emulator.userToken, timeoutMs: 1_000 },
      undefined,
      testSettings({ tickets: testPolicy({ reopenWindowSeconds: 3600 }) }),
    );
    const running = worker.run();
    try {
      const KEYS = 20;

      for (let k = 0; k < KEYS; k++) emulator.db.insert('Computer', { name: `host-${k}`, entities_id: 0 });
      const a = alerts(env, uniqueId('faults'));
      const host = (k: number) => ({ host: { name: `host-${k}` } });
      await a.send(Array.from({ length: KEYS }, (_v, k) => a.alert(`k${k}`, host(k))));
      await Promise.all(
        Array.from({ length: KEYS }, (_v, k) => a.until(`k${k}`, (s) => s.phase === 'open', 50_000)),
      );
      await a.send(
        Array.from({ length: KEYS }, (_v, k) => a.alert(`k${k}`, { ...host(k), summary: 'worse' })),
      );
      await Promise.all(
        Array.from({ length: KEYS }, (_v, k) => a.until(`k${k}`, (s) => s.counts.followups === 1, 120_000)),
      );
      await a.send(
        Array.from({ length: KEYS }, (_v, k) => a.alert(`k${k}`, { ...host(k), status: 'resolved' })),
      );
      const states = await Promise.all(
        Array.from({ length: KEYS }, (_v, k) => a.until(`k${k}`, (s) => s.phase === 'recovered', 120_000)),
      );
      const glpi = glpiRows(emulator);
      expect(glpi.tickets()).toHaveLength(KEYS);
      for (const state of states) {
        expect(glpi.followups(state.ticketId!)).toHaveLength(1);
        expect(glpi.solutions(state.ticketId!)).toHaveLength(1);
        expect(Number(glpi.ticket(state.ticketId!).status)).toBeGreaterThanOrEqual(5);
      }
      const injected = emulator.faults.injected;
      process.stderr.write(`ticket faults on ${profile}: ${JSON.stringify(injected)}\n`);
      expect(injected.dropAfterCommit).toBeGreaterThan(0);
      expect(injected.error5xx).toBeGreaterThan(0);
    } finally {
      worker.shutdown();
      await running;
      await close();
      await emulator.stop();
    }
  });
});
