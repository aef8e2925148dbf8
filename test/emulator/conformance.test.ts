import { request } from 'node:http';
import { GlpiEmulator } from '../../src/emulator/glpi-emulator';
import type { ProfileName } from '../../src/emulator/profiles';
import { loadCaptures, type Capture } from '../support/captures';
import { shapeDiff } from '../support/shape';

/**
 * Replays every real exchange recorded from stock GLPI servers (test/fixtures/glpi-captures) against the
 * emulator in that version's mode, in order (later captures use ids made by earlier ones), and compares
 * what comes back: status, error code and message, body shape and meaningful values, paging headers.
 */
const SETS: [string, ProfileName, number][] = [
  ['10.0.14', '10.0', 43],
  ['9.5.13', '9.5', 59],
  ['9.1.6', '9.1', 66],
];

/** Bodies too large to emulate in full (GLPI's whole configuration, every search option): keys we emulate must exist in real GLPI with the same shape. */
const SUBSET = /getGlpiConfig|getActiveProfile|getFullSession|listSearchOptions|getMyProfiles/;

interface Replay {
  emulator: GlpiEmulator;
  appToken: string;
  sessions: Map<string, string>;
  ids: Map<string, number>;
}

describe.each(SETS)('emulator conformance with real %s', (folder, profile, count) => {
  const captures = loadCaptures(folder);
  const replay: Replay = {
    emulator: new GlpiEmulator({ profile }),
    appToken: captures[0]!.requestHeaders['App-Token']!,
    sessions: new Map(),
    ids: new Map(),
  };

  beforeAll(() => replay.emulator.start());
  afterAll(() => replay.emulator.stop());

  it(`has the ${count} recorded exchanges`, () => {
    expect(captures).toHaveLength(count);
  });

  it.each(captures.map((c) => [c.file, c] as const))('%s', async (_file, capture) => {
    const response = await send(replay, capture);
    expect({ file: capture.file, status: response.status }).toEqual({
      file: capture.file,
      status: capture.status,
    });
    const emulated: unknown = response.body === '' ? '' : JSON.parse(response.body);
    if (capture.truncatedKeys) {
      expect(Object.keys(emulated as object).sort()).toEqual([...capture.truncatedKeys].sort());
      // One level down, every emulated key must be one the notes list for real GLPI.
      for (const [key, known] of Object.entries(capture.truncatedNestedKeys ?? {})) {
        const inner = Object.keys((emulated as Record<string, object>)[key] ?? {});
        expect({ key, unknown: inner.filter((k) => !known.includes(k)) }).toEqual({ key, unknown: [] });
      }
      return;
    }
    const real: unknown = capture.responseBody === '' ? '' : JSON.parse(capture.responseBody);
    learnIds(replay, capture, real, emulated);
    if (Array.isArray(real) && typeof real[0] === 'string' && /^ERROR/.test(real[0])) {
      // An error: the same code, and the same message once the server's address is set aside.
      const strip = (m: unknown) => (typeof m === 'string' ? m.replace(/http:\/\/[^/]+/g, 'URL') : m);
      expect([(emulated as unknown[])[0], strip((emulated as unknown[])[1])]).toEqual([
        real[0],
        strip(real[1]),
      ]);
      return;
    }
    expect(shapeDiff(idKeys(real), idKeys(emulated), '$', SUBSET.test(capture.file))).toEqual([]);
    for (const header of ['content-range', 'accept-range']) {
      expect([header, response.headers[header]]).toEqual([header, capture.responseHeaders[header]]);
    }
    for (const header of ['location', 'link', 'last-modified']) {
      expect([header, response.headers[header] !== undefined]).toEqual([
        header,
        capture.responseHeaders[header] !== undefined,
      ]);
    }
  });
});

function mapId(replay: Replay, itemtype: string, id: number): number {
  return replay.ids.get(`${itemtype}/${id}`) ?? id;
}

/** Rewrites a recorded request for the emulator: its tokens, and the ids the emulator gave. */
async function send(
  replay: Replay,
  capture: Capture,
): Promise<{ status: number; body: string; headers: Record<string, string | string[] | undefined> }> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(capture.requestHeaders)) {
    // The body is re-serialised below: Node sets its length.
    if (name === 'Host' || name === 'Content-Length') continue;
    if (name === 'App-Token' && value === replay.appToken) headers[name] = replay.emulator.appToken;
    else if (name === 'Session-Token') headers[name] = replay.sessions.get(value) ?? value;
    else if (name === 'Authorization' && value.startsWith('user_token ') && capture.status === 200) {
      headers[name] = `user_token ${replay.emulator.userToken}`;
    } else headers[name] = value;
  }
  const path = capture.path.replace(
    /\/([A-Z][A-Za-z_]+)\/(\d+)/g,
    (_m, type: string, id: string) => `/${type}/${mapId(replay, type, Number(id))}`,
  );
  let body = capture.requestBody;
  if (body) {
    const parsed = JSON.parse(body) as Record<string, unknown>;
    const input = parsed.input as Record<string, unknown> | undefined;
    if (input && !Array.isArray(input)) {
      if (typeof input.entities_id === 'number')
        input.entities_id = mapId(replay, 'Entity', input.entities_id);
      if (typeof input.operatingsystems_id === 'number')
        input.operatingsystems_id = mapId(replay, 'OperatingSystem', input.operatingsystems_id);
      if (typeof input.items_id === 'number')
        input.items_id = mapId(replay, String(input.itemtype), input.items_id);
      if (input.items_id && typeof input.items_id === 'object') {
        input.items_id = Object.fromEntries(
          Object.entries(input.items_id as Record<string, number[]>).map(([t, ids]) => [
            t,
            ids.map((id) => mapId(replay, t, id)),
          ]),
        );
      }
    }
    if (typeof parsed.entities_id === 'number')
      parsed.entities_id = mapId(replay, 'Entity', parsed.entities_id);
    body = JSON.stringify(parsed);
  }
  const url = new URL(replay.emulator.url.replace(/\/apirest\.php$/, '') + path);
  return new Promise((resolve, reject) => {
    const req = request(url, { method: capture.method, headers }, (res) => {
      let text = '';
      res.on('data', (c: Buffer) => (text += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text, headers: res.headers }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** Remembers which emulator id and session stand for the recorded ones. */
function learnIds(replay: Replay, capture: Capture, real: unknown, emulated: unknown): void {
  const itemtype = /^\/apirest\.php\/([A-Za-z_]+)\/?(\?|$)/.exec(capture.path)?.[1];
  if (capture.path.includes('initSession') && capture.status === 200) {
    replay.sessions.set(
      (real as { session_token: string }).session_token,
      (emulated as { session_token: string }).session_token,
    );
  }
  if (capture.method !== 'POST' || !itemtype) return;
  const pairs = Array.isArray(real)
    ? real.map((r, i) => [r, (emulated as unknown[])[i]])
    : [[real, emulated]];
  for (const [r, e] of pairs) {
    const rid = (r as { id?: unknown })?.id;
    const eid = (e as { id?: unknown })?.id;
    if (typeof rid === 'number' && typeof eid === 'number') replay.ids.set(`${itemtype}/${rid}`, eid);
  }
}

/** `[{"10":true,"message":""}]`: the key is the item id, which differs between servers. */
function idKeys(value: unknown): unknown {
  if (!Array.isArray(value)) return value;
  return value.map((entry: unknown) =>
    entry && typeof entry === 'object' && 'message' in entry
      ? Object.fromEntries(Object.entries(entry).map(([k, v]) => [/^\d+$/.test(k) ? '<id>' : k, v]))
      : entry,
  );
}
