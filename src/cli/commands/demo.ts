import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Client } from '@temporalio/client';
import { createReceiver } from '../../receiver/receiver';
import { GlpiClient } from '../../glpi/glpi-client';
import { ticketStateQuery, type TicketState } from '../../workflows/ticket-lifecycle';
import type { LocalStack } from '../local-stack';
import type { Logger } from '../../observability/logger';
import type { Config } from '../../config/config';
import type { Command } from 'commander';
import { loadConfig } from '../../config/config';
import { createLogger } from '../../observability/logger';
import { syncInventory } from '../../workflows/sync-inventory';
import { startLocalStack } from '../local-stack';
import { packageRoot } from '../package-root';
import { printReport, waitForSync } from './sync';
import { parseStackFlags, stackOptions, type StackFlags } from './dev';

/**
 * Ends every workflow still running on the demo's own Temporal (the ticket workflow waits an hour for a
 * re-fire): nothing of a demo outlives it, and nothing of it leaks into the next one.
 */
async function endDemoWorkflows(client: Client, out: NodeJS.WritableStream): Promise<void> {
  const running: string[] = [];
  for await (const w of client.workflow.list({ query: "ExecutionStatus = 'Running'" }))
    running.push(w.workflowId);
  for (const workflowId of running) {
    await client.workflow
      .getHandle(workflowId)
      .terminate('the demo ended')
      .then(() => out.write(`Ended ${workflowId} (still running when the demo ended)\n`))
      .catch(() => undefined);
  }
}

export function demoCommand(program: Command): void {
  stackOptions(
    program
      .command('demo')
      .description(
        "The quick start: on a throwaway local Temporal (in memory, not DATA_DIR) and the GLPI emulator unless GLPI_URL is set, sync the example inventory twice, then an alert opens and solves a ticket; the demo's workflows end with it",
      )
      .option('--file <path>', 'inventory to sync', join(packageRoot(), 'examples', 'inventory.json'))
      .option(
        '--keep-running',
        'keep Temporal, its Web UI and the worker running afterwards, so the printed links work (Ctrl-C stops)',
      ),
    { persistOption: false },
  ).action(async (flags: StackFlags & { file: string; keepRunning?: boolean }) => {
    const config = loadConfig();
    // The demo's own output is the point; keep the JSON logs to warnings.
    const logger = createLogger(config.logLevel === 'info' ? 'warn' : config.logLevel);
    const out = process.stdout;
    out.write('Starting a local Temporal dev server (in memory, for this demo only) and a worker...\n');
    // Its own throwaway state: `dev`'s DATA_DIR is left alone, and no demo run sees another's workflows.
    const stateDir = mkdtempSync(join(tmpdir(), 'glpi-bridge-demo-'));
    const stack = await startLocalStack({ ...config, dataDir: stateDir }, logger, {
      ...parseStackFlags({ ...flags, persist: false }),
      onStopping: (client) => endDemoWorkflows(client, out),
    }).catch((err: unknown) => {
      rmSync(stateDir, { recursive: true, force: true });
      throw err;
    });
    let status = 0;
    try {
      out.write(`Temporal UI: ${stack.server.uiUrl}\n`);
      out.write(
        stack.emulator
          ? `GLPI: emulator ${stack.emulator.profile.version} at ${stack.emulator.url}\n`
          : `GLPI: ${stack.glpi.url}\n`,
      );
      for (const pass of ['first sync', 'second sync (nothing changed: no GLPI write expected)']) {
        const workflowId = `inventory/demo/${new Date().toISOString()}`;
        out.write(`\n== ${pass}: ${flags.file}\n`);
        const writesBefore = stack.emulator?.counters.writes ?? 0;
        await stack.client.workflow.start(syncInventory, {
          taskQueue: stack.taskQueue,
          workflowId,
          args: [{ location: flags.file }],
        });
        status = Math.max(status, printReport(await waitForSync(stack.client, workflowId)));
        if (stack.emulator)
          out.write(`GLPI writes during this sync: ${stack.emulator.counters.writes - writesBefore}\n`);
        out.write(
          `Workflow: ${stack.server.uiUrl}/namespaces/default/workflows/${encodeURIComponent(workflowId)}\n`,
        );
      }
      await alertDemo(stack, config, logger, out);
      if (flags.keepRunning) {
        out.write(
          `\nStill running: the Web UI (${stack.server.uiUrl}) and the links above work until you press Ctrl-C, which ends the demo's workflows and its Temporal.\n`,
        );
        await stack.running;
      } else out.write('\n');
    } finally {
      await stack.stop();
      rmSync(stateDir, { recursive: true, force: true });
    }
    if (!flags.keepRunning)
      out.write(
        "The demo's Temporal ran in memory and has stopped: the Web UI links above no longer work. To browse them, run it again with --keep-running (`npm start -- --keep-running`, or `glpi-bridge demo --keep-running`).\n",
      );
    process.exitCode = status;
  });
}

/** Sends a firing then a resolved alert through the real receiver, and shows the ticket each time. */
async function alertDemo(
  stack: LocalStack,
  config: Config,
  logger: Logger,
  out: NodeJS.WriteStream,
): Promise<void> {
  const token = randomBytes(16).toString('hex');
  const receiver = createReceiver({
    client: stack.client,
    taskQueue: stack.taskQueue,
    token,
    logger,
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/alerts`;
  const glpi = new GlpiClient(stack.glpi);
  const dedupKey = `demo-${Date.now()}`;
  const workflowId = `ticket/demo/${dedupKey}`;
  try {
    for (const status of ['firing', 'resolved'] as const) {
      out.write(`\n== ${status} alert for srv-web-01 → POST ${url}\n`);
      const response = await fetch(url, {
        method: 'POST',
        headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
        body: JSON.stringify({
          source: 'demo',
          dedupKey,
          status,
          severity: 'critical',
          host: { name: 'srv-web-01' },
          service: 'http',
          summary: status === 'firing' ? 'HTTP check failed: connection refused' : 'HTTP check OK',
        }),
      });
      out.write(`receiver answered ${response.status} ${JSON.stringify(await response.json())}\n`);
      const wanted = status === 'firing' ? 'open' : 'recovered';
      const state = await waitForPhase(stack, workflowId, wanted);
      const ticket = await glpi.getItem('Ticket', state.ticketId!);
      const statusName = ['', 'new', 'assigned', 'planned', 'pending', 'solved', 'closed'][
        Number(ticket.status)
      ];
      out.write(
        `ticket ${ticket.id} "${String(ticket.name)}": status ${statusName}, urgency ${String(ticket.urgency)}, entity ${String(ticket.entities_id)}, computer ${state.computerId ?? 'none'}\n`,
      );
    }
    out.write(
      `Workflow: ${stack.server.uiUrl}/namespaces/default/workflows/${encodeURIComponent(workflowId)}\n`,
    );
  } finally {
    await glpi.killSession();
    receiver.close();
  }
}

async function waitForPhase(
  stack: LocalStack,
  workflowId: string,
  phase: TicketState['phase'],
): Promise<TicketState> {
  const handle = stack.client.workflow.getHandle(workflowId);
  const deadline = Date.now() + 60_000;
  for (;;) {
    const state = await handle.query(ticketStateQuery);
    if (state.phase === phase) return state;
    if (Date.now() > deadline)
      throw new Error(`the ticket workflow did not reach '${phase}' in time (it is '${state.phase}')`);
    await new Promise((r) => setTimeout(r, 200));
  }
}
