import type { Client } from '@temporalio/client';
import type { Row } from '../../src/emulator/itemtypes';
import { inventoryMarkerPrefix } from '../../src/glpi/markers';

/** One invariant and whether it holds. */
export interface Check {
  what: string;
  ok: boolean;
  detail: string;
}

/** How many keys occur more than once. */
export function duplicates(rows: Row[], key: (r: Row) => string): number {
  const seen = new Map<string, number>();
  for (const r of rows) seen.set(key(r), (seen.get(key(r)) ?? 0) + 1);
  return [...seen.values()].filter((n) => n > 1).length;
}

/** What GLPI holds of the bridge's inventory work (the rows of the itemtypes the checks read). */
export interface InventoryRows {
  Computer: Row[];
  Contract: Row[];
  Contract_Item: Row[];
  Item_OperatingSystem: Row[];
}

export const INVENTORY_ITEMTYPES = ['Computer', 'Contract', 'Contract_Item', 'Item_OperatingSystem'] as const;

/** Rows of `source`'s hosts: computers and contracts carrying its marker, and their links. */
export function ofSource(rows: InventoryRows, source: string) {
  const prefix = inventoryMarkerPrefix(source);
  const computers = rows.Computer.filter((c) => String(c.comment ?? '').includes(prefix));
  const contracts = rows.Contract.filter((c) => String(c.comment ?? '').includes(prefix));
  const computerIds = new Set(computers.map((c) => Number(c.id)));
  const links = rows.Contract_Item.filter(
    (l) => l.itemtype === 'Computer' && computerIds.has(Number(l.items_id)),
  );
  const osLinks = rows.Item_OperatingSystem.filter(
    (l) => l.itemtype === 'Computer' && computerIds.has(Number(l.items_id)),
  );
  return { computers, contracts, links, osLinks };
}

/**
 * One computer, one OS link, one contract and one contract link per host of `source`, none twice: no
 * duplicate and nothing lost. `expected` is the number of hosts; `withOs` of them name an OS (default all).
 */
export function inventoryChecks(
  rows: InventoryRows,
  source: string,
  expected: number,
  withOs = expected,
): Check[] {
  const { computers, contracts, links, osLinks } = ofSource(rows, source);
  const dupComputers = duplicates(computers, (r) => String(r.comment));
  const dupContracts = duplicates(contracts, (r) => String(r.comment));
  const dupOs = duplicates(osLinks, (r) => String(r.items_id));
  const dupLinks = duplicates(links, (r) => `${String(r.contracts_id)}/${String(r.items_id)}`);
  return [
    {
      what: 'computers',
      ok: computers.length === expected && dupComputers === 0,
      detail: `${computers.length} for ${expected} hosts, ${dupComputers} duplicated`,
    },
    {
      what: 'OS links',
      ok: osLinks.length === withOs && dupOs === 0,
      detail: `${osLinks.length} for ${withOs}, ${dupOs} duplicated`,
    },
    {
      what: 'contracts',
      ok: contracts.length === expected && dupContracts === 0,
      detail: `${contracts.length} for ${expected}, ${dupContracts} duplicated`,
    },
    {
      what: 'contract links',
      ok: links.length === expected && dupLinks === 0,
      detail: `${links.length} for ${expected}, ${dupLinks} duplicated`,
    },
  ];
}

/** Exactly one ticket per problem: `ticketsOf` maps each problem to the tickets GLPI holds for it. */
export function ticketChecks(ticketsPerProblem: number[]): Check[] {
  const missing = ticketsPerProblem.filter((n) => n === 0).length;
  const doubled = ticketsPerProblem.filter((n) => n > 1).length;
  return [
    {
      what: 'tickets',
      ok: missing === 0 && doubled === 0,
      detail: `${ticketsPerProblem.length - missing} of ${ticketsPerProblem.length} problems have a ticket, ${doubled} have more than one`,
    },
  ];
}

export interface HistoryScan {
  histories: number;
  /** Histories holding at least one of the secrets. */
  leaks: number;
  /** Activity retries recorded (attempts beyond the first). */
  activityRetries: number;
  /** History events, in total. */
  events: number;
}

/**
 * Reads every workflow history matching `query` (all by default) and looks for each secret (GLPI tokens,
 * passwords, session tokens) in its payloads, decoded.
 */
export async function scanHistories(client: Client, secrets: string[], query?: string): Promise<HistoryScan> {
  const scan: HistoryScan = { histories: 0, leaks: 0, activityRetries: 0, events: 0 };
  const wanted = secrets.filter((s) => s.length >= 8);
  for await (const execution of client.workflow.list(query ? { query } : undefined)) {
    const history = await client.workflow.getHandle(execution.workflowId, execution.runId).fetchHistory();
    const text = JSON.stringify(history, (_k, v: unknown) =>
      v instanceof Uint8Array ? Buffer.from(v).toString('utf8') : v,
    );
    scan.histories += 1;
    if (wanted.some((s) => text.includes(s))) scan.leaks += 1;
    for (const e of history.events ?? []) {
      scan.events += 1;
      scan.activityRetries += Math.max(0, (e.activityTaskStartedEventAttributes?.attempt ?? 1) - 1);
    }
  }
  return scan;
}

export function secretCheck(scan: HistoryScan, secrets: number): Check {
  return {
    what: 'no GLPI token, password or session token in any workflow history',
    ok: scan.leaks === 0,
    detail: `${scan.histories} histories scanned for ${secrets} secrets, ${scan.leaks} leaking`,
  };
}
