import type { AlertEvent } from '../alerts/alert-event';
import { ticketWorkflowId } from '../alerts/alert-event';

/**
 * Identical repeats of a firing alert, answered 202 by the receiver without waking the problem's workflow.
 * Monitoring tools send the same state again and again (Alertmanager re-sends a whole group when one of its
 * alerts changes, Zabbix and Nagios re-notify); each repeat would cost a workflow task that changes nothing,
 * since the workflow coalesces it anyway. Only a firing notification identical to the last one this receiver
 * delivered for the same problem, within the window, is held back: any change (another severity, summary,
 * details or note, a recovery) goes through, and so does a repeat once the window has passed.
 */
export class RepeatFilter {
  private readonly last = new Map<string, { fingerprint: string; at: number }>();

  /**
   * @param windowMs how long after a delivery an identical repeat is held back; 0 delivers every one
   * @param maxProblems problems remembered at most (the oldest are forgotten first)
   */
  constructor(
    private readonly windowMs: number,
    private readonly maxProblems = 50_000,
  ) {}

  /** True when `event` repeats, within the window, the last notification delivered for its problem. */
  isRepeat(event: AlertEvent, now = Date.now()): boolean {
    if (this.windowMs <= 0 || event.status !== 'firing') return false;
    const seen = this.last.get(ticketWorkflowId(event));
    return seen !== undefined && now - seen.at < this.windowMs && seen.fingerprint === fingerprint(event);
  }

  /** Notes what Temporal accepted; only what was delivered counts as the last notification. */
  delivered(events: AlertEvent[], now = Date.now()): void {
    if (this.windowMs <= 0) return;
    for (const event of events) {
      const id = ticketWorkflowId(event);
      this.last.delete(id);
      this.last.set(id, { fingerprint: fingerprint(event), at: now });
    }
    while (this.last.size > this.maxProblems) this.last.delete(this.last.keys().next().value!);
  }
}

function fingerprint(e: AlertEvent): string {
  return JSON.stringify([
    e.status,
    e.severity,
    e.summary,
    e.details ?? '',
    e.note ?? '',
    e.host.name,
    e.host.serial ?? '',
    e.service ?? '',
    e.links ?? [],
  ]);
}
