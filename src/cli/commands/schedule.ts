import type { Command } from 'commander';
import type { Duration } from '@temporalio/common';
import {
  ScheduleAlreadyRunning,
  ScheduleNotFoundError,
  ScheduleOverlapPolicy,
  type Client,
} from '@temporalio/client';
import type { Config } from '../../config/config';
import { syncInventory } from '../../workflows/sync-inventory';
import { CliError } from '../cli-error';
import { CONCURRENCY, prepareSync } from './sync';
import { table } from '../output';
import { withTemporal } from '../temporal-client';
import { UsageError } from '../usage-error';

/** A schedule id that exists already, or does not exist: one line with the fix, exit status 2. */
function scheduleProblem(err: unknown, id: string, namespace: string): unknown {
  if (err instanceof ScheduleAlreadyRunning)
    return new CliError(
      `schedule '${id}' already exists in namespace ${namespace}; choose another id, or replace it: \`glpi-bridge schedule delete ${id}\` then create it again`,
      2,
    );
  if (err instanceof ScheduleNotFoundError)
    return new CliError(
      `no schedule '${id}' in namespace ${namespace}; \`glpi-bridge schedule list\` shows the schedules`,
      2,
    );
  return err;
}

async function withClient<T>(id: string, fn: (client: Client, config: Config) => Promise<T>): Promise<T> {
  return withTemporal(async (client, config) => {
    try {
      return await fn(client, config);
    } catch (err) {
      throw scheduleProblem(err, id, config.temporal.namespace);
    }
  });
}

/** `1h`, `30m`, `1d`: Temporal's duration strings, checked here for a clear error. */
function parseEvery(every: string): Duration {
  if (!/^\d+\s*(s|m|h|d)$/.test(every.trim()))
    throw new UsageError(`--every must look like 30m, 6h or 1d, got '${every}'`);
  return every.replace(/\s+/g, '') as Duration;
}

export function scheduleCommand(program: Command): void {
  const schedule = program
    .command('schedule')
    .description('Periodic inventory syncs on Temporal Schedules (overlaps are skipped)');

  schedule
    .command('create <id>')
    .description('Create a schedule that syncs an inventory every interval or on a cron expression')
    .requiredOption('--file <path|url>', 'the inventory, as the worker reads it')
    .option('--every <interval>', 'interval, e.g. 1h or 1d')
    .option('--cron <expression>', 'cron expression, e.g. "0 3 * * *"')
    .option('--source <name>', "the monitoring platform's name")
    .option('--dry-run', 'schedule dry runs (plans only)')
    .option('--paused', 'create it paused')
    .option(
      '--concurrency <n>',
      `chunks of 100 hosts synced at once, ${CONCURRENCY.min} to ${CONCURRENCY.max}`,
      String(CONCURRENCY.default),
    )
    .action(
      async (
        id: string,
        flags: {
          file: string;
          every?: string;
          cron?: string;
          source?: string;
          dryRun?: boolean;
          paused?: boolean;
          concurrency: string;
        },
      ) => {
        if (Boolean(flags.every) === Boolean(flags.cron))
          throw new UsageError('give exactly one of --every or --cron');
        const { input } = await prepareSync(flags);
        await withClient(id, async (client, config) => {
          await client.schedule.create({
            scheduleId: id,
            spec: flags.every
              ? { intervals: [{ every: parseEvery(flags.every) }] }
              : { cronExpressions: [flags.cron!] },
            action: {
              type: 'startWorkflow',
              workflowType: syncInventory,
              args: [input],
              taskQueue: config.temporal.taskQueue,
              workflowId: `inventory/${input.source}/scheduled/${id}`,
            },
            policies: { overlap: ScheduleOverlapPolicy.SKIP },
            state: { paused: flags.paused ?? false, note: flags.paused ? 'created paused' : undefined },
          });
          process.stdout.write(`Created schedule ${id}\n`);
        });
      },
    );

  schedule
    .command('list')
    .description('List schedules')
    .action(() =>
      withClient('', async (client) => {
        const rows: string[][] = [];
        for await (const s of client.schedule.list()) {
          rows.push([
            s.scheduleId,
            s.state.paused ? 'paused' : 'active',
            s.info.nextActionTimes[0]?.toISOString() ?? '',
            s.info.recentActions.at(-1)?.takenAt.toISOString() ?? '',
          ]);
        }
        process.stdout.write(`${table(['schedule', 'state', 'next run', 'last run'], rows)}\n`);
      }),
    );

  schedule
    .command('describe <id>')
    .description('Show a schedule: spec, state, recent and next runs')
    .action((id: string) =>
      withClient(id, async (client) => {
        const d = await client.schedule.getHandle(id).describe();
        process.stdout.write(
          `${JSON.stringify({ id: d.scheduleId, spec: d.spec, paused: d.state.paused, note: d.state.note, nextRuns: d.info.nextActionTimes, recentRuns: d.info.recentActions.map((a) => ({ at: a.takenAt, workflowId: a.action.workflow.workflowId })) }, null, 2)}\n`,
        );
      }),
    );

  for (const [name, description] of [
    ['pause', 'Pause a schedule'],
    ['unpause', 'Resume a paused schedule'],
    ['trigger', 'Start a run now'],
    ['delete', 'Delete a schedule (running syncs go on)'],
  ] as const) {
    schedule
      .command(`${name} <id>`)
      .description(description)
      .option('--note <text>', 'why (pause/unpause)')
      .action((id: string, flags: { note?: string }) =>
        withClient(id, async (client) => {
          const handle = client.schedule.getHandle(id);
          if (name === 'pause') await handle.pause(flags.note);
          else if (name === 'unpause') await handle.unpause(flags.note);
          else if (name === 'trigger') await handle.trigger(ScheduleOverlapPolicy.SKIP);
          else await handle.delete();
          process.stdout.write(`${name}: ${id} done\n`);
        }),
      );
  }
}
