import { z } from 'zod';
import type { AlertEvent, Severity } from '../alert-event';

/** Prometheus Alertmanager webhook, version 4 (Grafana's unified alerting sends the same shape). */
export const alertmanagerSchema = z.object({
  version: z.string().optional(),
  status: z.enum(['firing', 'resolved']).optional(),
  receiver: z.string().optional(),
  externalURL: z.string().optional(),
  commonLabels: z.record(z.string(), z.string()).optional(),
  alerts: z
    .array(
      z.object({
        status: z.enum(['firing', 'resolved'], { error: "must be 'firing' or 'resolved'" }),
        labels: z.record(z.string(), z.string(), { error: 'must be an object of strings' }),
        annotations: z.record(z.string(), z.string()).default({}),
        startsAt: z.string().optional(),
        endsAt: z.string().optional(),
        generatorURL: z.string().optional(),
        fingerprint: z
          .string({ error: 'is required (the dedup key)' })
          .min(1, { error: 'is required (the dedup key)' }),
        silenceURL: z.string().optional(),
        dashboardURL: z.string().optional(),
        panelURL: z.string().optional(),
      }),
      { error: 'must be a list of alerts' },
    )
    .min(1, { error: 'must hold at least one alert' }),
});

const SEVERITY_WORDS: Record<string, Severity> = {
  critical: 'critical',
  disaster: 'critical',
  page: 'critical',
  high: 'major',
  error: 'major',
  major: 'major',
  average: 'minor',
  minor: 'minor',
  warning: 'warning',
  warn: 'warning',
  low: 'warning',
  info: 'info',
  information: 'info',
  none: 'info',
};

export function severityFromWord(word: string | undefined): Severity {
  return SEVERITY_WORDS[(word ?? '').toLowerCase()] ?? 'major';
}

const HOST_LABELS = ['host', 'hostname', 'instance', 'nodename', 'node'];

/** Each element of `alerts[]` on its own, keyed by its fingerprint. */
export function fromAlertmanager(payload: z.infer<typeof alertmanagerSchema>, source: string): AlertEvent[] {
  return payload.alerts.map((a) => {
    const hostLabel = HOST_LABELS.find((l) => a.labels[l]);
    // `instance` is often host:port; the host is what matches a GLPI computer name.
    const host = hostLabel ? a.labels[hostLabel]!.replace(/:\d+$/, '') : (a.labels.alertname ?? 'unknown');
    const links = [a.generatorURL, a.dashboardURL, a.panelURL, a.silenceURL].filter(
      (l): l is string => !!l && /^https?:\/\//.test(l),
    );
    const validTime = a.startsAt && !a.startsAt.startsWith('0001-') ? a.startsAt : undefined;
    return {
      source,
      dedupKey: a.fingerprint,
      status: a.status,
      severity: severityFromWord(a.labels.severity),
      host: {
        name: host,
        serial: a.labels.serial,
        // Another way to tell apart computers that share a name (an FQDN where `host` is short).
        instance: hostLabel !== 'instance' ? a.labels.instance : undefined,
      },
      service: a.labels.alertname,
      summary: a.annotations.summary ?? a.annotations.title ?? a.labels.alertname ?? 'alert',
      details: a.annotations.description,
      time: a.status === 'resolved' && a.endsAt && !a.endsAt.startsWith('0001-') ? a.endsAt : validTime,
      links: links.length ? links : undefined,
      labels: a.labels,
    };
  });
}
