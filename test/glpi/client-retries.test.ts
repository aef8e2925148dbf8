import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { MetricMeter } from '@temporalio/common';
import { createActivities } from '../../src/activities';
import { DEFAULT_WORKER_SETTINGS } from '../../src/config/worker-settings';
import { GlpiEmulator } from '../../src/emulator/glpi-emulator';
import { GlpiNetworkError, GlpiServerError } from '../../src/glpi/errors';
import { GlpiClient, type GlpiClientOptions } from '../../src/glpi/glpi-client';

/** A server that answers each request with the next scripted reply. */
async function scripted(
  replies: { status: number; headers?: Record<string, string>; body: string }[],
): Promise<{ url: string; server: Server; seen: number[] }> {
  const seen: number[] = [];
  const server = createServer((req, res) => {
    seen.push(Date.now());
    const reply = replies.shift() ?? { status: 500, body: '' };
    res.writeHead(reply.status, { 'Content-Type': 'application/json', ...reply.headers }).end(reply.body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/apirest.php`, server, seen };
}

describe('retries of idempotent GLPI requests inside the client', () => {
  const emulator = new GlpiEmulator({ profile: '10.0' });
  const options = (extra: Partial<GlpiClientOptions> = {}): GlpiClientOptions => ({
    url: emulator.url,
    appToken: emulator.appToken,
    userToken: emulator.userToken,
    retry: { initialDelayMs: 20 },
    ...extra,
  });
  beforeAll(() => emulator.start());
  afterAll(() => emulator.stop());

  it('retries a read that failed with a 5xx, and reports each retry', async () => {
    const retries: string[] = [];
    const client = new GlpiClient(options({ onRetry: (e) => retries.push(`${e.request} ${e.reason}`) }));
    await client.initSession();
    emulator.faults.script({ kind: 'error5xx', match: /^GET Computer$/, times: 2 });
    emulator.resetCounters();
    const page = await client.getItems('Computer');
    expect(page.rows).toEqual([]);
    expect(emulator.counters.byRoute['GET Computer']).toBe(3);
    expect(retries).toEqual(['GET /Computer HTTP_500', 'GET /Computer HTTP_500']);
    await client.killSession();
  });

  it('retries a login and a change of active entities that timed out', async () => {
    const client = new GlpiClient(options({ timeoutMs: 300 }));
    emulator.faults.configure({ timeoutHoldMs: 1_000 });
    emulator.faults.script({ kind: 'timeout', match: /^GET initSession$/ });
    emulator.faults.script({ kind: 'timeout', match: /^POST changeActiveEntities$/ });
    await client.changeActiveEntities(0, true);
    expect(client.activeEntityId).toBe(0);
    await client.killSession();
  });

  it('never retries a write: the activity that made it looks before it writes again', async () => {
    const client = new GlpiClient(options());
    await client.initSession();
    emulator.faults.script({ kind: 'error5xx', match: /^POST Computer$/ });
    emulator.resetCounters();
    await expect(client.add('Computer', { name: 'once', entities_id: 0 })).rejects.toBeInstanceOf(
      GlpiServerError,
    );
    expect(emulator.counters.byRoute['POST Computer']).toBe(1);
    await client.killSession();
  });

  it("honours GLPI's Retry-After, and gives up at once when it asks for longer than the budget", async () => {
    const busy = { status: 503, headers: { 'Retry-After': '1' }, body: '' };
    const ok = { status: 200, body: '{"session_token":"t"}' };
    const first = await scripted([busy, ok]);
    const started = Date.now();
    await new GlpiClient({ url: first.url, userToken: 'x' }).initSession();
    expect(first.seen).toHaveLength(2);
    expect(first.seen[1]! - first.seen[0]!).toBeGreaterThanOrEqual(950);
    expect(Date.now() - started).toBeLessThan(5_000);
    first.server.close();

    const longer = await scripted([{ status: 503, headers: { 'Retry-After': '120' }, body: '' }, ok]);
    await expect(new GlpiClient({ url: longer.url, userToken: 'x' }).initSession()).rejects.toMatchObject({
      name: 'GlpiServerError',
      retryAfterMs: 120_000,
    });
    expect(longer.seen).toHaveLength(1);
    longer.server.close();
  });

  it('gives up on a refused connection within its budget of seconds, naming the cause', async () => {
    const started = Date.now();
    const failure = await new GlpiClient({ url: 'http://127.0.0.1:1/apirest.php', userToken: 'x' })
      .initSession()
      .catch((err: unknown) => err);
    expect(failure).toBeInstanceOf(GlpiNetworkError);
    expect((failure as Error).message).toMatch(/ECONNREFUSED 127\.0\.0\.1:1/);
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it("counts the retries in the worker's metrics", async () => {
    const added: { value: number; tags: unknown }[] = [];
    const counter = { add: (value: number, tags: unknown) => added.push({ value, tags }) };
    const meter = { createCounter: () => counter } as unknown as MetricMeter;
    const { activities, close } = createActivities({
      glpi: options(),
      settings: DEFAULT_WORKER_SETTINGS,
      metrics: meter,
    });
    emulator.faults.script({ kind: 'error5xx', match: /^GET initSession$/ });
    await activities.openGlpiSession();
    expect(added).toEqual([{ value: 1, tags: { request: 'GET /initSession', reason: 'HTTP_500' } }]);
    await close();
  });
});
