import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import {
  InventoryFileError,
  parseInventory,
  readInventory,
  readInventorySource,
} from '../../src/inventory/read-inventory';
import { formatRejectedRow, validateItems } from '../../src/inventory/inventory-schema';

const dir = mkdtempSync(join(tmpdir(), 'inventory-'));
const write = (name: string, text: string | Buffer) => {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
};
const example = (name: string) => resolve(__dirname, '../../examples', name);

/** The French header of the original product's export, which has no id column. */
const FR = [
  'Intitulé',
  'Matériel > Type',
  'Matériel > Numéro de série',
  "Date de l'import",
  'Parc > Contrat de Service > Date de fin de service',
  'Contrat',
].join(';');
const csv = (...lines: string[]) => parseInventory(lines.join('\n'), '/data/export.csv', 'servicenav');

/** Thrown error, for checking its properties. */
async function failure(promise: Promise<unknown>): Promise<InventoryFileError> {
  try {
    await promise;
  } catch (err) {
    expect(err).toBeInstanceOf(InventoryFileError);
    return err as InventoryFileError;
  }
  throw new Error('expected a failure');
}

describe('reading an inventory', () => {
  it('reads the documented JSON example, with the digest of its text', async () => {
    const path = example('inventory.json');
    const inventory = await readInventory(path);
    expect(inventory.source).toBe('servicenav');
    expect(inventory.items.map((i) => i.label)).toEqual(['srv-web-01', 'srv-db-01', 'fw-edge-01']);
    expect(inventory.rejected).toEqual([]);
    expect(inventory.digest).toBe(createHash('sha256').update(readFileSync(path)).digest('hex'));
  });

  it("reads a CSV with the original product's French header and an id column", async () => {
    const inventory = await readInventory(example('inventory-fr.csv'), 'servicenav');
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

  it('is readInventorySource then parseInventory', async () => {
    const path = example('inventory-fr.csv');
    const text = await readInventorySource(path);
    expect(text).toBe(readFileSync(path, 'utf8'));
    const { digest, ...inventory } = await readInventory(path, 'servicenav');
    expect(inventory).toEqual(parseInventory(text, path, 'servicenav'));
    expect(digest).toMatch(/^[0-9a-f]{64}$/);
  });
});

describe("a CSV without id column (the original product's export)", () => {
  it('imports, each host id being its serial number, else its label', async () => {
    const inventory = await readInventory(example('inventory-fr-sans-id.csv'));
    expect(inventory.source).toBe('inventory-fr-sans-id');
    expect(inventory.rejected).toEqual([]);
    expect(inventory.items.map((i) => [i.id, i.label])).toEqual([
      ['J30ABC12', 'srv-app-01'],
      ['5CD1234XYZ', 'pc-compta-02'],
      ['imp-accueil', 'imp-accueil'],
    ]);
    expect(inventory.items[0]).toEqual({
      id: 'J30ABC12',
      label: 'srv-app-01',
      entity: 'Client A > Paris',
      hardware: { type: 'Serveur', manufacturer: 'Lenovo', serialNumber: 'J30ABC12' },
      software: { operatingSystem: 'Red Hat Enterprise Linux 9', license: 'RHEL-9-2001' },
      importDate: '2026-11-27',
      serviceContract: { endOfServiceDate: '2028-11-27' },
    });
  });

  it('gives the same ids to the next export of the same hosts, whatever the row order', () => {
    const first = csv(FR, 'srv-a;Serveur;SN-1;27/11/2026;;', 'srv-b;Serveur;;27/11/2026;;');
    const next = csv(FR, 'srv-b;Serveur; ;2026-12-01;;', '', ' srv-a ;Serveur; SN-1 ;01/12/2026;;');
    expect(first.items.map((i) => i.id).sort()).toEqual(['SN-1', 'srv-b']);
    expect(next.items.map((i) => i.id).sort()).toEqual(['SN-1', 'srv-b']);
  });

  it('rejects both rows that give the same id, each naming the other line', () => {
    const inventory = csv(
      FR,
      'srv-a;Serveur;SN-1;27/11/2026;;',
      'srv-b;Serveur;;27/11/2026;;',
      'srv-c;Serveur;SN-1;27/11/2026;;',
      'srv-b;Poste de travail;;27/11/2026;;',
      'srv-e;Serveur;SN-5;27/11/2026;;',
    );
    expect(inventory.items.map((i) => i.id)).toEqual(['SN-5']);
    const bySerial =
      "line 2 and line 4 both give host id 'SN-1' (from the serial number): give each row its own serial number or label, or add an id column";
    const byLabel =
      "line 3 and line 5 both give host id 'srv-b' (from the label): give each row its own serial number or label, or add an id column";
    expect(inventory.rejected).toEqual([
      {
        row: 2,
        kind: 'line',
        id: 'SN-1',
        problems: [{ field: 'Matériel > Numéro de série', reason: bySerial }],
      },
      { row: 3, kind: 'line', id: 'srv-b', problems: [{ field: 'Intitulé', reason: byLabel }] },
      {
        row: 4,
        kind: 'line',
        id: 'SN-1',
        problems: [{ field: 'Matériel > Numéro de série', reason: bySerial }],
      },
      { row: 5, kind: 'line', id: 'srv-b', problems: [{ field: 'Intitulé', reason: byLabel }] },
    ]);
  });

  it('says where each id comes from when a serial number equals another row’s label', () => {
    const inventory = csv(FR, 'srv-a;Serveur;;27/11/2026;;', 'srv-z;Serveur;srv-a;27/11/2026;;');
    expect(inventory.items).toEqual([]);
    expect(inventory.rejected.map((r) => r.problems)).toEqual([
      [
        {
          field: 'Intitulé',
          reason: expect.stringContaining(
            "line 2 and line 3 both give host id 'srv-a' (line 2 from the label, line 3 from the serial number)",
          ),
        },
      ],
      [{ field: 'Matériel > Numéro de série', reason: expect.stringContaining('line 2 and line 3') }],
    ]);
  });

  it('with an id column, also rejects every row sharing an id', () => {
    const inventory = csv(
      "id;Intitulé;Date de l'import",
      'a;srv-a;2026-11-27',
      'a;srv-b;2026-11-27',
      'c;srv-c;2026-11-27',
    );
    expect(inventory.items.map((i) => i.id)).toEqual(['c']);
    expect(inventory.rejected).toEqual([
      {
        row: 2,
        kind: 'line',
        id: 'a',
        problems: [
          { field: 'id', reason: "line 2 and line 3 both have the id 'a': give each row its own id" },
        ],
      },
      {
        row: 3,
        kind: 'line',
        id: 'a',
        problems: [
          { field: 'id', reason: "line 2 and line 3 both have the id 'a': give each row its own id" },
        ],
      },
    ]);
  });
});

describe('rejected rows', () => {
  it("are numbered by the file's lines: header = line 1, blank lines and multi-line cells counted", () => {
    const text = [
      FR,
      'srv-1;Serveur;;2026-13-01;;', // line 2
      '', // line 3
      'srv-2;"Serveur', // line 4, its type spans lines 4-5
      'rack";;2026-11-27;;abc',
      ';;;;;', // line 6: blank cells, skipped
      '"srv-3";Serveur;;;;', // line 7
      '', // line 8
      '', // line 9
      'srv-4;Serveur;;27/11/26;;', // line 10
    ].join('\r\n');
    const inventory = parseInventory(text, '/data/export.csv', 'servicenav');
    expect(inventory.rejected.map((r) => r.row)).toEqual([2, 4, 7, 10]);
    expect(inventory.rejected.every((r) => r.kind === 'line')).toBe(true);
  });

  it('are one entry per row with all its problems, named by the column as the file names it', () => {
    const inventory = csv(FR, ';Serveur;;31/02/2026;2026/11/27;abc', 'srv-ok;Serveur;;2026-11-27;;12');
    expect(inventory.items.map((i) => i.label)).toEqual(['srv-ok']);
    expect(inventory.items[0]!.contract).toEqual({ glpiContractId: 12 });
    expect(inventory.rejected).toEqual([
      {
        row: 2,
        kind: 'line',
        problems: [
          { field: 'Intitulé', reason: 'is required (the host name, which becomes the computer name)' },
          {
            field: "Date de l'import",
            reason: "'31/02/2026' is not a real calendar date (YYYY-MM-DD or DD/MM/YYYY)",
          },
          {
            field: 'Parc > Contrat de Service > Date de fin de service',
            reason:
              "must be a date as YYYY-MM-DD or DD/MM/YYYY (e.g. 2026-11-27 or 27/11/2026), got '2026/11/27'",
          },
          { field: 'Contrat', reason: "must be a GLPI contract id (a whole number > 0), got 'abc'" },
        ],
      },
    ]);
    expect(formatRejectedRow(inventory.rejected[0]!)).toMatch(
      /^line 2: Intitulé: is required .*; Date de l'import: '31\/02\/2026' is not a real calendar date/,
    );
  });

  it('count rows: two bad rows are two rejected rows, however many problems they have', () => {
    const inventory = csv(FR, ';Serveur;;x;y;z', 'srv-b;Serveur;;;;-1', 'srv-c;Serveur;;2026-11-27;;');
    expect(inventory.rejected).toHaveLength(2);
    expect(inventory.rejected.map((r) => r.problems.length)).toEqual([4, 2]);
  });

  it('name the header as the file writes it, English headers too, and never give raw validator text', () => {
    const inventory = parseInventory(
      [
        'ID,Label,importDate,serviceContract.endOfServiceDate,contract.glpiContractId',
        'a,host-a,2026-01-01,2027-01-01,',
        ',host-b,2026-01-01,,',
        'c,host-c,2026-13-01,,',
        'e,host-e,2026-01-01,,abc',
      ].join('\n'),
      '/data/export.csv',
      'csv',
    );
    expect(inventory.items.map((i) => i.id)).toEqual(['a']);
    expect(inventory.rejected).toEqual([
      {
        row: 3,
        kind: 'line',
        problems: [{ field: 'ID', reason: 'is required (the host id in the monitoring platform)' }],
      },
      {
        row: 4,
        kind: 'line',
        id: 'c',
        problems: [
          {
            field: 'importDate',
            reason: "'2026-13-01' is not a real calendar date (YYYY-MM-DD or DD/MM/YYYY)",
          },
        ],
      },
      {
        row: 5,
        kind: 'line',
        id: 'e',
        problems: [
          {
            field: 'contract.glpiContractId',
            reason: "must be a GLPI contract id (a whole number > 0), got 'abc'",
          },
        ],
      },
    ]);
    const text = JSON.stringify(inventory.rejected);
    expect(text).not.toMatch(/Invalid input|NaN|received|expected number/);
  });

  it('in JSON are items named by their JSON path', async () => {
    const path = write(
      'items.json',
      JSON.stringify({
        source: 'mon',
        items: [
          { id: 'a', label: 'srv-a', importDate: '2026-11-27' },
          {
            id: 'b',
            label: 'srv-b',
            importDate: '27/11/2026',
            contract: { glpiContractId: 'abc' },
            serviceContract: { endOfServiceDate: '2026-02-30' },
          },
          'not an object',
          { id: 'a', label: 'srv-a2', importDate: '2026-11-27', hardware: 'Dell' },
        ],
      }),
    );
    const inventory = await readInventory(path);
    expect(inventory.items).toEqual([]);
    expect(inventory.rejected).toEqual([
      {
        row: 1,
        kind: 'item',
        id: 'a',
        problems: [
          { field: 'id', reason: "item 1 and item 4 both have the id 'a': give each item its own id" },
        ],
      },
      {
        row: 2,
        kind: 'item',
        id: 'b',
        problems: [
          { field: 'importDate', reason: "must be a date as YYYY-MM-DD (e.g. 2026-11-27), got '27/11/2026'" },
          {
            field: 'serviceContract.endOfServiceDate',
            reason: "'2026-02-30' is not a real calendar date (YYYY-MM-DD)",
          },
          {
            field: 'contract.glpiContractId',
            reason: "must be a GLPI contract id (a whole number > 0), got 'abc'",
          },
        ],
      },
      {
        row: 3,
        kind: 'item',
        problems: [{ field: '(item)', reason: expect.stringContaining('must be an object such as {') }],
      },
      {
        row: 4,
        kind: 'item',
        id: 'a',
        problems: [
          {
            field: 'hardware',
            reason: expect.stringContaining('must be an object such as {"type": "Server"'),
          },
          { field: 'id', reason: "item 1 and item 4 both have the id 'a': give each item its own id" },
        ],
      },
    ]);
    expect(formatRejectedRow(inventory.rejected[2]!)).toMatch(/^item 3: \(item\): must be an object/);
  });

  it('of an inline inventory are items too', () => {
    const { items, rejected } = validateItems([
      { id: 'u1', label: 'from-ui', importDate: '2026-11-27' },
      { id: 'u2', importDate: '2026-11-27' },
    ]);
    expect(items.map((i) => i.id)).toEqual(['u1']);
    expect(rejected).toEqual([
      {
        row: 2,
        kind: 'item',
        id: 'u2',
        problems: [{ field: 'label', reason: expect.stringContaining('required') }],
      },
    ]);
  });

  it('report cells beyond the header (a separator inside an unquoted value)', () => {
    const inventory = csv(FR, 'srv-a;Serveur;;2026-11-27;;;oops');
    expect(inventory.rejected).toEqual([
      {
        row: 2,
        kind: 'line',
        id: 'srv-a',
        problems: [
          {
            field: '(column 7, no header)',
            reason: expect.stringContaining("a ';' inside a value must be in double quotes"),
          },
        ],
      },
    ]);
  });
});

describe('dates', () => {
  it('are YYYY-MM-DD, or DD/MM/YYYY in a CSV as the French export writes them', () => {
    const inventory = csv(FR, 'a;;;2026-11-27;29/02/2028;', 'b;;;01/12/2026;;');
    expect(inventory.rejected).toEqual([]);
    expect(inventory.items.map((i) => [i.importDate, i.serviceContract?.endOfServiceDate])).toEqual([
      ['2026-11-27', '2028-02-29'],
      ['2026-12-01', undefined],
    ]);
  });

  it.each([
    ['11/27/2026', 'puts the day first'], // month first: not French
    ['27/11/26', 'must be a date as'], // two-digit year
    ['1/2/2026', 'must be a date as'], // no leading zeros: refused rather than guessed
    ['27-11-2026', 'must be a date as'],
    ['2026/11/27', 'must be a date as'],
    ['46353', 'must be a date as'], // a spreadsheet serial number
    ['2026-11-27T06:00:00Z', 'must be a date as'],
    ['29/02/2027', 'is not a real calendar date'],
    ['00/11/2026', 'is not a real calendar date'],
    ['27/11/0026', 'unlikely year'],
  ])('refuse %s', (date, reason) => {
    const inventory = csv(FR, `a;;;${date};;`);
    expect(inventory.items).toEqual([]);
    expect(inventory.rejected[0]!.problems).toEqual([
      { field: "Date de l'import", reason: expect.stringContaining(reason) },
    ]);
    expect(inventory.rejected[0]!.problems[0]!.reason).toContain(`'${date}'`);
  });
});

describe('entities', () => {
  it('come from the JSON field entity and the CSV column Entité (or entity), normalised', async () => {
    const json = await readInventory(
      write(
        'entity.json',
        JSON.stringify({
          source: 'mon',
          items: [
            { id: 'a', label: 'a', importDate: '2026-11-27', entity: '  Client A>Paris ' },
            { id: 'b', label: 'b', importDate: '2026-11-27', entity: '' },
            { id: 'c', label: 'c', importDate: '2026-11-27', entity: 'Client A > > Paris' },
          ],
        }),
      ),
    );
    expect(json.items.map((i) => i.entity)).toEqual(['Client A > Paris', undefined]);
    expect(json.rejected).toEqual([
      {
        row: 3,
        kind: 'item',
        id: 'c',
        problems: [{ field: 'entity', reason: expect.stringContaining('empty level') }],
      },
    ]);
    const fr = csv(`${FR};Entité`, 'a;;;2026-11-27;;;Client B >Lyon');
    expect(fr.items[0]!.entity).toBe('Client B > Lyon');
    const en = parseInventory('label,importDate,entity\na,2026-11-27,X > Y', 'x.csv', 'x');
    expect(en.items[0]!.entity).toBe('X > Y');
  });
});

describe('file-level problems', () => {
  it('fail with one clear message, not retryable', async () => {
    const absent = await failure(readInventory(join(dir, 'absent.json')));
    expect(absent.message).toMatch(/cannot read the inventory .*absent\.json: no such file/);
    expect(absent.retryable).toBe(false);
    const broken = await failure(readInventory(write('broken.json', '{"source": "x", "items": [')));
    expect(broken.message).toMatch(/not valid JSON/);
    expect(broken.retryable).toBe(false);
    await expect(readInventory(write('nosource.json', '{"items": []}'))).rejects.toThrow(
      /'source' is required/,
    );
    await expect(readInventory(write('noitems.json', '{"source": "x"}'))).rejects.toThrow(
      /'items' is required/,
    );
  });

  it('list the accepted columns in the language of the file', async () => {
    const fr = await failure(
      readInventory(write('cols-fr.csv', "Intitulé;Date de l'import;Couleur\na;2026-11-27;rouge")),
    );
    expect(fr.message).toMatch(/unknown CSV column\(s\): 'Couleur'/);
    expect(fr.message).toContain(
      'Intitulé, Matériel > Type, Matériel > Constructeur, Matériel > Numéro de série',
    );
    expect(fr.message).not.toContain('hardware.type');
    expect(fr.retryable).toBe(false);
    const en = await failure(
      readInventory(write('cols.csv', 'id,label,importDate,colour\n1,a,2026-11-27,red')),
    );
    expect(en.message).toMatch(/unknown CSV column\(s\): 'colour'/);
    expect(en.message).toContain('label, hardware.type, hardware.manufacturer');
    expect(en.message).not.toContain('Intitulé');
  });

  it('name a missing required column in the language of the file', () => {
    expect(() => csv('Intitulé;Matériel > Type', 'a;b')).toThrow(
      "the CSV has no 'Date de l'import' column (the date of the import)",
    );
  });

  it('include a source name that is not one', () => {
    expect(() => parseInventory(FR, '/data/x.csv', 'Inventaire Paris')).toThrow(/may only hold letters/);
  });
});

describe('files as people save them', () => {
  it('reads a Windows-1252 file, as Excel saves a CSV on a French Windows, with its sep= line', async () => {
    const text = `sep=;\r\n${FR}\r\nsrv-é;Serveur;;27/11/2026;;\r\n;Serveur;;27/11/2026;;\r\n`;
    const path = write('excel.csv', Buffer.from(text, 'latin1'));
    const inventory = await readInventory(path, 'servicenav');
    expect(inventory.items.map((i) => i.label)).toEqual(['srv-é']);
    expect(inventory.rejected).toEqual([
      {
        row: 4,
        kind: 'line',
        problems: [{ field: 'Intitulé', reason: expect.stringContaining('required') }],
      },
    ]);
  });

  it('reads UTF-16 with a BOM and tabs, as Excel saves "Unicode text"', async () => {
    const text = `\uFEFFIntitulé\tDate de l'import\nsrv-ü\t27/11/2026\n`;
    const inventory = await readInventory(write('unicode.txt', Buffer.from(text, 'utf16le')), 'servicenav');
    expect(inventory.rejected).toEqual([]);
    expect(inventory.items.map((i) => [i.id, i.importDate])).toEqual([['srv-ü', '2026-11-27']]);
  });

  it('reads headers whatever their case, accents and spacing, and UTF-8 with a BOM', async () => {
    const path = write(
      'bom.csv',
      `\uFEFFintitule ; MATERIEL>Numero de serie ;Date de l’import\nsrv;SN;2026-11-27\n`,
    );
    const inventory = await readInventory(path);
    expect(inventory.source).toBe('bom');
    expect(inventory.items).toEqual([
      { id: 'SN', label: 'srv', hardware: { serialNumber: 'SN' }, software: {}, importDate: '2026-11-27' },
    ]);
  });
});

describe('downloading an inventory', () => {
  let server: Server;
  let base: string;
  const status: { code: number; body: string; hang?: boolean } = { code: 200, body: '' };

  beforeAll(async () => {
    server = createServer((_req, res) => {
      if (status.hang) return; // never answers
      res.writeHead(status.code, { 'content-type': 'text/csv' });
      res.end(status.body);
    });
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((done) => server.close(done));
  });

  it('reads a URL, its source defaulting to the file name', async () => {
    Object.assign(status, { code: 200, body: `${FR}\nsrv;Serveur;;2026-11-27;;\n`, hang: false });
    const inventory = await readInventory(`${base}/exports/Parc%20Paris.csv?token=1`);
    expect(inventory.source).toBe('Parc-Paris');
    expect(inventory.items.map((i) => i.id)).toEqual(['srv']);
    expect(inventory.digest).toBe(createHash('sha256').update(status.body).digest('hex'));
  });

  it('fails retryably on 5xx, a timeout or a refused connection, and for good on 404', async () => {
    Object.assign(status, { code: 503, body: 'busy', hang: false });
    const busy = await failure(readInventorySource(`${base}/x.csv`));
    expect(busy.message).toMatch(/cannot download the inventory .*: HTTP 503/);
    expect(busy.retryable).toBe(true);

    Object.assign(status, { code: 404, body: 'no', hang: false });
    const missing = await failure(readInventorySource(`${base}/x.csv`));
    expect(missing.message).toMatch(/HTTP 404/);
    expect(missing.retryable).toBe(false);

    Object.assign(status, { hang: true });
    const slow = await failure(readInventorySource(`${base}/x.csv`, { timeoutMs: 300 }));
    expect(slow.message).toMatch(/no answer within 0.3 s/);
    expect(slow.retryable).toBe(true);

    const closed = createServer();
    await new Promise<void>((done) => closed.listen(0, '127.0.0.1', done));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((done) => closed.close(done));
    const refused = await failure(readInventorySource(`http://user:secret@127.0.0.1:${port}/x.csv`));
    expect(refused.retryable).toBe(true);
    expect(refused.message).not.toContain('secret');
  });
});
