import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Writable } from 'node:stream';
import { runInNewContext } from 'node:vm';
import { ApplicationFailure } from '@temporalio/common';
import { bundleWorkflowCode } from '@temporalio/worker';
import { GlpiEmulator } from '../../src/emulator/glpi-emulator';
import { GlpiNotFoundError } from '../../src/glpi/errors';
import { createLogger, temporalLogger } from '../../src/observability/logger';
import { testTemporal, uniqueId } from '../support/temporal';
import { logRecords, startCli, stopCli } from './spawn-cli';

const EXAMPLE = resolve(__dirname, '../../examples/inventory.json');

function memoryLogger(level: 'info' | 'debug' = 'info') {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(...chunk.toString().split('\n').filter(Boolean));
      done();
    },
  });
  return {
    logger: createLogger(level, stream),
    records: () => lines.map((l) => JSON.parse(l) as Record<string, unknown>),
  };
}

describe('logs people can read', () => {
  it('the worker logs a failed GLPI request with its type, message, code, HTTP status and request, no secret', async () => {
    const env = await testTemporal();
    const emulator = new GlpiEmulator();
    await emulator.start();
    const cliEnv = {
      TEMPORAL_ADDRESS: process.env.TEMPORAL_TEST_ADDRESS!,
      TEMPORAL_TASK_QUEUE: uniqueId('logs'),
      GLPI_URL: emulator.url,
      GLPI_APP_TOKEN: emulator.appToken,
      GLPI_USER_TOKEN: emulator.userToken,
      METRICS_PORT: '0',
      SYNC_RETRY_MAX_INTERVAL_SECONDS: '1',
      DATA_DIR: mkdtempSync(join(tmpdir(), 'glpi-bridge-logs-')),
    };
    const worker = startCli(['worker', '--no-register'], cliEnv);
    try {
      await worker.waitFor(/"worker started"/, 120_000);
      // GLPI answers 500 to the first logins (three: the client's own retries), then recovers.
      emulator.faults.script({ kind: 'error5xx', match: /^GET initSession$/, times: 3 });
      const sync = startCli(['sync', '--file', EXAMPLE, '--wait'], cliEnv);
      await sync.waitFor(
        /^GLPI GET \/initSession failed: HTTP_500 \(HTTP 500\) — retrying, attempt 2$/,
        30_000,
      );
      expect(await sync.exited).toBe(0);

      const failed = logRecords(worker.lines).find((r) => r.msg === 'Activity failed');
      expect(failed).toMatchObject({
        level: 'warn',
        activityType: 'openGlpiSession',
        error: {
          type: 'GlpiServerError',
          message: 'GLPI GET /initSession failed: HTTP_500 (HTTP 500)',
          code: 'HTTP_500',
          status: 500,
          request: 'GET /initSession',
          nonRetryable: false,
        },
      });
      expect(failed).not.toHaveProperty('taskToken');
      const output = worker.output();
      expect(output).not.toMatch(/"(error|err|failure)":\{\}/);
      for (const secret of [emulator.appToken, emulator.userToken]) expect(output).not.toContain(secret);
    } finally {
      expect(await stopCli(worker)).toBe(0);
      await emulator.stop();
      await env.close();
    }
  });

  it('serialises errors from any realm, Temporal failures with GLPI details, and causes', () => {
    const { logger, records } = memoryLogger();
    const sandboxed = runInNewContext(
      'const e = new Error("Activity task failed"); e.cause = new Error("GLPI down"); e',
    ) as Error;
    logger.warn({ error: sandboxed }, 'Workflow failed');
    logger.error(
      {
        err: new GlpiNotFoundError(
          'GLPI GET /Contract/999 failed: ERROR_ITEM_NOT_FOUND (HTTP 404): Item not found',
          {
            code: 'ERROR_ITEM_NOT_FOUND',
            status: 404,
            request: 'GET /Contract/999',
          },
        ),
      },
      'step failed',
    );
    logger.warn(
      {
        failure: ApplicationFailure.create({
          type: 'GlpiServerError',
          message: 'GLPI POST /Computer failed: HTTP_503 (HTTP 503)',
          details: [{ code: 'HTTP_503', status: 503, request: 'POST /Computer' }],
        }),
      },
      'retrying',
    );
    const [workflow, step, retry] = records();
    expect(workflow!.error).toEqual({
      type: 'Error',
      message: 'Activity task failed',
      cause: { type: 'Error', message: 'GLPI down' },
    });
    expect(step!.err).toEqual({
      type: 'GlpiNotFoundError',
      message: 'GLPI GET /Contract/999 failed: ERROR_ITEM_NOT_FOUND (HTTP 404): Item not found',
      code: 'ERROR_ITEM_NOT_FOUND',
      status: 404,
      request: 'GET /Contract/999',
    });
    expect(retry!.failure).toEqual({
      type: 'GlpiServerError',
      message: 'GLPI POST /Computer failed: HTTP_503 (HTTP 503)',
      code: 'HTTP_503',
      status: 503,
      request: 'POST /Computer',
      nonRetryable: false,
    });
  });

  it("keeps the workflow bundler's report at debug", () => {
    const info = memoryLogger('info');
    const sdk = temporalLogger(info.logger);
    sdk.info(
      'asset workflow-bundle-0123abcd.js 1.79 MiB [emitted]\nwebpack 5.105.0 compiled successfully in 2345 ms',
      {
        sdkComponent: 'worker',
      },
    );
    sdk.info('Workflow bundle created', { sdkComponent: 'worker', size: '1.79MB' });
    sdk.info('Worker state changed', { sdkComponent: 'worker', state: 'RUNNING' });
    expect(info.records().map((r) => r.msg)).toEqual(['Worker state changed']);
  });

  it("logs the real workflow bundler's output (dev, a worker without a fresh bundle) at debug only", async () => {
    const info = memoryLogger('info');
    const debug = memoryLogger('debug');
    for (const { logger } of [info, debug])
      await bundleWorkflowCode({
        workflowsPath: require.resolve('../../src/workflows'),
        logger: temporalLogger(logger),
      });
    expect(info.records()).toEqual([]);
    const bundler = debug
      .records()
      .filter((r) => /workflow-bundle|webpack|Workflow bundle created/.test(String(r.msg)));
    expect(bundler.length).toBeGreaterThan(0);
    expect(new Set(bundler.map((r) => r.level))).toEqual(new Set(['debug']));
  });
});
