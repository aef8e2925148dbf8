import type { AlertEvent, Severity } from '../alert-event';

/**
 * A Nagios / Icinga / Checkmk notification, from its variables (Icinga 2 passes them as environment
 * variables of the notification command; Checkmk prefixes them with NOTIFY_). Keyed by host and service,
 * so that a re-fire inside the reopen window reopens the same ticket.
 */
export function fromNagios(vars: Record<string, string | undefined>, source: string): AlertEvent {
  const v = (name: string) =>
    vars[name] ?? vars[`NOTIFY_${name}`] ?? vars[`NAGIOS_${name}`] ?? vars[`ICINGA_${name}`];
  const type = (v('NOTIFICATIONTYPE') ?? 'PROBLEM').toUpperCase();
  const host = v('HOSTNAME') ?? v('HOSTALIAS');
  if (!host) throw new Error('HOSTNAME is required (the host the notification is about)');
  const service = v('SERVICEDESC');
  const state = (service ? v('SERVICESTATE') : v('HOSTSTATE'))?.toUpperCase() ?? 'CRITICAL';
  const output = (service ? v('SERVICEOUTPUT') : v('HOSTOUTPUT')) ?? '';
  const problemId = service
    ? v('SERVICEPROBLEMID') || v('LASTSERVICEPROBLEMID')
    : v('HOSTPROBLEMID') || v('LASTHOSTPROBLEMID');
  const resolved = type === 'RECOVERY' || ['OK', 'UP'].includes(state);
  return {
    source,
    dedupKey: service ? `${host}!${service}` : host,
    status: resolved ? 'resolved' : 'firing',
    severity: severityOfState(state),
    host: { name: host },
    service,
    summary: `${service ?? 'Host'} is ${state}${output ? `: ${output}` : ''}`.slice(0, 255),
    details:
      [
        output,
        v('LONGSERVICEOUTPUT'),
        v('NOTIFICATIONCOMMENT') &&
          `Comment by ${v('NOTIFICATIONAUTHOR') ?? 'someone'}: ${v('NOTIFICATIONCOMMENT')}`,
      ]
        .filter(Boolean)
        .join('\n') || undefined,
    labels: { notification_type: type, ...(problemId ? { problem_id: problemId } : {}) },
  };
}

function severityOfState(state: string): Severity {
  switch (state) {
    case 'CRITICAL':
    case 'DOWN':
      return 'critical';
    case 'UNREACHABLE':
      return 'major';
    case 'UNKNOWN':
      return 'minor';
    case 'WARNING':
      return 'warning';
    default:
      return 'info';
  }
}
