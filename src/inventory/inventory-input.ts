import { MAX_SOURCE_LENGTH, show, sourceProblem, validateItem } from './inventory-schema';

/**
 * Checks of the inputs people type into the Temporal UI's "Start Workflow" form, for workflow code: plain
 * TypeScript only (no zod, no Node built-ins, no I/O), so that it runs in Temporal's deterministic sandbox.
 * Each problem is one line `field: what is expected`.
 */

export const MAX_CONCURRENCY = 64;

const EXAMPLE_ITEM = '{"id": "host-1", "label": "srv-01", "importDate": "2026-11-27"}';

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function unknownKeys(
  value: Record<string, unknown>,
  known: readonly string[],
  prefix: string,
  of: string,
): string[] {
  return Object.keys(value)
    .filter((key) => !known.includes(key))
    .map((key) => {
      const near = known.find((k) => k.toLowerCase() === key.toLowerCase());
      return `${prefix}${key}: is not ${of}${near ? `; did you mean ${near}?` : ` (${known.join(', ')})`}`;
    });
}

function booleanProblem(value: unknown, field: string): string[] {
  return value === undefined || typeof value === 'boolean'
    ? []
    : [`${field}: must be true or false (without quotes), got ${show(value)}`];
}

function wholeNumberProblem(value: unknown, field: string, min: number, max: number, what: string): string[] {
  if (value === undefined) return [];
  if (typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max) return [];
  return [`${field}: must be a whole number from ${min} to ${max} (${what}), got ${show(value)}`];
}

const SYNC_INVENTORY_KEYS = [
  'location',
  'inventory',
  'source',
  'dryRun',
  'concurrency',
  'itemsPerRun',
  'carried',
] as const;

/**
 * The problems of a `syncInventory` start input, `[]` when there is none:
 * `{ location?: string; inventory?: { source?: string; items: unknown[] }; source?: string; dryRun?: boolean;
 * concurrency?: number }` (plus the workflow's own `itemsPerRun` and `carried`).
 * Exactly one of `location` and `inventory`; an inline inventory needs its `source` or the top-level one.
 * The items themselves are not checked here: bad ones are reported as rejected rows and the rest syncs.
 * Unknown fields are problems, so that a misspelt `dryrun` does not start a real sync.
 */
export function validateInventoryInput(value: unknown): string[] {
  if (!isRecord(value)) {
    return [
      `(input): must be a JSON object such as {"location": "/data/inventory.json"} or {"inventory": {"source": "servicenav", "items": [${EXAMPLE_ITEM}]}}, got ${show(value)}`,
    ];
  }
  const problems = unknownKeys(value, SYNC_INVENTORY_KEYS, '', 'an input of syncInventory');
  const { location, inventory, source } = value;

  if (location === undefined && inventory === undefined) {
    problems.push(
      `location: is required unless inventory is given: a file path as the worker sees it or an http(s) URL, e.g. "/data/inventory.json"; or give inventory: {"source": "servicenav", "items": [${EXAMPLE_ITEM}]}`,
    );
  } else if (location !== undefined && inventory !== undefined) {
    problems.push('location, inventory: give one of them, not both');
  }

  if (location !== undefined) {
    if (typeof location !== 'string' || location.trim() === '') {
      problems.push(
        `location: must be a file path as the worker sees it or an http(s) URL, e.g. "/data/inventory.json", got ${show(location)}`,
      );
    } else if (/^[a-z][a-z0-9+.-]*:\/\//i.test(location) && !/^https?:\/\//i.test(location)) {
      problems.push(
        `location: only http:// and https:// URLs can be read, or a file path, got ${show(location)}`,
      );
    }
  }

  if (source !== undefined) {
    const problem = sourceProblem(source);
    if (problem) problems.push(`source: ${problem}`);
  }

  if (inventory !== undefined) {
    if (!isRecord(inventory)) {
      problems.push(
        `inventory: must be an object such as {"source": "servicenav", "items": [${EXAMPLE_ITEM}]}, got ${show(inventory)}`,
      );
    } else {
      problems.push(
        ...unknownKeys(inventory, ['source', 'items', 'exportedAt'], 'inventory.', 'a field of an inventory'),
      );
      if (inventory.source !== undefined || source === undefined) {
        const problem = sourceProblem(inventory.source);
        if (problem) problems.push(`inventory.source: ${problem}`);
      }
      if (!Array.isArray(inventory.items)) {
        problems.push(
          `inventory.items: ${inventory.items === undefined ? 'is required' : `must be a list, got ${show(inventory.items)}`}: the hosts, e.g. [${EXAMPLE_ITEM}]`,
        );
      }
    }
  }

  problems.push(...booleanProblem(value.dryRun, 'dryRun'));
  problems.push(...wholeNumberProblem(value.concurrency, 'concurrency', 1, MAX_CONCURRENCY, 'syncs at once'));
  problems.push(
    ...wholeNumberProblem(
      value.itemsPerRun,
      'itemsPerRun',
      1,
      100_000,
      'hosts per run before continuing as new',
    ),
  );
  if (value.carried !== undefined && !isRecord(value.carried)) {
    problems.push('carried: is set by the workflow itself when it continues as new: leave it out');
  }
  return problems;
}

