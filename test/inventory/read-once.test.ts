import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { GlpiEmulator } from '../../src/emulator/glpi-emulator';
import { syncReport } from '../../src/cli/sync-result';
import { syncInventory } from '../../src/workflows/sync-inventory';
import { testTemporal, testWorker, uniqueId } from '../support/temporal';

const host = (i: number, label = `web-${i}`) => ({
  id: `h${i}`,
  label,
  hardware: { type: 'Server', serialNumber: `RO-${i}` },
  software: { operatingSystem: 'Debian 12' },
  importDate: '2026-11-27',
  serviceContract: { endOfServiceDate: '2027-11-27' },
});

/**
 * A sync reads its inventory once per run, at its start, and every chunk works on that snapshot: with the
 * inventory behind a URL, one download for a run of several chunks and a continue-as-new, not one per chunk.
 */
describe('the inventory of a sync run', () => {
  let env: Awaited<ReturnType<typeof testTemporal>>;
  const emulator = new GlpiEmulator({ profile: '10.0' });
  let server: Server;
  let url: string;
  let body = '';
  const downloads: string[] = [];

  beforeAll(async () => {
    env = await testTemporal();
    await emulator.start();
    server = createServer((req, res) => {
      downloads.push(`${req.method} ${req.url}`);
      res.setHeader('Content-Type', 'application/json');
      res.end(body);
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/export/inventory.json`;
  });
  afterAll(async () => {
    await new Promise<void>((r) => server.close(() => r()));
    await emulator.stop();
    await env.close();
  });

  it('is downloaded once per run, not once per chunk, also across a continue-as-new', async () => {
    const { worker, close } = await testWorker(env, {
      url: emulator.url,
      appToken: emulator.appToken,
      userToken: emulator.userToken,
    });
    const sync = async () =>
      syncReport(
        await env.client.workflow.start(syncInventory, {
          taskQueue: env.taskQueue,
          workflowId: uniqueId('read-once'),
          // 250 hosts: 3 chunks of 100, 2 at once, in 2 runs (200 hosts, then a continue-as-new).
          args: [{ location: url, concurrency: 2, itemsPerRun: 200 }],
        }),
      );
    try {
      await worker.runUntil(async () => {
        const items = Array.from({ length: 250 }, (_v, i) => host(i));
        body = JSON.stringify({ source: 'read-once', items });
        const first = await sync();
        expect(first.runs).toBe(2);
        expect(first.progress).toMatchObject({ total: 250, done: 250, created: 250, failed: 0 });
        expect(first.missing).toEqual([]);
        expect(emulator.rows('Computer')).toHaveLength(250);
        expect(downloads).toEqual(['GET /export/inventory.json']);

        // The next run reads it again, once: a changed export is synced, not an earlier run's copy.
        body = JSON.stringify({
          source: 'read-once',
          items: items.map((item, i) => (i === 142 ? host(i, 'web-142-renamed') : item)),
        });
        const second = await sync();
        expect(second.progress).toMatchObject({ total: 250, updated: 1, unchanged: 249, failed: 0 });
        expect(second.items.find((i) => i.outcome === 'updated')).toMatchObject({
          id: 'h142',
          changes: ['computer.name'],
        });
        expect(downloads).toHaveLength(2);
      });
    } finally {
      await close();
    }
  }, 300_000);
});
