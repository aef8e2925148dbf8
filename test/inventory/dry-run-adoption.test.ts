import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { syncReport } from '../../src/cli/sync-result';
import { GlpiEmulator } from '../../src/emulator/glpi-emulator';
import type { Row } from '../../src/emulator/itemtypes';
import { PROFILE_NAMES, type ProfileName } from '../../src/emulator/profiles';
import type { ItemReport } from '../../src/inventory/item-report';
import { syncInventory, type SyncInventoryInput } from '../../src/workflows/sync-inventory';
import { startWorkerOn, testTemporal, uniqueId } from '../support/temporal';

const dir = mkdtempSync(join(tmpdir(), 'dry-run-adoption-'));
let files = 0;

function inventory(items: unknown[]): string {
  const path = join(dir, `inventory-${++files}.json`);
  writeFileSync(path, JSON.stringify({ source: 'mon', items }));
  return path;
}

const host = (id: string, label: string, serialNumber: string) => ({
  id,
  label,
  hardware: { type: 'Server', serialNumber },
  importDate: '2026-11-27',
  serviceContract: { endOfServiceDate: '2027-11-27' },
});

/** What a report says of each host: its outcome, its computer, and whether it was adopted and how. */
const outcomes = (items: ItemReport[]) =>
  Object.fromEntries(
    [...items]
      .sort((a, b) => a.id.localeCompare(b.id))
      .map((i) => [
        i.id,
        {
          outcome: i.outcome,
          computerId: i.computerId ?? null,
          adopted: (i.warnings ?? []).find((w) => w.startsWith('adopted')) ?? null,
        },
      ]),
  );

/**
 * A dry run plans by the same rules as the sync (docs/inventory.md, "One machine, one computer"): what it
 * says it would adopt, create or leave is what the sync then does, and it writes nothing. The missing-hosts
 * report follows them too: a host whose computer another host may not take is missing, not adopted.
 */
describe.each(PROFILE_NAMES.map((p) => [p]))(
  'a dry run and the adoption rules on GLPI %s',
  (profile: ProfileName) => {
    let env: Awaited<ReturnType<typeof testTemporal>>;
    let emulator: GlpiEmulator;
    let stop: () => Promise<void>;
    let supervision: Row;
    const ids: Record<string, number> = {};

    const run = async (input: SyncInventoryInput) =>
      syncReport(
        await env.client.workflow.start(syncInventory, {
          taskQueue: env.taskQueue,
          workflowId: uniqueId(`dry-adopt-${profile}`),
          args: [input],
        }),
      );

    // Synced before: m1, m2, m3. Then the next export (`NEXT`) lacks m1 and m3, and brings hosts that
    // meet computers people made or other sources marked.
    const BEFORE = [
      host('m1', 'old-01', 'SN-M1'),
      host('m2', 'keep-02', 'SN-M2'),
      host('m3', 'gone-03', 'SN-M3'),
    ];
    const NEXT = [
      host('m2', 'keep-02', 'SN-M2'),
      // Same serial as a computer another source marked: the same machine, adopted.
      host('a1', 'adopt-by-serial', 'SN-OTHER'),
      // Same name as an unmarked computer without a serial: adopted.
      host('n1', 'adopt-by-name', 'SN-N1'),
      // Same name as a computer that carries a marker: never adopted by name.
      host('w2', 'web', 'SN-W2'),
      // Same serial as m1's computer, which belongs to m1 of this source: a placeholder serial, two machines.
      host('x9', 'placeholder-09', 'SN-M1'),
    ];

    beforeAll(async () => {
      env = await testTemporal();
      emulator = new GlpiEmulator({ profile });
      supervision = emulator.db.insert('Entity', {
        name: 'Supervision',
        entities_id: 0,
        completename: 'Root entity > Supervision',
        level: 2,
      });
      ({ stop } = await startWorkerOn(env, emulator));
      const before = await run({ location: inventory(BEFORE) });
      expect(before.progress).toMatchObject({ created: 3, failed: 0 });
      for (const c of emulator.rows('Computer')) ids[String(c.name)] = c.id;
      const computer = (fields: Record<string, unknown>) =>
        emulator.db.insert('Computer', { entities_id: supervision.id, ...fields }).id;
      ids.otherSource = computer({
        name: 'srv-known-elsewhere',
        serial: 'SN-OTHER',
        comment: '[glpi-bridge:inventaire-paris:p7]',
      });
      ids.unmarked = computer({ name: 'adopt-by-name', serial: '', comment: 'made by hand' });
      ids.markedWeb = computer({
        name: 'web',
        serial: 'SN-W1',
        comment: '[glpi-bridge:inventaire-paris:w1]',
      });
    });
    afterAll(async () => {
      await stop();
      await env.close();
    });

    it('plans what the sync then does, adopting by serial and by name only where the rules allow, and writes nothing', async () => {
      const computers = emulator.rows('Computer').length;
      emulator.resetCounters();
      const plan = await run({ location: inventory(NEXT), dryRun: true });
      expect(emulator.counters.writes).toBe(0);
      expect(emulator.rows('Computer')).toHaveLength(computers);
      expect(plan.dryRun).toBe(true);
      const planned = outcomes(plan.items);
      expect(planned).toEqual({
        a1: {
          outcome: 'updated',
          computerId: ids.otherSource,
          adopted: `adopted computer ${ids.otherSource} (same serial number)`,
        },
        m2: { outcome: 'unchanged', computerId: ids['keep-02'], adopted: null },
        n1: {
          outcome: 'updated',
          computerId: ids.unmarked,
          adopted: `adopted computer ${ids.unmarked} (same name, no serial number conflict)`,
        },
        w2: { outcome: 'created', computerId: null, adopted: null },
        x9: { outcome: 'created', computerId: null, adopted: null },
      });

      const done = await run({ location: inventory(NEXT) });
      const synced = outcomes(done.items);
      // The same decisions; the created hosts now have their computers.
      expect(synced).toEqual({
        ...planned,
        w2: { outcome: 'created', computerId: expect.any(Number), adopted: null },
        x9: { outcome: 'created', computerId: expect.any(Number), adopted: null },
      });
      expect(synced.w2!.computerId).not.toBe(ids.markedWeb);
      expect(synced.x9!.computerId).not.toBe(ids['old-01']);
      expect(String(emulator.db.get('Computer', ids.otherSource!)!.comment)).toBe(
        '[glpi-bridge:inventaire-paris:p7]\n[glpi-bridge:mon:a1]',
      );

      // Missing: the hosts this source synced that the export lacks, m1 included although x9 has its serial;
      // never the computers adopted or only marked by another source.
      expect([...done.missing].sort((a, b) => a.id.localeCompare(b.id))).toEqual([
        { id: 'm1', computerId: ids['old-01'], name: 'old-01' },
        { id: 'm3', computerId: ids['gone-03'], name: 'gone-03' },
      ]);
      expect(emulator.rows('Computer').map((c) => c.id)).toEqual(
        expect.arrayContaining([ids['old-01'], ids['gone-03']]),
      );
    });

    it('a dry run lists the hosts the export lacks, as the sync does', async () => {
      const plan = await run({ location: inventory(NEXT), dryRun: true });
      expect(plan.missing.map((m) => m.id).sort()).toEqual(['m1', 'm3']);
    });
  },
);
