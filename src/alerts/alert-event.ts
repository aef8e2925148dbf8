/**
 * The canonical alert event: what every source format is turned into, and what `POST /alerts` accepts.
 * One `dedupKey` per problem: every event with the same source and key concerns the same ticket.
 */
export const SEVERITIES = ['critical', 'major', 'minor', 'warning', 'info'] as const;
export type Severity = (typeof SEVERITIES)[number];

/** What names one problem: the monitoring system and its dedup key. */
export interface AlertKey {
  source: string;
  dedupKey: string;
}

export interface AlertHost {
  name: string;
  /** The machine's serial number: tells apart computers that share a name. */
  serial?: string;
  /** The host's id in the inventory glpi-bridge syncs (an inventory item's `id`): the surest match. */
  id?: string;
  /** The inventory source that id belongs to. @default the alert's `source` */
  inventorySource?: string;
  /** Where the monitoring system reaches the host (`web-1.paris.example.com:9100`); the port is ignored. */
  instance?: string;
}

export interface AlertEvent extends AlertKey {
  status: 'firing' | 'resolved';
  /** @default 'major' */
  severity: Severity;
  host: AlertHost;
  service?: string;
  summary: string;
  details?: string;
  /** The alert's own time: when the problem started (firing) or ended (resolved). The ticket's opening date. */
  time?: string;
  links?: string[];
  labels?: Record<string, string>;
  /**
   * What a person said about the problem (an acknowledgement, a Zabbix update message): written alone as a
   * follow-up, without repeating the problem.
   */
  note?: string;
  /** When the bridge accepted the event (set on delivery): the flap gate judges by it, not by processing time. */
  receivedAt?: string;
}

/** One rule broken: where (a path into the value) and why. */
export interface Issue {
  path: (string | number)[];
  message: string;
}

export type Checked<T> =
  | { success: true; data: T; error?: undefined }
  | { success: false; data?: undefined; error: { issues: Issue[] } };

/**
 * A validator with zod's `safeParse` / `parse` shape. The canonical event's rules are written here without
 * zod: they also run in workflow code (each signal is checked on arrival), where every workflow instance
 * would otherwise pay for instantiating zod's modules.
 */
export interface Checker<T> {
  safeParse(value: unknown): Checked<T>;
  parse(value: unknown): T;
}

type Fields = Record<string, unknown>;
const isObject = (v: unknown): v is Fields => typeof v === 'object' && v !== null && !Array.isArray(v);

class Rules {
  readonly issues: Issue[] = [];
  fail(path: (string | number)[], message: string): undefined {
    this.issues.push({ path, message });
    return undefined;
  }
  /** A required name: text, trimmed, 1 to 200 characters (and, for a source, a restricted alphabet). */
  key(value: unknown, path: (string | number)[], source = false): string | undefined {
    if (value === undefined) return this.fail(path, 'is required');
    if (typeof value !== 'string') return this.fail(path, 'must be text');
    const v = value.trim();
    if (v === '') return this.fail(path, 'is required');
    if (v.length > 200) return this.fail(path, 'must be at most 200 characters');
    if (source && !/^[A-Za-z0-9._-]+$/.test(v))
      return this.fail(path, 'may only hold letters, digits, dot, dash and underscore');
    return v;
  }
  /** Optional text, trimmed unless `raw`; empty text counts as absent when `dropEmpty`. */
  text(
    value: unknown,
    path: (string | number)[],
    max: number,
    options: { raw?: boolean; dropEmpty?: boolean } = {},
  ): string | undefined {
    if (value === undefined) return undefined;
    if (typeof value !== 'string') return this.fail(path, 'must be text');
    const v = options.raw ? value : value.trim();
    if (options.dropEmpty && v === '') return undefined;
    if (v.length > max) return this.fail(path, `must be at most ${max} characters`);
    return v;
  }
  dateTime(value: unknown, path: (string | number)[]): string | undefined {
    if (value === undefined) return undefined;
    const ok =
      typeof value === 'string' &&
      /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:\d{2})$/i.test(value) &&
      !Number.isNaN(Date.parse(value));
    return ok ? (value as string) : this.fail(path, 'must be an ISO 8601 date-time');
  }
}

function checker<T>(check: (value: unknown, rules: Rules) => T | undefined): Checker<T> {
  const safeParse = (value: unknown): Checked<T> => {
    const rules = new Rules();
    const data = check(value, rules);
    return rules.issues.length || data === undefined
      ? {
          success: false,
          error: { issues: rules.issues.length ? rules.issues : [{ path: [], message: 'is invalid' }] },
        }
      : { success: true, data };
  };
  return {
    safeParse,
    parse: (value) => {
      const result = safeParse(value);
      if (!result.success)
        throw new Error(
          `invalid value: ${issuesOf(result.error)
            .map((i) => `${i.field} ${i.message}`)
            .join('; ')}`,
        );
      return result.data;
    },
  };
}

