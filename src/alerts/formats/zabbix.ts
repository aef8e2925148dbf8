import { z } from 'zod';
import type { AlertEvent, Severity } from '../alert-event';

/**
 * The Zabbix webhook media type's parameters (name = macro), documented in the README:
 * event_id={EVENT.ID}, event_value={EVENT.VALUE}, event_nseverity={EVENT.NSEVERITY}, event_name={EVENT.NAME},
 * host_name={HOST.NAME} (or host={HOST.HOST}), trigger_id={TRIGGER.ID}, alert_message={ALERT.MESSAGE},
 * event_update_status={EVENT.UPDATE.STATUS}, event_update_message={EVENT.UPDATE.MESSAGE}, event_tags={EVENT.TAGSJSON}.
 */
const text = z.union([z.string(), z.number()]).transform(String);

export const zabbixSchema = z.object({
  event_id: text.pipe(z.string().min(1, { error: 'is required ({EVENT.ID})' })),
  event_value: text.pipe(z.enum(['0', '1'], { error: 'must be 1 (problem) or 0 (recovery): {EVENT.VALUE}' })),
  event_nseverity: text.optional(),
  event_name: text.pipe(z.string().min(1, { error: 'is required ({EVENT.NAME})' })),
  host_name: text.optional(),
  host: text.optional(),
  trigger_id: text.optional(),
  alert_message: text.optional(),
  event_update_status: text.optional(),
  event_update_message: text.optional(),
  event_tags: z.union([z.string(), z.array(z.object({ tag: z.string(), value: z.string() }))]).optional(),
});

const NSEVERITY: Severity[] = ['info', 'info', 'warning', 'minor', 'major', 'critical'];

/** Keyed by the trigger (a re-fire of the same problem reopens its ticket), else by the event. */
export function fromZabbix(payload: z.infer<typeof zabbixSchema>, source: string): AlertEvent {
  const host = payload.host_name || payload.host || 'unknown';
  const update = payload.event_update_status === '1' && payload.event_update_message;
  return {
    source,
    dedupKey: payload.trigger_id ? `${host}:${payload.trigger_id}` : payload.event_id,
    status: payload.event_value === '1' ? 'firing' : 'resolved',
    severity: NSEVERITY[Number(payload.event_nseverity ?? 4)] ?? 'major',
    host: { name: host },
    service: payload.event_name,
    summary: payload.event_name.slice(0, 255),
    details:
      [payload.alert_message, update ? `Update: ${payload.event_update_message}` : undefined]
        .filter(Boolean)
        .join('\n\n') || undefined,
    labels: { zabbix_event_id: payload.event_id },
  };
}
