import {
  chooseComputers,
  findHostComputers,
  hostIdentity,
  type FoundComputers,
} from '../../src/activities/tickets/host-lookup';
import { GlpiEmulator } from '../../src/emulator/glpi-emulator';
import { GlpiClient } from '../../src/glpi/glpi-client';
import type { AlertEvent } from '../../src/alerts/alert-event';
import { inventoryMarker } from '../../src/glpi/markers';

const row = (id: number, name: string, extra: Record<string, unknown> = {}) => ({
  id,
  name,
  entities_id: 1,
  ...extra,
});
const none: FoundComputers = { byName: [], byInstance: [], bySerial: [], byMarker: [] };

describe('which computers an alert concerns', () => {
  const event = (host: AlertEvent['host'], labels?: Record<string, string>): AlertEvent => ({
    source: 'nagios',
    dedupKey: 'k',
    status: 'firing',
    severity: 'major',
    host,
    summary: 's',
    labels,
  });

  it('reads identifiers from the event, then from its labels (serial, instance, the configured id label)', () => {
    expect(
      hostIdentity(event({ name: 'web-1' }, { serial: 'S', instance: 'web-1.x:9100', hid: 'h1' }), 'hid'),
    ).toEqual({
      name: 'web-1',
      serial: 'S',
      inventoryId: 'h1',
      inventorySource: 'nagios',
      instance: 'web-1.x',
    });
    expect(hostIdentity(event({ name: 'web-1', instance: 'web-1:9100' }), 'hid').instance).toBeUndefined();
  });

  it('prefers the inventory id, then the serial, then the instance, then the name; links all when ambiguous', () => {
    const id = {
      name: 'web',
      inventorySource: 'inv',
      inventoryId: 'h2',
      serial: 'SN2',
      instance: 'web.lyon',
    };
    const marked = row(2, 'web', { comment: inventoryMarker('inv', 'h2') });
    expect(
      chooseComputers(id, { ...none, byMarker: [marked], byName: [row(1, 'web'), marked] }),
    ).toMatchObject({
      computers: [{ id: 2 }],
      matchedBy: 'inventory id',
      ambiguous: false,
    });
    expect(chooseComputers(id, { ...none, bySerial: [row(3, 'other', { serial: 'sn2' })] })).toMatchObject({
      computers: [{ id: 3 }],
      matchedBy: 'serial number',
    });
    expect(
      chooseComputers(id, { ...none, byInstance: [row(4, 'web.lyon')], byName: [row(5, 'web')] }),
    ).toMatchObject({ computers: [{ id: 4 }], matchedBy: 'instance' });
    // A computer whose serial or marker says it is another machine is left out.
    expect(
      chooseComputers(id, {
        ...none,
        byName: [
          row(6, 'web', { serial: 'SN9' }),
          row(7, 'web', { comment: inventoryMarker('inv', 'h9') }),
          row(8, 'web'),
        ],
      }),
    ).toMatchObject({ computers: [{ id: 8 }], matchedBy: 'name', ambiguous: false });
    expect(
      chooseComputers(
        { name: 'web', inventorySource: 'inv' },
        { ...none, byName: [row(9, 'web'), row(10, 'web')] },
      ),
    ).toMatchObject({ computers: [{ id: 9 }, { id: 10 }], ambiguous: true });
    expect(chooseComputers({ name: 'web', inventorySource: 'inv' }, none)).toEqual({
      computers: [],
      matchedBy: undefined,
      ambiguous: false,
    });
    // Templates never match.
    expect(
      chooseComputers(
        { name: 'web', inventorySource: 'inv' },
        { ...none, byName: [row(11, 'web', { is_template: 1 })] },
      ).computers,
    ).toEqual([]);
  });

  it('takes host names in any case, as DNS and Windows do, preferring the exact spelling when GLPI has both', () => {
    const id = { name: 'web-01', inventorySource: 'inv' };
    expect(chooseComputers(id, { ...none, byName: [row(1, 'WEB-01')] })).toMatchObject({
      computers: [{ id: 1, name: 'WEB-01' }],
      matchedBy: 'name',
      ambiguous: false,
    });
    expect(chooseComputers(id, { ...none, byName: [row(1, 'WEB-01'), row(2, 'web-01')] })).toMatchObject({
      computers: [{ id: 2 }],
      ambiguous: false,
    });
  });

  it('finds in GLPI a computer whose name differs only in case, and not one whose name merely contains it', async () => {
    const emulator = new GlpiEmulator({ profile: '9.1' });
    await emulator.start();
    try {
      const glpi = new GlpiClient({
        url: emulator.url,
        appToken: emulator.appToken,
        userToken: emulator.userToken,
      });
      const upper = await glpi.add('Computer', { name: 'SRV-FILES', entities_id: 0 });
      await glpi.add('Computer', { name: 'srv-files-backup', entities_id: 0 });
      await expect(
        findHostComputers(glpi, { name: 'srv-files', inventorySource: 'nagios' }),
      ).resolves.toMatchObject({
        computers: [{ id: upper }],
        matchedBy: 'name',
        ambiguous: false,
      });
    } finally {
      await emulator.stop();
    }
  });
});
