import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WorkflowFailedError } from '@temporalio/client';
import { syncReport } from '../../src/cli/sync-result';
import { failureMessage } from '../../src/workflows/failure-message';
import { GlpiEmulator } from '../../src/emulator/glpi-emulator';
import type { Row } from '../../src/emulator/itemtypes';
import { PROFILE_NAMES, type ProfileName } from '../../src/emulator/profiles';
import { syncInventory, type SyncInventoryInput } from '../../src/workflows/sync-inventory';
import { syncInventoryItem } from '../../src/workflows/sync-inventory-item';
import { startWorkerOn, testSettings, testTemporal, uniqueId } from '../support/temporal';

const dir = mkdtempSync(join(tmpdir(), 'routing-'));
const ALL = (emulator: GlpiEmulator) => ({ userId: 2, activeEntities: new Set(emulator.db.subtree(0)) });

function writeJson(name: string, items: unknown[], source = 'mon'): string {
  const path = join(dir, `${name}.json`);
  writeFileSync(path, JSON.stringify({ source, items }));
  return path;
}

const host = (id: string, label: string, extra: Record<string, unknown> = {}) => ({
  id,
  label,
  importDate: '2026-11-27',
  serviceContract: { endOfServiceDate: '2027-11-27' },
  ...extra,
});

