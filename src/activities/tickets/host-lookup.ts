import type { AlertEvent } from '../../alerts/alert-event';
import type { GlpiClient } from '../../glpi/glpi-client';
import { findContaining, findExact } from '../../glpi/lookups';
import { inventoryMarker, markedHostIds } from '../../glpi/markers';
import type { ItemRow } from '../../glpi/schemas';
import { glpiText } from '../../glpi/text';

/** Everything an alert says about which machine it concerns. */
export interface HostIdentity {
  name: string;
  serial?: string;
  /** The host's id in glpi-bridge's inventory: its computer carries `[glpi-bridge:<source>:<id>]`. */
  inventoryId?: string;
  inventorySource: string;
  /** The name the monitoring system reaches it by, when it differs from `name` (an FQDN), port removed. */
  instance?: string;
}

/** Identifiers from the event itself, then from its labels (`serial`, `instance`, and the configured id label). */
export function hostIdentity(event: AlertEvent, hostIdLabel: string): HostIdentity {
  const label = (name: string) => event.labels?.[name]?.trim() || undefined;
  const instance = (event.host.instance ?? label('instance'))?.replace(/:\d+$/, '').trim();
  return {
    name: event.host.name,
    serial: event.host.serial?.trim() || label('serial'),
    inventoryId: event.host.id ?? label(hostIdLabel),
    inventorySource: event.host.inventorySource ?? event.source,
    instance: instance && instance !== event.host.name ? instance : undefined,
  };
}

export interface MatchedComputer {
  id: number;
  name: string;
  entityId: number;
}

export interface HostMatch {
  /** The computers the ticket is linked to: one, several when the alert cannot tell them apart, or none. */
  computers: MatchedComputer[];
  /** What decided it. */
  matchedBy?: 'inventory id' | 'serial number' | 'name' | 'instance';
  ambiguous: boolean;
}

export interface FoundComputers {
  byName: ItemRow[];
  byInstance: ItemRow[];
  bySerial: ItemRow[];
  byMarker: ItemRow[];
}

/** The computers GLPI holds for each identifier the alert carries (one request per identifier present). */
export async function findHostComputers(glpi: GlpiClient, identity: HostIdentity): Promise<HostMatch> {
  const none = Promise.resolve([] as ItemRow[]);
  const [byName, byInstance, bySerial, byMarker] = await Promise.all([
    findExact(glpi, 'Computer', 'name', identity.name, { ignoreCase: true }),
    identity.instance ? findExact(glpi, 'Computer', 'name', identity.instance, { ignoreCase: true }) : none,
    identity.serial ? findExact(glpi, 'Computer', 'serial', identity.serial) : none,
    identity.inventoryId
      ? findContaining(
          glpi,
          'Computer',
          'comment',
          inventoryMarker(identity.inventorySource, identity.inventoryId),
        )
      : none,
  ]);
  return chooseComputers(identity, { byName, byInstance, bySerial, byMarker });
}

const sameSerial = (a: unknown, b: string) => glpiText(a).trim().toLowerCase() === b.trim().toLowerCase();

/**
 * Which computers an alert concerns, from the surest identifier to the weakest:
 * 1. the inventory id (the computer carries this host's marker);
 * 2. the serial number (narrowed by name when several machines report one serial);
 * 3. the instance name (an FQDN), then the host name, leaving out computers whose serial number or
 *    inventory marker says they are another machine.
 * Several computers left: every one is linked and the match is ambiguous. Templates never match.
 */
export function chooseComputers(identity: HostIdentity, found: FoundComputers): HostMatch {
  const usable = (rows: ItemRow[]) =>
    rows.filter((r) => Number(r.is_template ?? 0) !== 1).sort((a, b) => a.id - b.id);
  const pick = (rows: ItemRow[], matchedBy: HostMatch['matchedBy']): HostMatch => ({
    computers: rows.map((r) => ({ id: r.id, name: glpiText(r.name), entityId: Number(r.entities_id ?? 0) })),
    matchedBy: rows.length ? matchedBy : undefined,
    ambiguous: rows.length > 1,
  });

  if (identity.inventoryId) {
    const marked = usable(found.byMarker).filter((r) =>
      markedHostIds(glpiText(r.comment), identity.inventorySource).includes(identity.inventoryId!),
    );
    if (marked.length) return pick(marked, 'inventory id');
  }

  if (identity.serial) {
    const serial = identity.serial;
    const bySerial = usable(found.bySerial).filter((r) => sameSerial(r.serial, serial));
    if (bySerial.length > 1) {
      const named = bySerial.filter((r) =>
        [identity.name, identity.instance].some((n) => sameHostName(r, n)),
      );
      if (named.length) return pick(named, 'serial number');
    }
    if (bySerial.length) return pick(bySerial, 'serial number');
  }

  // A computer that says it is another machine is not this host, whatever its name.
  const mayBeThisHost = (r: ItemRow) => {
    const serial = glpiText(r.serial).trim();
    if (identity.serial && serial !== '' && !sameSerial(serial, identity.serial)) return false;
    if (identity.inventoryId) {
      const ids = markedHostIds(glpiText(r.comment), identity.inventorySource);
      if (ids.length > 0 && !ids.includes(identity.inventoryId)) return false;
    }
    return true;
  };
  // Host names are case-insensitive (DNS, Windows): `WEB-01` is `web-01`, unless GLPI holds both spellings.
  const byCase = (rows: ItemRow[], name: string) => {
    const exact = rows.filter((r) => glpiText(r.name) === name);
    return exact.length ? exact : rows;
  };
  const byInstance = byCase(usable(found.byInstance).filter(mayBeThisHost), identity.instance ?? '');
  if (byInstance.length) return pick(byInstance, 'instance');
  return pick(byCase(usable(found.byName).filter(mayBeThisHost), identity.name), 'name');
}

const sameHostName = (row: ItemRow, name: string | undefined) =>
  name !== undefined && glpiText(row.name).toLocaleLowerCase() === name.toLocaleLowerCase();

/** What the ticket says when the alert matched several computers. */
export function ambiguityNote(identity: HostIdentity, match: HostMatch): string {
  const list = match.computers.map((c) => `${c.name} (id ${c.id})`).join(', ');
  return (
    `Several computers in GLPI match this alert's host '${identity.name}': ${list}. The ticket is linked to ` +
    "all of them. Give the alert the host's serial number or inventory id to link only the right one."
  );
}
