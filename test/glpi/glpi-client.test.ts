import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { GlpiEmulator } from '../../src/emulator/glpi-emulator';
import { PROFILE_NAMES, type ProfileName } from '../../src/emulator/profiles';
import {
  GlpiAuthError,
  GlpiNetworkError,
  GlpiNotFoundError,
  GlpiRequestError,
  GlpiResponseError,
  GlpiRightError,
  GlpiServerError,
  GlpiTimeoutError,
} from '../../src/glpi/errors';
import { GlpiClient } from '../../src/glpi/glpi-client';
import { findExact } from '../../src/glpi/lookups';
import { sameGlpiText } from '../../src/glpi/text';

describe.each(PROFILE_NAMES.map((p) => [p]))('GLPI client on GLPI %s', (profile: ProfileName) => {
  const emulator = new GlpiEmulator({ profile });
  let client: GlpiClient;

  beforeAll(() => emulator.start());
  afterAll(() => emulator.stop());
  beforeEach(() => {
    client = new GlpiClient({
      url: emulator.url,
      appToken: emulator.appToken,
      userToken: emulator.userToken,
    });
  });
  afterEach(() => client.killSession());

  it('detects the version and the request forms it needs', async () => {
    const features = await client.features();
    expect((await client.version()).raw).toBe(emulator.profile.version);
    const expected = {
      '9.1': { os: 'computer', followup: 'TicketFollowup', solution: 'ticket-field' },
      '9.5': { os: 'item', followup: 'ITILFollowup', solution: 'ITILSolution' },
      '10.0': { os: 'item', followup: 'ITILFollowup', solution: 'ITILSolution' },
      '11.0': { os: 'item', followup: 'ITILFollowup', solution: 'ITILSolution' },
    }[profile];
    expect({ os: features.os.kind, followup: features.followup, solution: features.solution }).toEqual(
      expected,
    );
  });

  it('logs in by password as well as by user token, and kills the session', async () => {
    const byPassword = new GlpiClient({
      url: emulator.url,
      appToken: emulator.appToken,
      username: 'glpi',
      password: 'glpi',
    });
    await byPassword.initSession();
    expect(byPassword.hasSession).toBe(true);
    await byPassword.killSession();
    expect(byPassword.hasSession).toBe(false);
    await byPassword.killSession(); // twice is harmless
  });

  it('adds, reads, lists with searchText and ranges, updates and deletes', async () => {
    const id = await client.add('Computer', { name: `pc-<${profile}>`, serial: '0123', entities_id: 0 });
    const row = await client.getItem('Computer', id);
    // Text comes back HTML-encoded per version, and 9.x turns "0123" into a number: compare with care.
    expect(sameGlpiText(row.name, `pc-<${profile}>`)).toBe(true);
    expect(sameGlpiText(row.serial, '0123')).toBe(true);

    const ids = await client.addMany('Computer', [
      { name: 'bulk-1', entities_id: 0 },
      { name: 'bulk-2', entities_id: 0 },
    ]);
    expect(ids.every((r) => typeof r.id === 'number')).toBe(true);
    expect((await findExact(client, 'Computer', 'name', 'bulk-2')).map((r) => r.id)).toEqual([ids[1]!.id]);

    const page = await client.getItems('Computer', { range: { start: 0, end: 1 } });
    expect(page.rows).toHaveLength(2);
    expect(page.total).toBeGreaterThanOrEqual(3);
    expect((await client.getAllItems('Computer', {}, 2)).length).toBe(page.total);

    await client.update('Computer', id, { serial: 'SN-2' });
    expect((await client.getItem('Computer', id)).serial).toBe('SN-2');

    await client.delete('Computer', id);
    expect((await client.getItem('Computer', id)).is_deleted).toBe(1);
    expect((await client.getItems('Computer', { isDeleted: true })).rows.map((r) => r.id)).toContain(id);
    await client.delete('Computer', id, { forcePurge: true });
    await expect(client.getItem('Computer', id)).rejects.toBeInstanceOf(GlpiNotFoundError);
  });

  it('reports a partial bulk add per item instead of throwing', async () => {
    await client.changeActiveEntities(0, true);
    const results = await client.addMany('Computer', [
      { name: 'ok', entities_id: 0 },
      { name: 'refused', entities_id: 424242 },
    ]);
    expect(results[0]).toEqual({ id: expect.any(Number) });
    expect(results[1]).toEqual({ error: expect.stringContaining('permission') });
  });

  it('searches with criteria and forcedisplay, and survives an empty result', async () => {
    await client.add('Computer', { name: 'search-me', serial: 'S-42', entities_id: 0 });
    const found = await client.search('Computer', {
      criteria: [{ field: 1, searchtype: 'contains', value: '^search-me$' }],
      forcedisplay: [5],
    });
    expect(found.total).toBe(1);
    expect(found.rows[0]).toMatchObject({ '1': 'search-me', '5': 'S-42', '2': expect.any(Number) });
    const none = await client.search('Computer', {
      criteria: [{ field: 1, searchtype: 'contains', value: 'zzz-none' }],
    });
    expect(none).toEqual({ rows: [], total: 0 });
    // `equals` on the name option compares ids: 'Supervision' matches the root entity (id 0), as real GLPI does.
    const entities = await client.search('Entity', {
      criteria: [{ field: 1, searchtype: 'equals', value: 'Supervision' }],
    });
    expect(entities.rows.map((r) => r['2'])).toEqual([0]);
  });

  it('reads sub-items and follows the entity rules of a session', async () => {
    const entity = await client.add('Entity', { name: `child-${profile}`, entities_id: 0 });
    // Created in this session, not writable until the active entities are recomputed.
    await expect(client.add('Computer', { name: 'too-early', entities_id: entity })).rejects.toBeInstanceOf(
      GlpiRightError,
    );
    await client.changeActiveEntities(entity, true);
    expect((await client.getActiveEntities()).ids).toEqual([entity]);
    const computer = await client.add('Computer', { name: 'in-child', entities_id: entity });
    expect((await client.getSubItems('Computer', computer, 'Contract_Item')).rows).toEqual([]);
    // Outside the active entity, items are a rights error (401 on 9.1, 403 later).
    await expect(client.getItem('Entity', 0)).rejects.toMatchObject({
      name: 'GlpiRightError',
      status: emulator.profile.rightMissingStatus,
    });
  });

  it('classifies errors so that Temporal retries only what can succeed later', async () => {
    const wrongApp = new GlpiClient({ url: emulator.url, appToken: 'nope', userToken: emulator.userToken });
    await expect(wrongApp.initSession()).rejects.toMatchObject({
      name: 'GlpiAuthError',
      // Real 9.1.6 answers a wrong App-Token as if none were sent (captures 9.1.6).
      code: profile === '9.1' ? 'ERROR_APP_TOKEN_PARAMETERS_MISSING' : 'ERROR_WRONG_APP_TOKEN_PARAMETER',
      retryable: false,
    });
    const wrongUser = new GlpiClient({ url: emulator.url, appToken: emulator.appToken, userToken: 'nope' });
    await expect(wrongUser.initSession()).rejects.toBeInstanceOf(GlpiAuthError);
    await expect(client.getItem('Computer', 999999)).rejects.toMatchObject({
      name: 'GlpiNotFoundError',
      status: 404,
    });
    await expect(client.update('Computer', 999999, { name: 'x' })).rejects.toBeInstanceOf(GlpiRequestError);
    await expect(client.getItems('NotAnItemtype')).rejects.toMatchObject({
      name: 'GlpiRequestError',
      code: 'ERROR_RESOURCE_NOT_FOUND_NOR_COMMONDBTM',
    });

    // A read is retried inside the client (3 tries); a 5xx that outlasts them reaches the activity as retryable.
    const computer = await client.add('Computer', { name: `flaky-${profile}`, entities_id: 0 });
    emulator.faults.script({ kind: 'error5xx', match: new RegExp(`^GET Computer/${computer}$`), times: 3 });
    await expect(client.getItem('Computer', computer)).rejects.toMatchObject({
      name: 'GlpiServerError',
      retryable: true,
    });
    // One that does not is not seen at all.
    emulator.faults.script({ kind: 'error5xx', match: new RegExp(`^GET Computer/${computer}$`), times: 2 });
    await expect(client.getItem('Computer', computer)).resolves.toMatchObject({ id: computer });
  });

  it('renews an expired session once, without the caller noticing', async () => {
    await client.getMyEntities();
    const logins = emulator.counters.byRoute['GET initSession'] ?? 0;
    emulator.expireSessions();
    expect((await client.getMyEntities()).map((e) => e.id)).toContain(0);
    expect(emulator.counters.byRoute['GET initSession']).toBe(logins + 1);
  });

  it('changes the active entity on an expired session without the caller noticing', async () => {
    const entity = await client.add('Entity', { name: `expired-${profile}`, entities_id: 0 });
    emulator.expireSessions();
    await client.changeActiveEntities(entity, false);
    expect((await client.getActiveEntities()).ids).toEqual([entity]);
  });

  it('classifies a session GLPI keeps refusing as retryable', async () => {
    await client.getMyEntities();
    emulator.faults.configure({ sessionExpiryEvery: 1 });
    try {
      await expect(client.getMyEntities()).rejects.toMatchObject({
        name: 'GlpiSessionError',
        retryable: true,
      });
    } finally {
      emulator.faults.configure({});
    }
  });

  it('re-applies the active entity after renewing a session', async () => {
    const entity = await client.add('Entity', { name: `reapply-${profile}`, entities_id: 0 });
    await client.changeActiveEntities(entity, false);
    emulator.expireSessions();
    expect((await client.getActiveEntities()).ids).toEqual([entity]);
  });
});

