import { z } from 'zod';
import { SEVERITIES } from '../alerts/alert-event';
import { DEFAULT_TICKET_POLICY, formatTicketActor, parseTicketActor } from '../alerts/ticket-policy';
import { DEFAULT_GLPI_ENTITY, DEFAULT_WORKER_SETTINGS, type WorkerSettings } from './worker-settings';

/**
 * Every setting of glpi-bridge, read from environment variables. One schema, validated once at start-up,
 * so that a bad deployment fails with a single message that names every variable to fix.
 */

const optionalText = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v.trim() === '' ? undefined : v.trim()));

const port = (fix: string) =>
  z.coerce
    .number({ error: `must be a port number; ${fix}` })
    .int({ error: `must be a whole port number; ${fix}` })
    .min(0, { error: `must be between 0 and 65535; ${fix}` })
    .max(65535, { error: `must be between 0 and 65535; ${fix}` });

const positiveInt = (fix: string) =>
  z.coerce
    .number({ error: `must be a number; ${fix}` })
    .int({ error: `must be a whole number; ${fix}` })
    .positive({ error: `must be greater than 0; ${fix}` });

const httpUrl = (fix: string) =>
  z
    .string()
    .trim()
    .refine((v) => /^https?:\/\/[^\s/]+/i.test(v) && URL.canParse(v), {
      error: `must be an http(s) URL; ${fix}`,
    })
    .optional();

const seconds = z.coerce
  .number({ error: 'must be a number of seconds' })
  .min(0, { error: 'must be 0 or more seconds' });

const level = z.number().int().min(1).max(5);
const severityMap = z
  .partialRecord(z.enum(SEVERITIES), z.object({ urgency: level, impact: level }).strict())
  .refine((m) => Object.keys(m).length > 0);

/** TICKET_REQUESTER / TICKET_ASSIGNEE: `none`, `user:<login>` or `group:<complete name>`. */
const ticketActor = (fallback: ReturnType<typeof parseTicketActor>) =>
  z
    .string()
    .default(formatTicketActor(fallback as Exclude<typeof fallback, { problem: string }>))
    .transform((v, ctx) => {
      const actor = parseTicketActor(v);
      if ('problem' in actor) {
        ctx.addIssue({ code: 'custom', message: actor.problem });
        return z.NEVER;
      }
      return actor;
    });

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

