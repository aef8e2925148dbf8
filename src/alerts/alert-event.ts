import { z } from 'zod';

/**
 * The canonical alert event: what every source format is turned into, and what `POST /alerts` accepts.
 * One `dedupKey` per problem: every event with the same source and key concerns the same ticket.
 */
export const SEVERITIES = ['critical', 'major', 'minor', 'warning', 'info'] as const;
export type Severity = (typeof SEVERITIES)[number];

const key = z
  .string({ error: (i) => (i.input === undefined ? 'is required' : 'must be text') })
  .trim()
  .min(1, { error: 'is required' })
  .max(200, { error: 'must be at most 200 characters' });

export const alertEventSchema = z.object({
  source: key.regex(/^[A-Za-z0-9._-]+$/, {
    error: 'may only hold letters, digits, dot, dash and underscore',
  }),
  dedupKey: key,
  status: z.enum(['firing', 'resolved'], { error: "must be 'firing' or 'resolved'" }),
  severity: z.enum(SEVERITIES, { error: `must be one of ${SEVERITIES.join(', ')}` }).default('major'),
  host: z.object(
    {
      name: key,
      serial: z.string().trim().max(255).optional(),
    },
    { error: 'is required: { "name": "<host name>" }' },
  ),
  service: z.string().trim().max(255).optional(),
  summary: z.string({ error: 'is required' }).trim().min(1, { error: 'is required' }).max(255),
  details: z.string().max(20_000).optional(),
  time: z.iso.datetime({ offset: true, error: 'must be an ISO 8601 date-time' }).optional(),
  links: z
    .array(z.url({ error: 'must be a URL' }))
    .max(20)
    .optional(),
  labels: z.record(z.string(), z.string()).optional(),
  /** When the bridge accepted the event (set on delivery): the flap gate judges by it, not by processing time. */
  receivedAt: z.iso.datetime({ offset: true }).optional(),
});

export type AlertEvent = z.infer<typeof alertEventSchema>;

/** One bad field of a payload: where and why. */
export interface FieldIssue {
  field: string;
  message: string;
}

export function issuesOf(error: z.ZodError, prefix = ''): FieldIssue[] {
  return error.issues.map((issue) => ({
    field: [prefix, ...issue.path.map(String)].filter(Boolean).join('.') || '(body)',
    message: issue.message,
  }));
}

/** The id of the ticket workflow that owns every event of this problem. */
export function ticketWorkflowId(event: Pick<AlertEvent, 'source' | 'dedupKey'>): string {
  return `ticket/${event.source}/${event.dedupKey}`;
}
