import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bundleWorkflowCode } from '@temporalio/worker';
import { startDevServer, type DevServer } from '../../src/temporal/dev-server';
import { quietLogger, staleReason, WORKFLOW_BUNDLE_PATH } from '../../src/worker/workflow-bundle';
import { freePort } from './ports';

declare global {
  var __TEMPORAL_DEV_SERVER__: DevServer | undefined;
}

/**
 * One real Temporal dev server (in memory, headless) for the whole run, and the workflow bundle built
 * once, so that each test file's workers start in milliseconds. The build's bundle (dist/workflow-bundle.js,
 * made from the same sources by `npm run build`) is reused while none of its sources changed.
 */
export default async function globalSetup(): Promise<void> {
  const started = Date.now();
  const [server, bundlePath] = await Promise.all([
    freePort().then((port) => startDevServer({ port })),
    workflowBundle(),
  ]);
  globalThis.__TEMPORAL_DEV_SERVER__ = server;
  process.env.TEMPORAL_TEST_ADDRESS = server.address;
  process.env.WORKFLOW_BUNDLE_PATH = bundlePath;
  process.stderr.write(
    `\nTemporal dev server on ${server.address}, workflows ${bundlePath === WORKFLOW_BUNDLE_PATH ? 'from the build' : 'bundled'} (${Date.now() - started} ms)\n`,
  );
}

async function workflowBundle(): Promise<string> {
  if (staleReason() === undefined) return WORKFLOW_BUNDLE_PATH;
  const bundle = await bundleWorkflowCode({
    workflowsPath: require.resolve('../../src/workflows'),
    logger: quietLogger,
  });
  const dir = mkdtempSync(join(tmpdir(), 'glpi-bridge-test-'));
  const bundlePath = join(dir, 'workflow-bundle.js');
  writeFileSync(bundlePath, bundle.code);
  return bundlePath;
}