export const alertKeySchema: Checker<AlertKey> = checker((value, rules) => {
  if (!isObject(value))
    return rules.fail([], 'is required: { "source": "<monitoring system>", "dedupKey": "<problem key>" }');
  const source = rules.key(value.source, ['source'], true);
  const dedupKey = rules.key(value.dedupKey, ['dedupKey']);
  return source !== undefined && dedupKey !== undefined ? { source, dedupKey } : undefined;
});

/** The canonical alert event's rules: the one place where they are written. Unknown fields are left out. */
export const alertEventSchema: Checker<AlertEvent> = checker((value, rules) => {
  if (!isObject(value)) return rules.fail([], 'must be an alert object');
  const source = rules.key(value.source, ['source'], true);
  const dedupKey = rules.key(value.dedupKey, ['dedupKey']);
  const status =
    value.status === 'firing' || value.status === 'resolved'
      ? value.status
      : rules.fail(['status'], "must be 'firing' or 'resolved'");
  const severity =
    value.severity === undefined
      ? 'major'
      : (SEVERITIES as readonly unknown[]).includes(value.severity)
        ? (value.severity as Severity)
        : rules.fail(['severity'], `must be one of ${SEVERITIES.join(', ')}`);
  let host: AlertHost | undefined;
  if (!isObject(value.host)) rules.fail(['host'], 'is required: { "name": "<host name>" }');
  else {
    const h = value.host;
    const name = rules.key(h.name, ['host', 'name']);
    host = name === undefined ? undefined : { name };
    const serial = rules.text(h.serial, ['host', 'serial'], 255);
    const id = rules.text(h.id, ['host', 'id'], 200, { dropEmpty: true });
    const inventorySource =
      h.inventorySource === undefined
        ? undefined
        : rules.key(h.inventorySource, ['host', 'inventorySource'], true);
    const instance = rules.text(h.instance, ['host', 'instance'], 255);
    if (host) {
      if (serial !== undefined) host.serial = serial;
      if (id !== undefined) host.id = id;
      if (inventorySource !== undefined) host.inventorySource = inventorySource;
      if (instance !== undefined) host.instance = instance;
    }
  }
  const service = rules.text(value.service, ['service'], 255);
  const summary =
    typeof value.summary === 'string' && value.summary.trim() !== ''
      ? rules.text(value.summary, ['summary'], 255)
      : rules.fail(['summary'], 'is required');
  const details = rules.text(value.details, ['details'], 20_000, { raw: true });
  const time = rules.dateTime(value.time, ['time']);
  let links: string[] | undefined;
  if (value.links !== undefined) {
    if (!Array.isArray(value.links)) rules.fail(['links'], 'must be a list of URLs');
    else if (value.links.length > 20) rules.fail(['links'], 'must hold at most 20 links');
    else
      links = value.links.map((l, i) =>
        typeof l === 'string' && URL.canParse(l) ? l : (rules.fail(['links', i], 'must be a URL') ?? ''),
      );
  }
  let labels: Record<string, string> | undefined;
  if (value.labels !== undefined) {
    if (!isObject(value.labels)) rules.fail(['labels'], 'must be an object of strings');
    else {
      const entries = Object.entries(value.labels);
      for (const [k, v] of entries) if (typeof v !== 'string') rules.fail(['labels', k], 'must be text');
      // fromEntries defines own properties: a `__proto__` label stays a label.
      labels = Object.fromEntries(entries) as Record<string, string>;
    }
  }
  const note = rules.text(value.note, ['note'], 20_000, { dropEmpty: true });
  const receivedAt = rules.dateTime(value.receivedAt, ['receivedAt']);
  if (
    source === undefined ||
    dedupKey === undefined ||
    !status ||
    !severity ||
    !host ||
    summary === undefined
  )
    return undefined;
  const event: AlertEvent = { source, dedupKey, status, severity, host, summary };
  if (service !== undefined) event.service = service;
  if (details !== undefined) event.details = details;
  if (time !== undefined) event.time = time;
  if (links !== undefined) event.links = links;
  if (labels !== undefined) event.labels = labels;
  if (note !== undefined) event.note = note;
  if (receivedAt !== undefined) event.receivedAt = receivedAt;
  return event;
});

/** One bad field of a payload: where and why. */
export interface FieldIssue {
  field: string;
  message: string;
}

/** Issues of a failed check (this module's, or a ZodError's) as `field` paths such as `alerts.0.host.name`. */
export function issuesOf(
  error: { issues: readonly { path: readonly PropertyKey[]; message: string }[] },
  prefix = '',
): FieldIssue[] {
  return error.issues.map((issue) => ({
    field: [prefix, ...issue.path.map(String)].filter(Boolean).join('.') || '(body)',
    message: issue.message,
  }));
}

/** The id of the ticket workflow that owns every event of this problem. */
export function ticketWorkflowId(event: Pick<AlertEvent, 'source' | 'dedupKey'>): string {
  return `ticket/${event.source}/${event.dedupKey}`;
}
