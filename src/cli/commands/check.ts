import type { Command } from 'commander';
import { ConfigError, loadConfig } from '../../config/config';
import { glpiClientOptions } from '../../config/glpi-options';
import { checkGlpi, type CheckResult } from '../../glpi/check-connection';
import { checkTickets, describeTicketPolicy } from '../../glpi/check-tickets';

export function printChecks(results: CheckResult[], out: NodeJS.WritableStream = process.stdout): void {
  for (const r of results) {
    out.write(`${r.ok ? 'ok  ' : 'FAIL'}  ${r.name}: ${r.detail}\n`);
    if (r.fix) out.write(`      fix: ${r.fix}\n`);
  }
}

export function checkCommand(program: Command): void {
  program
    .command('check')
    .description(
      'Check the configured GLPI before a first run: API, App-Token, login, version, rights, sub-entity, ticket policy; exit 0 only when all pass',
    )
    .action(async () => {
      const config = loadConfig();
      if (!config.glpi)
        throw new ConfigError([
          'GLPI_URL: is required to check a GLPI (e.g. https://glpi.example.com/apirest.php)',
        ]);
      const glpi = glpiClientOptions(config.glpi);
      const results = await checkGlpi(glpi, config.settings.glpiEntity);
      printChecks(results);
      // What tickets look up by name (category, actors, default entity), once GLPI lets us in.
      let policy = describeTicketPolicy(config.settings);
      if (results.every((r) => r.ok)) {
        const tickets = await checkTickets(glpi, config.settings);
        printChecks(tickets.results);
        results.push(...tickets.results);
        policy = tickets.policy;
      }
      process.stdout.write(`\nTicket policy in force (the worker's settings):\n`);
      for (const line of policy) process.stdout.write(`  ${line}\n`);
      process.exitCode = results.every((r) => r.ok) ? 0 : 1;
    });
}