export const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** Every environment variable glpi-bridge reads; the README's configuration table lists each (test/config). */
export const envSchema = z.object({
  TEMPORAL_ADDRESS: z
    .string()
    .trim()
    .regex(/^[^\s:/]+:\d{1,5}$/, { error: 'must be host:port, e.g. localhost:7233' })
    .default('localhost:7233'),
  TEMPORAL_NAMESPACE: z.string().trim().min(1).default('default'),
  TEMPORAL_TASK_QUEUE: z.string().trim().min(1).default('glpi-bridge'),
  TEMPORAL_TLS_CERT: optionalText,
  TEMPORAL_TLS_KEY: optionalText,
  TEMPORAL_TLS_CA: optionalText,
  TEMPORAL_TLS_SERVER_NAME: optionalText,
  TEMPORAL_TLS: z.enum(['true', 'false']).optional(),
  TEMPORAL_API_KEY: optionalText,
  TEMPORAL_UI_URL: httpUrl('set it to the Temporal Web UI, e.g. http://localhost:8233'),

  GLPI_URL: httpUrl('set it to the GLPI API root, e.g. https://glpi.example.com/apirest.php'),
  GLPI_APP_TOKEN: optionalText,
  GLPI_USER_TOKEN: optionalText,
  GLPI_USERNAME: optionalText,
  GLPI_PASSWORD: optionalText,
  GLPI_CA_FILE: optionalText,
  GLPI_TIMEOUT_MS: positiveInt('e.g. 30000').default(30_000),
  GLPI_ENTITY: z.string().trim().min(1).default(DEFAULT_GLPI_ENTITY),
  SYNC_RETRY_MAX_INTERVAL_SECONDS: seconds
    .refine((v) => v > 0, { error: 'must be greater than 0' })
    .default(DEFAULT_WORKER_SETTINGS.inventoryRetry.maxIntervalSeconds),
  SYNC_RETRY_BUDGET_SECONDS: seconds
    .refine((v) => v > 0, { error: 'must be greater than 0' })
    .default(DEFAULT_WORKER_SETTINGS.inventoryRetry.budgetSeconds),

  LOG_LEVEL: z
    .string()
    .trim()
    .toLowerCase()
    .pipe(z.enum(LOG_LEVELS, { error: `must be one of ${LOG_LEVELS.join(', ')}` }))
    .default('info'),
  METRICS_PORT: port('set 0 to disable the Prometheus endpoint').default(9464),
  DATA_DIR: z.string().trim().min(1).default('.data'),

  RECEIVER_HOST: z.string().trim().min(1).default('0.0.0.0'),
  RECEIVER_PORT: port('e.g. 8090').default(8090),
  RECEIVER_TOKEN: optionalText,
  RECEIVER_HMAC_SECRET: optionalText,
  RECEIVER_COALESCE_SECONDS: seconds.default(60),
  TICKET_FLAP_SECONDS: seconds.default(DEFAULT_TICKET_POLICY.flapSeconds),
  TICKET_REOPEN_WINDOW_SECONDS: seconds.default(DEFAULT_TICKET_POLICY.reopenWindowSeconds),
  TICKET_SYNC_INTERVAL_SECONDS: seconds
    .refine((v) => v > 0, { error: 'must be greater than 0' })
    .default(DEFAULT_TICKET_POLICY.syncIntervalSeconds),
  TICKET_SOLVE_ON_RECOVERY: z.enum(['true', 'false'], { error: 'must be true or false' }).default('true'),
  TICKET_CATEGORY: optionalText,
  TICKET_REQUEST_SOURCE: z.string().trim().min(1).default(DEFAULT_TICKET_POLICY.requestSource),
  TICKET_RETRY_MAX_INTERVAL_SECONDS: seconds
    .refine((v) => v > 0, { error: 'must be greater than 0' })
    .default(DEFAULT_TICKET_POLICY.retryMaxIntervalSeconds),
  TICKET_DEFAULT_ENTITY: optionalText.refine((v) => v === undefined || !/(^|>)\s*(>|$)/.test(v), {
    error: "must be 'root' or an entity path from the root such as 'Supervision > Unknown hosts'",
  }),
  TICKET_DEFAULT_ENTITY_ID: optionalText.refine((v) => v === undefined, {
    error:
      "is no longer read: set TICKET_DEFAULT_ENTITY to an entity path ('Supervision > Unknown hosts', or 'root'), or unset it for the bridge's sub-entity",
  }),
  TICKET_REQUESTER: ticketActor(DEFAULT_TICKET_POLICY.requester),
  TICKET_ASSIGNEE: ticketActor(DEFAULT_TICKET_POLICY.assignee),
  TICKET_HOST_ID_LABEL: z.string().trim().min(1).default(DEFAULT_TICKET_POLICY.hostIdLabel),
  TICKET_SEVERITY_MAP: z
    .string()
    .optional()
    .transform((v, ctx) => {
      if (v === undefined || v.trim() === '') return undefined;
      const parsed = severityMap.safeParse(safeJson(v));
      if (!parsed.success) {
        ctx.addIssue({
          code: 'custom',
          message: `must be JSON like {"critical":{"urgency":5,"impact":5}} with severities ${SEVERITIES.join(', ')} and values 1-5`,
        });
        return z.NEVER;
      }
      return parsed.data;
    }),
  TICKET_TITLE_TEMPLATE: z.string().min(1).default(DEFAULT_TICKET_POLICY.titleTemplate),
  // `\n` is a line break, as the README says: an env file or a compose file passes it as two characters.
  TICKET_CONTENT_TEMPLATE: z
    .string()
    .min(1)
    .default(DEFAULT_TICKET_POLICY.contentTemplate)
    .transform((v) => v.replace(/\\n/g, '\n')),
  OUTBOUND_WEBHOOK_URL: httpUrl('set it to the URL that receives ticket status changes'),
  OUTBOUND_WEBHOOK_TOKEN: optionalText,
});

