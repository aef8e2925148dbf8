import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import {
  defaultSourceFor,
  validateInventoryInput,
  validateItemInput,
} from '../../src/inventory/inventory-input';

const item = { id: 'h1', label: 'srv-01', importDate: '2026-11-27' };

describe('validateInventoryInput (syncInventory, as typed into the Temporal UI)', () => {
  it.each([
    [{ location: '/data/inventory.json' }],
    [{ location: 'https://monitoring.example.com/export.csv', source: 'servicenav', concurrency: 64 }],
    [{ inventory: { source: 'servicenav', items: [item] }, dryRun: true }],
    [{ inventory: { items: [item, 'bad rows are rejected later'] }, source: 'ui', concurrency: 1 }],
    [{ location: '/data/x.csv', itemsPerRun: 500, carried: { offset: 0 } }],
  ])('accepts %j', (input) => {
    expect(validateInventoryInput(input)).toEqual([]);
  });

  it('needs exactly one of location and inventory', () => {
    expect(validateInventoryInput({})).toEqual([
      expect.stringMatching(/^location: is required unless inventory is given/),
    ]);
    expect(validateInventoryInput({ location: '/a.csv', inventory: { source: 's', items: [] } })).toEqual([
      'location, inventory: give one of them, not both',
    ]);
  });

  it('names each field to fix and how', () => {
    expect(
      validateInventoryInput({
        inventory: { items: {} },
        dryrun: true,
        concurrency: 0,
        source: 'not a name',
      }),
    ).toEqual([
      'dryrun: is not an input of syncInventory; did you mean dryRun?',
      `source: may only hold letters, digits, dot, dash and underscore (e.g. "servicenav"), got 'not a name'`,
      expect.stringMatching(/^inventory\.items: must be a list, got an object: the hosts, e\.g\. \[\{"id"/),
      'concurrency: must be a whole number from 1 to 64 (syncs at once), got 0',
    ]);
    expect(validateInventoryInput({ inventory: { items: [] } })).toEqual([
      'inventory.source: is required (a short name of the monitoring platform, letters, digits, . _ -), e.g. "servicenav"',
    ]);
    expect(validateInventoryInput({ location: '/a.csv', dryRun: 'true', concurrency: 2.5 })).toEqual([
      `dryRun: must be true or false (without quotes), got 'true'`,
      'concurrency: must be a whole number from 1 to 64 (syncs at once), got 2.5',
    ]);
    expect(validateInventoryInput({ location: 'ftp://host/a.csv' })).toEqual([
      `location: only http:// and https:// URLs can be read, or a file path, got 'ftp://host/a.csv'`,
    ]);
    expect(validateInventoryInput({ location: '' })).toEqual([
      expect.stringMatching(/^location: must be a file path/),
    ]);
    expect(validateInventoryInput('/data/inventory.json')).toEqual([
      expect.stringMatching(/^\(input\): must be a JSON object such as \{"location"/),
    ]);
    expect(validateInventoryInput({ location: '/a.csv', concurrency: 65 })).toHaveLength(1);
  });
});

describe('validateItemInput (syncInventoryItem)', () => {
  it('accepts a host', () => {
    expect(validateItemInput({ source: 'servicenav', item, dryRun: false })).toEqual([]);
    expect(
      validateItemInput({
        source: 'servicenav',
        item: { ...item, entity: 'Client A > Paris', contract: { glpiContractId: 3 } },
        shared: { handle: 'h', entities: {} },
      }),
    ).toEqual([]);
  });

  it('gives the same messages as an inventory file, fields named item.<path>', () => {
    expect(
      validateItemInput({
        item: { id: 'h1', importDate: '27/11/2026', contract: { glpiContractId: 'abc' }, entity: 'A >' },
        dryRun: 1,
      }),
    ).toEqual([
      'source: is required (a short name of the monitoring platform, letters, digits, . _ -), e.g. "servicenav"',
      'item.label: is required (the host name, which becomes the computer name)',
      "item.importDate: must be a date as YYYY-MM-DD (e.g. 2026-11-27), got '27/11/2026'",
      "item.contract.glpiContractId: must be a GLPI contract id (a whole number > 0), got 'abc'",
      "item.entity: 'A >' has an empty level: write levels as 'Client A > Paris'",
      'dryRun: must be true or false (without quotes), got 1',
    ]);
    expect(validateItemInput({ source: 's' })).toEqual([
      expect.stringMatching(/^item: is required: the host, e\.g\./),
    ]);
    expect(validateItemInput({ source: 's', item: [] })).toEqual([
      expect.stringMatching(/^item: must be an object/),
    ]);
  });
});

describe('defaultSourceFor', () => {
  it.each([
    ['/data/Inventaire Paris.csv', 'Inventaire-Paris'],
    ['C:\\exports\\parc_été.CSV', 'parc_ete'],
    ['https://user:pw@example.com/exports/Parc%20Lyon.csv?token=a/b#x', 'Parc-Lyon'],
    ['https://example.com/', 'inventory'],
    ['./inventory.v2.json', 'inventory.v2'],
    ['/data/.hidden.csv', 'hidden'],
  ])('%s → %s', (location, source) => {
    expect(defaultSourceFor(location)).toBe(source);
    expect(source).toMatch(/^[A-Za-z0-9._-]+$/);
  });
});

describe('workflow safety', () => {
  /** Every module inventory-input.ts imports, transitively, and what each imports from outside. */
  function imports(file: string, seen = new Map<string, string[]>()): Map<string, string[]> {
    if (seen.has(file)) return seen;
    const text = readFileSync(file, 'utf8');
    const specifiers = [...text.matchAll(/^import\s+(?!type\b)[^'"]*['"]([^'"]+)['"]/gm)].map((m) => m[1]!);
    seen.set(file, specifiers);
    for (const s of specifiers.filter((s) => s.startsWith('.')))
      imports(resolve(dirname(file), `${s}.ts`), seen);
    return seen;
  }

  it('the input checks import no Node built-in, no zod, no I/O library', () => {
    const graph = imports(resolve(__dirname, '../../src/inventory/inventory-input.ts'));
    expect([...graph.keys()].map((f) => f.replace(/.*src\/inventory\//, '')).sort()).toEqual([
      'entity-path.ts',
      'inventory-input.ts',
      'inventory-schema.ts',
    ]);
    const external = [...graph.values()].flat().filter((s) => !s.startsWith('.'));
    expect(external).toEqual([]);
  });
});
