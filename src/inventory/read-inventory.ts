import { readFile } from 'node:fs/promises';
import axios from 'axios';
import { parseInventoryCsv, InventoryFileError } from './inventory-csv';
import { inventoryFileSchema, validateItems, type InventoryItem, type RejectedRow } from './inventory-schema';

export { InventoryFileError };

export interface Inventory {
  source: string;
  items: InventoryItem[];
  rejected: RejectedRow[];
}

/** Reads an inventory from a file path or an http(s) URL, JSON or CSV (by extension or content). */
export async function readInventory(location: string, defaultSource = 'csv'): Promise<Inventory> {
  let text: string;
  try {
    text = /^https?:\/\//i.test(location)
      ? (
          await axios.get<string>(location, {
            responseType: 'text',
            timeout: 30_000,
            transformResponse: (d: string) => d,
          })
        ).data
      : await readFile(location, 'utf8');
  } catch (err) {
    throw new InventoryFileError(`cannot read the inventory ${location}: ${(err as Error).message}`);
  }
  const trimmed = text.trimStart();
  if (location.toLowerCase().endsWith('.json') || trimmed.startsWith('{')) {
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (err) {
      throw new InventoryFileError(`${location} is not valid JSON: ${(err as Error).message}`);
    }
    const file = inventoryFileSchema.safeParse(json);
    if (!file.success) {
      const issue = file.error.issues[0]!;
      throw new InventoryFileError(
        `${location}: '${issue.path.join('.') || '(top level)'}' ${issue.message}`,
      );
    }
    return { source: file.data.source, ...validateItems(file.data.items) };
  }
  return { source: defaultSource, ...validateItems(parseInventoryCsv(text)) };
}
