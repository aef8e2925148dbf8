import { PROFILE_NAMES, type ProfileName } from '../../src/emulator/profiles';
import { openEmulatorSession, type EmulatorSession } from './emulator-session';

/**
 * Bulk `POST /:itemtype {"input":[…]}` when some elements fail. GLPI 9.1.2 to 11 count a failure per
 * element (no right, or add() refused), answer 207 ERROR_GLPI_PARTIAL_ADD with one entry per element
 * when some fail and 400 ERROR_GLPI_ADD with the same collection when all fail; returnError() answers
 * before the Link header is built (glpi-api.md §4.6; GLPI API::createItems).
 */
const PERMISSION = "You don't have permission to perform this action.";

/** The message of a successful element: empty before 9.4 (9.1.6: 36), the item's name after (10.0.14: 14). */
function added(profile: ProfileName, name: string): string {
  return profile === '9.1' ? '' : `Item successfully added: ${name}`;
}

describe.each(PROFILE_NAMES)('bulk create on GLPI %s', (profile) => {
  let api: EmulatorSession;
  /** An entity made after login: the session cannot write there until changeActiveEntities. */
  let elsewhere: number;

  beforeAll(async () => {
    api = await openEmulatorSession(profile);
    const entity = await api.call('POST', 'Entity', { input: { name: 'Elsewhere', entities_id: 0 } });
    elsewhere = (entity.body as { id: number }).id;
  });
  afterAll(() => api.stop());

  it('answers 207 ERROR_GLPI_PARTIAL_ADD with one entry per element when some fail', async () => {
    const res = await api.call('POST', 'Computer', {
      input: [
        { name: 'bulk-ok-1', entities_id: 0 },
        { name: 'bulk-refused', entities_id: elsewhere },
        { name: 'bulk-ok-2', entities_id: 0 },
      ],
    });
    expect(res.status).toBe(207);
    expect(res.body).toEqual([
      'ERROR_GLPI_PARTIAL_ADD',
      [
        { id: expect.any(Number) as number, message: added(profile, 'bulk-ok-1') },
        { id: false, message: PERMISSION },
        { id: expect.any(Number) as number, message: added(profile, 'bulk-ok-2') },
      ],
    ]);
    expect(res.headers.get('link')).toBeNull();
    const names = api.emulator.rows('Computer').map((r) => r.name);
    expect(names).toEqual(expect.arrayContaining(['bulk-ok-1', 'bulk-ok-2']));
    expect(names).not.toContain('bulk-refused');
  });

  it('counts an element refused by a business rule (a duplicate link) as failed', async () => {
    const contract = await api.call('POST', 'Contract', { input: { name: 'bulk-contract', entities_id: 0 } });
    const computer = await api.call('POST', 'Computer', { input: { name: 'bulk-linked', entities_id: 0 } });
    const link = {
      contracts_id: (contract.body as { id: number }).id,
      itemtype: 'Computer',
      items_id: (computer.body as { id: number }).id,
    };
    const res = await api.call('POST', 'Contract_Item', { input: [link, link] });
    expect(res.status).toBe(207);
    const [code, entries] = res.body as [string, { id: number | false; message: string }[]];
    expect(code).toBe('ERROR_GLPI_PARTIAL_ADD');
    expect(entries).toHaveLength(2);
    expect(typeof entries[0]!.id).toBe('number');
    expect(entries[1]!.id).toBe(false);
    // 9.1.6 fails a duplicate key with no message at all (9.1.6: 41).
    if (profile === '9.1') expect(entries[1]!.message).toBe('');
    else expect(typeof entries[1]!.message).toBe('string');
  });

  it('answers 400 ERROR_GLPI_ADD with the whole collection when every element fails', async () => {
    const res = await api.call('POST', 'Computer', {
      input: [
        { name: 'bulk-refused-1', entities_id: elsewhere },
        { name: 'bulk-refused-2', entities_id: elsewhere },
      ],
    });
    expect(res.status).toBe(400);
    expect(res.body).toEqual([
      'ERROR_GLPI_ADD',
      [
        { id: false, message: PERMISSION },
        { id: false, message: PERMISSION },
      ],
    ]);
    expect(res.headers.get('link')).toBeNull();
  });

  it('answers 201 with the list and a Link header when every element is added', async () => {
    const res = await api.call('POST', 'Computer', {
      input: [
        { name: 'bulk-all-1', entities_id: 0 },
        { name: 'bulk-all-2', entities_id: 0 },
      ],
    });
    expect(res.status).toBe(201);
    const entries = res.body as { id: number; message: string }[];
    expect(entries.map((e) => e.message)).toEqual([
      added(profile, 'bulk-all-1'),
      added(profile, 'bulk-all-2'),
    ]);
    expect(res.headers.get('link')).toBe(
      entries.map((e) => `${api.emulator.url}/Computer/${e.id}`).join(','),
    );
  });
});
