import type { Command } from 'commander';
import { ConfigError, loadConfig } from '../../config/config';
import { glpiClientOptions } from '../../config/glpi-options';
import { checkGlpi } from '../../glpi/check-connection';

export function checkCommand(program: Command): void {
  program
    .command('check')
    .description(
      'Check the configured GLPI before a first run: API, App-Token, login, version, rights, sub-entity',
    )
    .action(async () => {
      const config = loadConfig();
      if (!config.glpi)
        throw new ConfigError([
          'GLPI_URL: is required to check a GLPI (e.g. https://glpi.example.com/apirest.php)',
        ]);
      const results = await checkGlpi(glpiClientOptions(config.glpi), config.settings.glpiEntity);
      for (const r of results) {
        process.stdout.write(`${r.ok ? 'ok  ' : 'FAIL'}  ${r.name}: ${r.detail}\n`);
        if (r.fix) process.stdout.write(`      fix: ${r.fix}\n`);
      }
      process.exitCode = results.every((r) => r.ok) ? 0 : 1;
    });
}
