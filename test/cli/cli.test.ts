import { runCli } from '../support/cli';

describe('glpi-bridge CLI', () => {
  it('lists its commands, and every command has --help', async () => {
    const help = await runCli(['--help']);
    expect(help.status).toBe(0);
    const commands = [...help.stdout.matchAll(/^ {2}(\w+)/gm)].map((m) => m[1]!).filter((c) => c !== 'help');
    expect(commands).toEqual([
      'demo',
      'dev',
      'worker',
      'sync',
      'schedule',
      'serve',
      'alert',
      'check',
      'setup',
      'emulator',
    ]);
    for (const command of [
      ...commands,
      'sync status',
      'sync list',
      'schedule create',
      'schedule list',
      'schedule pause',
    ]) {
      const result = await runCli([...command.split(' '), '--help']);
      expect({ command, status: result.status }).toEqual({ command, status: 0 });
      expect(result.stdout).toContain('Usage: glpi-bridge');
    }
  });

  it('exits 2 with one message naming a missing credential and its fix, without a stack trace', async () => {
    const result = await runCli(['worker'], { GLPI_URL: 'https://glpi.example.com/apirest.php' });
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('Invalid configuration (1 problem)');
    expect(result.stderr).toMatch(
      /GLPI_USER_TOKEN: .*set GLPI_USER_TOKEN .* or GLPI_USERNAME and GLPI_PASSWORD/,
    );
    expect(result.stderr).not.toMatch(/^\s+at /m);
  });

  it('exits 2 on a malformed URL and names the variable', async () => {
    const result = await runCli(['check'], { GLPI_URL: 'glpi.example.com', GLPI_USER_TOKEN: 'x' });
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/GLPI_URL: must be an http\(s\) URL; set it to the GLPI API root/);
    expect(result.stderr).not.toMatch(/^\s+at /m);
  });

  it('tells a worker without GLPI how to run locally instead', async () => {
    const result = await runCli(['worker']);
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/GLPI_URL: is required for a worker .* run `glpi-bridge dev`/);
  });

  it('refuses an unknown emulated version with the accepted ones', async () => {
    const result = await runCli(['emulator', '--glpi-version', '8.0']);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('--glpi-version must be one of 9.1, 9.5, 10.0, 11.0');
  });
});

describe('glpi-bridge alert', () => {
  it('delivers a Nagios-style notification from its environment variables to the ticket workflow', async () => {
    const { testTemporal, uniqueId } = await import('../support/temporal');
    const env = await testTemporal();
    try {
      const host = uniqueId('web');
      const result = await runCli(['alert', '--source', 'icinga'], {
        TEMPORAL_ADDRESS: process.env.TEMPORAL_TEST_ADDRESS!,
        TEMPORAL_TASK_QUEUE: env.taskQueue,
        NOTIFICATIONTYPE: 'PROBLEM',
        HOSTNAME: host,
        SERVICEDESC: 'HTTP',
        SERVICESTATE: 'CRITICAL',
        SERVICEOUTPUT: 'connection refused',
      });
      expect(result.stderr).toBe('');
      expect(result.stdout).toBe(`firing alert for ${host} delivered to ticket/icinga/${host}!HTTP\n`);
      const description = await env.client.workflow.getHandle(`ticket/icinga/${host}!HTTP`).describe();
      expect(description.type).toBe('ticketLifecycle');
    } finally {
      await env.close();
    }
  });
});
