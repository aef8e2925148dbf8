import type { Client } from '@temporalio/client';
import type { Row } from '../../src/emulator/itemtypes';
import { inventoryMarkerPrefix, markedHostIds } from '../../src/glpi/markers';

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

/** How many of a kind of object were expected, found, found more than once, and not found. */
export interface Tally {
  what: string;
  expected: number;
  found: number;
  /** Keys (hosts, problems, tickets) with more than one. */
  duplicated: number;
  /** Keys with none. */
  lost: number;
}

/** The tally of `rows` grouped by `key`, against the keys that must each have exactly one. */
export function tally(what: string, expectedKeys: string[], rows: Row[], key: (r: Row) => string): Tally {
  const per = new Map<string, number>();
  for (const r of rows) per.set(key(r), (per.get(key(r)) ?? 0) + 1);
  return {
    what,
    expected: expectedKeys.length,
    found: rows.length,
    duplicated: [...per.values()].filter((n) => n > 1).length,
    lost: expectedKeys.filter((k) => !per.has(k)).length,
  };
}

/**
 * Each host of `source` (its id in `hostIds`) has exactly one computer, OS link, contract and contract link:
 * duplicates and losses counted separately.
 */
export function inventoryTallies(rows: InventoryRows, source: string, hostIds: string[]): Tally[] {
  const { computers, contracts, links, osLinks } = ofSource(rows, source);
  const hostOf = (comment: unknown) => markedHostIds(String(comment ?? ''), source)[0] ?? '';
  const hostOfComputer = new Map(computers.map((c) => [Number(c.id), hostOf(c.comment)]));
  const byComputer = (r: Row) => hostOfComputer.get(Number(r.items_id)) ?? '';
  return [
    tally('computers', hostIds, computers, (r) => hostOf(r.comment)),
    tally('OS links', hostIds, osLinks, byComputer),
    tally('contracts', hostIds, contracts, (r) => hostOf(r.comment)),
    tally('contract links', hostIds, links, byComputer),
  ];
}

/**
 * The sync's report tells the truth about each host: every host reported `created` (a fresh GLPI), with the
 * ids of the computer and the contract that carry its marker, also when a try that created them was cut off.
 */
export function attributionCheck(
  items: { id: string; outcome: string; computerId?: number | null; contractId?: number | null }[],
  rows: InventoryRows,
  source: string,
): Check {
  const { computers, contracts } = ofSource(rows, source);
  const idOf = (list: Row[]) => {
    const m = new Map<string, number>();
    for (const r of list)
      for (const h of markedHostIds(String(r.comment ?? ''), source)) m.set(h, Number(r.id));
    return m;
  };
  const computerOf = idOf(computers);
  const contractOf = idOf(contracts);
  const wrong = items.filter(
    (i) =>
      i.outcome !== 'created' ||
      i.computerId !== computerOf.get(i.id) ||
      i.contractId !== contractOf.get(i.id),
  );
  const outcomes: Record<string, number> = {};
  for (const i of items) outcomes[i.outcome] = (outcomes[i.outcome] ?? 0) + 1;
  return {
    what: 'per-host report: every host reported created, with its own computer and contract',
    ok: wrong.length === 0 && items.length > 0,
    detail: `${JSON.stringify(outcomes)}; ${wrong.length} misreported${wrong.length ? ` (first: ${JSON.stringify(wrong[0])})` : ''}`,
  };
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

/** One history as `scanHistories` reads it, for a caller that wants more of it. */
export type HistoryVisitor = (
  workflowId: string,
  events: NonNullable<
    Awaited<ReturnType<ReturnType<Client['workflow']['getHandle']>['fetchHistory']>>['events']
  >,
) => void;

/**
 * Reads every workflow history matching `query` (all by default) and looks for each secret (GLPI tokens,
 * passwords, session tokens) in its payloads, decoded. `visit` sees each history's events.
 */
export async function scanHistories(
  client: Client,
  secrets: string[],
  query?: string,
  visit?: HistoryVisitor,
): Promise<HistoryScan> {
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
    visit?.(execution.workflowId, history.events ?? []);
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
