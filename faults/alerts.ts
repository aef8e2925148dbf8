import type { Client } from '@temporalio/client';
import type { AlertEvent } from '../src/alerts/alert-event';
import { deliverAlerts } from '../src/delivery/deliver-alerts';
import { epochMs, sleep } from '../tools/harness';

export const ALERT_SOURCE = 'faults';
export const alertHost = (k: number): string => `fault-alert-host-${k}`;
/** The key a ticket was opened for, from the host in its title. */
export const keyOfTicketName = (name: string): number | undefined => {
  const m = /fault-alert-host-(\d+)\b/.exec(name);
  return m ? Number(m[1]) : undefined;
};

/**
 * One problem's notifications, at their offsets from its first firing: the firing, an identical repeat
 * (coalesced), an update (one follow-up), then the recovery (the solution).
 */
function problem(k: number): { afterMs: number; event: AlertEvent }[] {
  const base = {
    source: ALERT_SOURCE,
    dedupKey: `key-${k}`,
    severity: 'critical' as const,
    host: { name: alertHost(k) },
  };
  return [
    { afterMs: 0, event: { ...base, status: 'firing', summary: 'disk full' } },
    { afterMs: 1_000, event: { ...base, status: 'firing', summary: 'disk full' } },
    { afterMs: 2_000, event: { ...base, status: 'firing', severity: 'major', summary: 'disk 97%' } },
    { afterMs: 4_000, event: { ...base, status: 'resolved', summary: 'disk ok' } },
  ];
}

export const EVENTS_PER_PROBLEM = problem(0).length;

export interface WaveResult {
  /** When Temporal accepted each key's first firing (epoch ms). */
  accepted: Map<number, number>;
  sent: number;
  /** Deliveries tried again (Temporal unreachable: what a webhook sender does on 503). */
  resends: number;
}

/**
 * A wave of problems: key `first + i` fires `spacingMs × i` after the start, then goes through its
 * notifications. Each is delivered as the receiver does (signal-with-start) and resent until Temporal
 * accepts it; `onAccepted` is told of each first firing.
 */
export async function alertWave(
  client: Client,
  taskQueue: string,
  options: {
    first: number;
    count: number;
    spacingMs: number;
    onFirstAccepted?: (k: number, at: number) => void;
  },
): Promise<WaveResult> {
  const result: WaveResult = { accepted: new Map(), sent: 0, resends: 0 };
  const started = performance.now();
  const deliver = async (event: AlertEvent): Promise<number> => {
    for (;;) {
      try {
        await deliverAlerts(client, taskQueue, [event]);
        result.sent += 1;
        return epochMs();
      } catch {
        result.resends += 1;
        await sleep(500);
      }
    }
  };
  await Promise.all(
    Array.from({ length: options.count }, async (_v, i) => {
      const k = options.first + i;
      const firstAt = started + i * options.spacingMs;
      for (const [n, step] of problem(k).entries()) {
        const wait = firstAt + step.afterMs - performance.now();
        if (wait > 0) await sleep(wait);
        const at = await deliver(step.event);
        if (n === 0) {
          result.accepted.set(k, at);
          options.onFirstAccepted?.(k, at);
        }
      }
    }),
  );
  return result;
}
