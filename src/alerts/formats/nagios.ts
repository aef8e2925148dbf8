import type { AlertEvent, Severity } from '../alert-event';

/**
 * A Nagios / Icinga / Checkmk notification, from its variables (Icinga 2 passes them as environment
 * variables of the notification command; Checkmk prefixes them with NOTIFY_). Keyed by host and service,
 * so that a re-fire inside the reopen window reopens the same ticket.
 *
 * The plugin output is the summary (it is not repeated in the details, which hold the long output); an
 * acknowledgement, a downtime or a custom notification's comment becomes the event's `note`, which is
 * written alone as a follow-up. The host's custom variables `_HOSTSERIAL` and `_HOSTGLPI_ID` (Nagios passes
 * them as `NAGIOS__HOSTSERIAL`…), when set, help find the right computer.
 */
export function fromNagios(vars: Record<string, string | undefined>, source: string): AlertEvent {
  const v = (name: string) =>
    vars[name] ?? vars[`NOTIFY_${name}`] ?? vars[`NAGIOS_${name}`] ?? vars[`ICINGA_${name}`];
  const type = (v('NOTIFICATIONTYPE') ?? 'PROBLEM').toUpperCase();
  const host = v('HOSTNAME') ?? v('HOSTALIAS');
  if (!host) throw new Error('HOSTNAME is required (the host the notification is about)');
  const service = v('SERVICEDESC');
  const state = (service ? v('SERVICESTATE') : v('HOSTSTATE'))?.toUpperCase() ?? 'CRITICAL';
  const output = (service ? v('SERVICEOUTPUT') : v('HOSTOUTPUT'))?.trim() ?? '';
  const longOutput = (service ? v('LONGSERVICEOUTPUT') : v('LONGHOSTOUTPUT'))?.trim();
  const problemId = service
    ? v('SERVICEPROBLEMID') || v('LASTSERVICEPROBLEMID')
    : v('HOSTPROBLEMID') || v('LASTHOSTPROBLEMID');
  const resolved = type === 'RECOVERY' || ['OK', 'UP'].includes(state);
  const address = v('HOSTADDRESS');
  return {
    source,
    dedupKey: service ? `${host}!${service}` : host,
    status: resolved ? 'resolved' : 'firing',
    severity: severityOfState(state),
    host: {
      name: host,
      serial: v('_HOSTSERIAL') || v('HOSTSERIAL') || undefined,
      id: v('_HOSTGLPI_ID') || v('HOSTGLPI_ID') || undefined,
      // A DNS name (not an IP address) may tell apart computers that share a short name.
      instance: address && /[a-z]/i.test(address) && address !== host ? address : undefined,
    },
    service,
    summary: `${service ?? 'Host'} is ${state}${output ? `: ${output}` : ''}`.slice(0, 255),
    details: longOutput || undefined,
    note: noteOf(type, v('NOTIFICATIONAUTHOR'), v('NOTIFICATIONCOMMENT')),
    labels: { notification_type: type, ...(problemId ? { problem_id: problemId } : {}) },
  };
}

const NOTE_VERBS: Record<string, string> = {
  ACKNOWLEDGEMENT: 'Acknowledged',
  DOWNTIMESTART: 'Downtime started',
  DOWNTIMEEND: 'Downtime ended',
  DOWNTIMECANCELLED: 'Downtime cancelled',
  CUSTOM: 'Note',
};

function noteOf(type: string, author: string | undefined, comment: string | undefined): string | undefined {
  const text = comment?.trim();
  if (!text && !NOTE_VERBS[type]?.startsWith('Acknowledged')) return undefined;
  const who = author?.trim() ? ` by ${author.trim()}` : '';
  const verb = NOTE_VERBS[type] ?? 'Comment';
  return `${verb}${who}${text ? `: ${text}` : ''}`;
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
