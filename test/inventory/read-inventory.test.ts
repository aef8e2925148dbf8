import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { readInventory } from '../../src/inventory/read-inventory';

const dir = mkdtempSync(join(tmpdir(), 'inventory-'));
const write = (name: string, text: string) => {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
};

describe('reading an inventory', () => {
  it('reads the documented JSON example', async () => {
    const inventory = await readInventory(resolve(__dirname, '../../examples/inventory.json'));
    expect(inventory.source).toBe('servicenav');
    expect(inventory.items.map((i) => i.label)).toEqual(['srv-web-01', 'srv-db-01', 'fw-edge-01']);
    expect(inventory.rejected).toEqual([]);
  });

  it("reads a CSV with the original product's French header", async () => {
    const inventory = await readInventory(
      resolve(__dirname, '../../examples/inventory-fr.csv'),
      'servicenav',
    );
    expect(inventory.rejected).toEqual([]);
    expect(inventory.items[0]).toEqual({
      id: 'host-2001',
      label: 'srv-app-01',
      hardware: { type: 'Serveur', manufacturer: 'Lenovo', serialNumber: 'J30ABC12' },
      software: { operatingSystem: 'Red Hat Enterprise Linux 9', license: 'RHEL-9-2001' },
      importDate: '2026-11-27',
      serviceContract: { endOfServiceDate: '2028-11-27' },
    });
  });

  it('reports each bad row with its number, field and reason, and keeps the good ones', async () => {
    const path = write(
      'bad.csv',
      [
        'id,label,importDate,serviceContract.endOfServiceDate,contract.glpiContractId',
        'a,host-a,2026-01-01,2027-01-01,',
        ',host-b,2026-01-01,,',
        'c,host-c,2026-13-01,,',
        'a,host-a-again,2026-01-01,,',
        'e,host-e,2026-01-01,,abc',
      ].join('\n'),
    );
    const inventory = await readInventory(path, 'csv');
    expect(inventory.items.map((i) => i.id)).toEqual(['a']);
    expect(inventory.rejected).toEqual([
      { row: 2, field: 'id', reason: expect.stringContaining('required') },
      { row: 3, id: 'c', field: 'importDate', reason: expect.stringContaining('calendar date') },
      { row: 4, id: 'a', field: 'id', reason: 'duplicates the id of row 1' },
      { row: 5, id: 'e', field: 'contract.glpiContractId', reason: expect.any(String) },
    ]);
  });

  it('fails with one clear message on a file that cannot be read', async () => {
    await expect(readInventory(join(dir, 'absent.json'))).rejects.toThrow(
      /cannot read the inventory .*absent\.json/,
    );
    await expect(readInventory(write('broken.json', '{"source": "x", "items": ['))).rejects.toThrow(
      /not valid JSON/,
    );
    await expect(readInventory(write('nosource.json', '{"items": []}'))).rejects.toThrow(
      /'source' is required/,
    );
    await expect(readInventory(write('cols.csv', 'id,colour\n1,red'))).rejects.toThrow(
      /unknown CSV column\(s\): 'colour'/,
    );
  });
});
