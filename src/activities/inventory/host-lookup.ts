import type { GlpiClient, SearchCriterion } from '../../glpi/glpi-client';
import { searchAny, textCriterion } from '../../glpi/lookups';
import { inventoryMarker } from '../../glpi/markers';
import type { ItemRow, SearchRow } from '../../glpi/schemas';
import { glpiText } from '../../glpi/text';
import { matchHost, type Candidate, type HostMatch } from '../../inventory/host-matching';
import type { InventoryItem } from '../../inventory/inventory-schema';

/** Computer search options: 1 name, 5 serial, 16 comment. */
const NAME = 1;
const SERIAL = 5;
const COMMENT = 16;

/** The criteria that find every computer a host could be: its marker, its serial number, its name. */
function criteriaFor(source: string, item: InventoryItem): SearchCriterion[] {
  const criteria = [textCriterion(COMMENT, inventoryMarker(source, item.id), { exact: false })];
  if (item.hardware.serialNumber) criteria.push(textCriterion(SERIAL, item.hardware.serialNumber));
  criteria.push(textCriterion(NAME, item.label));
  return criteria;
}

function candidate(row: SearchRow): Candidate {
  return {
    id: Number(row['2']),
    name: glpiText(row[String(NAME)]),
    serial: glpiText(row[String(SERIAL)]),
    comment: glpiText(row[String(COMMENT)]),
  };
}

export interface FoundComputer {
  row: ItemRow;
  match: HostMatch;
}

/**
 * The computers of several hosts, found fresh in GLPI (never from a snapshot: this is the look before a
 * create) with a few /search requests for all of them, within the session's active entities (the
 * bridge's sub-entity and below). `claimed` collects the computers taken, so that none is adopted twice.
 */
export async function findHostComputers(
  client: GlpiClient,
  source: string,
  items: InventoryItem[],
  claimed: Set<number> = new Set(),
): Promise<Map<string, FoundComputer>> {
  const found = new Map<string, FoundComputer>();
  if (items.length === 0) return found;
  const rows = await searchAny(
    client,
    'Computer',
    items.map((item) => criteriaFor(source, item)),
    [NAME, SERIAL, COMMENT],
  );
  const candidates = rows.map(candidate);
  const matches: [InventoryItem, HostMatch][] = [];
  // Hosts already marked take their computers first; adoption comes after, from what is left.
  for (const pass of ['marker', 'other'] as const) {
    for (const item of items) {
      if (matches.some(([done]) => done === item)) continue;
      const match = matchHost(source, item, candidates, claimed);
      if (!match || (pass === 'marker') !== (match.matchedBy === 'marker')) continue;
      claimed.add(match.id);
      matches.push([item, match]);
    }
  }
  await Promise.all(
    matches.map(async ([item, match]) => {
      found.set(item.id, { row: await client.getItem('Computer', match.id), match });
    }),
  );
  return found;
}
