import { z } from 'zod';

/**
 * The inventory a monitoring platform exports: one entry per host. Documented in the README and in
 * examples/inventory.json. `id` is the platform's stable id of the host.
 */
const text = (max: number, required = 'is required') =>
  z
    .string({
      error: (issue) => (issue.input === undefined || issue.input === null ? required : 'must be text'),
    })
    .trim()
    .max(max, { error: `must be at most ${max} characters` });
const isoDate = z
  .string({
    error: (issue) =>
      issue.input === undefined ? 'is required (YYYY-MM-DD)' : 'must be a date as YYYY-MM-DD',
  })
  .trim()
  .regex(/^\d{4}-\d{2}-\d{2}$/, { error: 'must be a date as YYYY-MM-DD' })
  .refine(
    (v) =>
      !Number.isNaN(Date.parse(`${v}T00:00:00Z`)) && new Date(`${v}T00:00:00Z`).toISOString().startsWith(v),
    {
      error: 'is not a real calendar date',
    },
  );

export const inventoryItemSchema = z.object({
  id: text(200, 'is required (the host id in the monitoring platform)').min(1, {
    error: 'is required (the host id in the monitoring platform)',
  }),
  label: text(255, 'is required (the host name, which becomes the computer name)').min(1, {
    error: 'is required (the host name, which becomes the computer name)',
  }),
  hardware: z
    .object({
      type: text(255).optional(),
      manufacturer: text(255).optional(),
      serialNumber: text(255).optional(),
    })
    .default({}),
  software: z
    .object({
      operatingSystem: text(255).optional(),
      license: text(255).optional(),
    })
    .default({}),
  contract: z
    .object({
      glpiContractId: z.coerce.number().int().positive({ error: 'must be a GLPI contract id (> 0)' }),
    })
    .optional(),
  importDate: isoDate,
  serviceContract: z.object({ endOfServiceDate: isoDate.optional() }).optional(),
});

export type InventoryItem = z.infer<typeof inventoryItemSchema>;

export const inventoryFileSchema = z.object({
  source: text(100, 'is required (a short name of the monitoring platform)')
    .min(1, { error: 'is required (a short name of the monitoring platform)' })
    .regex(/^[A-Za-z0-9._-]+$/, { error: 'may only hold letters, digits, dot, dash and underscore' }),
  exportedAt: z.string().optional(),
  items: z.array(z.unknown()),
});

/** One rejected row: where, which field, why. */
export interface RejectedRow {
  /** 1-based row number (CSV: the line after the header; JSON: the position in `items`). */
  row: number;
  id?: string;
  field: string;
  reason: string;
}

/** Validates raw entries one by one: a bad row is reported, the others are kept. Duplicate ids are rejected. */
export function validateItems(entries: unknown[]): { items: InventoryItem[]; rejected: RejectedRow[] } {
  const items: InventoryItem[] = [];
  const rejected: RejectedRow[] = [];
  const seen = new Map<string, number>();
  entries.forEach((entry, index) => {
    const row = index + 1;
    const parsed = inventoryItemSchema.safeParse(entry);
    if (!parsed.success) {
      const id =
        typeof (entry as { id?: unknown })?.id === 'string' ? (entry as { id: string }).id : undefined;
      for (const issue of parsed.error.issues) {
        rejected.push({
          row,
          ...(id ? { id } : {}),
          field: issue.path.join('.') || '(row)',
          reason: issue.message,
        });
      }
      return;
    }
    const first = seen.get(parsed.data.id);
    if (first !== undefined) {
      rejected.push({ row, id: parsed.data.id, field: 'id', reason: `duplicates the id of row ${first}` });
      return;
    }
    seen.set(parsed.data.id, row);
    items.push(parsed.data);
  });
  return { items, rejected };
}
