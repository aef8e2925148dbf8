/**
 * The worker's own figures, read from its Prometheus endpoint (`METRICS_PORT`): for example the GLPI
 * requests its client retried (`glpi_bridge_glpi_request_retries`).
 */
export interface MetricSample {
  labels: Record<string, string>;
  value: number;
}

/** Every sample of a metric in a Prometheus text exposition (a counter's `_total` name included). */
export function metricSamples(text: string, name: string): MetricSample[] {
  const samples: MetricSample[] = [];
  for (const line of text.split('\n')) {
    if (line.startsWith('#')) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})?\s+(\S+)/.exec(line);
    if (!m || (m[1] !== name && m[1] !== `${name}_total`)) continue;
    const labels: Record<string, string> = {};
    for (const l of (m[3] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g))
      labels[l[1]!] = l[2]!;
    samples.push({ labels, value: Number(m[4]) });
  }
  return samples;
}

/** A metric of a running process, summed over its labels, optionally grouped by one of them; undefined when unreachable. */
export async function scrapeMetric(
  url: string | undefined,
  name: string,
  by?: string,
): Promise<{ total: number; by: Record<string, number> } | undefined> {
  if (!url) return undefined;
  const text = await fetch(url)
    .then((r) => (r.ok ? r.text() : undefined))
    .catch(() => undefined);
  if (text === undefined) return undefined;
  const out = { total: 0, by: {} as Record<string, number> };
  for (const s of metricSamples(text, name)) {
    out.total += s.value;
    if (by) {
      const key = s.labels[by] ?? '';
      out.by[key] = (out.by[key] ?? 0) + s.value;
    }
  }
  return out;
}
