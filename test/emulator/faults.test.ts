import { connect } from 'node:net';
import { FaultInjector, type FaultKind } from '../../src/emulator/faults';
import { GlpiEmulator } from '../../src/emulator/glpi-emulator';
import { GlpiClient } from '../../src/glpi/glpi-client';
import { openEmulatorSession } from './emulator-session';

/** The faults a run of `count` requests gets (every third one a write). */
function sequence(injector: FaultInjector, count = 500): (FaultKind | undefined)[] {
  return Array.from({ length: count }, (_v, i) => injector.pick(`GET Computer/${i}`, i % 3 === 0));
}

describe('the fault injector', () => {
  const rates = { errorRate: 0.1, timeoutRate: 0.05, throttleRate: 0.03, dropAfterCommitRate: 0.02 };

  it('gives the same faults for the same seed, and other faults for another seed', () => {
    const a = sequence(new FaultInjector({ ...rates, seed: 1234 }));
    const b = sequence(new FaultInjector({ ...rates, seed: 1234 }));
    const c = sequence(new FaultInjector({ ...rates, seed: 1235 }));
    expect(a).toEqual(b);
    expect(c).not.toEqual(a);
    for (const kind of ['error5xx', 'timeout', 'throttle', 'dropAfterCommit'])
      expect(a.filter((f) => f === kind).length).toBeGreaterThan(0);
  });

  it('starts the sequence again when configured with a seed', () => {
    const injector = new FaultInjector({ ...rates, seed: 99 });
    const first = sequence(injector, 50);
    injector.configure({ ...rates, seed: 99 });
    expect(sequence(injector, 50)).toEqual(first);
  });

  it('draws the same numbers as before when no request is throttled', () => {
    // throttleRate 0 leaves every other fault where it was: earlier seeds keep their runs.
    const without = sequence(new FaultInjector({ errorRate: 0.1, timeoutRate: 0.05, seed: 7 }));
    const zero = sequence(new FaultInjector({ errorRate: 0.1, timeoutRate: 0.05, throttleRate: 0, seed: 7 }));
    expect(zero).toEqual(without);
  });

  it('drops only writes after committing them', () => {
    const injector = new FaultInjector({ dropAfterCommitRate: 1 });
    expect(injector.pick('GET Computer', false)).toBeUndefined();
    expect(injector.pick('POST Computer', true)).toBe('dropAfterCommit');
  });
});

describe('a throttling GLPI (429 / 503 with Retry-After)', () => {
  it('refuses requests with 503 and 429 in turn, saying when to come back, and does nothing', async () => {
    const s = await openEmulatorSession('10.0');
    try {
      s.emulator.faults.configure({ throttleRate: 1, retryAfterSeconds: 7 });
      // Raw requests: the answer is the proxy's HTML, not JSON.
      const headers = { 'App-Token': s.emulator.appToken, 'Content-Type': 'application/json' };
      const first = await fetch(`${s.emulator.url}/Computer`, {
        method: 'POST',
        headers,
        body: JSON.stringify({ input: { name: 'throttled' } }),
      });
      const second = await fetch(`${s.emulator.url}/Computer`, { headers });
      expect([first.status, second.status]).toEqual([503, 429]);
      expect(first.headers.get('retry-after')).toBe('7');
      expect(second.headers.get('retry-after')).toBe('7');
      expect(s.emulator.faults.injected.throttle).toBe(2);
      s.emulator.faults.configure({});
      expect(s.emulator.rows('Computer').map((r) => r.name)).not.toContain('throttled');
    } finally {
      await s.stop();
    }
  });

  it('is waited for by the GLPI client, which retries a read after Retry-After', async () => {
    const emulator = new GlpiEmulator({ profile: '10.0', faults: { retryAfterSeconds: 1 } });
    await emulator.start();
    try {
      const retries: number[] = [];
      const client = new GlpiClient({
        url: emulator.url,
        appToken: emulator.appToken,
        userToken: emulator.userToken,
        retry: { initialDelayMs: 10 },
        onRetry: (e) => retries.push(e.delayMs),
      });
      await client.initSession();
      emulator.faults.script({ kind: 'throttle', match: /^GET Computer$/ });
      const started = Date.now();
      await client.getItems('Computer');
      expect(Date.now() - started).toBeGreaterThanOrEqual(990);
      expect(retries).toEqual([1000]);
      await client.killSession();
    } finally {
      await emulator.stop();
    }
  });
});

