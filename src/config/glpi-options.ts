import { readFileSync } from 'node:fs';
import type { GlpiClientOptions } from '../glpi/glpi-client';
import { ConfigError, type GlpiSettings } from './config';

/** Client options from the configuration; the CA file is read here so a bad path fails at start-up. */
export function glpiClientOptions(settings: GlpiSettings): GlpiClientOptions {
  let ca: Buffer | undefined;
  if (settings.caFile) {
    try {
      ca = readFileSync(settings.caFile);
    } catch (err) {
      throw new ConfigError([
        `GLPI_CA_FILE: cannot read ${settings.caFile} (${(err as Error).message}); give the path of a PEM file`,
      ]);
    }
  }
  return {
    url: settings.url,
    appToken: settings.appToken,
    userToken: settings.userToken,
    username: settings.username,
    password: settings.password,
    ca,
    timeoutMs: settings.timeoutMs,
  };
}
