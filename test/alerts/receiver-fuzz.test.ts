import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Client } from '@temporalio/client';
import type { AlertEvent } from '../../src/alerts/alert-event';
import { deliverAlerts } from '../../src/delivery/deliver-alerts';
import { createReceiver } from '../../src/receiver/receiver';
import { DEFAULT_TICKET_POLICY } from '../../src/alerts/ticket-policy';
import { createLogger } from '../../src/observability/logger';
import { testTemporal } from '../support/temporal';

/** FUZZ_CASES overrides the number of payloads (npm run test:faults runs 5,000). */
const CASES = Number(process.env.FUZZ_CASES ?? 1000);
const TOKEN = 'fuzz-token';

/** A small seeded generator, so that a failing case can be replayed. */
function rng(seed: number) {
  let s = seed;
  return () => {
    s = (s + 0x6d2b79f5) | 0;
    let t = Math.imul(s ^ (s >>> 15), s | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

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

describe('alert receiver under hostile input', () => {
  let env: Awaited<ReturnType<typeof testTemporal>>;
  let server: Server;
  let base: string;
  let delivering: AlertEvent[] | undefined;

  beforeAll(async () => {
    env = await testTemporal();
    const deliver = async (
      client: Client,
      taskQueue: string,
      policy: typeof DEFAULT_TICKET_POLICY,
      events: AlertEvent[],
    ) => {
      delivering = events;
      return deliverAlerts(client, taskQueue, policy, events);
    };
    server = createReceiver({
      client: env.client,
      taskQueue: env.taskQueue,
      policy: DEFAULT_TICKET_POLICY,
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

  it(`answers ${CASES} random and mutated payloads with a 202 or a 4xx and a reason, and delivers only what it accepts`, async () => {
    const random = rng(42);
    const routes = Object.keys(SEEDS);
    const tally: Record<number, number> = {};
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
      if (random() > 0.03) headers.Authorization = `Bearer ${TOKEN}`;
      delivering = undefined;
      const res = await fetch(`${base}${route}`, { method: 'POST', headers, body });
      tally[res.status] = (tally[res.status] ?? 0) + 1;
      const answer = (await res.json()) as { error?: string; issues?: unknown[]; workflowIds?: string[] };
      if (res.status === 202) {
        expect(delivering).toBeDefined();
        expect(answer.workflowIds).toHaveLength(delivering!.length);
      } else {
        expect({ case: i, body, status: res.status }).toEqual({ case: i, body, status: expect.any(Number) });
        expect([400, 401]).toContain(res.status);
        expect(typeof answer.error).toBe('string');
        if (res.status === 400 && answer.issues) expect(answer.issues.length).toBeGreaterThan(0);
        expect(delivering).toBeUndefined();
      }
    }
    process.stderr.write(`receiver fuzz: ${CASES} payloads, answers by status ${JSON.stringify(tally)}\n`);
    expect(tally[202]).toBeGreaterThan(0);
    expect(tally[400]).toBeGreaterThan(0);
  });
});
