import { createHmac } from 'node:crypto';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Client, Connection, WorkflowNotFoundError } from '@temporalio/client';
import { createReceiver } from '../../src/receiver/receiver';
import { createLogger } from '../../src/observability/logger';
import { alertSignal } from '../../src/workflows/ticket-lifecycle';
import { testTemporal, uniqueId } from '../support/temporal';

const TOKEN = 'receiver-token';
const SECRET = 'hmac-secret';
const silent = createLogger('error', { write: () => undefined } as never);

describe('alert receiver', () => {
  let env: Awaited<ReturnType<typeof testTemporal>>;
  let server: Server;
  let base: string;

  async function start(client: Client): Promise<{ server: Server; base: string }> {
    const s = createReceiver({
      client,
      taskQueue: env.taskQueue,
      token: TOKEN,
      hmacSecret: SECRET,
      logger: silent,
    });
    await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
    return { server: s, base: `http://127.0.0.1:${(s.address() as AddressInfo).port}` };
  }
  const post = (
    path: string,
    body: unknown,
    headers: Record<string, string> = { Authorization: `Bearer ${TOKEN}` },
    to = base,
  ) =>
    fetch(`${to}${path}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', ...headers },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
  interface Answer {
    accepted?: number;
    workflowIds?: string[];
    issues?: { field: string; message: string }[];
  }
  const json = async (res: Response) => (await res.json()) as Answer;
  const exists = async (workflowId: string) => {
    try {
      await env.client.workflow.getHandle(workflowId).describe();
      return true;
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) return false;
      throw err;
    }
  };
  const canonical = (key: string) => ({
    source: 'tests',
    dedupKey: key,
    status: 'firing',
    severity: 'critical',
    host: { name: 'srv-1', serial: 'SN1' },
    service: 'http',
    summary: 'HTTP check failed',
    details: 'connection refused',
    time: '2026-11-27T06:00:00Z',
    links: ['https://monitoring.example.com/srv-1'],
    labels: { team: 'ops' },
  });

  beforeAll(async () => {
    env = await testTemporal();
    ({ server, base } = await start(env.client));
  });
  afterAll(async () => {
    server.close();
    await env.close();
  });

  it('answers /healthz', async () => {
    const res = await fetch(`${base}/healthz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ok' });
  });

  it('accepts a canonical event and starts its ticket workflow, keyed by source and dedup key', async () => {
    const key = uniqueId('canon');
    const res = await post('/alerts', canonical(key));
    expect(res.status).toBe(202);
    expect(await json(res)).toEqual({ accepted: 1, workflowIds: [`ticket/tests/${key}`] });
    expect(await exists(`ticket/tests/${key}`)).toBe(true);
  });

  it('handles each alert of an Alertmanager notification on its own, keyed by fingerprint', async () => {
    const [a, b] = [uniqueId('fp'), uniqueId('fp')];
    const payload = {
      version: '4',
      status: 'firing',
      receiver: 'glpi',
      groupLabels: {},
      commonLabels: {},
      commonAnnotations: {},
      externalURL: 'http://am:9093',
      alerts: [
        {
          status: 'firing',
          labels: { alertname: 'HighCPU', instance: 'srv-1:9100', severity: 'critical' },
          annotations: { summary: 'CPU high' },
          startsAt: '2026-11-27T06:00:00Z',
          endsAt: '0001-01-01T00:00:00Z',
          generatorURL: 'http://prom/graph',
          fingerprint: a,
        },
        {
          status: 'resolved',
          labels: { alertname: 'DiskFull', instance: 'srv-2:9100', severity: 'warning' },
          annotations: { summary: 'Disk full' },
          startsAt: '2026-11-27T05:00:00Z',
          endsAt: '2026-11-27T06:00:00Z',
          fingerprint: b,
        },
      ],
    };
    const res = await post('/alerts/alertmanager?source=prom-prod', payload);
    expect(res.status).toBe(202);
    expect((await json(res)).workflowIds).toEqual([`ticket/prom-prod/${a}`, `ticket/prom-prod/${b}`]);
    const history = await env.client.workflow.getHandle(`ticket/prom-prod/${a}`).fetchHistory();
    const signal = history.events!.find(
      (e) => e.workflowExecutionSignaledEventAttributes,
    )!.workflowExecutionSignaledEventAttributes!;
    const event = JSON.parse(Buffer.from(signal.input!.payloads![0]!.data!).toString('utf8'));
    expect(event).toMatchObject({
      source: 'prom-prod',
      dedupKey: a,
      status: 'firing',
      severity: 'critical',
      host: { name: 'srv-1' },
      service: 'HighCPU',
      summary: 'CPU high',
      links: ['http://prom/graph'],
    });
  });

  it('accepts Grafana and Zabbix webhooks (Zabbix signed with HMAC instead of a bearer token)', async () => {
    const fp = uniqueId('graf');
    const grafana = {
      receiver: 'glpi',
      status: 'firing',
      orgId: 1,
      title: '[FIRING:1]',
      state: 'alerting',
      message: 'x',
      alerts: [
        {
          status: 'firing',
          labels: { alertname: 'Latency', hostname: 'web-3' },
          annotations: { summary: 'p99 > 2s' },
          fingerprint: fp,
          values: { A: 2.5 },
        },
      ],
    };
    const g = await post('/alerts/grafana', grafana);
    expect(g.status).toBe(202);
    expect((await json(g)).workflowIds).toEqual([`ticket/grafana/${fp}`]);

    const trigger = uniqueId('trig');
    const zabbix = JSON.stringify({
      event_id: '4711',
      event_value: '1',
      event_nseverity: '5',
      event_name: 'Zabbix agent unreachable',
      host_name: 'db-1',
      trigger_id: trigger,
      alert_message: 'Problem started',
    });
    const signature = `sha256=${createHmac('sha256', SECRET).update(zabbix).digest('hex')}`;
    const z = await post('/alerts/zabbix', zabbix, { 'X-Signature': signature });
    expect(z.status).toBe(202);
    expect((await json(z)).workflowIds).toEqual([`ticket/zabbix/db-1:${trigger}`]);
  });

  it('refuses a request without valid credentials with 401 and starts nothing', async () => {
    const key = uniqueId('noauth');
    const attempts: Record<string, string>[] = [
      {},
      { Authorization: 'Bearer wrong' },
      { 'X-Signature': 'sha256=00' },
    ];
    for (const headers of attempts) {
      const res = await post('/alerts', canonical(key), headers);
      expect(res.status).toBe(401);
    }
    expect(await exists(`ticket/tests/${key}`)).toBe(false);
  });

  it('refuses an invalid payload with 400 naming each bad field, and starts nothing', async () => {
    const key = uniqueId('bad');
    const res = await post('/alerts', {
      ...canonical(key),
      status: 'burning',
      host: {},
      links: ['not a url'],
    });
    expect(res.status).toBe(400);
    const body = await json(res);
    expect(body.issues!.map((i) => i.field).sort()).toEqual(['host.name', 'links.0', 'status']);
    expect(body.issues!.find((i) => i.field === 'status')!.message).toBe("must be 'firing' or 'resolved'");
    expect(await exists(`ticket/tests/${key}`)).toBe(false);

    const am = await post('/alerts/alertmanager', { alerts: [{ status: 'firing', labels: {} }] });
    expect(am.status).toBe(400);
    expect((await json(am)).issues).toEqual([
      { field: 'alerts.0.fingerprint', message: 'is required (the dedup key)' },
    ]);
    expect((await post('/alerts', '{not json')).status).toBe(400);
  });

  it('answers 503 when Temporal cannot be reached, so that the sender retries', async () => {
    const unreachable = new Client({
      connection: Connection.lazy({ address: '127.0.0.1:1', connectTimeout: '1s' }),
    });
    const down = await start(unreachable);
    try {
      const key = uniqueId('down');
      const res = await post('/alerts', canonical(key), undefined, down.base);
      expect(res.status).toBe(503);
      expect(res.headers.get('retry-after')).toBe('10');
      expect(await exists(`ticket/tests/${key}`)).toBe(false);
    } finally {
      down.server.close();
    }
  });

  it('delivers repeats of one problem to one workflow', async () => {
    const key = uniqueId('rep');
    await Promise.all(Array.from({ length: 5 }, () => post('/alerts', canonical(key))));
    const history = await env.client.workflow.getHandle(`ticket/tests/${key}`).fetchHistory();
    const signals = history.events!.filter(
      (e) => e.workflowExecutionSignaledEventAttributes?.signalName === alertSignal.name,
    );
    expect(signals).toHaveLength(5);
  });
});
