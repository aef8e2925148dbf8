import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Client } from '@temporalio/client';
import { alertEventSchema, issuesOf, type AlertEvent } from '../../src/alerts/alert-event';
import { alertmanagerSchema, fromAlertmanager } from '../../src/alerts/formats/alertmanager';
import { fromZabbix, zabbixSchema } from '../../src/alerts/formats/zabbix';
import { deliverAlerts } from '../../src/delivery/deliver-alerts';
import { seededRandom } from '../../src/emulator/faults';
import { createReceiver } from '../../src/receiver/receiver';
import { createLogger } from '../../src/observability/logger';
import { testTemporal } from '../support/temporal';

/** FUZZ_CASES overrides the number of payloads (npm run test:faults runs 5,000). */
const CASES = Number(process.env.FUZZ_CASES ?? 1000);
const TOKEN = 'fuzz-token';

const SEEDS: Record<string, () => unknown> = {
  '/alerts': () => ({
    source: 'fuzz',
    dedupKey: 'k',
    status: 'firing',
    severity: 'major',
    host: { name: 'h' },
    summary: 's',
  }),
  '/alerts/alertmanager': () => ({
    version: '4',
    alerts: [
      {
        status: 'firing',
        labels: { alertname: 'A', instance: 'h:1' },
        annotations: { summary: 's' },
        fingerprint: 'f',
      },
    ],
  }),
  '/alerts/grafana': () => ({
    alerts: [{ status: 'resolved', labels: { alertname: 'B' }, annotations: {}, fingerprint: 'g' }],
  }),
  '/alerts/zabbix': () => ({
    event_id: '1',
    event_value: '1',
    event_name: 'E',
    host_name: 'h',
    trigger_id: '7',
  }),
};

const WEIRD: unknown[] = [
  null,
  true,
  0,
  -1,
  Number.MAX_VALUE,
  '',
  ' ',
  'x'.repeat(300),
  '\u0000',
  '<script>',
  [],
  {},
  [null],
  { $ne: 1 },
  '2026-13-45',
  'firing',
  'resolved',
];

function mutate(value: unknown, random: () => number, depth = 0): unknown {
  const pick = <T>(list: T[]) => list[Math.floor(random() * list.length)]!;
  if (random() < 0.15 || depth > 4) return pick(WEIRD);
  if (Array.isArray(value)) return random() < 0.2 ? [] : value.map((v) => mutate(v, random, depth + 1));
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      const r = random();
      if (r < 0.1) continue; // drop the field
      out[r < 0.15 ? `${k}_` : k] = r < 0.55 ? v : mutate(v, random, depth + 1);
    }
    if (random() < 0.1) out[pick(['extra', '__proto__', 'constructor'])] = pick(WEIRD);
    return out;
  }
  return random() < 0.5 ? value : pick(WEIRD);
}

type Expected =
  | { kind: 'unauthorised' }
  | { kind: 'not json' }
  | { kind: 'valid'; events: AlertEvent[] }
  | { kind: 'invalid'; fields: string[] };

const DEFAULT_SOURCES: Record<string, string> = {
  '/alerts': 'api',
  '/alerts/alertmanager': 'alertmanager',
  '/alerts/grafana': 'grafana',
  '/alerts/zabbix': 'zabbix',
};

/**
 * What the receiver must answer, worked out from the documented contract: credentials first (401), then
 * JSON (400), then the route's format and the canonical event every alert must make (400 naming each bad
 * field), else 202 with exactly these alerts delivered.
 */
function expectedAnswer(route: string, body: string, authorised: boolean): Expected {
  if (!authorised) return { kind: 'unauthorised' };
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch {
    return { kind: 'not json' };
  }
  const source = DEFAULT_SOURCES[route]!;
  const canonical = (events: unknown[], prefix: (i: number) => string) => {
    const fields: string[] = [];
    const ok = events.map((e, i) => {
      const parsed = alertEventSchema.safeParse(e);
      if (!parsed.success) fields.push(...issuesOf(parsed.error, prefix(i)).map((f) => f.field));
      return parsed.data!;
    });
    return fields.length ? ({ kind: 'invalid', fields } as const) : ({ kind: 'valid', events: ok } as const);
  };
  if (route === '/alerts') {
    const list = Array.isArray(value) ? value : [value];
    return canonical(list, (i) => (Array.isArray(value) ? String(i) : ''));
  }
  const format =
    route === '/alerts/zabbix'
      ? (() => {
          const parsed = zabbixSchema.safeParse(value);
          return parsed.success ? { events: [fromZabbix(parsed.data, source)] } : { error: parsed.error };
        })()
      : (() => {
          const parsed = alertmanagerSchema.safeParse(value);
          return parsed.success ? { events: fromAlertmanager(parsed.data, source) } : { error: parsed.error };
        })();
  if ('error' in format) return { kind: 'invalid', fields: issuesOf(format.error!).map((f) => f.field) };
  const events = format.events;
  return canonical(events, (i) => (events.length > 1 ? `alerts.${i}` : ''));
}

