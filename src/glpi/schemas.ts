import { z } from 'zod';

/** Shapes of GLPI's answers that the client relies on. Anything else in a response is passed through. */

export const errorBody = z.tuple([z.string(), z.unknown()]);

export const initSessionBody = z.object({ session_token: z.string().min(1) });

export const glpiConfigBody = z.object({
  cfg_glpi: z.object({ version: z.string() }).passthrough(),
});

export const myEntitiesBody = z.object({
  myentities: z.array(z.object({ id: z.number(), name: z.string() })),
});

export const activeEntitiesBody = z.object({
  active_entity: z.object({
    id: z.number(),
    active_entity_recursive: z.union([z.boolean(), z.number()]),
    active_entities: z.array(z.object({ id: z.number() })),
  }),
});

export const activeProfileBody = z.object({
  active_profile: z.object({ id: z.number(), name: z.string() }).passthrough(),
});

/** Every item row has a numeric id; the rest depends on the itemtype. */
export const itemRow = z.object({ id: z.number() }).passthrough();
export type ItemRow = z.infer<typeof itemRow>;

export const itemRows = z.array(itemRow);

/** 9.1.0/9.1.1 answer `{"id":N}`, later versions add `message`. */
export const addedOne = z.object({ id: z.number(), message: z.string().optional() });

/** One entry of a bulk add: `{"id":N,"message":""}`, `{"id":false,"message":"…"}` or 9.1's `{"error":…}`. */
export const addedEntry = z.object({
  id: z.union([z.number(), z.literal(false)]).optional(),
  message: z.string().optional(),
  error: z.unknown().optional(),
});
export const addedMany = z.array(addedEntry);

/** `[{"10":true,"message":""}]`; 9.1.0/9.1.1 used the string "true". */
export const changedMany = z.array(z.record(z.string(), z.union([z.boolean(), z.string(), z.null()])));

export const searchBody = z.object({
  totalcount: z.number(),
  count: z.number(),
  // Real GLPI omits `data` entirely when nothing matches.
  data: z.array(z.record(z.string(), z.unknown())).optional(),
});
export type SearchRow = Record<string, unknown>;

/** Names the first unexpected field of a response, for error messages. */
export function describeMismatch(error: z.ZodError): string {
  const issue = error.issues[0];
  if (!issue) return 'unexpected response';
  const path = issue.path.length ? issue.path.join('.') : '(body)';
  return `field '${path}': ${issue.message}`;
}
