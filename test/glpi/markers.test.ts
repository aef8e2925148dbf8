import {
  eventMarker,
  inventoryMarker,
  ticketMarker,
  ticketMarkerKeyPart,
  ticketMarkerKeyPartIn,
} from '../../src/glpi/markers';

describe('ticket markers', () => {
  const key = { source: 'alertmanager', dedupKey: 'fp-1' };

  it('share the key part across the incidents of one alert key, and differ between keys', () => {
    const part = ticketMarkerKeyPart(key);
    expect(part).toMatch(/^\[glpi-bridge:alert:[0-9a-f]{16}:$/);
    expect(ticketMarker(key, 'inc-1').startsWith(part)).toBe(true);
    expect(ticketMarker(key, "it's <2>").startsWith(part)).toBe(true);
    expect(ticketMarkerKeyPart({ source: 'alertmanager', dedupKey: 'fp-2' })).not.toBe(part);
    expect(ticketMarkerKeyPart({ source: 'zabbix', dedupKey: 'fp-1' })).not.toBe(part);
  });

  it('finds the key part of the marker in a ticket text, and nothing in a text without one', () => {
    const content = `Disk full on srv-01\n\n${ticketMarker(key, 'inc-7')}`;
    expect(ticketMarkerKeyPartIn(content)).toBe(ticketMarkerKeyPart(key));
    expect(ticketMarkerKeyPartIn('no marker here')).toBeUndefined();
    // Other markers of the bridge are not ticket markers.
    expect(
      ticketMarkerKeyPartIn(`${inventoryMarker('alert', 'x')} ${eventMarker('inc-7', 1)}`),
    ).toBeUndefined();
  });
});
