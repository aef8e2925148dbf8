import { PROFILE_NAMES } from '../../src/emulator/profiles';
import { openEmulatorSession, searchQuery, type EmulatorSession } from './emulator-session';

interface SearchBody {
  totalcount: number;
  data?: Record<string, unknown>[];
}

const serial = (value: string, link?: string) => ({ link, field: 5, searchtype: 'contains', value });
const name = (value: string, link?: string) => ({ link, field: 1, searchtype: 'contains', value });

describe.each(PROFILE_NAMES)('/search criteria on GLPI %s', (profile) => {
  let api: EmulatorSession;

  beforeAll(async () => {
    api = await openEmulatorSession(profile);
    for (const [pcName, sn] of [
      ['or-pc-a', 'SN-OR-A'],
      ['or-pc-b', 'SN-OR-B'],
      ['or-pc-c', 'SN-OR-C'],
      ["pc o'brien", 'SN-QUOTE'],
    ]) {
      await api.call('POST', 'Computer', { input: { name: pcName, serial: sn, entities_id: 0 } });
    }
  });
  afterAll(() => api.stop());

  const serials = (body: unknown) => ((body as SearchBody).data ?? []).map((row) => String(row['5'])).sort();

  it('finds the rows that match any of several OR criteria', async () => {
    const query = searchQuery(
      [serial('^SN-OR-A$'), serial('^SN-OR-C$', 'OR'), serial('^SN-NONE$', 'OR')],
      [2, 5],
    );
    const res = await api.call('GET', `search/Computer?${query}`);
    expect(res.status).toBe(200);
    expect((res.body as SearchBody).totalcount).toBe(2);
    expect(serials(res.body)).toEqual(['SN-OR-A', 'SN-OR-C']);
  });

  it('binds AND tighter than OR, as the SQL GLPI builds from the criteria', async () => {
    // A OR (B AND nothing) = A; read left to right it would be (A OR B) AND nothing = none.
    const query = searchQuery(
      [serial('^SN-OR-A$'), serial('^SN-OR-B$', 'OR'), name('^no-such-pc$', 'AND')],
      [2, 5],
    );
    const res = await api.call('GET', `search/Computer?${query}`);
    expect(serials(res.body)).toEqual(['SN-OR-A']);
  });

  it('negates a criterion linked with OR NOT', async () => {
    const query = searchQuery([serial('^SN-OR-A$'), name('or-pc', 'OR NOT')], [2, 5]);
    const res = await api.call('GET', `search/Computer?${query}`);
    expect(serials(res.body)).toEqual(['SN-OR-A', 'SN-QUOTE']);
  });

  if (profile === '9.1') {
    it('answers 500 ERROR_SQL for a value with a single quote, which 9.1 does not escape', async () => {
      const res = await api.call('GET', `search/Computer?${searchQuery([name("o'brien")], [2])}`);
      expect(res.status).toBe(500);
      // The shape of the real answer (9.1.6: 61): MariaDB quotes the query from just after the quote.
      expect(res.body).toEqual([
        'ERROR_SQL',
        'Unexpected SQL Error : You have an error in your SQL syntax; check the manual that corresponds to ' +
          "your MariaDB server version for the right syntax to use near 'brien%'   ) ORDER BY ITEM_0 ASC' " +
          'at line 4',
      ]);
    });

    it('names the sort column and the anchors of the broken value in the SQL error', async () => {
      const query = `${searchQuery([serial('^SN-OR-A$'), name("^pc o'brien$", 'OR')], [2])}&sort=2&order=DESC`;
      const res = await api.call('GET', `search/Computer?${query}`);
      expect(res.status).toBe(500);
      expect((res.body as string[])[1]).toMatch(/near 'brien' {3}\) ORDER BY ITEM_1 DESC' at line 4$/);
    });

    it('answers a collection searchText with a quote as empty, the failed query read as no rows', async () => {
      const res = await api.call('GET', `Computer?${encodeURI("searchText[name]=o'brien")}`);
      expect(res.status).toBe(200);
      expect(res.body).toEqual([]);
      expect(res.headers.get('content-range')).toBeNull();
    });
  } else {
    it('escapes a single quote in a search value and finds the row', async () => {
      const res = await api.call('GET', `search/Computer?${searchQuery([name("o'brien")], [2, 5])}`);
      expect(res.status).toBe(200);
      expect(serials(res.body)).toEqual(['SN-QUOTE']);
    });
  }
});
