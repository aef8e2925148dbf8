import { ActivityFailure, ApplicationFailure, RetryState } from '@temporalio/common';
import { toActivityFailure } from '../../src/activities/activity-boundary';
import { loadConfig } from '../../src/config/config';
import { glpiClientOptions } from '../../src/config/glpi-options';
import { GlpiEmulator } from '../../src/emulator/glpi-emulator';
import { GlpiAuthError, GlpiNetworkError, GlpiTimeoutError } from '../../src/glpi/errors';
import { GlpiClient, type GlpiClientOptions } from '../../src/glpi/glpi-client';
import { describeFailure } from '../../src/observability/describe-failure';
import { frontOf, selfSignedCertificate, type Front, type TestCertificate } from './glpi-front';

/** The error a first login meets (one try: the client's own retries only repeat it). */
async function loginFailure(options: GlpiClientOptions): Promise<unknown> {
  const client = new GlpiClient({ ...options, retry: { attempts: 1 } });
  return client.initSession().then(
    () => {
      throw new Error('the login was expected to fail');
    },
    (err: unknown) => err,
  );
}

/** The same error after Temporal carried it: an activity failure around the failure boundary's. */
function asTemporalReportsIt(err: unknown): Error {
  return new ActivityFailure(
    'Activity task failed',
    'openGlpiSession',
    '1',
    RetryState.NON_RETRYABLE_FAILURE,
    'worker@host',
    toActivityFailure(err) as ApplicationFailure,
  );
}

/**
 * Why GLPI cannot be used, from the client's typed error to the one line people read (`describeFailure`,
 * which `sync --wait`, `sync status`, `check` and the worker's start-up check print).
 */
describe('the cause of a GLPI that cannot be used, in one line', () => {
  const emulator = new GlpiEmulator({ profile: '10.0' });
  const fronts: Front[] = [];
  let cert: TestCertificate;
  let cnOnly: TestCertificate;

  beforeAll(async () => {
    await emulator.start();
    cert = selfSignedCertificate({ altNames: true });
    cnOnly = selfSignedCertificate();
  });
  afterAll(async () => {
    await Promise.all(fronts.map((f) => f.close()));
    await emulator.stop();
  });
  const front = async (options: Parameters<typeof frontOf>[1]) => {
    const f = await frontOf(emulator.url, options);
    fronts.push(f);
    return f;
  };
  const tokens = () => ({ appToken: emulator.appToken, userToken: emulator.userToken });

  it('names a host name that DNS does not know', async () => {
    const err = await loginFailure({ url: 'https://glpi.invalid/apirest.php', userToken: 'x' });
    expect(err).toBeInstanceOf(GlpiNetworkError);
    expect((err as GlpiNetworkError).retryable).toBe(true);
    // ENOTFOUND from a resolver that answers; EAI_AGAIN where none answers (a machine without DNS).
    expect((err as Error).message).toMatch(
      /^GLPI GET \/initSession failed: getaddrinfo (ENOTFOUND|EAI_AGAIN) glpi\.invalid$/,
    );
    expect(describeFailure(err)).toMatch(
      /^GLPI unreachable: getaddrinfo (ENOTFOUND|EAI_AGAIN) glpi\.invalid$/,
    );
    expect(describeFailure(asTemporalReportsIt(err))).toBe(describeFailure(err));
  });

  it('says a self-signed certificate is fixed by GLPI_CA_FILE, and with it GLPI answers over TLS', async () => {
    const tls = await front({ tls: cert });
    const err = await loginFailure({ url: tls.url, ...tokens() });
    expect(err).toBeInstanceOf(GlpiNetworkError);
    expect(describeFailure(err)).toBe(
      "GLPI TLS error: self-signed certificate (set GLPI_CA_FILE to the CA of GLPI's certificate)",
    );
    expect(describeFailure(asTemporalReportsIt(err))).toBe(describeFailure(err));

    // The same GLPI, with the certificate's CA in GLPI_CA_FILE, as the worker and `check` read it.
    const config = loadConfig({
      GLPI_URL: tls.url,
      GLPI_APP_TOKEN: emulator.appToken,
      GLPI_USER_TOKEN: emulator.userToken,
      GLPI_CA_FILE: cert.certFile,
    });
    const client = new GlpiClient(glpiClientOptions(config.glpi!));
    const before = tls.requests;
    await client.initSession();
    expect((await client.version()).raw).toBe('10.0.14');
    await client.killSession();
    expect(tls.requests - before).toBe(3); // initSession, getGlpiConfig, killSession: all through TLS

    // A CA that did not sign GLPI's certificate is no way around the check.
    const other = selfSignedCertificate({ altNames: true });
    expect(describeFailure(await loginFailure({ url: tls.url, ...tokens(), ca: other.cert }))).toBe(
      "GLPI TLS error: self-signed certificate (set GLPI_CA_FILE to the CA of GLPI's certificate)",
    );
  });

  it('does not send people to GLPI_CA_FILE for a certificate that names another host', async () => {
    // The certificate names only CN=localhost: trusted, but not for 127.0.0.1.
    const tls = await front({ tls: cnOnly });
    const err = await loginFailure({ url: tls.url, ...tokens(), ca: cnOnly.cert });
    expect(describeFailure(err)).toBe(
      "GLPI TLS error: Hostname/IP does not match certificate's altnames: IP: 127.0.0.1 is not in the cert's list (GLPI_URL must name a host that GLPI's certificate names; GLPI_CA_FILE cannot fix this)",
    );
    // By the name it was made for, it is GLPI.
    const byName = new GlpiClient({
      url: tls.url.replace('127.0.0.1', 'localhost'),
      ...tokens(),
      ca: cnOnly.cert,
    });
    await byName.initSession();
    await byName.killSession();
  });

  it('says in one line that an https:// URL reached a server that speaks plain http', async () => {
    const err = await loginFailure({ url: emulator.url.replace(/^http:/, 'https:'), ...tokens() });
    expect(err).toBeInstanceOf(GlpiNetworkError);
    const cause = describeFailure(err);
    // OpenSSL's message spans lines and names its source file: none of that reaches people.
    expect(cause).toBe(
      'GLPI TLS error: wrong version number, the server does not speak TLS (GLPI_URL says https:// for a server or port that speaks plain http: use http://, or the https port)',
    );
  });

  it("gives GLPI's own code and message for a refused login, once, and Temporal does not retry it", async () => {
    const wrongToken = await loginFailure({
      url: emulator.url,
      appToken: emulator.appToken,
      userToken: 'wrong',
    });
    expect(wrongToken).toBeInstanceOf(GlpiAuthError);
    expect(wrongToken).toMatchObject({
      status: 401,
      code: 'ERROR_GLPI_LOGIN_USER_TOKEN',
      request: 'GET /initSession',
      retryable: false,
    });
    expect(describeFailure(wrongToken)).toBe(
      'GLPI refused the login: ERROR_GLPI_LOGIN_USER_TOKEN (HTTP 401): parameter user_token seems invalid',
    );
    const failure = toActivityFailure(wrongToken) as ApplicationFailure;
    expect(failure).toMatchObject({ type: 'GlpiAuthError', nonRetryable: true });
    expect(describeFailure(asTemporalReportsIt(wrongToken))).toBe(describeFailure(wrongToken));

    const wrongPassword = await loginFailure({
      url: emulator.url,
      appToken: emulator.appToken,
      username: 'glpi',
      password: 'wrong',
    });
    expect(describeFailure(wrongPassword)).toBe(
      'GLPI refused the login: ERROR_GLPI_LOGIN (HTTP 401): Incorrect username or password',
    );
    // Never a secret in what people read.
    expect(describeFailure(wrongToken)).not.toContain('wrong');
  });
});

