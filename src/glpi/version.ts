/**
 * What differs between GLPI versions, in one place. Every version-dependent request form is chosen here
 * from the version GLPI reports, never guessed at the call site.
 */
export interface GlpiVersion {
  major: number;
  minor: number;
  patch: number;
  raw: string;
}

export function parseGlpiVersion(raw: string): GlpiVersion {
  const match = /^(\d+)\.(\d+)(?:\.(\d+))?/.exec(raw.trim());
  if (!match) throw new Error(`unrecognised GLPI version '${raw}'`);
  return { major: Number(match[1]), minor: Number(match[2]), patch: Number(match[3] ?? 0), raw: raw.trim() };
}

/** -1, 0 or 1 as `v` is older than, equal to or newer than `major.minor.patch`. */
export function compareVersion(v: GlpiVersion, major: number, minor = 0, patch = 0): number {
  return Math.sign(v.major - major || v.minor - minor || v.patch - patch);
}

const atLeast = (v: GlpiVersion, major: number, minor = 0, patch = 0) =>
  compareVersion(v, major, minor, patch) >= 0;

export type OsStorage =
  /** 9.1: operating system columns on the Computer itself. */
  | { kind: 'computer'; licenseField: 'os_licenseid' }
  /** 9.2+: an Item_OperatingSystem row per computer. */
  | { kind: 'item'; licenseField: 'license_id' | 'licenseid' };

export interface GlpiFeatures {
  os: OsStorage;
  /** `TicketFollowup` (tickets_id) up to 9.3, `ITILFollowup` (itemtype/items_id) from 9.4. */
  followup: 'TicketFollowup' | 'ITILFollowup';
  /** `PUT Ticket {solution}` up to 9.2, `POST ITILSolution` from 9.3. */
  solution: 'ticket-field' | 'ITILSolution';
  /** `getItems` supports `searchText[...]` from 9.1.1. */
  searchText: boolean;
  /** Ticket.externalid exists from 11.0. */
  ticketExternalId: boolean;
}

export function featuresOf(v: GlpiVersion): GlpiFeatures {
  return {
    os: !atLeast(v, 9, 2)
      ? { kind: 'computer', licenseField: 'os_licenseid' }
      : { kind: 'item', licenseField: atLeast(v, 9, 4) ? 'licenseid' : 'license_id' },
    followup: atLeast(v, 9, 4) ? 'ITILFollowup' : 'TicketFollowup',
    solution: atLeast(v, 9, 3) ? 'ITILSolution' : 'ticket-field',
    searchText: atLeast(v, 9, 1, 1),
    ticketExternalId: atLeast(v, 11),
  };
}
