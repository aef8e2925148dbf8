import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { syncReport } from '../../src/cli/sync-result';
import { GlpiEmulator } from '../../src/emulator/glpi-emulator';
import { PROFILE_NAMES, type ProfileName } from '../../src/emulator/profiles';
import { glpiText } from '../../src/glpi/text';
import { syncInventory } from '../../src/workflows/sync-inventory';
import { startWorkerOn, testTemporal, uniqueId } from '../support/temporal';

/** Names as people write them; each breaks a naive search on some GLPI version. */
const NAMES = ["l'atelier-01", 'say "hi"', 'R&D-server', 'a<b>c', 'Société Générale – Paris', '100%_load\\x'];

describe.each(PROFILE_NAMES.map((p) => [p]))(
  'host names with quotes, &, <, > and accents on GLPI %s',
  (profile: ProfileName) => {
    let env: Awaited<ReturnType<typeof testTemporal>>;
    let emulator: GlpiEmulator;
    let stop: () => Promise<void>;

    beforeAll(async () => {
      env = await testTemporal();
      emulator = new GlpiEmulator({ profile });
      ({ stop } = await startWorkerOn(env, emulator));
    });
    afterAll(async () => {
      await stop();
      await env.close();
    });

    it('round-trip: created once with the exact text, found again, nothing duplicated', async () => {
      const path = join(mkdtempSync(join(tmpdir(), 'chars-')), 'inventory.json');
      const items = NAMES.map((label, i) => ({
        id: `id-${label}`,
        label,
        hardware: { type: `Type ${label}`, manufacturer: `Maker ${label}`, serialNumber: `SN ${label}` },
        software: { operatingSystem: `OS ${label}`, license: `L ${label}` },
        importDate: '2026-11-27',
        entity: i % 2 ? `Client ${label}` : undefined,
      }));
      writeFileSync(path, JSON.stringify({ source: 'chars', items }));
      const run = async () =>
        syncReport(
          await env.client.workflow.start(syncInventory, {
            taskQueue: env.taskQueue,
            workflowId: uniqueId('chars'),
            args: [{ location: path }],
          }),
        );
      const first = await run();
      expect(first.progress).toMatchObject({ created: NAMES.length, failed: 0 });
      const names = emulator.rows('Computer').map((c) => glpiText(c.name));
      expect(names.sort()).toEqual([...NAMES].sort());
      // A fresh worker (no cached dropdown ids) finds every value again through GLPI's searches.
      await stop();
      ({ stop } = await startWorkerOn(env, emulator));
      const again = await run();
      expect(again.progress).toMatchObject({ unchanged: NAMES.length, created: 0, updated: 0, failed: 0 });
      expect(emulator.rows('Computer')).toHaveLength(NAMES.length);
      expect(emulator.rows('ComputerType')).toHaveLength(NAMES.length);
      expect(emulator.rows('OperatingSystem')).toHaveLength(NAMES.length);
      expect(emulator.rows('Entity').filter((e) => glpiText(e.name).startsWith('Client '))).toHaveLength(3);
      expect(emulator.rows('Contract')).toHaveLength(NAMES.length);
    });
  },
);
