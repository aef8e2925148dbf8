import { glpiAway } from '../../src/glpi/errors';

describe('GLPI away or GLPI failing', () => {
  it('calls GLPI away only when nothing could be reached, not when a connection was made and then lost', () => {
    const away = [
      'GLPI POST /changeActiveEntities failed: connect ECONNREFUSED 127.0.0.1:20010',
      'GLPI GET /initSession failed: getaddrinfo ENOTFOUND glpi.invalid',
      'GLPI GET /initSession failed: connect EHOSTUNREACH 10.0.0.9:443',
    ];
    const failing = ['GLPI POST /Ticket failed: socket hang up', 'GLPI GET /Ticket failed: read ECONNRESET'];
    expect(away.map((m) => glpiAway('GlpiNetworkError', m))).toEqual([true, true, true]);
    expect(failing.map((m) => glpiAway('GlpiNetworkError', m))).toEqual([false, false]);
    // Timeouts and GLPI's own errors: GLPI is there.
    expect(glpiAway('GlpiTimeoutError', 'GLPI GET /Ticket timed out after 1500 ms (ECONNREFUSED)')).toBe(
      false,
    );
    expect(glpiAway('GlpiServerError', 'GLPI POST /Ticket failed: HTTP_500 (HTTP 500)')).toBe(false);
  });
});
