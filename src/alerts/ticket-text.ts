import type { AlertEvent, AlertKey, Severity } from './alert-event';
import { renderTemplate, type TicketPolicy } from './ticket-policy';

/**
 * The words of tickets, follow-ups and solutions: what a colleague would write. Built as plain text
 * (paragraphs separated by blank lines), then put in the form the GLPI version shows: HTML with clickable
 * links from 10.0, plain text before. Pure: the worker renders it, never workflow code, so that a change of
 * wording never touches a running workflow's history.
 */

/** What was last written about an alert: a new notification is compared with it, field by field. */
export interface NotifiedAlert {
  severity: Severity;
  summary: string;
  details?: string;
  note?: string;
}

export function notified(event: AlertEvent): NotifiedAlert {
  return { severity: event.severity, summary: event.summary, details: event.details, note: event.note };
}

/** Severity as people write it in a title: `CRITICAL`. */
export function severityLabel(severity: Severity): string {
  return severity.toUpperCase();
}

/** Template values; a service or details that only repeat the summary are left out. */
export function templateValues(event: AlertEvent, key: AlertKey): Record<string, string | undefined> {
  const repeats = (text: string | undefined) =>
    text !== undefined && text.trim().toLowerCase() === event.summary.trim().toLowerCase();
  return {
    host: event.host.name,
    service: repeats(event.service) ? undefined : event.service,
    severity: severityLabel(event.severity),
    summary: event.summary,
    details: repeats(event.details) ? undefined : event.details,
    note: event.note,
    source: key.source,
    key: key.dedupKey,
    links: event.links?.join('\n'),
    status: event.status,
    time: event.time,
  };
}

export function ticketTitle(policy: TicketPolicy, event: AlertEvent, key: AlertKey): string {
  return renderTemplate(policy.titleTemplate, templateValues(event, key)).replace(/\s+/g, ' ').slice(0, 250);
}

/** The ticket's description; `notes` (what the bridge must tell people, e.g. an ambiguous host) come last. */
export function ticketBody(
  policy: TicketPolicy,
  event: AlertEvent,
  key: AlertKey,
  notes: string[] = [],
): string {
  return [renderTemplate(policy.contentTemplate, templateValues(event, key)), ...notes]
    .filter((p) => p.trim() !== '')
    .join('\n\n');
}

export type FollowupKind = 'update' | 'refire' | 'recovery';

/**
 * A follow-up (or solution) says what is new, not the whole problem again:
 * - `update`: only what changed since `previous` (severity, summary, details), or the note alone
 *   (an acknowledgement);
 * - `refire`: the new firing, with its own details and links;
 * - `recovery`: the recovery's own text (`back to 21 %`).
 */
export function followupText(kind: FollowupKind, event: AlertEvent, previous?: NotifiedAlert): string {
  const details = event.details && event.details.trim() !== event.summary.trim() ? event.details : undefined;
  const paragraphs: (string | undefined)[] = [];
  switch (kind) {
    case 'recovery':
      paragraphs.push(`Recovered: ${event.summary}`, details, event.note);
      break;
    case 'refire':
      paragraphs.push(
        `Fired again: ${event.summary}`,
        `Severity: ${severityLabel(event.severity)}`,
        details,
        event.note,
        event.links?.join('\n'),
      );
      break;
    case 'update': {
      const severityChanged = previous && previous.severity !== event.severity;
      const summaryChanged = !previous || previous.summary !== event.summary;
      const detailsChanged = !previous || (previous.details ?? '') !== (event.details ?? '');
      const noteChanged = !previous || (previous.note ?? '') !== (event.note ?? '');
      if (severityChanged)
        paragraphs.push(`Severity: ${severityLabel(previous.severity)} → ${severityLabel(event.severity)}`);
      if (summaryChanged) paragraphs.push(event.summary);
      if (detailsChanged) paragraphs.push(details);
      if (noteChanged) paragraphs.push(event.note);
      if (paragraphs.every((p) => !p)) paragraphs.push(event.summary);
      break;
    }
  }
  return paragraphs.filter((p): p is string => !!p && p.trim() !== '').join('\n\n');
}

export type TextFormat = 'html' | 'plain';

/** GLPI 10.0+ shows ticket text as HTML; 9.x as plain text. */
export function textFormatOf(major: number): TextFormat {
  return major >= 10 ? 'html' : 'plain';
}

const URL_PATTERN = /https?:\/\/[^\s<>"']+[^\s<>"'.,;:!?)\]]/g;

function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** Escaped HTML of a text in which every http(s) URL is a link. */
function linkify(text: string): string {
  let out = '';
  let at = 0;
  for (const match of text.matchAll(URL_PATTERN)) {
    const url = match[0];
    out += escapeHtml(text.slice(at, match.index));
    out += `<a href="${escapeHtml(url)}" target="_blank" rel="noopener noreferrer">${escapeHtml(url)}</a>`;
    at = match.index + url.length;
  }
  return out + escapeHtml(text.slice(at));
}

/**
 * The text as GLPI should receive it, with the bridge's marker (when given) as unobtrusive as the version
 * allows: a small last line in HTML, a last line in plain text. 9.x stores text in 3-byte utf8 tables:
 * characters beyond the BMP (emoji) become U+FFFD there.
 */
export function glpiBody(text: string, format: TextFormat, marker?: string): string {
  if (format === 'plain') {
    const plain = text.replace(/[\u{10000}-\u{10FFFF}]/gu, '\uFFFD');
    return marker ? `${plain}\n\n${marker}` : plain;
  }
  const paragraphs = text
    .split(/\n{2,}/)
    .filter((p) => p.trim() !== '')
    .map((p) => `<p>${linkify(p).replace(/\n/g, '<br>')}</p>`);
  if (marker) paragraphs.push(`<p><small>${escapeHtml(marker)}</small></p>`);
  return paragraphs.join('');
}