describe('alert receiver under hostile input', () => {
  let env: Awaited<ReturnType<typeof testTemporal>>;
  let server: Server;
  let base: string;
  let delivered: AlertEvent[][] = [];

  beforeAll(async () => {
    env = await testTemporal();
    const deliver = async (client: Client, taskQueue: string, events: AlertEvent[]) => {
      delivered.push(events);
      return deliverAlerts(client, taskQueue, events);
    };
    server = createReceiver({
      client: env.client,
      taskQueue: env.taskQueue,
      token: TOKEN,
      logger: createLogger('error', { write: () => undefined } as never),
      deliver,
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server.close();
    await env.close();
  });

  it(`answers ${CASES} random and mutated payloads by the contract: 202 only for valid ones, 400 naming each bad field, 401 without credentials, nothing delivered otherwise`, async () => {
    const random = seededRandom(42);
    const routes = Object.keys(SEEDS);
    const tally: Record<string, number> = {};
    for (let i = 0; i < CASES; i++) {
      const route = routes[i % routes.length]!;
      const kind = random();
      const body =
        kind < 0.05
          ? String.fromCharCode(
              ...Array.from({ length: Math.floor(random() * 40) }, () => Math.floor(random() * 128)),
            )
          : JSON.stringify(kind < 0.1 ? SEEDS[route]!() : mutate(SEEDS[route]!(), random));
      const headers: Record<string, string> = { 'Content-Type': 'application/json' };
      const authorised = random() > 0.03;
      if (authorised) headers.Authorization = `Bearer ${TOKEN}`;
      const expected = expectedAnswer(route, body, authorised);
      delivered = [];
      const res = await fetch(`${base}${route}`, { method: 'POST', headers, body });
      const answer = (await res.json()) as {
        error?: string;
        issues?: { field: string; message: string }[];
        accepted?: number;
        workflowIds?: string[];
      };
      tally[`${res.status} ${expected.kind}`] = (tally[`${res.status} ${expected.kind}`] ?? 0) + 1;
      const seen = { case: i, route, body, status: res.status };
      switch (expected.kind) {
        case 'unauthorised':
          expect(seen).toEqual({ ...seen, status: 401 });
          expect(answer.error).toMatch(/credentials/);
          expect(delivered).toEqual([]);
          break;
        case 'not json':
          expect(seen).toEqual({ ...seen, status: 400 });
          expect(answer.error).toBe('the body is not valid JSON');
          expect(delivered).toEqual([]);
          break;
        case 'invalid':
          expect(seen).toEqual({ ...seen, status: 400 });
          expect(answer.error).toBe('invalid payload');
          expect(answer.issues!.map((x) => x.field).sort()).toEqual([...expected.fields].sort());
          for (const issue of answer.issues!) {
            expect(issue.field).not.toBe('');
            expect(issue.message).not.toBe('');
          }
          expect(delivered).toEqual([]);
          break;
        case 'valid':
          expect(seen).toEqual({ ...seen, status: 202 });
          // A payload without alerts (Alertmanager's `alerts: []`) is answered without calling Temporal.
          expect(delivered).toEqual(expected.events.length ? [expected.events] : []);
          expect(answer.accepted).toBe(expected.events.length);
          expect(answer.workflowIds).toEqual(expected.events.map((e) => `ticket/${e.source}/${e.dedupKey}`));
          break;
      }
    }
    process.stderr.write(
      `receiver fuzz: ${CASES} payloads, answers by status and expectation ${JSON.stringify(tally)}\n`,
    );
    expect(tally['202 valid']).toBeGreaterThan(CASES / 20);
    expect(tally['400 invalid']).toBeGreaterThan(CASES / 20);
    expect(tally['401 unauthorised']).toBeGreaterThan(0);
    expect(tally['400 not json']).toBeGreaterThan(0);
  });
});
