import { GlpiEmulator } from '../../src/emulator/glpi-emulator';
import type { ProfileName } from '../../src/emulator/profiles';

export interface Answer {
  status: number;
  body: unknown;
  headers: Headers;
}

export interface EmulatorSession {
  emulator: GlpiEmulator;
  /** One API call in the open session; `path` is relative to apirest.php, e.g. `Computer/1`. */
  call(method: string, path: string, body?: unknown): Promise<Answer>;
  stop(): Promise<void>;
}

/**
 * An emulator of one GLPI version with a session opened by user token. Header names are sent as
 * GLPI documents them: 9.1 matches them case-sensitively.
 */
export async function openEmulatorSession(profile: ProfileName): Promise<EmulatorSession> {
  const emulator = new GlpiEmulator({ profile });
  await emulator.start();
  const base = { 'App-Token': emulator.appToken, 'Content-Type': 'application/json' };
  const send = async (method: string, path: string, headers: Record<string, string>, body?: unknown) => {
    const res = await fetch(`${emulator.url}/${path}`, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return {
      status: res.status,
      body: text === '' ? '' : (JSON.parse(text) as unknown),
      headers: res.headers,
    };
  };
  const opened = await send('GET', 'initSession', {
    ...base,
    Authorization: `user_token ${emulator.userToken}`,
  });
  const token = (opened.body as { session_token: string }).session_token;
  return {
    emulator,
    call: (method, path, body) => send(method, path, { ...base, 'Session-Token': token }, body),
    stop: () => emulator.stop(),
  };
}

/** GLPI's `?criteria[0][field]=5&…` query string for /search. */
export function searchQuery(
  criteria: { link?: string; field: number; searchtype: string; value: string }[],
  forcedisplay: number[] = [2],
): string {
  const params = new URLSearchParams();
  criteria.forEach((c, i) => {
    if (c.link) params.append(`criteria[${i}][link]`, c.link);
    params.append(`criteria[${i}][field]`, String(c.field));
    params.append(`criteria[${i}][searchtype]`, c.searchtype);
    params.append(`criteria[${i}][value]`, c.value);
  });
  forcedisplay.forEach((f, i) => params.append(`forcedisplay[${i}]`, String(f)));
  return params.toString();
}