describe('GLPI_TIMEOUT_MS', () => {
  const emulator = new GlpiEmulator({ profile: '10.0' });
  let slow: Front;

  beforeAll(async () => {
    await emulator.start();
    // A GLPI that answers every request a second late.
    slow = await frontOf(emulator.url, { delayMs: 1_000 });
  });
  afterAll(async () => {
    await slow.close();
    await emulator.stop();
  });

  const settings = (timeout?: string) =>
    glpiClientOptions(
      loadConfig({
        GLPI_URL: slow.url,
        GLPI_APP_TOKEN: emulator.appToken,
        GLPI_USER_TOKEN: emulator.userToken,
        ...(timeout === undefined ? {} : { GLPI_TIMEOUT_MS: timeout }),
      }).glpi!,
    );

  it('reaches the client from the environment (30 s when unset)', () => {
    expect(settings().timeoutMs).toBe(30_000);
    expect(settings('250').timeoutMs).toBe(250);
  });

  it('gives up on a GLPI slower than the setting, naming the request and the duration', async () => {
    const started = Date.now();
    const err = await loginFailure(settings('300'));
    const took = Date.now() - started;
    expect(err).toBeInstanceOf(GlpiTimeoutError);
    expect(err).toMatchObject({ code: 'TIMEOUT', request: 'GET /initSession', retryable: true });
    expect((err as Error).message).toBe('GLPI GET /initSession timed out after 300 ms');
    expect(describeFailure(err)).toBe('GLPI not answering: GET /initSession timed out after 300 ms');
    expect(describeFailure(asTemporalReportsIt(err))).toBe(describeFailure(err));
    // After the setting, not after GLPI's answer (1 s) nor the default (30 s).
    expect(took).toBeGreaterThanOrEqual(290);
    expect(took).toBeLessThan(950);
  });

  it('waits for a GLPI that is slow but within the setting', async () => {
    const client = new GlpiClient({ ...settings('5000'), retry: { attempts: 1 } });
    await client.initSession();
    expect(client.hasSession).toBe(true);
    await client.killSession();
  });
});
