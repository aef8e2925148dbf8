import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
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

export function demoCommand(program: Command): void {
  stackOptions(
    program
      .command('demo')
      .description(
        'The quick start: on the embedded default (local Temporal + GLPI emulator unless GLPI_URL is set), sync the example inventory twice and print the results',
      )
      .option('--file <path>', 'inventory to sync', join(packageRoot(), 'examples', 'inventory.json'))
      .option('--keep-running', 'keep Temporal, its Web UI and the worker running afterwards (Ctrl-C stops)'),
  ).action(async (flags: StackFlags & { file: string; keepRunning?: boolean }) => {
    const config = loadConfig();
    // The demo's own output is the point; keep the JSON logs to warnings.
    const logger = createLogger(config.logLevel === 'info' ? 'warn' : config.logLevel);
    const out = process.stdout;
    out.write('Starting a local Temporal dev server and worker...\n');
    const stack = await startLocalStack(config, logger, parseStackFlags(flags));
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
        out.write('\nStill running; press Ctrl-C to stop.\n');
        await stack.running;
      }
    } finally {
      await stack.stop();
    }
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
