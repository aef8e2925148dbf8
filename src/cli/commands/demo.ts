import { join } from 'node:path';
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
