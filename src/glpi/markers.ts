import { createHash } from 'node:crypto';

/**
 * The bridge's markers: short tags it writes into GLPI text (a computer's or contract's comment, a
 * ticket's content, a follow-up) to find its own records again, whatever else people write there. Every
 * marker starts with `[glpi-bridge:` and ends with `]`; the parts between are kept free of characters that
 * GLPI encodes or that break a LIKE search (a quote breaks GLPI 9.1's /search), so that a marker is found
 * by a plain substring search on every version.
 */
export const MARKER_PREFIX = '[glpi-bridge:';

/** Characters percent-encoded inside a marker part. */
const UNSAFE = /[%'"\\<>&\]\r\n]/g;

function encodePart(part: string): string {
  return part.replace(UNSAFE, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`);
}

function decodePart(part: string): string {
  return part.replace(/%([0-9A-F]{2})/g, (_m, hex: string) => String.fromCharCode(parseInt(hex, 16)));
}

/** True when a text carries any marker of the bridge. */
export function hasAnyMarker(text: string): boolean {
  return text.includes(MARKER_PREFIX);
}

// ---- inventory: ties a GLPI computer or contract to a host of a monitoring source ----

/** `[glpi-bridge:<source>:<host id>]` */
export function inventoryMarker(source: string, hostId: string): string {
  return `${inventoryMarkerPrefix(source)}${encodePart(hostId)}]`;
}

/** The prefix shared by every inventory marker of one source. */
export function inventoryMarkerPrefix(source: string): string {
  return `${MARKER_PREFIX}${encodePart(source)}:`;
}

/** Host ids of `source` found in a text (a comment may carry several sources' markers). */
export function markedHostIds(text: string, source: string): string[] {
  const prefix = inventoryMarkerPrefix(source);
  const ids: string[] = [];
  for (let at = text.indexOf(prefix); at >= 0; at = text.indexOf(prefix, at + 1)) {
    const end = text.indexOf(']', at + prefix.length);
    if (end > at) ids.push(decodePart(text.slice(at + prefix.length, end)));
  }
  return ids;
}

// ---- tickets: ties a GLPI ticket to one incident of an alert key, and follow-ups to their event ----

export interface AlertKeyParts {
  source: string;
  dedupKey: string;
}

/**
 * `[glpi-bridge:alert:<digest of source and key>:<incident>]`: the key is hashed because it may be long
 * and hold any character; `incident` is stable across retries and new for each incident of the key.
 */
export function ticketMarker(key: AlertKeyParts, incident: string): string {
  return `${ticketMarkerKeyPart(key)}${encodePart(incident)}]`;
}

/** `[glpi-bridge:alert:<digest>:`: the part of a ticket marker that names its alert key, every incident alike. */
export function ticketMarkerKeyPart(key: AlertKeyParts): string {
  const digest = createHash('sha256').update(`${key.source}\u0000${key.dedupKey}`).digest('hex').slice(0, 16);
  return `${MARKER_PREFIX}alert:${digest}:`;
}

const TICKET_MARKER_KEY_PART = new RegExp(`${MARKER_PREFIX.replace(/[[\]]/g, '\\$&')}alert:[0-9a-f]{16}:`);

/** The key part (`ticketMarkerKeyPart`) of the first ticket marker in a text, if it carries one. */
export function ticketMarkerKeyPartIn(text: string): string | undefined {
  return TICKET_MARKER_KEY_PART.exec(text)?.[0];
}

/** `[glpi-bridge:event:<incident>:<n>]`: one follow-up or solution of an incident, written once. */
export function eventMarker(incident: string, seq: number): string {
  return `${MARKER_PREFIX}event:${encodePart(incident)}:${seq}]`;
}