describe('GLPI client transport', () => {
  it('sends App-Token, Session-Token and Authorization in their exact case, and no body on GET', async () => {
    const seen: { method: string; names: string[]; body: string }[] = [];
    const server = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        seen.push({ method: req.method!, names: req.rawHeaders.filter((_v, i) => i % 2 === 0), body });
        res.setHeader('Content-Type', 'application/json');
        res.end(req.url!.startsWith('/initSession') ? '{"session_token":"abc"}' : '{"myentities":[]}');
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const client = new GlpiClient({ url, appToken: 'app', userToken: 'user' });
    await client.getMyEntities();
    server.close();
    expect(seen[0]!.names).toEqual(expect.arrayContaining(['App-Token', 'Authorization']));
    expect(seen[1]!.names).toEqual(expect.arrayContaining(['App-Token', 'Session-Token']));
    expect(seen.every((s) => s.method === 'GET' && s.body === '')).toBe(true);
    expect(seen.flatMap((s) => s.names)).not.toContain('Content-Type');
  });

  it('works on a GLPI 9.1 behind Apache mod_php, which matches header names case-sensitively', async () => {
    const emulator = new GlpiEmulator({ profile: '9.1' });
    await emulator.start();
    const client = new GlpiClient({
      url: emulator.url,
      appToken: emulator.appToken,
      userToken: emulator.userToken,
    });
    await expect(client.getMyEntities()).resolves.toEqual([{ id: 0, name: 'Root entity' }]);
    await client.killSession();
    await emulator.stop();
  });

  it('reports network failures, timeouts and unexpected answers, without secrets', async () => {
    const closed = new GlpiClient({
      url: 'http://127.0.0.1:1/apirest.php',
      appToken: 'APPSECRET',
      userToken: 'USERSECRET',
    });
    const network = await closed.initSession().catch((e: unknown) => e);
    expect(network).toBeInstanceOf(GlpiNetworkError);
    expect(String((network as Error).message)).not.toMatch(/APPSECRET|USERSECRET/);

    const emulator = new GlpiEmulator({ faults: { timeoutHoldMs: 2_000 } });
    await emulator.start();
    emulator.faults.script({ kind: 'timeout', match: /initSession/, times: 3 });
    const slow = new GlpiClient({
      url: emulator.url,
      appToken: emulator.appToken,
      userToken: emulator.userToken,
      timeoutMs: 300,
    });
    const timeout = await slow.initSession().catch((e: unknown) => e);
    expect(timeout).toBeInstanceOf(GlpiTimeoutError);
    expect((timeout as GlpiTimeoutError).retryable).toBe(true);
    await emulator.stop();

    const odd = createServer((_req, res) => res.end('{"unexpected":true}'));
    await new Promise<void>((r) => odd.listen(0, '127.0.0.1', r));
    const weird = new GlpiClient({
      url: `http://127.0.0.1:${(odd.address() as AddressInfo).port}`,
      userToken: 'USERSECRET',
    });
    const response = await weird.initSession().catch((e: unknown) => e);
    odd.close();
    expect(response).toBeInstanceOf(GlpiResponseError);
    expect((response as Error).message).toContain("field 'session_token'");
    expect(new GlpiServerError('x', { code: 'HTTP_503' }).name).toBe('GlpiServerError');
  });
});
