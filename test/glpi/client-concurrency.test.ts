import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { GlpiEmulator } from '../../src/emulator/glpi-emulator';
import { GlpiClient } from '../../src/glpi/glpi-client';

/**
 * A burst of calls on one client, as a chunk of an inventory makes: GLPI sees a bounded number at once, a
 * call waiting for its turn is not reported as a GLPI that timed out, and a session that ends while the
 * calls share it is renewed as often as needed, within a limit.
 */
describe('a burst of calls on one GLPI client', () => {
  it('keeps at most maxSockets requests in flight and starts each timeout when the request is sent', async () => {
    const emulator = new GlpiEmulator({ profile: '10.0', faults: { latencyMs: 100 } });
    await emulator.start();
    try {
      const client = new GlpiClient({
        url: emulator.url,
        appToken: emulator.appToken,
        userToken: emulator.userToken,
        maxSockets: 4,
        // 40 reads of 100 ms, 4 at a time, take 1 s or more: far longer than one request's timeout.
        timeoutMs: 500,
        retry: { attempts: 1 },
      });
      const id = await client.add('Computer', { name: 'burst', entities_id: 0 });
      const before = emulator.counters.total;
      const started = Date.now();
      const rows = await Promise.all(Array.from({ length: 40 }, () => client.getItem('Computer', id)));
      expect(rows.every((r) => r.id === id)).toBe(true);
      // Unbounded, the 40 would all be in flight at once and take about 100 ms.
      expect(Date.now() - started).toBeGreaterThanOrEqual(1_000);
      // Each read sent once: none timed out in the queue and none was retried.
      expect(emulator.counters.total - before).toBe(40);
    } finally {
      await emulator.stop();
    }
  });

  /** A GLPI that ends the session of each of the first `endings` reads, then answers. */
  async function endingSessions(endings: number) {
    let logins = 0;
    let reads = 0;
    const server = createServer((req, res) => {
      res.setHeader('Content-Type', 'application/json');
      if (req.url!.startsWith('/initSession')) {
        logins += 1;
        res.end(JSON.stringify({ session_token: `s${logins}` }));
      } else if ((reads += 1) <= endings) {
        res.statusCode = 401;
        res.end(JSON.stringify(['ERROR_SESSION_TOKEN_INVALID', 'session_token seems invalid']));
      } else res.end(JSON.stringify({ id: 1, name: 'pc' }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const client = new GlpiClient({
      url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
      userToken: 'user',
    });
    return { client, server, logins: () => logins };
  }

  it('opens a new session each time GLPI ends one, up to 3 times for one call', async () => {
    const renewed = await endingSessions(3);
    try {
      await expect(renewed.client.getItem('Computer', 1)).resolves.toMatchObject({ id: 1 });
      expect(renewed.logins()).toBe(4);
    } finally {
      renewed.server.close();
    }
    const never = await endingSessions(100);
    try {
      await expect(never.client.getItem('Computer', 1)).rejects.toMatchObject({
        name: 'GlpiSessionError',
        retryable: true,
      });
      expect(never.logins()).toBe(4);
    } finally {
      never.server.close();
    }
  });
});
