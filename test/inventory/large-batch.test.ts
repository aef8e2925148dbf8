import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GlpiEmulator } from '../../src/emulator/glpi-emulator';
import { syncReport } from '../../src/cli/sync-result';
import { syncInventory } from '../../src/workflows/sync-inventory';
import { testTemporal, testWorker, uniqueId } from '../support/temporal';

describe('a 2,000-item batch', () => {
  it('completes through continue-as-new, every item synced once; a failed host is findable by its search attributes', async () => {
    const env = await testTemporal();
    const emulator = new GlpiEmulator({ profile: '10.0' });
    await emulator.start();
    const { worker, close } = await testWorker(env, {
      url: emulator.url,
      appToken: emulator.appToken,
      userToken: emulator.userToken,
    });
    try {
      const items = Array.from({ length: 2000 }, (_v, i) => ({
        id: `b${i}`,
        label: `batch-${i}`,
        hardware: { type: 'Server', serialNumber: `B-${i}` },
        software: { operatingSystem: 'Debian 12' },
        importDate: '2026-11-27',
        serviceContract: { endOfServiceDate: '2027-11-27' },
        // One host selects a contract that does not exist: it fails, with its own workflow.
        ...(i === 1234 ? { contract: { glpiContractId: 999999 } } : {}),
      }));
      const path = join(mkdtempSync(join(tmpdir(), 'batch-')), 'inventory.json');
      writeFileSync(path, JSON.stringify({ source: 'big', items }));
      const workflowId = uniqueId('big');
      const report = await worker.runUntil(async () =>
        syncReport(
          await env.client.workflow.start(syncInventory, {
            taskQueue: env.taskQueue,
            workflowId,
            args: [{ location: path, concurrency: 4, itemsPerRun: 500 }],
          }),
        ),
      );
      expect(report.runs).toBe(4);
      expect(report.progress).toMatchObject({ total: 2000, done: 2000, created: 1999, failed: 1 });
      expect(new Set(report.items.map((i) => i.id)).size).toBe(2000);
      // Small enough per item that a 10,000-item report stays far below Temporal's 2 MB payload limit.
      expect(JSON.stringify(report).length / 2000).toBeLessThan(120);
      expect(emulator.rows('Computer')).toHaveLength(2000);
      expect(emulator.rows('Contract_Item')).toHaveLength(1999);
      const failed = report.items.find((i) => i.outcome === 'failed')!;
      expect(failed).toMatchObject({
        id: 'b1234',
        error: expect.stringContaining('contract 999999 selected for host'),
        workflowId: 'inventory-item/big/b1234',
        computerId: expect.any(Number),
      });

      // Each run of the chain stayed small.
      const runs = [];
      for await (const run of env.client.workflow.list({ query: `WorkflowId = "${workflowId}"` }))
        runs.push(run);
      expect(runs).toHaveLength(4);
      expect(Math.max(...runs.map((r) => r.historyLength))).toBeLessThan(200);

      // An operator finds a failed host's workflow by host name, host id or GLPI computer id.
      const computer = emulator.rows('Computer').find((c) => c.name === 'batch-1234')!;
      for (const query of [
        `GlpiBridgeHost = "batch-1234"`,
        `GlpiBridgeSourceId = "b1234"`,
        `GlpiBridgeComputerId = ${computer.id}`,
      ]) {
        const found = [];
        for await (const w of env.client.workflow.list({
          query: `${query} AND TaskQueue = "${env.taskQueue}"`,
        }))
          found.push(w.workflowId);
        expect({ query, found }).toEqual({ query, found: ['inventory-item/big/b1234'] });
      }
    } finally {
      await close();
      await emulator.stop();
      await env.close();
    }
  }, 600_000);
});