describe.each(PROFILE_NAMES.map((p) => [p]))(
  'entities and host identity on GLPI %s',
  (profile: ProfileName) => {
    let env: Awaited<ReturnType<typeof testTemporal>>;
    let emulator: GlpiEmulator;
    let stop: () => Promise<void>;

    const start = (input: SyncInventoryInput) =>
      env.client.workflow.start(syncInventory, {
        taskQueue: env.taskQueue,
        workflowId: uniqueId(`routing-${profile}`),
        args: [input],
      });
    const run = async (input: SyncInventoryInput) => syncReport(await start(input));
    const entity = (completename: string) =>
      emulator.rows('Entity').find((e) => e.completename === completename);
    const computer = (name: string) => emulator.rows('Computer').find((c) => c.name === name);

    beforeAll(async () => {
      env = await testTemporal();
    });
    afterAll(async () => env.close());

    describe('with GLPI_ENTITY set to "Monitoring Paris" on the worker', () => {
      beforeEach(async () => {
        emulator = new GlpiEmulator({ profile });
        ({ stop } = await startWorkerOn(env, emulator, testSettings({ glpiEntity: 'Monitoring Paris' })));
      });
      afterEach(() => stop());

      it('puts computers and contracts in Root entity > Monitoring Paris, whoever starts the sync', async () => {
        await run({ location: writeJson('paris', [host('p1', 'paris-01')]) });
        const paris = entity('Root entity > Monitoring Paris')!;
        expect(paris).toBeDefined();
        expect(emulator.rows('Entity').some((e) => e.name === 'Supervision')).toBe(false);
        expect(computer('paris-01')!.entities_id).toBe(paris.id);
        expect(emulator.rows('Contract')[0]!.entities_id).toBe(paris.id);
      });

      it('routes each host to its entity path below the sub-entity, created once, level by level', async () => {
        const items = [
          host('a1', 'a-paris-01', { entity: 'Client A > Paris' }),
          host('a2', 'a-lyon-01', { entity: ' Client A>Lyon ' }),
          host('b1', 'b-01', { entity: 'Client B' }),
          host('s1', 'shared-01'),
        ];
        const plan = await run({ location: writeJson('routed', items), dryRun: true });
        expect(emulator.counters.writes).toBe(0);
        expect(plan.entitiesCreated).toEqual([
          'Root entity > Monitoring Paris',
          'Root entity > Monitoring Paris > Client A',
          'Root entity > Monitoring Paris > Client B',
          'Root entity > Monitoring Paris > Client A > Lyon',
          'Root entity > Monitoring Paris > Client A > Paris',
        ]);

        const report = await run({ location: writeJson('routed', items) });
        expect(report.entitiesCreated).toHaveLength(5);
        expect(report.progress).toMatchObject({ created: 4, failed: 0 });
        const at = (path: string) => entity(`Root entity > Monitoring Paris${path}`)!.id;
        expect(computer('a-paris-01')!.entities_id).toBe(at(' > Client A > Paris'));
        expect(computer('a-lyon-01')!.entities_id).toBe(at(' > Client A > Lyon'));
        expect(computer('b-01')!.entities_id).toBe(at(' > Client B'));
        expect(computer('shared-01')!.entities_id).toBe(at(''));
        const contractOf = (name: string) => emulator.rows('Contract').find((c) => c.name === name)!;
        expect(contractOf('a-lyon-01').entities_id).toBe(at(' > Client A > Lyon'));

        // Again: nothing to write, no entity made twice.
        emulator.resetCounters();
        const again = await run({ location: writeJson('routed', items) });
        expect(again.progress).toMatchObject({ unchanged: 4 });
        expect(again.entitiesCreated).toEqual([]);
        expect(emulator.counters.writes).toBe(0);
        expect(emulator.rows('Entity').filter((e) => e.name === 'Client A')).toHaveLength(1);

        // A host moved to another site takes its computer and its contract along.
        const moved = items.map((i) => (i.id === 'a1' ? { ...i, entity: 'Client B' } : i));
        const after = await run({ location: writeJson('routed', moved) });
        expect(after.items.find((i) => i.id === 'a1')).toMatchObject({
          outcome: 'updated',
          changes: expect.arrayContaining(['computer.entities_id', 'contract.entities_id']),
        });
        expect(computer('a-paris-01')!.entities_id).toBe(at(' > Client B'));
        expect(contractOf('a-paris-01').entities_id).toBe(at(' > Client B'));
      });
    });

    describe('with the default sub-entity', () => {
      let supervision: Row;
      beforeEach(async () => {
        emulator = new GlpiEmulator({ profile });
        supervision = emulator.db.insert('Entity', {
          name: 'Supervision',
          entities_id: 0,
          completename: 'Root entity > Supervision',
          level: 2,
        });
        ({ stop } = await startWorkerOn(env, emulator));
      });
      afterEach(() => stop());

      it('adopts the computer with the same serial whatever source marked it, and says so', async () => {
        const twin = emulator.db.insert('Computer', {
          name: 'srv-x',
          serial: 'SER-X',
          entities_id: supervision.id,
          comment: '[glpi-bridge:inventaire-paris:srv-x]',
        });
        const report = await run({
          location: writeJson(
            'csvsource',
            [host('srv-x', 'srv-x', { hardware: { serialNumber: 'SER-X' } })],
            'csv',
          ),
        });
        expect(emulator.rows('Computer')).toHaveLength(1);
        expect(report.items[0]).toMatchObject({
          outcome: 'updated',
          computerId: twin.id,
          warnings: [expect.stringContaining('same serial number')],
        });
        expect(String(emulator.db.get('Computer', twin.id)!.comment)).toBe(
          '[glpi-bridge:inventaire-paris:srv-x]\n[glpi-bridge:csv:srv-x]',
        );
      });

      it("never adopts by name a computer that carries another host's marker", async () => {
        emulator.db.insert('Computer', {
          name: 'web',
          serial: 'SER-1',
          entities_id: supervision.id,
          comment: '[glpi-bridge:mon:w1]',
        });
        const report = await run({
          location: writeJson('twins', [
            host('w1', 'web', { hardware: { serialNumber: 'SER-1' } }),
            host('w2', 'web', { hardware: { serialNumber: 'SER-2' } }),
          ]),
        });
        expect(report.progress).toMatchObject({ created: 1, unchanged: 0, updated: 1 });
        const webs = emulator.rows('Computer').filter((c) => c.name === 'web');
        expect(webs.map((c) => [c.serial, c.comment])).toEqual([
          ['SER-1', '[glpi-bridge:mon:w1]'],
          ['SER-2', '[glpi-bridge:mon:w2]'],
        ]);
      });

      it('names the source of a CSV after its file when the run names none (as from the Temporal UI)', async () => {
        const csv = join(dir, 'Inventaire Paris.csv');
        writeFileSync(
          csv,
          "Intitulé;Matériel > Numéro de série;Date de l'import\nsrv-a;SN-A;2026-11-27\nsrv-b;;2026-11-27\n",
        );
        const first = await run({ location: csv });
        expect(first.source).toBe('Inventaire-Paris');
        expect(first.progress).toMatchObject({ created: 2 });
        expect(String(computer('srv-a')!.comment)).toContain('[glpi-bridge:Inventaire-Paris:SN-A]');
        // The next export of the same file updates the same computers.
        const again = await run({ location: csv });
        expect(again.progress).toMatchObject({ unchanged: 2, created: 0 });
        expect(emulator.rows('Computer')).toHaveLength(2);
      });

      it('does not recreate a computer people put in the trash', async () => {
        await run({ location: writeJson('trash', [host('t1', 'trashed-01')]) });
        const made = computer('trashed-01')!;
        emulator.db.delete('Computer', made.id, false, ALL(emulator));
        const report = await run({ location: writeJson('trash', [host('t1', 'trashed-01')]) });
        expect(emulator.rows('Computer')).toHaveLength(1);
        expect(report.items[0]).toMatchObject({
          outcome: 'unchanged',
          warnings: [expect.stringContaining("in GLPI's trash")],
        });
      });

      it('ends Failed with the report when a host fails, shows it in search attributes, and gives the host its own workflow', async () => {
        const handle = await start({
          location: writeJson('partial', [
            host('ok', 'fine-01'),
            host('bad', 'bad-01', { contract: { glpiContractId: 999 } }),
          ]),
        });
        const failure = await handle.result().catch((err: unknown) => err);
        expect(failure).toBeInstanceOf(WorkflowFailedError);
        expect((failure as WorkflowFailedError).cause?.message).toBe(
          "1 of 2 hosts failed; the report is in this failure's details",
        );
        const report = await syncReport(handle);
        expect(report.items.find((i) => i.id === 'bad')).toMatchObject({
          outcome: 'failed',
          error: expect.stringMatching(/contract 999 selected for host 'bad' does not exist in GLPI/),
          computerId: computer('bad-01')!.id,
          workflowId: 'inventory-item/mon/bad',
        });
        const described = await handle.describe();
        expect(described.status.name).toBe('FAILED');
        expect(described.searchAttributes.GlpiBridgeOutcome).toEqual(['partial']);
        expect(described.searchAttributes.GlpiBridgeFailedItems).toEqual([1]);
        const item = await env.client.workflow.getHandle('inventory-item/mon/bad').describe();
        expect(item.status.name).toBe('FAILED');
      });

      it('fails at once, naming the field, when the Temporal UI sends an inline inventory without a source', async () => {
        const handle = await start({ inventory: { items: [host('u', 'ui-01')] } });
        const failure = (await handle.result().catch((err: unknown) => err)) as WorkflowFailedError;
        expect(failure).toBeInstanceOf(WorkflowFailedError);
        expect(failure.cause?.message).toMatch(/inventory\.source: is required/);
        expect(emulator.counters.total).toBe(0);
      });

      it('marks a run that could not start as failed, with the cause', async () => {
        const handle = await start({ location: join(dir, 'absent.json') });
        const failure = (await handle.result().catch((err: unknown) => err)) as WorkflowFailedError;
        expect(failureMessage(failure)).toMatch(/cannot read the inventory .*absent\.json/);
        const described = await handle.describe();
        expect(described.searchAttributes.GlpiBridgeOutcome).toEqual(['failed']);
        expect(emulator.counters.byRoute['GET killSession']).toBe(1);
      });

      it('fails a single-host run at once, naming the field, when its item is not valid', async () => {
        const handle = await env.client.workflow.start(syncInventoryItem, {
          taskQueue: env.taskQueue,
          workflowId: uniqueId('item'),
          args: [{ source: 'ui', item: { id: 'x', label: 'no-date' } as never }],
        });
        const failure = (await handle.result().catch((err: unknown) => err)) as WorkflowFailedError;
        expect(failure).toBeInstanceOf(WorkflowFailedError);
        expect(failure.cause?.message).toMatch(/item\.importDate/);
        expect(emulator.counters.total).toBe(0);
      });
    });
  },
);
