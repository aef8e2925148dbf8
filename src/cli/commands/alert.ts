import type { Command } from 'commander';
import { loadConfig } from '../../config/config';
import { alertEventSchema, issuesOf } from '../../alerts/alert-event';
import { deliverAlerts } from '../../delivery/deliver-alerts';
import { fromNagios } from '../../alerts/formats/nagios';
import { connectClient } from '../../temporal/connection';
import { UsageError } from '../usage-error';

interface AlertFlags {
  source: string;
  type?: string;
  host?: string;
  service?: string;
  state?: string;
  output?: string;
  problemId?: string;
  serial?: string;
  hostId?: string;
  author?: string;
  comment?: string;
}

export function alertCommand(program: Command): void {
  program
    .command('alert')
    .description(
      "Send one alert from a Nagios / Icinga / Checkmk notification command; flags, or the notification's variables (NOTIFICATIONTYPE, HOSTNAME, SERVICEDESC, SERVICESTATE, SERVICEOUTPUT…, also with the NOTIFY_ or ICINGA_ prefix)",
    )
    .option('--source <name>', 'the monitoring system', 'nagios')
    .option('--type <type>', 'PROBLEM, RECOVERY, ACKNOWLEDGEMENT… ($NOTIFICATIONTYPE$)')
    .option('--host <name>', 'host name ($HOSTNAME$)')
    .option('--service <name>', 'service description ($SERVICEDESC$); omit for a host notification')
    .option('--state <state>', 'CRITICAL, WARNING, UNKNOWN, OK, DOWN, UP… ($SERVICESTATE$ or $HOSTSTATE$)')
    .option('--output <text>', 'plugin output ($SERVICEOUTPUT$ or $HOSTOUTPUT$)')
    .option('--problem-id <id>', 'problem id ($SERVICEPROBLEMID$, or $LASTSERVICEPROBLEMID$ on recovery)')
    .option(
      '--serial <serial>',
      "the host's serial number ($_HOSTSERIAL$): tells apart computers that share a name",
    )
    .option('--host-id <id>', "the host's id in the inventory glpi-bridge syncs ($_HOSTGLPI_ID$)")
    .option('--author <name>', 'who acknowledged or commented ($NOTIFICATIONAUTHOR$)')
    .option(
      '--comment <text>',
      'the acknowledgement or comment ($NOTIFICATIONCOMMENT$), written alone as a follow-up',
    )
    .action(async (flags: AlertFlags) => {
      const config = loadConfig();
      const vars: Record<string, string | undefined> = { ...process.env };
      const set = (name: string, value?: string) => value !== undefined && (vars[name] = value);
      set('NOTIFICATIONTYPE', flags.type);
      set('HOSTNAME', flags.host);
      set('SERVICEDESC', flags.service);
      set((flags.service ?? vars.SERVICEDESC) ? 'SERVICESTATE' : 'HOSTSTATE', flags.state);
      set((flags.service ?? vars.SERVICEDESC) ? 'SERVICEOUTPUT' : 'HOSTOUTPUT', flags.output);
      set((flags.service ?? vars.SERVICEDESC) ? 'SERVICEPROBLEMID' : 'HOSTPROBLEMID', flags.problemId);
      set('_HOSTSERIAL', flags.serial);
      set('_HOSTGLPI_ID', flags.hostId);
      set('NOTIFICATIONAUTHOR', flags.author);
      set('NOTIFICATIONCOMMENT', flags.comment);
      let event: unknown;
      try {
        event = fromNagios(vars, flags.source);
      } catch (err) {
        throw new UsageError((err as Error).message);
      }
      const parsed = alertEventSchema.safeParse(event);
      if (!parsed.success) {
        throw new UsageError(
          `invalid alert: ${issuesOf(parsed.error)
            .map((i) => `${i.field} ${i.message}`)
            .join('; ')}`,
        );
      }
      const client = await connectClient(config.temporal);
      try {
        const [workflowId] = await deliverAlerts(client, config.temporal.taskQueue, [parsed.data]);
        process.stdout.write(
          `${parsed.data.status} alert for ${parsed.data.host.name} delivered to ${workflowId}\n`,
        );
      } finally {
        await client.connection.close();
      }
    });
}
