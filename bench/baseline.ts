import { createActivities } from '../src/activities';
import { DEFAULT_WORKER_SETTINGS } from '../src/config/worker-settings';
import type { InventoryItem } from '../src/inventory/inventory-schema';
import type { EmulatorInstance } from '../tools/harness';

export interface BaselineFigures {
  hosts: number;
  seconds: number;
  hostsPerSecond: number;
  glpiRequestsPerHost: number;
}

/**
 * The sequential baseline: the per-host steps (upsertComputer, upsertOperatingSystem, ensureContract) called
 * one host after the other in a plain loop, without Temporal, with a real GLPI session; what a script would
 * do. Runs in the calling process against `glpi` (a fresh emulator with the benchmark's latency).
 */
export async function sequentialBaseline(
  glpi: EmulatorInstance,
  source: string,
  items: InventoryItem[],
): Promise<BaselineFigures> {
  const { activities, close } = createActivities({
    glpi: { url: glpi.url, appToken: glpi.appToken, userToken: glpi.userToken },
    settings: DEFAULT_WORKER_SETTINGS,
  });
  await glpi.resetCounters();
  const started = performance.now();
  const handle = await activities.openGlpiSession();
  const entities = await activities.ensureEntities({
    handle,
    name: DEFAULT_WORKER_SETTINGS.glpiEntity,
    paths: [],
  });
  for (const item of items) {
    const step = { handle, entities, source, item };
    const computer = await activities.upsertComputer(step);
    const { computerId } = computer;
    await activities.upsertOperatingSystem({ ...step, computerId, newComputer: computer.createdNow });
    await activities.ensureContract({ ...step, computerId });
  }
  await activities.killGlpiSession(handle);
  const seconds = (performance.now() - started) / 1000;
  await close();
  const { total } = await glpi.counters();
  return {
    hosts: items.length,
    seconds,
    hostsPerSecond: items.length / seconds,
    glpiRequestsPerHost: total / items.length,
  };
}
