import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';

const root = resolve(__dirname, '..', '..');
const hasDocker = spawnSync('docker', ['--version']).status === 0;

/**
 * Where the compose plugin is: the machine's own, or the one scripts/ensure-compose.sh builds and caches
 * (`npm test` passes it as COMPOSE_DOCKER_CONFIG; a plain `jest` run finds it in the cache).
 */
function dockerConfig(): string | undefined {
  if (process.env.COMPOSE_DOCKER_CONFIG) return process.env.COMPOSE_DOCKER_CONFIG;
  if (spawnSync('docker', ['compose', 'version']).status === 0) return undefined;
  const cached = join(
    process.env.XDG_CACHE_HOME || join(homedir(), '.cache'),
    'glpi-bridge',
    'docker-config',
  );
  return existsSync(join(cached, 'cli-plugins', 'docker-compose')) ? cached : undefined;
}

/** `docker compose config` for some services (all by default), with a clean environment plus `env`. */
function composeConfig(env: Record<string, string>, services: string[] = []) {
  const config = dockerConfig();
  const clean = Object.fromEntries(
    Object.entries(process.env).filter(([k]) => !/^(GLPI_|TEMPORAL_|RECEIVER_|LOG_LEVEL|SYNC_)/.test(k)),
  );
  return spawnSync(
    'docker',
    ['compose', '-f', 'docker-compose.yml', 'config', '--format', 'json', ...services],
    { cwd: root, encoding: 'utf8', env: { ...clean, ...(config ? { DOCKER_CONFIG: config } : {}), ...env } },
  );
}

interface Service {
  image?: string;
  build?: unknown;
  command?: string[];
  depends_on?: Record<string, { condition: string }>;
  healthcheck?: { test: string[] };
  environment?: Record<string, string>;
  ports?: { target: number; published: string }[];
  volumes?: { target: string }[];
}

const describeWithDocker = hasDocker ? describe : describe.skip;
if (!hasDocker) process.stderr.write('docker-compose.yml check skipped: no docker client on this machine\n');

describeWithDocker('docker-compose.yml', () => {
  const parse = (env: Record<string, string>) => {
    const result = composeConfig(env);
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    return (JSON.parse(result.stdout) as { services: Record<string, Service> }).services;
  };

  it('parses, with the services, health checks and start order the README describes', () => {
    const services = parse({
      GLPI_APP_TOKEN: 'app-token',
      GLPI_USER_TOKEN: 'user-token',
      RECEIVER_TOKEN: 'rt',
    });
    expect(Object.keys(services).sort()).toEqual(
      [
        'glpi',
        'glpi-db',
        'postgresql',
        'receiver',
        'temporal',
        'temporal-namespace',
        'temporal-schema',
        'temporal-ui',
        'worker',
      ].sort(),
    );
    expect(services.temporal!.image).toMatch(/^temporalio\/server:/);
    expect(services.glpi!.image).toMatch(/^glpi\/glpi:10\.0/);
    expect(services.worker!.build).toBeDefined();
    expect(services.temporal!.depends_on).toEqual({
      'temporal-schema': expect.objectContaining({ condition: 'service_completed_successfully' }),
    });
    expect(services.worker!.depends_on).toEqual({
      'temporal-namespace': expect.objectContaining({ condition: 'service_completed_successfully' }),
      glpi: expect.objectContaining({ condition: 'service_healthy' }),
    });
    for (const name of ['postgresql', 'temporal', 'glpi-db', 'glpi', 'receiver'])
      expect(services[name]!.healthcheck).toBeDefined();
    expect(services.worker!.environment).toMatchObject({
      GLPI_APP_TOKEN: 'app-token',
      TEMPORAL_ADDRESS: 'temporal:7233',
      DATA_DIR: '/app/.data',
    });
    expect(services.worker!.volumes?.map((v) => v.target)).toEqual(['/app/.data']);
  });

  it('runs the alert receiver: serve on port 8090, token from .env, health check on /healthz, after Temporal', () => {
    const services = parse({ RECEIVER_TOKEN: 'the-receiver-token' });
    const receiver = services.receiver!;
    expect(receiver.build).toBeDefined();
    expect(receiver.command).toEqual(['serve']);
    expect(receiver.environment).toMatchObject({
      TEMPORAL_ADDRESS: 'temporal:7233',
      RECEIVER_HOST: '0.0.0.0',
      RECEIVER_PORT: '8090',
      RECEIVER_TOKEN: 'the-receiver-token',
    });
    expect(receiver.ports).toEqual([expect.objectContaining({ target: 8090, published: '8090' })]);
    expect(receiver.healthcheck!.test.join(' ')).toContain("fetch('http://127.0.0.1:8090/healthz')");
    expect(receiver.depends_on).toEqual({
      temporal: expect.objectContaining({ condition: 'service_healthy' }),
      'temporal-namespace': expect.objectContaining({ condition: 'service_completed_successfully' }),
    });
    // The receiver talks to Temporal only: no GLPI credential in its environment.
    expect(Object.keys(receiver.environment!).filter((k) => k.startsWith('GLPI_'))).toEqual([]);
  });

  it("starts GLPI alone before .env has any token (the README's first step)", () => {
    const result = composeConfig({}, ['glpi', 'glpi-db']);
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
  });

  it('lists in .env.example the settings the compose stack needs', () => {
    const example = readFileSync(join(root, '.env.example'), 'utf8');
    for (const name of ['GLPI_URL', 'GLPI_APP_TOKEN', 'GLPI_USER_TOKEN', 'RECEIVER_TOKEN'])
      expect(example).toMatch(new RegExp(`^${name}=`, 'm'));
  });
});
