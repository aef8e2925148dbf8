import { createServer } from 'node:net';
import { startDevServer, type DevServer } from '../../src/temporal/dev-server';

declare global {
  var __TEMPORAL_DEV_SERVER__: DevServer | undefined;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** One real Temporal dev server (in memory, headless) for the whole test run. */
export default async function globalSetup(): Promise<void> {
  const started = Date.now();
  const server = await startDevServer({ port: await freePort() });
  globalThis.__TEMPORAL_DEV_SERVER__ = server;
  process.env.TEMPORAL_TEST_ADDRESS = server.address;
  process.stderr.write(`\nTemporal dev server on ${server.address} (ready in ${Date.now() - started} ms)\n`);
}
