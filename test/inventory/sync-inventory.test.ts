import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { GlpiEmulator } from '../../src/emulator/glpi-emulator';
import { PROFILE_NAMES, type ProfileName } from '../../src/emulator/profiles';
import type { Row } from '../../src/emulator/itemtypes';
import { syncInventory, type SyncInventoryInput } from '../../src/workflows/sync-inventory';
import { syncReport } from '../../src/cli/sync-result';
import { startWorkerOn, testTemporal, uniqueId } from '../support/temporal';

const EXAMPLE = resolve(__dirname, '../../examples/inventory.json');
const FRENCH_CSV = resolve(__dirname, '../../examples/inventory-fr.csv');
const dir = mkdtempSync(join(tmpdir(), 'sync-'));

function writeInventory(name: string, items: unknown[], source = 'mon'): string {
  const path = join(dir, `${name}.json`);
  writeFileSync(path, JSON.stringify({ source, items }));
  return path;
}

describe.each(PROFILE_NAMES.map((p) => [p]))('inventory sync on GLPI %s', (profile: ProfileName) => {
  let env: Awaited<ReturnType<typeof testTemporal>>;
  let emulator: GlpiEmulator;
  let stop: () => Promise<void>;

  const run = async (input: SyncInventoryInput) =>
    syncReport(
      await env.client.workflow.start(syncInventory, {
        taskQueue: env.taskQueue,
        workflowId: uniqueId(`sync-${profile}`),
        args: [input],
      }),
    );
  const by = (itemtype: string, where: (r: Row) => boolean) => emulator.rows(itemtype).filter(where);
  const name = (itemtype: string, id: unknown) => emulator.db.get(itemtype, Number(id))?.name;
  const supervision = () => emulator.rows('Entity').find((e) => e.name === 'Supervision');

  beforeAll(async () => {
    env = await testTemporal();
  });
  beforeEach(async () => {
    emulator = new GlpiEmulator({ profile });
    ({ stop } = await startWorkerOn(env, emulator));
  });
  afterEach(() => stop());
  afterAll(async () => env.close());

  it('creates everything exactly as mapped, then a second sync writes nothing', async () => {
    const report = await run({ location: EXAMPLE });
    expect(report.progress).toMatchObject({ total: 3, done: 3, created: 3, failed: 0 });

    const entity = supervision()!;
    expect(entity).toMatchObject({ entities_id: 0, completename: 'Root entity > Supervision' });
    const computers = emulator.rows('Computer');
    expect(computers).toHaveLength(3);
    const web = computers.find((c) => c.name === 'srv-web-01')!;
    expect(web).toMatchObject({ entities_id: entity.id, serial: '0123SN-WEB01', is_dynamic: 0 });
    expect(name('ComputerType', web.computertypes_id)).toBe('Server');
    expect(name('Manufacturer', web.manufacturers_id)).toBe('Dell Inc.');
    expect(String(web.comment)).toContain('[glpi-bridge:servicenav:host-1001]');
    if (profile === '9.1') {
      expect(name('OperatingSystem', web.operatingsystems_id)).toBe('Debian GNU/Linux 12');
      expect(web.os_licenseid).toBe('DEB-12-0001');
    } else {
      const [os] = by('Item_OperatingSystem', (l) => l.items_id === web.id);
      expect(name('OperatingSystem', os!.operatingsystems_id)).toBe('Debian GNU/Linux 12');
      expect(os!.licenseid).toBe('DEB-12-0001');
    }
    // Two servers share one ComputerType: dropdowns are never duplicated.
    expect(
      emulator
        .rows('ComputerType')
        .map((t) => t.name)
        .sort(),
    ).toEqual(['Appliance', 'Server']);
    const contracts = emulator.rows('Contract');
    expect(contracts).toHaveLength(3);
    const webContract = contracts.find((c) => c.name === 'srv-web-01')!;
    expect(webContract).toMatchObject({ entities_id: entity.id, begin_date: '2026-11-27', duration: 36 });
    expect(contracts.find((c) => c.name === 'srv-db-01')!.duration).toBe(4);
    expect(contracts.find((c) => c.name === 'fw-edge-01')!.duration).toBe(0);
    expect(
      by('Contract_Item', (l) => l.items_id === web.id && l.contracts_id === webContract.id),
    ).toHaveLength(1);
    expect(report.items.find((i) => i.id === 'host-1003')!.warnings).toEqual([
      expect.stringContaining('no end-of-service date'),
    ]);

    emulator.resetCounters();
    const again = await run({ location: EXAMPLE });
    expect(again.progress).toMatchObject({ done: 3, unchanged: 3, created: 0, updated: 0 });
    expect(emulator.counters.writes).toBe(0);
    // Hosts are synced by the batch's chunk activities: no workflow per host unless it fails.
    const runs = [];
    for await (const run of env.client.workflow.list({
      query: `WorkflowId STARTS_WITH "inventory-item/servicenav/" AND TaskQueue = "${env.taskQueue}"`,
    }))
      runs.push(run);
    expect(runs).toHaveLength(0);
    expect(emulator.rows('Computer')).toHaveLength(3);
    expect(emulator.rows('Contract')).toHaveLength(3);
  });

  it('updates only the changed field and leaves what people edited alone', async () => {
    const item = {
      id: 'h1',
      label: 'srv-01',
      hardware: { type: 'Server', serialNumber: 'SN-1' },
      software: { operatingSystem: 'Debian 12', license: 'L-1' },
      importDate: '2026-01-01',
      serviceContract: { endOfServiceDate: '2027-01-01' },
    };
    await run({ location: writeInventory('v1', [item]) });
    const computer = emulator.rows('Computer')[0]!;
    // A person fills in fields the mapping does not own.
    emulator.db.update(
      'Computer',
      computer.id,
      { otherserial: 'ASSET-77', contact: 'alice' },
      { userId: 2, activeEntities: new Set(emulator.db.subtree(0)) },
    );

    emulator.resetCounters();
    const changed = { ...item, hardware: { ...item.hardware, serialNumber: 'SN-1-NEW' } };
    const report = await run({ location: writeInventory('v2', [changed]) });
    expect(report.items[0]).toMatchObject({ outcome: 'updated', changes: ['computer.serial'] });
    expect(emulator.counters.writes).toBe(1);
    expect(emulator.counters.byRoute['PUT Computer/:id']).toBe(1);
    expect(emulator.db.get('Computer', computer.id)).toMatchObject({
      serial: 'SN-1-NEW',
      otherserial: 'ASSET-77',
      contact: 'alice',
    });
  });

  it('links a selected existing contract instead of creating one', async () => {
    const existing = emulator.db.insert('Contract', {
      name: 'Master support',
      entities_id: 0,
      is_recursive: 1,
    });
    const report = await run({
      location: writeInventory('selected', [
        { id: 'h2', label: 'srv-02', importDate: '2026-01-01', contract: { glpiContractId: existing.id } },
      ]),
    });
    expect(report.items[0]).toMatchObject({ outcome: 'created', contractId: existing.id });
    expect(emulator.rows('Contract')).toHaveLength(1);
    const computer = emulator.rows('Computer')[0]!;
    expect(by('Contract_Item', (l) => l.items_id === computer.id).map((l) => l.contracts_id)).toEqual([
      existing.id,
    ]);
  });

  it('adopts a computer that already exists in the sub-entity by its serial number', async () => {
    const entity = emulator.db.insert('Entity', {
      name: 'Supervision',
      entities_id: 0,
      completename: 'Root entity > Supervision',
      level: 2,
    });
    const manual = emulator.db.insert('Computer', {
      name: 'old-name',
      serial: 'SER-9',
      entities_id: entity.id,
      comment: 'bought 2019',
    });
    const report = await run({
      location: writeInventory('adopt', [
        { id: 'h3', label: 'srv-03', hardware: { serialNumber: 'SER-9' }, importDate: '2026-01-01' },
      ]),
    });
    expect(report.items[0]).toMatchObject({ outcome: 'updated', computerId: manual.id });
    expect(emulator.rows('Computer')).toHaveLength(1);
    expect(emulator.rows('Entity').filter((e) => e.name === 'Supervision')).toHaveLength(1);
    const adopted = emulator.db.get('Computer', manual.id)!;
    expect(adopted.name).toBe('srv-03');
    expect(String(adopted.comment)).toBe('bought 2019\n[glpi-bridge:mon:h3]');
  });

  it('reports bad rows and syncs the others, from a CSV with the French header', async () => {
    const csv = join(dir, 'mixed.csv');
    writeFileSync(csv, `${readFileSync(FRENCH_CSV, 'utf8')}host-bad;;Serveur;;;;;2026-11-27;;\n`);
    const report = await run({ location: csv, source: 'servicenav' });
    expect(report.progress).toMatchObject({ total: 2, created: 2, rejected: 1 });
    // The line as a spreadsheet shows it (header = line 1), and the column as the file names it.
    expect(report.rejected).toEqual([
      {
        row: 4,
        kind: 'line',
        id: 'host-bad',
        problems: [{ field: 'Intitulé', reason: expect.stringContaining('required') }],
      },
    ]);
    expect(
      emulator
        .rows('Computer')
        .map((c) => c.name)
        .sort(),
    ).toEqual(['pc-compta-02', 'srv-app-01']);
  });

  it('lists hosts synced before but absent now, without deleting them', async () => {
    await run({ location: EXAMPLE });
    const shorter = JSON.parse(readFileSync(EXAMPLE, 'utf8')) as { items: unknown[] };
    const path = writeInventory('shorter', shorter.items.slice(0, 2), 'servicenav');
    const report = await run({ location: path });
    expect(report.missing).toEqual([{ id: 'host-1003', computerId: expect.any(Number), name: 'fw-edge-01' }]);
    expect(emulator.rows('Computer')).toHaveLength(3);
  });

  it('accepts the inventory inline in the workflow input, as the Temporal UI start form sends it', async () => {
    const report = await run({
      inventory: {
        source: 'ui',
        items: [
          { id: 'u1', label: 'from-ui', importDate: '2026-11-27' },
          { id: 'u2', importDate: '2026-11-27' },
        ],
      },
    });
    expect(report.source).toBe('ui');
    expect(report.progress).toMatchObject({ total: 1, created: 1, rejected: 1 });
    expect(report.rejected).toEqual([
      {
        row: 2,
        kind: 'item',
        id: 'u2',
        problems: [{ field: 'label', reason: expect.stringContaining('required') }],
      },
    ]);
    expect(emulator.rows('Computer').map((c) => c.name)).toEqual(['from-ui']);
  });

  it('writes nothing in a dry run and returns the plan', async () => {
    const report = await run({ location: EXAMPLE, dryRun: true });
    expect(emulator.counters.writes).toBe(0);
    expect(emulator.rows('Computer')).toHaveLength(0);
    expect(report.items.map((i) => i.outcome)).toEqual(['created', 'created', 'created']);
    expect(report.entitiesCreated).toEqual(['Root entity > Supervision']);
    expect(report.items[0]!.changes).toEqual(['computer', 'operating system', 'contract']);
    // Once the sub-entity exists, the plan names every field.
    await run({ location: writeInventory('other', [{ id: 'o', label: 'o', importDate: '2026-01-01' }]) });
    emulator.resetCounters();
    const plan = await run({ location: EXAMPLE, dryRun: true });
    expect(emulator.counters.writes).toBe(0);
    expect(plan.entitiesCreated).toEqual([]);
    expect(plan.items[0]!.changes).toEqual(
      expect.arrayContaining(['computer.name', 'computer.serial', 'os.operatingsystems_id', 'contract.link']),
    );
  });

  it('creates nothing twice when a response is lost after GLPI committed a write', async () => {
    const routes = [
      'POST Entity',
      'POST Computer',
      'POST OperatingSystem',
      // GLPI 9.1 keeps the OS on the computer: it is written with it.
      ...(profile === '9.1' ? [] : ['POST Item_OperatingSystem']),
      'POST Contract',
      'POST Contract_Item',
      'POST ComputerType',
    ];
    for (const route of routes) {
      emulator.faults.script({ kind: 'dropAfterCommit', match: new RegExp(`^${route}$`) });
    }
    const report = await run({ location: EXAMPLE });
    expect(report.progress).toMatchObject({ created: 3, failed: 0 });
    expect(emulator.faults.injected.dropAfterCommit).toBe(routes.length);
    expect(emulator.rows('Entity').filter((e) => e.name === 'Supervision')).toHaveLength(1);
    expect(emulator.rows('Computer')).toHaveLength(3);
    expect(emulator.rows('Contract')).toHaveLength(3);
    expect(emulator.rows('Contract_Item')).toHaveLength(3);
    expect(emulator.rows('ComputerType')).toHaveLength(2);
    expect(emulator.rows('OperatingSystem')).toHaveLength(3);
    if (profile !== '9.1') expect(emulator.rows('Item_OperatingSystem')).toHaveLength(3);
  });
});
