import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Client } from '@temporalio/client';
import type { z } from 'zod';
import type { Logger } from '../observability/logger';
import {
  alertEventSchema,
  issuesOf,
  ticketWorkflowId,
  type AlertEvent,
  type FieldIssue,
} from '../alerts/alert-event';
import { deliverAlerts } from '../delivery/deliver-alerts';
import { alertmanagerSchema, fromAlertmanager } from '../alerts/formats/alertmanager';
import { fromZabbix, zabbixSchema } from '../alerts/formats/zabbix';
import { RepeatFilter } from './repeat-filter';

export interface ReceiverOptions {
  client: Client;
  taskQueue: string;
  /** `Authorization: Bearer <token>` accepted when set. */
  token?: string;
  /** `X-Signature: sha256=<hex HMAC of the body>` accepted when set. */
  hmacSecret?: string;
  logger: Logger;
  /** Largest accepted body. @default 1 MiB */
  maxBodyBytes?: number;
  /** Replaces the delivery to Temporal (tests of the HTTP layer only). */
  deliver?: typeof deliverAlerts;
  /**
   * Identical repeats of a firing alert within this time after the last one delivered are answered 202 and
   * not delivered (RECEIVER_COALESCE_SECONDS). @default 0 (every notification is delivered)
   */
  coalesceSeconds?: number;
}

class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly body: Record<string, unknown>,
  ) {
    super(String(body.error));
  }
}

type Parser = (body: unknown, source: string) => AlertEvent[];

function parseWith<S extends z.ZodType>(
  schema: S,
  convert: (value: z.infer<S>, source: string) => AlertEvent | AlertEvent[],
): Parser {
  return (body, source) => {
    const parsed = schema.safeParse(body);
    if (!parsed.success) throw invalid(issuesOf(parsed.error));
    const events = [convert(parsed.data, source)].flat();
    // The converted events must hold what a ticket needs, whatever the source sent.
    const problems = events.flatMap((e, i) => {
      const check = alertEventSchema.safeParse(e);
      return check.success ? [] : issuesOf(check.error, events.length > 1 ? `alerts.${i}` : '');
    });
    if (problems.length) throw invalid(problems);
    return events.map((e) => alertEventSchema.parse(e));
  };
}

function invalid(issues: FieldIssue[]): HttpError {
  return new HttpError(400, { error: 'invalid payload', issues });
}

const ROUTES: Record<string, { parse: Parser; defaultSource: string }> = {
  '/alerts': {
    parse: (body) => {
      const list = Array.isArray(body) ? body : [body];
      const issues: FieldIssue[] = [];
      const events = list.map((e, i) => {
        const parsed = alertEventSchema.safeParse(e);
        if (!parsed.success) issues.push(...issuesOf(parsed.error, Array.isArray(body) ? String(i) : ''));
        return parsed.data;
      });
      if (issues.length) throw invalid(issues);
      return events as AlertEvent[];
    },
    defaultSource: 'api',
  },
  '/alerts/alertmanager': {
    parse: parseWith(alertmanagerSchema, fromAlertmanager),
    defaultSource: 'alertmanager',
  },
  '/alerts/grafana': { parse: parseWith(alertmanagerSchema, fromAlertmanager), defaultSource: 'grafana' },
  '/alerts/zabbix': { parse: parseWith(zabbixSchema, fromZabbix), defaultSource: 'zabbix' },
};

/**
 * The alert receiver. Every request is authenticated, validated in full, and answered 202 only after
 * Temporal accepted every alert in it; 503 (retry later) when Temporal cannot be reached. Nothing starts
 * for a request that is refused.
 */
export function createReceiver(options: ReceiverOptions): Server {
  if (!options.token && !options.hmacSecret)
    throw new Error('the receiver needs RECEIVER_TOKEN or RECEIVER_HMAC_SECRET');
  const deliver = options.deliver ?? deliverAlerts;
  const repeats = new RepeatFilter((options.coalesceSeconds ?? 0) * 1000);
  const maxBody = options.maxBodyBytes ?? 1024 * 1024;

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://receiver');
    if (req.method === 'GET' && url.pathname === '/healthz') return send(res, 200, { status: 'ok' });
    const route = ROUTES[url.pathname.replace(/\/+$/, '')];
    if (!route)
      throw new HttpError(404, {
        error: `no endpoint ${url.pathname}; POST to ${Object.keys(ROUTES).join(', ')}`,
      });
    if (req.method !== 'POST') throw new HttpError(405, { error: 'use POST' });
    const raw = await readBody(req, maxBody);
    authenticate(req, raw);
    let body: unknown;
    try {
      body = JSON.parse(raw.toString('utf8'));
    } catch {
      throw new HttpError(400, { error: 'the body is not valid JSON' });
    }
    const source = url.searchParams.get('source') ?? route.defaultSource;
    if (!/^[A-Za-z0-9._-]{1,100}$/.test(source)) {
      throw invalid([
        { field: 'source (query)', message: 'may only hold letters, digits, dot, dash and underscore' },
      ]);
    }
    const events = route.parse(body, source);
    const now = Date.now();
    const fresh = events.filter((e) => !repeats.isRepeat(e, now));
    let workflowIds: string[];
    try {
      workflowIds = fresh.length ? await deliver(options.client, options.taskQueue, fresh) : [];
      repeats.delivered(fresh, now);
    } catch (err) {
      options.logger.error(
        { err: (err as Error).message, alerts: events.length },
        'Temporal did not accept the alerts',
      );
      res.setHeader('Retry-After', '10');
      throw new HttpError(503, { error: 'Temporal is unreachable; retry later' });
    }
    const coalesced = events.length - fresh.length;
    options.logger.info({ alerts: events.length, coalesced, workflowIds }, 'alerts accepted');
    send(res, 202, {
      accepted: events.length,
      workflowIds: events.map((e) => ticketWorkflowId(e)),
      ...(coalesced ? { coalesced } : {}),
    });
  }

  function authenticate(req: IncomingMessage, raw: Buffer): void {
    const bearer = /^Bearer (.+)$/i.exec(req.headers.authorization ?? '')?.[1];
    if (options.token && bearer && safeEqual(bearer, options.token)) return;
    const signature = String(req.headers['x-signature'] ?? req.headers['x-hub-signature-256'] ?? '');
    if (options.hmacSecret && signature) {
      const expected = `sha256=${createHmac('sha256', options.hmacSecret).update(raw).digest('hex')}`;
      if (safeEqual(signature, expected)) return;
    }
    throw new HttpError(401, {
      error:
        'missing or invalid credentials: send Authorization: Bearer <token> or X-Signature: sha256=<HMAC of the body>',
    });
  }

  return createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      if (err instanceof HttpError) return send(res, err.status, err.body);
      options.logger.error({ err: (err as Error).message }, 'receiver failure');
      send(res, 500, { error: 'internal error' });
    });
  });
}

function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

async function readBody(req: IncomingMessage, max: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > max) throw new HttpError(413, { error: `the body is larger than ${max} bytes` });
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

function send(res: ServerResponse, status: number, body: Record<string, unknown>): void {
  if (res.headersSent) return;
  res.writeHead(status, { 'Content-Type': 'application/json' }).end(JSON.stringify(body));
}
