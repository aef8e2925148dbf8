import { execFileSync, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import type { Client } from '@temporalio/client';
import type { AlertEvent } from '../../src/alerts/alert-event';
import { createLogger } from '../../src/observability/logger';
import { createReceiver } from '../../src/receiver/receiver';
import { RepeatFilter } from '../../src/receiver/repeat-filter';
import { freePort } from '../support/ports';
import { testTemporal, uniqueId } from '../support/temporal';

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

describe('RECEIVER_COALESCE_SECONDS, as `glpi-bridge serve` reads it from its environment', () => {
  const root = resolve(__dirname, '..', '..');
  let temporal: Awaited<ReturnType<typeof testTemporal>>;
  beforeAll(async () => {
    temporal = await testTemporal();
    // The CLI runs the build (`npm test` builds first); a plain jest run may not have one yet.
    if (!existsSync(resolve(root, 'dist/cli/main.js')))
      execFileSync('npx', ['tsc', '-p', 'tsconfig.build.json'], { cwd: root, stdio: 'inherit' });
  });
  afterAll(() => temporal.close());

  /** Runs `glpi-bridge serve` with `variables` (and nothing of this process's RECEIVER_* or TEMPORAL_*). */
  async function serve(variables: Record<string, string>) {
    const port = await freePort();
    const clean = Object.fromEntries(
      Object.entries(process.env).filter(
        ([k]) => !/^(GLPI_|TEMPORAL_(?!CLI_PATH)|RECEIVER_|TICKET_)/.test(k),
      ),
    );
    const child = spawn(process.execPath, [resolve(root, 'bin/glpi-bridge'), 'serve'], {
      cwd: root,
      env: {
        ...clean,
        TEMPORAL_ADDRESS: process.env.TEMPORAL_TEST_ADDRESS!,
        TEMPORAL_TASK_QUEUE: `test-${uniqueId('serve')}`, // no worker: the workflows only record signals
        RECEIVER_HOST: '127.0.0.1',
        RECEIVER_PORT: String(port),
        RECEIVER_TOKEN: 'serve-token',
        ...variables,
      },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const exited = new Promise<void>((r) => child.once('exit', () => r()));
    const base = `http://127.0.0.1:${port}`;
    for (const deadline = Date.now() + 30_000; ;) {
      const up = await fetch(`${base}/healthz`).then(
        (r) => r.ok,
        () => false,
      );
      if (up) break;
      if (child.exitCode !== null || Date.now() > deadline)
        throw new Error(`glpi-bridge serve did not start: ${stderr}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    return {
      post: async (event: AlertEvent) => {
        const res = await fetch(`${base}/alerts`, {
          method: 'POST',
          headers: { Authorization: 'Bearer serve-token', 'Content-Type': 'application/json' },
          body: JSON.stringify(event),
        });
        expect(res.status).toBe(202);
        return ((await res.json()) as { coalesced?: number }).coalesced ?? 0;
      },
      stop: async () => {
        child.kill('SIGTERM');
        await exited;
      },
    };
  }

  // The same firing alert three times: at once, again at once, and 1.5 s later.
  it.each<[string, Record<string, string>, number[]]>([
    ['unset (60 s): both repeats are held back', {}, [0, 1, 1]],
    ['0: every repeat is delivered', { RECEIVER_COALESCE_SECONDS: '0' }, [0, 0, 0]],
    ['1: the repeat 1.5 s later is delivered', { RECEIVER_COALESCE_SECONDS: '1' }, [0, 1, 0]],
  ])('%s', async (_case, variables, coalesced) => {
    const receiver = await serve(variables);
    const event = alert({ source: uniqueId('serve') });
    const handle = temporal.client.workflow.getHandle(`ticket/${event.source}/${event.dedupKey}`);
    try {
      const answers = [await receiver.post(event), await receiver.post(event)];
      await new Promise((r) => setTimeout(r, 1_500));
      answers.push(await receiver.post(event));
      expect(answers).toEqual(coalesced);
      // What the problem's workflow received: one signal per delivered alert.
      const history = await handle.fetchHistory();
      const signals = history.events!.filter((e) => e.workflowExecutionSignaledEventAttributes).length;
      expect(signals).toBe(coalesced.filter((c) => c === 0).length);
    } finally {
      await receiver.stop();
      await handle.terminate('test over').catch(() => undefined);
    }
  });
});
