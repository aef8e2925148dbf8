import { z } from 'zod';
import type { AlertEvent, Severity } from '../alert-event';

/**
 * The Zabbix webhook media type's parameters (name = macro), documented in the README:
 * event_id={EVENT.ID}, event_value={EVENT.VALUE}, event_nseverity={EVENT.NSEVERITY}, event_name={EVENT.NAME},
 * host_name={HOST.NAME} (or host={HOST.HOST}), trigger_id={TRIGGER.ID}, alert_message={ALERT.MESSAGE},
 * event_update_status={EVENT.UPDATE.STATUS}, event_update_message={EVENT.UPDATE.MESSAGE}, event_tags={EVENT.TAGSJSON};
 * optionally event_update_action={EVENT.UPDATE.ACTION}, event_update_user={USER.FULLNAME},
 * host_serial={INVENTORY.SERIALNO.A} (tells apart computers that share a name).
 *
 * The problem name is the summary (Zabbix has no service: nothing repeats it); an update's message is the
 * event's `note`, written alone as a follow-up.
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
  event_update_action: text.optional(),
  event_update_user: text.optional(),
  host_serial: text.optional(),
  event_tags: z.union([z.string(), z.array(z.object({ tag: z.string(), value: z.string() }))]).optional(),
});

const NSEVERITY: Severity[] = ['info', 'info', 'warning', 'minor', 'major', 'critical'];

/** Keyed by the trigger (a re-fire of the same problem reopens its ticket), else by the event. */
export function fromZabbix(payload: z.infer<typeof zabbixSchema>, source: string): AlertEvent {
  const host = payload.host_name || payload.host || 'unknown';
  const update = payload.event_update_status === '1' && payload.event_update_message?.trim();
  const visibleAndTechnical = payload.host_name && payload.host && payload.host !== payload.host_name;
  return {
    source,
    dedupKey: payload.trigger_id ? `${host}:${payload.trigger_id}` : payload.event_id,
    status: payload.event_value === '1' ? 'firing' : 'resolved',
    severity: NSEVERITY[Number(payload.event_nseverity ?? 4)] ?? 'major',
    host: {
      name: host,
      serial: payload.host_serial?.trim() || undefined,
      instance: visibleAndTechnical ? payload.host : undefined,
    },
    summary: payload.event_name.slice(0, 255),
    details: payload.alert_message?.trim() || undefined,
    note: update
      ? `Update${payload.event_update_user ? ` by ${payload.event_update_user}` : ''}${
          payload.event_update_action ? ` (${payload.event_update_action})` : ''
        }: ${update}`
      : undefined,
    labels: { zabbix_event_id: payload.event_id },
  };
}
