import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { GlpiEmulator } from '../../src/emulator/glpi-emulator';
import { PROFILE_NAMES } from '../../src/emulator/profiles';
import { candidateApiUrls, missingRights } from '../../src/glpi/check-connection';
import { GlpiClient } from '../../src/glpi/glpi-client';
import { runCli } from '../support/cli';

const CAPTURES = resolve(__dirname, '../fixtures/glpi-captures');

/** The body of a recorded exchange: its last line. */
function capturedBody(version: string, suffix: string): Record<string, unknown> {
  const file = readdirSync(join(CAPTURES, version)).find((f) => f.endsWith(suffix))!;
  const lines = readFileSync(join(CAPTURES, version, file), 'utf8')
    .trim()
    .split('\n');
  return JSON.parse(lines.at(-1)!) as Record<string, unknown>;
}

/** A web server in front of GLPI, as Apache is: the API under /apirest.php, a 404 page anywhere else. */
async function webServerInFront(
  emulator: GlpiEmulator,
): Promise<{ url: string; close: () => Promise<void> }> {
  const api = new URL(emulator.url);
  const server: Server = createServer((req, res) => {
    if (!req.url?.startsWith('/apirest.php')) {
      res.writeHead(404, { 'Content-Type': 'text/html' });
      res.end('<html><body><h1>Not Found</h1></body></html>');
      return;
    }
    const upstream = request(
      { host: api.hostname, port: api.port, path: req.url, method: req.method, headers: req.headers },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    req.pipe(upstream);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise((r) => server.close(() => r())),
  };
}

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');

const STEPS = [
  'API reachable',
  'API enabled',
  'App-Token accepted',
  'login',
  'GLPI version',
  'rights',
  'sub-entity',
];

describe('glpi-bridge check', () => {
  it.each(PROFILE_NAMES)(
    'passes on a correctly configured GLPI %s, every step ok, exit 0',
    async (profile) => {
      const emulator = new GlpiEmulator({ profile });
      await emulator.start();
      try {
        const result = await runCli(['check'], {
          GLPI_URL: emulator.url,
          GLPI_APP_TOKEN: emulator.appToken,
          GLPI_USER_TOKEN: emulator.userToken,
        });
        const steps = result.stdout.split('\n').filter((l) => /^(ok|FAIL)/.test(l));
        expect(steps.map((l) => /^(ok|FAIL) +([^:]+):/.exec(l)!.slice(1, 3))).toEqual(
          expect.arrayContaining(STEPS.map((step) => ['ok', step])),
        );
        expect(steps.filter((l) => l.startsWith('FAIL'))).toEqual([]);
        expect(result.stdout).toContain(`ok    GLPI version: ${emulator.profile.version}`);
        // Then the ticket checks, and the ticket policy in force.
        expect(steps.map((l) => /^(?:ok|FAIL) +([^:]+):/.exec(l)![1])).toEqual(
          expect.arrayContaining([
            'ticket category',
            'ticket requester',
            'ticket assignee',
            'ticket default entity',
          ]),
        );
        expect(result.stdout).toContain(
          "\nTicket policy in force (the worker's settings):\n  flap gate: 0 s (TICKET_FLAP_SECONDS)\n",
        );
        expect(result.stderr).toBe('');
        expect(result.status).toBe(0);
      } finally {
        await emulator.stop();
      }
    },
  );

  it.each([
    ['9.1.6', '09-getActiveProfile.txt'],
    ['9.5.13', '07-getActiveProfile.txt'],
    ['10.0.14', '09-getActiveProfile.txt'],
  ])('finds every right it needs in the Super-Admin profile of a real GLPI %s', (version, file) => {
    const { active_profile: profile } = capturedBody(version, file) as {
      active_profile: Record<string, unknown>;
    };
    expect(profile.name).toBe('Super-Admin');
    expect(missingRights(profile)).toEqual([]);
    expect(missingRights({ ...profile, contract: 1 }).map(([field]) => field)).toEqual(['contract']);
  });

  it('says no GLPI API answers at a URL without /apirest.php, and suggests the URL where one does', async () => {
    const emulator = new GlpiEmulator();
    await emulator.start();
    const web = await webServerInFront(emulator);
    try {
      const result = await runCli(['check'], {
        GLPI_URL: web.url,
        GLPI_APP_TOKEN: emulator.appToken,
        GLPI_USER_TOKEN: emulator.userToken,
      });
      expect(result.stdout).toMatch(
        new RegExp(
          `^${escape(
            [
              `FAIL  API reachable: no GLPI API answers at ${web.url} (GET /initSession got HTTP 404, not GLPI's JSON)`,
              `      fix: set GLPI_URL=${web.url}/apirest.php (GLPI's API answers there)`,
              '',
              "Ticket policy in force (the worker's settings):",
            ].join('\n'),
          )}\n`,
        ),
      );
      expect(result.status).toBe(1);
      // The suggestion works.
      const fixed = await runCli(['check'], {
        GLPI_URL: `${web.url}/apirest.php`,
        GLPI_APP_TOKEN: emulator.appToken,
        GLPI_USER_TOKEN: emulator.userToken,
      });
      expect(fixed.status).toBe(0);
    } finally {
      await web.close();
      await emulator.stop();
    }
  });

  it('names an unreachable GLPI with its cause', async () => {
    const result = await runCli(['check'], {
      GLPI_URL: 'http://127.0.0.1:1/apirest.php',
      GLPI_USER_TOKEN: 'x',
    });
    expect(result.stdout.split('\n').slice(0, 2)).toEqual([
      'FAIL  API reachable: GLPI unreachable: connect ECONNREFUSED 127.0.0.1:1',
      '      fix: check GLPI_URL (it ends with /apirest.php) and that this host can reach http://127.0.0.1:1/apirest.php',
    ]);
    expect(result.stdout).toContain('  requester: none (TICKET_REQUESTER)\n');
    expect(result.status).toBe(1);
  });

  it('knows where an API root may be', () => {
    expect(candidateApiUrls('https://glpi.example.com/')).toEqual([
      'https://glpi.example.com/apirest.php',
      'https://glpi.example.com/glpi/apirest.php',
    ]);
    expect(candidateApiUrls('https://example.com/glpi/front/central.php')).toEqual([
      'https://example.com/glpi/apirest.php',
      'https://example.com/apirest.php',
    ]);
    expect(candidateApiUrls('https://glpi.example.com/apirest.php/v1')).toEqual([
      'https://glpi.example.com/apirest.php',
    ]);
  });

  it.each(['9.1', '10.0'] as const)(
    'with --file, lists the entities a sync of that inventory would create, and writes nothing (GLPI %s)',
    async (profile) => {
      const emulator = new GlpiEmulator({ profile });
      await emulator.start();
      const dir = mkdtempSync(join(tmpdir(), 'glpi-bridge-check-'));
      const file = join(dir, 'inventory.json');
      const host = (id: string, entity?: string) => ({ id, label: id, importDate: '2026-11-27', entity });
      writeFileSync(
        file,
        JSON.stringify({
          source: 'check',
          items: [host('a1', 'Client A > Paris'), host('a2', 'Client A'), host('b1', 'Client B'), host('s1')],
        }),
      );
      try {
        // The sub-entity and Client A exist already; Paris and Client B do not.
        const glpi = new GlpiClient({
          url: emulator.url,
          appToken: emulator.appToken,
          userToken: emulator.userToken,
        });
        const sub = await glpi.add('Entity', { name: 'Monitoring Paris', entities_id: 0 });
        await glpi.changeActiveEntities(0, true);
        await glpi.add('Entity', { name: 'Client A', entities_id: sub });
        await glpi.killSession();
        const entities = emulator.rows('Entity').length;
        const result = await runCli(['check', '--file', file], {
          GLPI_URL: emulator.url,
          GLPI_APP_TOKEN: emulator.appToken,
          GLPI_USER_TOKEN: emulator.userToken,
          GLPI_ENTITY: 'Monitoring Paris',
        });
        expect(result.stdout).toContain(
          'ok    inventory entities: 3 entities named below Monitoring Paris; a sync would create 2: ' +
            'Root entity > Monitoring Paris > Client B, Root entity > Monitoring Paris > Client A > Paris\n',
        );
        expect(result.status).toBe(0);
        expect(emulator.rows('Entity')).toHaveLength(entities);

        writeFileSync(file, '{"source": "check", "items": 3}');
        const bad = await runCli(['check', '--file', file], {
          GLPI_URL: emulator.url,
          GLPI_APP_TOKEN: emulator.appToken,
          GLPI_USER_TOKEN: emulator.userToken,
        });
        expect(bad.stdout).toMatch(/FAIL  inventory entities: .*'items' must be a list/);
        expect(bad.status).toBe(1);
      } finally {
        await emulator.stop();
      }
    },
  );
});