/** Checks across variables, run on the raw values so they are reported even when another variable is bad. */
function crossChecks(env: NodeJS.ProcessEnv): string[] {
  const set = (name: string) => (env[name] ?? '').trim() !== '';
  const problems: string[] = [];
  if (set('TEMPORAL_TLS_CERT') !== set('TEMPORAL_TLS_KEY')) {
    const missing = set('TEMPORAL_TLS_CERT') ? 'TEMPORAL_TLS_KEY' : 'TEMPORAL_TLS_CERT';
    problems.push(`${missing}: mTLS needs both TEMPORAL_TLS_CERT and TEMPORAL_TLS_KEY (paths to PEM files)`);
  }
  if (set('GLPI_URL')) {
    const hasToken = set('GLPI_USER_TOKEN');
    if (!hasToken && !(set('GLPI_USERNAME') && set('GLPI_PASSWORD'))) {
      if (set('GLPI_USERNAME') !== set('GLPI_PASSWORD')) {
        const missing = set('GLPI_USERNAME') ? 'GLPI_PASSWORD' : 'GLPI_USERNAME';
        problems.push(`${missing}: login by password needs both GLPI_USERNAME and GLPI_PASSWORD`);
      } else {
        problems.push(
          "GLPI_USER_TOKEN: GLPI_URL is set but no credentials are: set GLPI_USER_TOKEN (the API user's API token), or GLPI_USERNAME and GLPI_PASSWORD",
        );
      }
    }
  }
  return problems;
}

export type Env = z.infer<typeof envSchema>;

/** GLPI connection settings. Credentials live only in the worker's memory, never in workflow payloads. */
export interface GlpiSettings {
  url: string;
  appToken?: string;
  userToken?: string;
  username?: string;
  password?: string;
  caFile?: string;
  timeoutMs: number;
}

export interface TemporalSettings {
  address: string;
  namespace: string;
  taskQueue: string;
  tls?: { certFile?: string; keyFile?: string; caFile?: string; serverName?: string };
  apiKey?: string;
  /** Web UI base, for links printed by the CLI. */
  uiUrl?: string;
}

export interface Config {
  temporal: TemporalSettings;
  /** Absent when no GLPI is configured: the local commands then use the embedded emulator. */
  glpi?: GlpiSettings;
  /** What the worker owns and workflows read at their start: sub-entity, retries, ticket policy. */
  settings: WorkerSettings;
  logLevel: LogLevel;
  metricsPort: number;
  dataDir: string;
  /** The alert receiver (`glpi-bridge serve`). */
  receiver: { host: string; port: number; token?: string; hmacSecret?: string; coalesceSeconds: number };
  /** Worker side: sent with outbound webhooks. */
  outboundToken?: string;
}

