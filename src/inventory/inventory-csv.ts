import { parse } from 'csv-parse/sync';

/**
 * CSV columns → item fields. English names are the JSON paths; French labels are the original
 * product's (ServiceNav "Inventaire GLPI") headers.
 */
const COLUMNS: Record<string, string> = {
  id: 'id',
  label: 'label',
  'hardware.type': 'hardware.type',
  'hardware.manufacturer': 'hardware.manufacturer',
  'hardware.serialnumber': 'hardware.serialNumber',
  'software.operatingsystem': 'software.operatingSystem',
  'software.license': 'software.license',
  'contract.glpicontractid': 'contract.glpiContractId',
  importdate: 'importDate',
  'servicecontract.endofservicedate': 'serviceContract.endOfServiceDate',
  intitulé: 'label',
  'matériel > type': 'hardware.type',
  'matériel > constructeur': 'hardware.manufacturer',
  'matériel > numéro de série': 'hardware.serialNumber',
  "logiciels > système d'exploitation": 'software.operatingSystem',
  'logiciels > licence': 'software.license',
  "date de l'import": 'importDate',
  'parc > contrat de service > date de fin de service': 'serviceContract.endOfServiceDate',
  contrat: 'contract.glpiContractId',
};

export class InventoryFileError extends Error {
  override readonly name = 'InventoryFileError';
}

function normalise(header: string): string {
  return header
    .normalize('NFC')
    .replace(/[\u2018\u2019]/g, "'")
    .replace(/\s+/g, ' ')
    .trim()
    .toLowerCase();
}

/** Reads CSV text (comma or semicolon separated) into raw entries for `validateItems`. */
export function parseInventoryCsv(text: string): Record<string, unknown>[] {
  const firstLine = text.split(/\r?\n/, 1)[0] ?? '';
  const delimiter = (firstLine.match(/;/g)?.length ?? 0) > (firstLine.match(/,/g)?.length ?? 0) ? ';' : ',';
  let records: string[][];
  try {
    records = parse(text.replace(/^\uFEFF/, ''), {
      delimiter,
      relax_column_count: true,
      skip_empty_lines: true,
    });
  } catch (err) {
    throw new InventoryFileError(`the CSV cannot be read: ${(err as Error).message}`);
  }
  const [header, ...rows] = records;
  if (!header) throw new InventoryFileError('the CSV is empty: a header line is expected');
  const paths = header.map((h) => COLUMNS[normalise(h)]);
  const unknown = header.filter((_h, i) => !paths[i]);
  if (unknown.length) {
    throw new InventoryFileError(
      `unknown CSV column(s): ${unknown.map((u) => `'${u}'`).join(', ')}; expected ${Object.keys(COLUMNS).slice(0, 10).join(', ')} or the French labels`,
    );
  }
  if (!paths.includes('id'))
    throw new InventoryFileError("the CSV has no 'id' column (the host id in the monitoring platform)");
  return rows.map((cells) => {
    const entry: Record<string, unknown> = {};
    paths.forEach((path, i) => {
      const value = (cells[i] ?? '').trim();
      if (value === '' || !path) return;
      const keys = path.split('.');
      let node = entry;
      keys.slice(0, -1).forEach((k) => (node = (node[k] ??= {}) as Record<string, unknown>));
      node[keys.at(-1)!] = value;
    });
    return entry;
  });
}
