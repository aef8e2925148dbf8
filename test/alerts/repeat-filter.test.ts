import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Client } from '@temporalio/client';
import type { AlertEvent } from '../../src/alerts/alert-event';
import { createLogger } from '../../src/observability/logger';
import { createReceiver } from '../../src/receiver/receiver';
import { RepeatFilter } from '../../src/receiver/repeat-filter';

const silent = createLogger('error', { write: () => undefined } as never);
const alert = (overrides: Partial<AlertEvent> = {}): AlertEvent => ({
  source: 'mon',
  dedupKey: 'cpu',
  status: 'firing',
  severity: 'critical',
  host: { name: 'srv-1' },
  summary: 'CPU above 95%',
  ...overrides,
});

describe('identical repeats held back by the receiver', () => {
  it('holds back only a firing notification identical to the last one delivered, within the window', () => {
    const filter = new RepeatFilter(60_000);
    const t0 = 1_000_000;
    expect(filter.isRepeat(alert(), t0)).toBe(false);
    filter.delivered([alert()], t0);
    expect(filter.isRepeat(alert(), t0 + 10_000)).toBe(true);
    // Any change goes through: severity, summary, details, a note, another problem, a recovery.
    expect(filter.isRepeat(alert({ severity: 'major' }), t0 + 1)).toBe(false);
    expect(filter.isRepeat(alert({ summary: 'CPU above 99%' }), t0 + 1)).toBe(false);
    expect(filter.isRepeat(alert({ details: 'load 40' }), t0 + 1)).toBe(false);
    expect(filter.isRepeat(alert({ note: 'acknowledged by ana' }), t0 + 1)).toBe(false);
    expect(filter.isRepeat(alert({ dedupKey: 'mem' }), t0 + 1)).toBe(false);
    expect(filter.isRepeat(alert({ status: 'resolved' }), t0 + 1)).toBe(false);
    // After the window, a repeat is delivered again.
    expect(filter.isRepeat(alert(), t0 + 60_001)).toBe(false);
    // A recovery delivered in between makes the next firing news.
    filter.delivered([alert({ status: 'resolved' })], t0 + 2);
    expect(filter.isRepeat(alert(), t0 + 3)).toBe(false);
    expect(new RepeatFilter(0).isRepeat(alert(), t0)).toBe(false);
  });

  describe('through the HTTP receiver', () => {
    let server: Server;
    let base: string;
    let delivered: AlertEvent[][];
    let failNext: boolean;

    beforeEach(async () => {
      delivered = [];
      failNext = false;
      server = createReceiver({
        client: {} as Client,
        taskQueue: 'q',
        token: 't',
        logger: silent,
        coalesceSeconds: 60,
        deliver: async (_c, _q, events) => {
          if (failNext) {
            failNext = false;
            throw new Error('Temporal down');
          }
          delivered.push(events);
          return events.map((e) => `ticket/${e.source}/${e.dedupKey}`);
        },
      });
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
      base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    });
    afterEach(() => new Promise<void>((r) => server.close(() => r())));

    const post = async (body: unknown) => {
      const res = await fetch(`${base}/alerts`, {
        method: 'POST',
        headers: { Authorization: 'Bearer t', 'Content-Type': 'application/json' },
        body: JSON.stringify(body),
      });
      return { status: res.status, body: (await res.json()) as Record<string, unknown> };
    };

    it('answers 202 to a repeat and does not wake the workflow; a change is delivered', async () => {
      expect(await post(alert())).toEqual({
        status: 202,
        body: { accepted: 1, workflowIds: ['ticket/mon/cpu'] },
      });
      expect(await post(alert())).toEqual({
        status: 202,
        body: { accepted: 1, workflowIds: ['ticket/mon/cpu'], coalesced: 1 },
      });
      await post([alert(), alert({ dedupKey: 'disk' }), alert({ summary: 'CPU above 99%' })]);
      expect(delivered.map((batch) => batch.map((e) => `${e.dedupKey}: ${e.summary}`))).toEqual([
        ['cpu: CPU above 95%'],
        ['disk: CPU above 95%', 'cpu: CPU above 99%'],
      ]);
    });

    it('holds nothing back after a delivery Temporal refused', async () => {
      failNext = true;
      expect((await post(alert())).status).toBe(503);
      expect(await post(alert())).toMatchObject({ status: 202, body: { accepted: 1 } });
      expect(delivered).toHaveLength(1);
    });
  });
});
