import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import axios from 'axios';
import { describeFailure, tlsProblem } from '../observability/describe-failure';
import { findChildEntity, rootEntity } from './entities';
import { GlpiError } from './errors';
import { GlpiClient, trustedContext, type GlpiClientOptions } from './glpi-client';
import { compareVersion } from './version';

export interface CheckResult {
  name: string;
  ok: boolean;
  detail: string;
  /** What to do when the check fails. */
  fix?: string;
}

/** GLPI's rights bits. */
const READ = 1;
const UPDATE = 2;
const CREATE = 4;

/**
 * Rights the bridge needs: profile field → bits, and what they are for. The same fields and bits on every
 * version from 9.1 (9.1.6, 9.5.13 and 10.0.14 Super-Admin profiles: test/fixtures/glpi-captures).
 */
export const NEEDED: [string, number, string][] = [
  ['computer', READ | UPDATE | CREATE, 'computers'],
  ['dropdown', READ | UPDATE | CREATE, 'types, manufacturers, operating systems, request sources'],
  ['contract', READ | UPDATE | CREATE, 'contracts and their links'],
  ['ticket', READ | UPDATE | CREATE, 'tickets and solutions'],
  ['followup', CREATE, 'follow-ups'],
];

const LOGIN_FIXES: Record<string, [string, string]> = {
  ERROR_NOT_ALLOWED_IP: [
    'App-Token accepted',
    "GLPI's API client refuses this host's IP address: in Setup > General > API, edit the API client and widen its IPv4/IPv6 range",
  ],
  ERROR_APP_TOKEN_PARAMETERS_MISSING: [
    'App-Token accepted',
    'the API client requires an App-Token: set GLPI_APP_TOKEN (Setup > General > API > API client)',
  ],
  ERROR_WRONG_APP_TOKEN_PARAMETER: [
    'App-Token accepted',
    'GLPI_APP_TOKEN is not the token of an active API client: copy it again from Setup > General > API',
  ],
  ERROR_GLPI_LOGIN_USER_TOKEN: [
    'login',
    "GLPI_USER_TOKEN is not valid: regenerate the user's API token (user form > Remote access keys) or check 'Enable login with external token'",
  ],
  ERROR_LOGIN_WITH_CREDENTIALS_DISABLED: [
    'login',
    "login with a password is disabled: enable 'Enable login with credentials' in Setup > General > API, or use GLPI_USER_TOKEN",
  ],
  ERROR_GLPI_LOGIN: ['login', 'GLPI_USERNAME / GLPI_PASSWORD are refused: check them by logging in to GLPI'],
  ERROR_LOGIN_PARAMETERS_MISSING: [
    'login',
    'no credentials were sent (or a proxy stripped the Authorization header): set GLPI_USER_TOKEN or GLPI_USERNAME and GLPI_PASSWORD',
  ],
};

/** The rights `profile` lacks among `needed` (a profile from getActiveProfile, any version). */
export function missingRights(
  profile: Record<string, unknown>,
  needed: [string, number, string][] = NEEDED,
): [string, number, string][] {
  return needed.filter(([field, bits]) => (Number(profile[field] ?? 0) & bits) !== bits);
}

/** Does a GLPI API answer at `url`? GLPI answers an `initSession` without credentials with its JSON error. */
async function glpiApiAnswers(url: string, options: GlpiClientOptions): Promise<boolean> {
  try {
    const response = await axios.get<string>(`${url.replace(/\/+$/, '')}/initSession`, {
      timeout: Math.min(options.timeoutMs ?? 10_000, 10_000),
      httpAgent: new HttpAgent(),
      httpsAgent: new HttpsAgent({ secureContext: trustedContext(options.ca) }),
      headers: options.appToken ? { 'App-Token': options.appToken } : {},
      validateStatus: () => true,
      maxRedirects: 0,
      responseType: 'text',
      transformResponse: [(data: unknown) => data],
    });
    const body: unknown = JSON.parse(response.data);
    return (
      (Array.isArray(body) && typeof body[0] === 'string' && body[0].startsWith('ERROR')) ||
      (typeof body === 'object' && body !== null && 'session_token' in body)
    );
  } catch {
    return false;
  }
}

