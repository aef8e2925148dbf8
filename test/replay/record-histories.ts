/**
 * `npm run histories:record`: runs the scenarios whose histories the replay test keeps, on a real Temporal
 * dev server and the GLPI emulator, and writes them to test/fixtures/histories. Run it after a deliberate
 * change of a workflow (one guarded by `patched`, or a new workflow type), never to make a failing replay
 * pass: the old histories are what running workflows look like.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Connection, type WorkflowHandle } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { DefaultLogger, NativeConnection, Runtime } from '@temporalio/worker';
import type { AlertEvent } from '../../src/alerts/alert-event';
import { DEFAULT_TICKET_POLICY } from '../../src/alerts/ticket-policy';
import { DEFAULT_WORKER_SETTINGS } from '../../src/config/worker-settings';
import { deliverAlerts } from '../../src/delivery/deliver-alerts';
import { GlpiEmulator } from '../../src/emulator/glpi-emulator';
import { startDevServer } from '../../src/temporal/dev-server';
import { createWorker } from '../../src/worker/create-worker';
import { syncInventory } from '../../src/workflows/sync-inventory';
import { syncInventoryItem } from '../../src/workflows/sync-inventory-item';
import { ticketStateQuery, type TicketState } from '../../src/workflows/ticket-lifecycle';

const OUT = join(__dirname, '..', 'fixtures', 'histories');

async function eventually<T>(read: () => Promise<T>, accept: (v: T) => boolean, what: string): Promise<T> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const value = await read().catch(() => undefined);
    if (value !== undefined && accept(value)) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function save(client: Client, name: string, workflowId: string, runId?: string): Promise<void> {
  const history = await client.workflow.getHandle(workflowId, runId).fetchHistory();
  // Plain protobuf JSON (enum names, 64-bit numbers and bytes as strings), read back with fromObject.
  const json = temporal.api.history.v1.History.toObject(temporal.api.history.v1.History.fromObject(history), {
    enums: String,
    longs: String,
    bytes: String,
  });
  writeFileSync(join(OUT, `${name}.json`), `${JSON.stringify({ workflowId, history: json }, null, 1)}\n`);
  process.stdout.write(`recorded ${name} (${history.events?.length ?? 0} events)\n`);
}

async function main(): Promise<void> {
  Runtime.install({ logger: new DefaultLogger('ERROR') });
  mkdirSync(OUT, { recursive: true });
  const server = await startDevServer({ port: 17000 + Math.floor(Math.random() * 1000) });
  const emulator = new GlpiEmulator({ profile: '10.0' });
  await emulator.start();
  const native = await NativeConnection.connect({ address: server.address });
  const connection = await Connection.connect({ address: server.address });
  const client = new Client({ connection });
  const taskQueue = 'record-histories';
  const { worker, close } = await createWorker({
    connection: native,
    namespace: 'default',
    taskQueue,
    glpi: { url: emulator.url, appToken: emulator.appToken, userToken: emulator.userToken },
    settings: {
      ...DEFAULT_WORKER_SETTINGS,
      inventoryRetry: { maxIntervalSeconds: 0.2, budgetSeconds: 20 },
      tickets: { ...DEFAULT_TICKET_POLICY, reopenWindowSeconds: 3, syncIntervalSeconds: 1 },
    },
  });
  const running = worker.run();
  try {
    // A batch of 250 hosts that continues as new twice, with one host failing (and its own workflow).
    const dir = mkdtempSync(join(tmpdir(), 'record-'));
    const path = join(dir, 'inventory.json');
    const items = Array.from({ length: 250 }, (_v, i) => ({
      id: `h${i}`,
      label: `rec-${i}`,
      hardware: { type: 'Server', serialNumber: `R-${i}` },
      software: { operatingSystem: 'Debian 12', license: `L-${i}` },
      importDate: '2026-11-27',
      serviceContract: { endOfServiceDate: '2027-11-27' },
      ...(i === 7 ? { contract: { glpiContractId: 999 } } : {}),
    }));
    writeFileSync(path, JSON.stringify({ source: 'rec', items }));
    const batch = await client.workflow.start(syncInventory, {
      taskQueue,
      workflowId: 'replay-sync',
      args: [{ location: path, itemsPerRun: 100, concurrency: 2 }],
    });
    await batch.result().catch(() => undefined);
    const runs = [];
    for await (const run of client.workflow.list({ query: `WorkflowId = "replay-sync"` })) runs.push(run);
    runs.sort((a, b) => a.startTime.getTime() - b.startTime.getTime());
    for (const [i, run] of runs.entries())
      await save(client, `sync-batch-run-${i + 1}`, run.workflowId, run.runId);
    await save(client, 'sync-failed-host', 'inventory-item/rec/h7');

    // One host on its own, as an operator starts it from the UI.
    await client.workflow.execute(syncInventoryItem, {
      taskQueue,
      workflowId: 'replay-item',
      args: [{ source: 'rec', item: items[3]! }],
    });
    await save(client, 'sync-one-host', 'replay-item');

    // A ticket: fire, update, resolve, re-fire (reopen), closed by people (back-sync), resolve.
    emulator.db.insert('Computer', { name: 'srv-replay', entities_id: 0 });
    const alert = (overrides: Partial<AlertEvent>): AlertEvent => ({
      source: 'rec',
      dedupKey: 'cpu',
      status: 'firing',
      severity: 'critical',
      host: { name: 'srv-replay' },
      service: 'cpu',
      summary: 'CPU above 95%',
      ...overrides,
    });
    const ticket: WorkflowHandle = client.workflow.getHandle('ticket/rec/cpu');
    const state = () => ticket.query(ticketStateQuery);
    const phase = (p: TicketState['phase']) => eventually(state, (s) => s.phase === p, `phase ${p}`);
    await deliverAlerts(client, taskQueue, [alert({})]);
    const opened = await phase('open');
    await deliverAlerts(client, taskQueue, [alert({ summary: 'CPU above 99%', severity: 'major' })]);
    await eventually(state, (s) => s.counts.followups >= 1, 'a follow-up');
    await deliverAlerts(client, taskQueue, [alert({ status: 'resolved', summary: 'CPU back to 21%' })]);
    await phase('recovered');
    await deliverAlerts(client, taskQueue, [alert({ summary: 'CPU above 95% again' })]);
    await phase('open');
    const all = { userId: 2, activeEntities: new Set(emulator.db.subtree(0)) };
    emulator.db.update('Ticket', opened.ticketId!, { status: 6 }, all);
    await phase('detached');
    await deliverAlerts(client, taskQueue, [alert({ status: 'resolved', summary: 'CPU back to 20%' })]);
    await ticket.result();
    await save(client, 'ticket-lifecycle', 'ticket/rec/cpu');
  } finally {
    worker.shutdown();
    await running;
    await close();
    await connection.close();
    await native.close();
    await emulator.stop();
    await server.stop();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