/** Thrown for invalid configuration; the CLI prints its message (no stack) and exits with status 2. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  constructor(readonly problems: string[]) {
    super(
      `Invalid configuration (${problems.length} problem${problems.length === 1 ? '' : 's'}):\n` +
        problems.map((p) => `  - ${p}`).join('\n') +
        '\nSet these environment variables (or fix their values) and run again.',
    );
  }
}

export function loadConfig(source: NodeJS.ProcessEnv = process.env): Config {
  const parsed = envSchema.safeParse(source);
  const problems = parsed.success
    ? []
    : parsed.error.issues.map((issue) => `${String(issue.path[0] ?? 'environment')}: ${issue.message}`);
  problems.push(...crossChecks(source));
  if (!parsed.success || problems.length) throw new ConfigError([...new Set(problems)]);
  const env = parsed.data;
  const useTls =
    env.TEMPORAL_TLS === 'true' ||
    (env.TEMPORAL_TLS !== 'false' &&
      Boolean(env.TEMPORAL_TLS_CERT || env.TEMPORAL_TLS_CA || env.TEMPORAL_API_KEY));
  return {
    temporal: {
      address: env.TEMPORAL_ADDRESS,
      namespace: env.TEMPORAL_NAMESPACE,
      taskQueue: env.TEMPORAL_TASK_QUEUE,
      tls: useTls
        ? {
            certFile: env.TEMPORAL_TLS_CERT,
            keyFile: env.TEMPORAL_TLS_KEY,
            caFile: env.TEMPORAL_TLS_CA,
            serverName: env.TEMPORAL_TLS_SERVER_NAME,
          }
        : undefined,
      apiKey: env.TEMPORAL_API_KEY,
      uiUrl: env.TEMPORAL_UI_URL ?? defaultUiUrl(env.TEMPORAL_ADDRESS),
    },
    glpi: env.GLPI_URL
      ? {
          url: env.GLPI_URL,
          appToken: env.GLPI_APP_TOKEN,
          userToken: env.GLPI_USER_TOKEN,
          username: env.GLPI_USERNAME,
          password: env.GLPI_PASSWORD,
          caFile: env.GLPI_CA_FILE,
          timeoutMs: env.GLPI_TIMEOUT_MS,
        }
      : undefined,
    logLevel: env.LOG_LEVEL,
    metricsPort: env.METRICS_PORT,
    dataDir: env.DATA_DIR,
    receiver: {
      host: env.RECEIVER_HOST,
      port: env.RECEIVER_PORT,
      token: env.RECEIVER_TOKEN,
      hmacSecret: env.RECEIVER_HMAC_SECRET,
      coalesceSeconds: env.RECEIVER_COALESCE_SECONDS,
    },
    settings: {
      glpiEntity: env.GLPI_ENTITY,
      inventoryRetry: {
        maxIntervalSeconds: env.SYNC_RETRY_MAX_INTERVAL_SECONDS,
        budgetSeconds: env.SYNC_RETRY_BUDGET_SECONDS,
      },
      tickets: {
        ...DEFAULT_TICKET_POLICY,
        flapSeconds: env.TICKET_FLAP_SECONDS,
        reopenWindowSeconds: env.TICKET_REOPEN_WINDOW_SECONDS,
        syncIntervalSeconds: env.TICKET_SYNC_INTERVAL_SECONDS,
        solveOnRecovery: env.TICKET_SOLVE_ON_RECOVERY === 'true',
        category: env.TICKET_CATEGORY,
        requestSource: env.TICKET_REQUEST_SOURCE,
        retryMaxIntervalSeconds: env.TICKET_RETRY_MAX_INTERVAL_SECONDS,
        defaultEntity: env.TICKET_DEFAULT_ENTITY,
        requester: env.TICKET_REQUESTER,
        assignee: env.TICKET_ASSIGNEE,
        hostIdLabel: env.TICKET_HOST_ID_LABEL,
        severity: { ...DEFAULT_TICKET_POLICY.severity, ...env.TICKET_SEVERITY_MAP },
        titleTemplate: env.TICKET_TITLE_TEMPLATE,
        contentTemplate: env.TICKET_CONTENT_TEMPLATE,
        outboundWebhookUrl: env.OUTBOUND_WEBHOOK_URL,
      },
    },
    outboundToken: env.OUTBOUND_WEBHOOK_TOKEN,
  };
}

/** A local server's Web UI listens on its gRPC port + 1000 (the dev server's default). */
function defaultUiUrl(address: string): string | undefined {
  const [host, port] = address.split(':');
  if (!host || !['localhost', '127.0.0.1', '0.0.0.0'].includes(host)) return undefined;
  return `http://localhost:${Number(port) + 1000}`;
}

/** Link to a workflow in the Temporal Web UI. */
export function workflowUrl(settings: TemporalSettings, workflowId: string): string | undefined {
  if (!settings.uiUrl) return undefined;
  return `${settings.uiUrl.replace(/\/+$/, '')}/namespaces/${encodeURIComponent(settings.namespace)}/workflows/${encodeURIComponent(workflowId)}`;
}
