import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';

const root = resolve(__dirname, '..', '..');
const hasDocker = spawnSync('docker', ['--version']).status === 0;

/** `docker compose config` with the plugin scripts/ensure-compose.sh provides, where the machine lacks one. */
function composeConfig(env: Record<string, string>) {
  const dockerConfig = process.env.COMPOSE_DOCKER_CONFIG;
  return spawnSync('docker', ['compose', '-f', 'docker-compose.yml', 'config', '--format', 'json'], {
    cwd: root,
    encoding: 'utf8',
    env: { ...process.env, ...(dockerConfig ? { DOCKER_CONFIG: dockerConfig } : {}), ...env },
  });
}

const describeWithDocker = hasDocker ? describe : describe.skip;
if (!hasDocker) process.stderr.write('docker-compose.yml check skipped: no docker client on this machine\n');

describeWithDocker('docker-compose.yml', () => {
  it('parses, with the services, health checks and start order the README describes', () => {
    const result = composeConfig({ GLPI_APP_TOKEN: 'app-token', GLPI_USER_TOKEN: 'user-token' });
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    const config = JSON.parse(result.stdout) as {
      services: Record<
        string,
        {
          image?: string;
          build?: unknown;
          depends_on?: Record<string, { condition: string }>;
          healthcheck?: unknown;
          environment?: Record<string, string>;
        }
      >;
    };
    const services = config.services;
    expect(Object.keys(services).sort()).toEqual(
      [
        'glpi',
        'glpi-db',
        'postgresql',
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
    for (const name of ['postgresql', 'temporal', 'glpi-db', 'glpi'])
      expect(services[name]!.healthcheck).toBeDefined();
    expect(services.worker!.environment).toMatchObject({
      GLPI_APP_TOKEN: 'app-token',
      TEMPORAL_ADDRESS: 'temporal:7233',
    });
  });

  it('refuses to start without the GLPI App-Token, saying where to set it', () => {
    const result = composeConfig({ GLPI_APP_TOKEN: '' });
    expect(result.status).not.toBe(0);
    expect(result.stderr).toContain('set GLPI_APP_TOKEN in .env');
  });
});
