import type { Command } from 'commander';
import { ConfigError, loadConfig } from '../../config/config';
import { glpiClientOptions } from '../../config/glpi-options';
import { checkGlpi, type CheckResult } from '../../glpi/check-connection';
import { checkTickets, describeTicketPolicy } from '../../glpi/check-tickets';
import { resolveEntityPaths } from '../../glpi/entities';
import { GlpiClient, type GlpiClientOptions } from '../../glpi/glpi-client';
import { withParents } from '../../inventory/entity-path';
import { defaultSourceFor } from '../../inventory/inventory-input';
import { parseInventory, readInventorySource } from '../../inventory/read-inventory';

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
    .option('--file <path-or-url>', 'also show which entities a sync of this inventory would create')
    .action(async (flags: { file?: string }) => {
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
      if (flags.file && results.every((r) => r.ok)) {
        const entities = await inventoryEntities(glpi, config.settings.glpiEntity, flags.file);
        printChecks([entities]);
        results.push(entities);
      }
      process.stdout.write(`\nTicket policy in force (the worker's settings):\n`);
      for (const line of policy) process.stdout.write(`  ${line}\n`);
      process.exitCode = results.every((r) => r.ok) ? 0 : 1;
    });
}

/** The entities a sync of this inventory would create, found as its dry run finds them; GLPI is not written. */
async function inventoryEntities(
  glpi: GlpiClientOptions,
  subEntity: string,
  file: string,
): Promise<CheckResult> {
  const name = 'inventory entities';
  let paths: string[];
  try {
    const inventory = parseInventory(await readInventorySource(file), file, defaultSourceFor(file));
    paths = withParents(inventory.items.flatMap((i) => (i.entity ? [i.entity] : [])));
  } catch (err) {
    return {
      name,
      ok: false,
      detail: (err as Error).message,
      fix: 'correct the inventory, or pass another --file',
    };
  }
  const client = new GlpiClient(glpi);
  try {
    const { created } = await resolveEntityPaths(client, { name: subEntity, paths, dryRun: true });
    const named = `${paths.length} entit${paths.length === 1 ? 'y' : 'ies'} named below ${subEntity}`;
    return {
      name,
      ok: true,
      detail: created.length
        ? `${named}; a sync would create ${created.length}: ${created.join(', ')}`
        : `${named}; all exist`,
    };
  } finally {
    await client.killSession().catch(() => undefined);
  }
}