const SYNC_ITEM_KEYS = ['source', 'item', 'dryRun', 'shared'] as const;

/**
 * The problems of a `syncInventoryItem` start input, `[]` when there is none:
 * `{ source: string; item: unknown; dryRun?: boolean }` (plus `shared`, which a batch sets). The item gets the same checks and messages as an inventory file's items, its fields named
 * `item.<path>`. `validateItem` (inventory-schema.ts, also zod-free) gives the normalised item.
 */
export function validateItemInput(value: unknown): string[] {
  if (!isRecord(value)) {
    return [
      `(input): must be a JSON object such as {"source": "servicenav", "item": ${EXAMPLE_ITEM}}, got ${show(value)}`,
    ];
  }
  const problems = unknownKeys(value, SYNC_ITEM_KEYS, '', 'an input of syncInventoryItem');
  const source = sourceProblem(value.source);
  if (source) problems.push(`source: ${source}`);
  if (value.item === undefined || value.item === null) {
    problems.push(`item: is required: the host, e.g. ${EXAMPLE_ITEM}`);
  } else {
    const check = validateItem(value.item, { fieldName: (path) => (path ? `item.${path}` : 'item') });
    problems.push(...check.problems.map((p) => `${p.field}: ${p.reason}`));
  }
  problems.push(...booleanProblem(value.dryRun, 'dryRun'));
  if (value.shared !== undefined && !isRecord(value.shared)) {
    problems.push('shared: is set by the batch that starts this workflow: leave it out');
  }
  return problems;
}

/**
 * The source name of an inventory that names none (a CSV): its file's base name without extension, reduced
 * to letters, digits, `.`, `_` and `-` (accents dropped, other runs become `-`), for a path or a URL.
 * "/data/Inventaire Paris.csv" → "Inventaire-Paris"; "https://x/export/parc.csv?t=1" → "parc".
 * Falls back to "inventory" when nothing is left.
 */
export function defaultSourceFor(location: string): string {
  let path = location.trim();
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(path))
    path = path.replace(/[?#].*$/, '').replace(/^[a-z][a-z0-9+.-]*:\/\/[^/]*/i, '');
  const base =
    path
      .split(/[\\/]/)
      .filter((part) => part !== '')
      .at(-1) ?? '';
  let name = base;
  try {
    name = decodeURIComponent(base);
  } catch {
    // Keep the name as written.
  }
  const reduced = name
    .replace(/\.[^.]*$/, '')
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .replace(/[^A-Za-z0-9._-]+/g, '-')
    .replace(/^[-.]+|[-.]+$/g, '')
    .slice(0, MAX_SOURCE_LENGTH)
    .replace(/[-.]+$/, '');
  return reduced || 'inventory';
}
