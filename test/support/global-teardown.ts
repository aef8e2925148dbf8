/** Stops the dev server the global setup started, so that no process outlives the test run. */
export default async function globalTeardown(): Promise<void> {
  await globalThis.__TEMPORAL_DEV_SERVER__?.stop();
}
