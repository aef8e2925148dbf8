import type { AlertEvent } from '../../src/alerts/alert-event';
import { DEFAULT_TICKET_POLICY, parseTicketActor, renderTemplate } from '../../src/alerts/ticket-policy';
import { followupText, glpiBody, notified, ticketBody, ticketTitle } from '../../src/alerts/ticket-text';

const key = { source: 'prom', dedupKey: 'f1' };
const event = (overrides: Partial<AlertEvent> = {}): AlertEvent => ({
  source: 'prom',
  dedupKey: 'f1',
  status: 'firing',
  severity: 'critical',
  host: { name: 'web-1' },
  service: 'HTTP',
  summary: 'HTTP check failed',
  ...overrides,
});

describe('ticket text', () => {
  it('titles with the severity as people write it', () => {
    expect(ticketTitle(DEFAULT_TICKET_POLICY, event(), key)).toBe('[CRITICAL] web-1: HTTP check failed');
  });

  it('leaves out lines whose placeholders are empty, and a service or details that repeat the summary', () => {
    expect(renderTemplate('a {{x}}\nb: {{y}}\n\n\n\nc', { x: 'X', y: '' })).toBe('a X\n\nc');
    const body = ticketBody(
      DEFAULT_TICKET_POLICY,
      event({ service: 'HTTP check failed', details: 'HTTP check failed' }),
      key,
    );
    expect(body).toBe('HTTP check failed\n\nHost: web-1\nSeverity: CRITICAL');
    expect(ticketBody(DEFAULT_TICKET_POLICY, event(), key, ['note for people'])).toMatch(
      /\n\nnote for people$/,
    );
  });

  it('follow-ups say what changed, an acknowledgement alone, a re-fire and a recovery with their own details', () => {
    const first = notified(event({ details: 'timeout after 10 s' }));
    expect(followupText('update', event({ severity: 'warning', details: 'timeout after 10 s' }), first)).toBe(
      'Severity: CRITICAL → WARNING',
    );
    expect(followupText('update', event({ details: 'timeout after 30 s' }), first)).toBe(
      'timeout after 30 s',
    );
    expect(
      followupText(
        'update',
        event({ details: 'timeout after 10 s', note: 'Acknowledged by jane: on it' }),
        first,
      ),
    ).toBe('Acknowledged by jane: on it');
    expect(
      followupText('recovery', event({ status: 'resolved', summary: 'CPU OK', details: 'back to 21 %' })),
    ).toBe('Recovered: CPU OK\n\nback to 21 %');
    expect(followupText('refire', event({ details: 'load 14', links: ['https://g.example/d'] }))).toBe(
      'Fired again: HTTP check failed\n\nSeverity: CRITICAL\n\nload 14\n\nhttps://g.example/d',
    );
  });

  it('is HTML with clickable, escaped links and a small marker from GLPI 10; plain text with the marker last before', () => {
    const text = 'CPU > 95% & rising\nsee https://grafana.example.com/d/x?a=1&b=2.\n\nsecond';
    expect(glpiBody(text, 'html', '[glpi-bridge:alert:1:2]')).toBe(
      '<p>CPU &gt; 95% &amp; rising<br>see <a href="https://grafana.example.com/d/x?a=1&amp;b=2" target="_blank" rel="noopener noreferrer">https://grafana.example.com/d/x?a=1&amp;b=2</a>.</p>' +
        '<p>second</p><p><small>[glpi-bridge:alert:1:2]</small></p>',
    );
    expect(glpiBody(text, 'html')).not.toContain('glpi-bridge');
    expect(glpiBody('disk 🔥 full', 'plain', '[glpi-bridge:x]')).toBe('disk \uFFFD full\n\n[glpi-bridge:x]');
  });

  it('reads actors as none, user:<login> or group:<complete name>', () => {
    expect(parseTicketActor('none')).toEqual({ kind: 'none' });
    expect(parseTicketActor('')).toEqual({ kind: 'none' });
    expect(parseTicketActor('user:jane.doe')).toEqual({ kind: 'user', name: 'jane.doe' });
    expect(parseTicketActor('Group: Support>Level 1 ')).toEqual({ kind: 'group', name: 'Support > Level 1' });
    expect(parseTicketActor('jane')).toHaveProperty('problem');
  });
});
