import { ConfigError, loadConfig } from '../../src/config/config';

describe('configuration', () => {
  it('has sensible defaults and no GLPI when none is configured', () => {
    const config = loadConfig({});
    expect(config.temporal).toMatchObject({
      address: 'localhost:7233',
      namespace: 'default',
      taskQueue: 'glpi-bridge',
    });
    expect(config.glpi).toBeUndefined();
    expect(config.settings.glpiEntity).toBe('Supervision');
    expect(config.settings.inventoryRetry).toEqual({ maxIntervalSeconds: 60, budgetSeconds: 600 });
  });

  it('names every bad or missing variable at once', () => {
    let error: unknown;
    try {
      loadConfig({
        GLPI_URL: 'https://glpi.example.com/apirest.php',
        TEMPORAL_ADDRESS: 'not an address',
        LOG_LEVEL: 'loud',
        TEMPORAL_TLS_CERT: '/c.pem',
      });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems.join('\n');
    expect(problems).toMatch(/TEMPORAL_ADDRESS: must be host:port/);
    expect(problems).toMatch(/LOG_LEVEL: must be one of trace, debug, info, warn, error/);
    expect(problems).toMatch(/TEMPORAL_TLS_KEY: mTLS needs both/);
    expect(problems).toMatch(/GLPI_USER_TOKEN: GLPI_URL is set but no credentials are/);
  });

  it('turns TLS on for Temporal Cloud style settings', () => {
    const config = loadConfig({
      TEMPORAL_ADDRESS: 'ns.acct.tmprl.cloud:7233',
      TEMPORAL_TLS_CERT: '/c.pem',
      TEMPORAL_TLS_KEY: '/k.pem',
    });
    expect(config.temporal.tls).toEqual({
      certFile: '/c.pem',
      keyFile: '/k.pem',
      caFile: undefined,
      serverName: undefined,
    });
    expect(loadConfig({ TEMPORAL_API_KEY: 'k' }).temporal.tls).toBeDefined();
    expect(loadConfig({}).temporal.tls).toBeUndefined();
  });

  it('accepts a password login instead of a user token', () => {
    const config = loadConfig({
      GLPI_URL: 'http://glpi/apirest.php',
      GLPI_USERNAME: 'bridge',
      GLPI_PASSWORD: 's3cret',
    });
    expect(config.glpi).toMatchObject({
      url: 'http://glpi/apirest.php',
      username: 'bridge',
      password: 's3cret',
      timeoutMs: 30000,
    });
  });
});