/** Where the API root may be when `url` is not it: the same with /apirest.php, at the site's root, under /glpi. */
export function candidateApiUrls(url: string): string[] {
  const trimmed = url
    .trim()
    .replace(/[?#].*$/, '')
    .replace(/\/+$/, '');
  const candidates: string[] = [];
  const api = /^(.*?\/apirest\.php)(\/.*)?$/i.exec(trimmed);
  if (api?.[2]) candidates.push(api[1]!);
  if (!api) {
    candidates.push(`${trimmed.replace(/\/(index\.php|front\/.*|public)$/i, '')}/apirest.php`);
    const origin = /^(https?:\/\/[^/]+)/i.exec(trimmed)?.[1];
    if (origin) candidates.push(`${origin}/apirest.php`, `${origin}/glpi/apirest.php`);
  }
  return [...new Set(candidates)].filter((c) => c !== trimmed);
}

/** The "API reachable" failure when something answered at GLPI_URL that is not GLPI's API. */
async function notAnApi(options: GlpiClientOptions, err: GlpiError): Promise<CheckResult> {
  const answered =
    err.status !== undefined
      ? `HTTP ${err.status}`
      : err.code === 'UNEXPECTED_RESPONSE'
        ? 'a page'
        : err.code;
  const detail = `no GLPI API answers at ${options.url} (GET /initSession got ${answered}, not GLPI's JSON)`;
  for (const candidate of candidateApiUrls(options.url)) {
    if (await glpiApiAnswers(candidate, options))
      return {
        name: 'API reachable',
        ok: false,
        detail,
        fix: `set GLPI_URL=${candidate} (GLPI's API answers there)`,
      };
  }
  return {
    name: 'API reachable',
    ok: false,
    detail,
    fix: "set GLPI_URL to GLPI's API root, which ends with /apirest.php (e.g. https://glpi.example.com/apirest.php)",
  };
}

/** The fix of a GLPI that does not answer: the TLS setting, the timeout, or the URL and the way to it. */
function unreachableFix(err: GlpiError, options: GlpiClientOptions): string {
  const tls =
    err.code === 'NETWORK' ? tlsProblem(err.message.replace(/^GLPI \S+ \S+ failed: /, '')) : undefined;
  if (tls) return tls.fix;
  const reach = `check GLPI_URL (it ends with /apirest.php) and that this host can reach ${options.url}`;
  if (err.code === 'TIMEOUT')
    return `${reach}; a GLPI that is only slow needs a larger GLPI_TIMEOUT_MS (now ${options.timeoutMs ?? 30_000} ms)`;
  return reach;
}

/** The "test connection" of `glpi-bridge check`: each step, its result, and the fix when it fails. */
export async function checkGlpi(options: GlpiClientOptions, entityName: string): Promise<CheckResult[]> {
  const results: CheckResult[] = [];
  const client = new GlpiClient(options);
  const pass = (name: string, detail: string) => results.push({ name, ok: true, detail });
  const fail = (name: string, detail: string, fix: string) => {
    results.push({ name, ok: false, detail, fix });
    return results;
  };

  try {
    await client.initSession();
  } catch (err) {
    if (!(err instanceof GlpiError)) throw err;
    if (err.code === 'NETWORK' || err.code === 'TIMEOUT') {
      return fail('API reachable', describeFailure(err), unreachableFix(err, options));
    }
    if (err.code.startsWith('HTTP_') || err.code === 'UNEXPECTED_RESPONSE') {
      results.push(await notAnApi(options, err));
      return results;
    }
    if (err.code === 'ERROR' && /disabled/i.test(err.message)) {
      return fail(
        'API enabled',
        err.message,
        "enable the REST API in GLPI: Setup > General > API > 'Enable Rest API'",
      );
    }
    const known = LOGIN_FIXES[err.code];
    // An answer that is not one of GLPI's login errors, from a URL that is not an API root.
    if (!known && !/\/apirest\.php\/?$/i.test(options.url) && !(await glpiApiAnswers(options.url, options))) {
      results.push(await notAnApi(options, err));
      return results;
    }
    pass('API reachable', options.url);
    pass('API enabled', 'yes');
    const [step, fix] = known ?? [
      'login',
      `GLPI refused the login with ${err.code}: check GLPI_APP_TOKEN against the API client (Setup > General > API), and GLPI_USER_TOKEN or GLPI_USERNAME/GLPI_PASSWORD`,
    ];
    if (step === 'login') pass('App-Token accepted', options.appToken ? 'yes' : 'no App-Token needed');
    return fail(step, err.message, fix);
  }
  pass('API reachable', options.url);
  pass('API enabled', 'yes');
  pass('App-Token accepted', options.appToken ? 'yes' : 'no App-Token needed');
  pass('login', options.userToken ? 'by user token' : `by password as ${options.username}`);

  try {
    const version = await client.version();
    const supported = compareVersion(version, 9, 1) >= 0 && compareVersion(version, 12) < 0;
    if (supported) pass('GLPI version', version.raw);
    else fail('GLPI version', `${version.raw} is outside 9.1 to 11`, 'glpi-bridge supports GLPI 9.1 to 11');

    const profile = await client.getActiveProfile();
    const needed = [...NEEDED];
    // As a sync looks for it: below the root entity, by /search (GLPI 9.1 cannot list entities).
    await client.changeActiveEntities(0, true);
    const entity = await findChildEntity(client, await rootEntity(client), entityName);
    if (!entity) needed.push(['entity', CREATE, `creating the '${entityName}' sub-entity`]);
    const missing = missingRights(profile, needed);
    if (missing.length === 0)
      pass('rights', `profile '${profile.name}' can write ${needed.map((n) => n[2]).join('; ')}`);
    else {
      fail(
        'rights',
        `profile '${profile.name}' lacks: ${missing.map(([field, , what]) => `${field} (${what})`).join(', ')}`,
        'give the API user a profile with read, update and create on these (the original product uses Super-Admin) on the root entity, recursive',
      );
    }
    if (entity) pass('sub-entity', `'${entityName}' exists (id ${entity.id})`);
    else if (!missing.some(([field]) => field === 'entity'))
      pass('sub-entity', `'${entityName}' will be created under the root entity at the first sync`);
    else
      fail(
        'sub-entity',
        `'${entityName}' does not exist and cannot be created`,
        `create '${entityName}' under the root entity, or grant the entity create right`,
      );
  } catch (err) {
    if (!(err instanceof GlpiError)) throw err;
    fail('reading GLPI', err.message, "check the API user's profile and entities");
  } finally {
    await client.killSession().catch(() => undefined);
  }
  return results;
}
