import { fromNagios } from '../../src/alerts/formats/nagios';
import { fromZabbix, zabbixSchema } from '../../src/alerts/formats/zabbix';
import { fromAlertmanager, alertmanagerSchema } from '../../src/alerts/formats/alertmanager';

describe('alert formats', () => {
  it('Alertmanager: host from instance without its port, resolved time from endsAt', () => {
    const [e] = fromAlertmanager(
      alertmanagerSchema.parse({
        alerts: [
          {
            status: 'resolved',
            labels: { alertname: 'Up', instance: 'db-2:9100', severity: 'warning' },
            annotations: {},
            startsAt: '2026-11-27T05:00:00Z',
            endsAt: '2026-11-27T06:00:00Z',
            fingerprint: 'f1',
          },
        ],
      }),
      'am',
    );
    expect(e).toMatchObject({
      dedupKey: 'f1',
      status: 'resolved',
      severity: 'warning',
      host: { name: 'db-2' },
      summary: 'Up',
      time: '2026-11-27T06:00:00Z',
    });
  });

  it('Zabbix: severity from NSEVERITY, recovery from EVENT.VALUE 0, keyed by host and trigger', () => {
    const recovery = fromZabbix(
      zabbixSchema.parse({
        event_id: 9,
        event_value: 0,
        event_nseverity: 2,
        event_name: 'Load high',
        host_name: 'app-1',
        trigger_id: 77,
      }),
      'zbx',
    );
    expect(recovery).toMatchObject({
      dedupKey: 'app-1:77',
      status: 'resolved',
      severity: 'warning',
      host: { name: 'app-1' },
    });
    const update = fromZabbix(
      zabbixSchema.parse({
        event_id: '9',
        event_value: '1',
        event_name: 'Load high',
        host: 'app-1',
        event_update_status: '1',
        event_update_message: 'on it',
      }),
      'zbx',
    );
    expect(update).toMatchObject({
      dedupKey: '9',
      status: 'firing',
      severity: 'major',
      note: 'Update: on it',
    });
    expect(update.details).toBeUndefined();
    // No service: the problem name is the summary, and nothing repeats it.
    expect(update.service).toBeUndefined();
    expect(zabbixSchema.safeParse({ event_id: '1', event_value: '3', event_name: 'x' }).success).toBe(false);
  });

  it('Nagios / Icinga / Checkmk: service problems and recoveries share one key; Checkmk prefixes are read', () => {
    const problem = fromNagios(
      {
        NOTIFICATIONTYPE: 'PROBLEM',
        HOSTNAME: 'web-1',
        SERVICEDESC: 'HTTP',
        SERVICESTATE: 'CRITICAL',
        SERVICEOUTPUT: 'timeout',
        SERVICEPROBLEMID: '41',
      },
      'nagios',
    );
    const recovery = fromNagios(
      {
        NOTIFY_NOTIFICATIONTYPE: 'RECOVERY',
        NOTIFY_HOSTNAME: 'web-1',
        NOTIFY_SERVICEDESC: 'HTTP',
        NOTIFY_SERVICESTATE: 'OK',
        NOTIFY_LASTSERVICEPROBLEMID: '41',
      },
      'nagios',
    );
    expect(problem).toMatchObject({
      dedupKey: 'web-1!HTTP',
      status: 'firing',
      severity: 'critical',
      summary: 'HTTP is CRITICAL: timeout',
      labels: { problem_id: '41' },
    });
    expect(recovery).toMatchObject({
      dedupKey: 'web-1!HTTP',
      status: 'resolved',
      labels: { problem_id: '41' },
    });
    expect(fromNagios({ HOSTNAME: 'sw-1', HOSTSTATE: 'DOWN' }, 'icinga')).toMatchObject({
      dedupKey: 'sw-1',
      severity: 'critical',
      summary: 'Host is DOWN',
    });
    expect(() => fromNagios({ SERVICESTATE: 'OK' }, 'nagios')).toThrow('HOSTNAME is required');
  });

  it('Nagios: the output is said once; an acknowledgement is a note; custom host variables identify the machine', () => {
    const problem = fromNagios(
      {
        NOTIFICATIONTYPE: 'PROBLEM',
        HOSTNAME: 'web-1',
        HOSTADDRESS: 'web-1.paris.example.com',
        NAGIOS__HOSTSERIAL: 'CZ2049XY7K',
        SERVICEDESC: 'HTTP',
        SERVICESTATE: 'CRITICAL',
        SERVICEOUTPUT: 'connection refused',
        LONGSERVICEOUTPUT: 'tried 3 times',
      },
      'nagios',
    );
    expect(problem).toMatchObject({
      summary: 'HTTP is CRITICAL: connection refused',
      details: 'tried 3 times',
      host: { name: 'web-1', serial: 'CZ2049XY7K', instance: 'web-1.paris.example.com' },
    });
    expect(problem.note).toBeUndefined();
    const ack = fromNagios(
      {
        NOTIFICATIONTYPE: 'ACKNOWLEDGEMENT',
        HOSTNAME: 'web-1',
        SERVICEDESC: 'HTTP',
        SERVICESTATE: 'CRITICAL',
        SERVICEOUTPUT: 'connection refused',
        NOTIFICATIONAUTHOR: 'jane',
        NOTIFICATIONCOMMENT: 'looking into it',
      },
      'nagios',
    );
    expect(ack).toMatchObject({
      status: 'firing',
      summary: problem.summary,
      note: 'Acknowledged by jane: looking into it',
    });
    expect(ack.details).toBeUndefined();
  });

  it('Alertmanager: the instance is kept as an identifier when the host comes from another label', () => {
    const [e] = fromAlertmanager(
      alertmanagerSchema.parse({
        alerts: [
          {
            status: 'firing',
            labels: {
              alertname: 'CPU',
              host: 'web-1',
              instance: 'web-1.paris.example.com:9100',
              serial: 'SN1',
            },
            annotations: { summary: 'CPU high', description: 'CPU high' },
            startsAt: '2026-11-27T11:50:00Z',
            fingerprint: 'f',
          },
        ],
      }),
      'am',
    );
    expect(e).toMatchObject({
      host: { name: 'web-1', serial: 'SN1', instance: 'web-1.paris.example.com:9100' },
      time: '2026-11-27T11:50:00Z',
    });
  });
});
