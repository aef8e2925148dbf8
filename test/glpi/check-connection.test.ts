import { GlpiEmulator, type GlpiEmulatorOptions } from '../../src/emulator/glpi-emulator';
import { checkGlpi } from '../../src/glpi/check-connection';
import { runCli } from '../support/cli';

async function check(
  options: GlpiEmulatorOptions,
  client: (e: GlpiEmulator) => object = (e) => ({ appToken: e.appToken, userToken: e.userToken }),
) {
  const emulator = new GlpiEmulator(options);
  await emulator.start();
  try {
    return await checkGlpi({ url: emulator.url, ...client(emulator) }, 'Supervision');
  } finally {
    await emulator.stop();
  }
}

const failing = (results: Awaited<ReturnType<typeof checkGlpi>>) => results.filter((r) => !r.ok);

describe('glpi-bridge check', () => {
  it('passes every step on a well configured GLPI, and says the sub-entity will be created', async () => {
    const results = await check({ profile: '10.0' });
    expect(results.map((r) => [r.name, r.ok])).toEqual([
      ['API reachable', true],
      ['API enabled', true],
      ['App-Token accepted', true],
      ['login', true],
      ['GLPI version', true],
      ['rights', true],
      ['sub-entity', true],
    ]);
    expect(results.at(-1)!.detail).toContain('will be created');
  });

  it('names the App-Token problem and its fix', async () => {
    const [problem] = failing(await check({}, () => ({ appToken: 'wrong', userToken: 'x' })));
    expect(problem).toMatchObject({
      name: 'App-Token accepted',
      fix: expect.stringContaining('Setup > General > API'),
    });
  });

  it("names an API client that refuses this host's IP", async () => {
    const [problem] = failing(await check({ allowedIps: ['10.9.9.9'] }));
    expect(problem).toMatchObject({
      name: 'App-Token accepted',
      fix: expect.stringContaining('IPv4/IPv6 range'),
    });
  });

  it('names a disabled password login', async () => {
    const [problem] = failing(
      await check({ loginWithCredentials: false }, (e) => ({
        appToken: e.appToken,
        username: 'glpi',
        password: 'glpi',
      })),
    );
    expect(problem).toMatchObject({
      name: 'login',
      fix: expect.stringContaining('Enable login with credentials'),
    });
  });

  it('names an unreachable API', async () => {
    const results = await checkGlpi({ url: 'http://127.0.0.1:1/apirest.php', userToken: 'x' }, 'Supervision');
    expect(results).toEqual([
      expect.objectContaining({ name: 'API reachable', ok: false, fix: expect.stringContaining('GLPI_URL') }),
    ]);
  });

  it('exits 1 from the command line when a step fails, 0 when all pass', async () => {
    const emulator = new GlpiEmulator({ profile: '9.1' });
    await emulator.start();
    try {
      const ok = await runCli(['check'], {
        GLPI_URL: emulator.url,
        GLPI_APP_TOKEN: emulator.appToken,
        GLPI_USER_TOKEN: emulator.userToken,
      });
      expect(ok.stdout).toContain('ok    GLPI version: 9.1.6');
      expect(ok.status).toBe(0);
      const bad = await runCli(['check'], {
        GLPI_URL: emulator.url,
        GLPI_APP_TOKEN: emulator.appToken,
        GLPI_USER_TOKEN: 'wrong',
      });
      expect(bad.stdout).toMatch(/FAIL {2}login: .*\n {6}fix: GLPI_USER_TOKEN is not valid/);
      expect(bad.stdout).not.toContain(emulator.appToken);
      expect(bad.status).toBe(1);
    } finally {
      await emulator.stop();
    }
  });
});