describe('a GLPI outage (connections refused)', () => {
  it('refuses connections until it accepts them again on the same URL, keeping data and sessions', async () => {
    const s = await openEmulatorSession('10.0');
    try {
      expect((await s.call('POST', 'Computer', { input: { name: 'before' } })).status).toBe(201);
      const down = await s.emulator.refuseConnections();
      expect(s.emulator.accepting).toBe(false);
      const { port } = new URL(s.emulator.url);
      const refused = await new Promise<string | undefined>((resolve) => {
        const socket = connect(Number(port), '127.0.0.1', () => {
          socket.destroy();
          resolve('connected');
        });
        socket.on('error', (err: NodeJS.ErrnoException) => resolve(err.code));
      });
      expect(refused).toBe('ECONNREFUSED');
      const up = await s.emulator.acceptConnections();
      expect(up).toBeGreaterThanOrEqual(down);
      expect(s.emulator.outages).toEqual([{ start: down, end: up }]);
      const after = await s.call('GET', 'Computer');
      expect(after.status).toBe(200);
      expect((after.body as { name: string }[]).map((r) => r.name)).toEqual(['before']);
    } finally {
      await s.stop();
    }
  });

  it('cuts the requests in progress when it goes away', async () => {
    const s = await openEmulatorSession('10.0');
    try {
      s.emulator.faults.configure({ latencyMs: 1_000 });
      const pending = s.call('GET', 'Computer').then(
        () => 'answered',
        () => 'cut',
      );
      await new Promise((r) => setTimeout(r, 200));
      await s.emulator.refuseConnections();
      expect(await pending).toBe('cut');
      await s.emulator.acceptConnections();
      s.emulator.faults.configure({});
      expect((await s.call('GET', 'Computer')).status).toBe(200);
    } finally {
      await s.stop();
    }
  });

  it('can go away and come back several times, and stops cleanly during an outage', async () => {
    const emulator = new GlpiEmulator();
    await emulator.start();
    for (let i = 0; i < 3; i++) {
      await emulator.refuseConnections();
      await emulator.acceptConnections();
    }
    expect(emulator.outages).toHaveLength(3);
    await emulator.refuseConnections();
    await expect(emulator.stop()).resolves.toBeUndefined();
  });
});

describe('expiring sessions', () => {
  it("ends each session at its own Nth request, so that one client's traffic never ends another's session", async () => {
    const emulator = new GlpiEmulator({ faults: { sessionExpiryEvery: 3 } });
    await emulator.start();
    try {
      const options = { url: emulator.url, appToken: emulator.appToken, userToken: emulator.userToken };
      const a = new GlpiClient(options);
      const b = new GlpiClient(options);
      await a.getMyEntities(); // a's session: request 1
      for (let i = 0; i < 5; i++) await b.getMyEntities(); // b's: 1, 2, 3 (ends; b logs in again), 1, 2, 3 (ends)
      expect(emulator.faults.injected.sessionExpiry).toBe(2);
      expect(emulator.counters.byRoute['GET initSession']).toBe(4);
      await a.getMyEntities(); // a's session: request 2, still alive
      expect(emulator.counters.byRoute['GET initSession']).toBe(4);
      await a.getMyEntities(); // request 3: ends, a logs in again
      expect(emulator.counters.byRoute['GET initSession']).toBe(5);
    } finally {
      await emulator.stop();
    }
  });
});
