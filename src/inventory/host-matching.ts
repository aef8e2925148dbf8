import { hasAnyMarker, inventoryMarker, markedHostIds } from '../glpi/markers';
import type { InventoryItem } from './inventory-schema';

/** A computer GLPI holds, as far as telling which host it is goes (text already decoded). */
export interface Candidate {
  id: number;
  name: string;
  serial: string;
  comment: string;
}

export type MatchedBy = 'marker' | 'serial' | 'name';

export interface HostMatch {
  id: number;
  matchedBy: MatchedBy;
}

/**
 * Which existing computer is a host's, if any. One machine, one computer:
 * 1. the computer that carries this host's marker;
 * 2. else a computer with the same serial number, whatever source marked it (it is the same machine),
 *    unless it already belongs to another host of this source (two hosts reporting one serial, as virtual
 *    machines with a placeholder serial do, are two machines);
 * 3. else a computer with the same name that carries no marker at all and whose serial does not say it
 *    is another machine (two hosts may share a name and differ by serial).
 * Among several, the oldest (lowest id) wins. `claimed` holds computers already taken by other hosts of
 * the same batch, which are never adopted twice.
 */
export function matchHost(
  source: string,
  item: InventoryItem,
  candidates: Candidate[],
  claimed: ReadonlySet<number> = new Set(),
): HostMatch | undefined {
  const sorted = [...candidates].sort((a, b) => a.id - b.id);
  const marker = inventoryMarker(source, item.id);
  const byMarker = sorted.find((c) => c.comment.includes(marker));
  if (byMarker) return { id: byMarker.id, matchedBy: 'marker' };
  const free = sorted.filter((c) => !claimed.has(c.id));
  const serial = item.hardware.serialNumber;
  if (serial) {
    const bySerial = free.find(
      (c) =>
        sameSerial(c.serial, serial) && markedHostIds(c.comment, source).every((other) => other === item.id),
    );
    if (bySerial) return { id: bySerial.id, matchedBy: 'serial' };
  }
  const byName = free.find(
    (c) =>
      c.name === item.label &&
      !hasAnyMarker(c.comment) &&
      (!serial || c.serial.trim() === '' || sameSerial(c.serial, serial)),
  );
  return byName ? { id: byName.id, matchedBy: 'name' } : undefined;
}

function sameSerial(a: string, b: string): boolean {
  return a.trim().toLowerCase() === b.trim().toLowerCase();
}

/** A note for the report when a computer was adopted rather than created. */
export function adoptionNote(match: HostMatch): string | undefined {
  if (match.matchedBy === 'serial') return `adopted computer ${match.id} (same serial number)`;
  if (match.matchedBy === 'name')
    return `adopted computer ${match.id} (same name, no serial number conflict)`;
  return undefined;
}
