/**
 * What each emulated GLPI version does differently. Sources: GLPI's code (shared/reference/glpi-api.md)
 * and, where they disagree, the real 9.5.13 and 10.0.14 captures, which win.
 */
export const PROFILE_NAMES = ['9.1', '9.5', '10.0', '11.0'] as const;
export type ProfileName = (typeof PROFILE_NAMES)[number];

export interface VersionProfile {
  name: ProfileName;
  /** What getGlpiConfig reports. */
  version: string;
  /** 9.1–9.4 json_encode with JSON_NUMERIC_CHECK: numeric-looking strings become numbers. */
  numericCheck: boolean;
  /** ERROR_RIGHT_MISSING status: 401 in 9.1–9.4; the 9.5.13 capture shows 403, as 10+. */
  rightMissingStatus: 401 | 403;
  /**
   * Stored-text encoding: `lt` = `<`→`&lt;` (9.1.1+; still in the 9.5.13 capture), `numeric` =
   * `&#60; &#62; &#38;` (10.0), `raw` = none (11).
   */
  encoding: 'lt' | 'numeric' | 'raw';
  /** 9.1 (mod_php) matches App-Token / Session-Token / Authorization case-sensitively. */
  caseSensitiveHeaders: boolean;
  /** killSession body: empty in 9.x, `true` from 10.0. */
  killSessionBody: '' | 'true';
  /** search `sort`/`order`: scalars in 9.x, arrays of strings from 10.0. */
  searchSortAsArray: boolean;
  /** 9.4+: "Item successfully added: <name>"; earlier: "". */
  addMessage: boolean;
  /** Single update of a missing item: 9.1.2–9.4 say "Item not found"; 9.5.13 and 10 say null. */
  updateNotFoundMessage: string | null;
  os: 'computer-fields' | 'item-os';
  followup: 'TicketFollowup' | 'ITILFollowup';
  solution: 'ticket-field' | 'ITILSolution';
  /** 10.0 adds last_inventory_update/last_boot to Computer, takeintoaccountdate to Ticket. */
  computer10Fields: boolean;
  ticketExternalId: boolean;
  /** The 9.5.13 capture shows a ticket created by the API user as assigned (status 2); 10.0.14 leaves it New. */
  ticketAssignsCreator: boolean;
}

const base = {
  numericCheck: false,
  caseSensitiveHeaders: false,
  addMessage: true,
  os: 'item-os',
  followup: 'ITILFollowup',
  solution: 'ITILSolution',
  ticketExternalId: false,
} as const;

export const PROFILES: Record<ProfileName, VersionProfile> = {
  '9.1': {
    ...base,
    name: '9.1',
    version: '9.1.6',
    numericCheck: true,
    rightMissingStatus: 401,
    encoding: 'lt',
    caseSensitiveHeaders: true,
    killSessionBody: '',
    searchSortAsArray: false,
    addMessage: false,
    updateNotFoundMessage: 'Item not found',
    os: 'computer-fields',
    followup: 'TicketFollowup',
    solution: 'ticket-field',
    computer10Fields: false,
    ticketAssignsCreator: true,
  },
  '9.5': {
    ...base,
    name: '9.5',
    version: '9.5.13',
    rightMissingStatus: 403,
    encoding: 'lt',
    killSessionBody: '',
    searchSortAsArray: false,
    updateNotFoundMessage: null,
    computer10Fields: false,
    ticketAssignsCreator: true,
  },
  '10.0': {
    ...base,
    name: '10.0',
    version: '10.0.14',
    rightMissingStatus: 403,
    encoding: 'numeric',
    killSessionBody: 'true',
    searchSortAsArray: true,
    updateNotFoundMessage: null,
    computer10Fields: true,
    ticketAssignsCreator: false,
  },
  '11.0': {
    ...base,
    name: '11.0',
    version: '11.0.4',
    rightMissingStatus: 403,
    encoding: 'raw',
    killSessionBody: 'true',
    searchSortAsArray: true,
    updateNotFoundMessage: null,
    computer10Fields: true,
    ticketExternalId: true,
    ticketAssignsCreator: false,
  },
};

export function isProfileName(value: string): value is ProfileName {
  return (PROFILE_NAMES as readonly string[]).includes(value);
}

/** Text as the profile's GLPI stores and returns it. */
export function encodeStored(profile: VersionProfile, text: string): string {
  switch (profile.encoding) {
    case 'raw':
      return text;
    case 'lt':
      return text.replace(/</g, '&lt;').replace(/>/g, '&gt;');
    case 'numeric':
      return text.replace(/&/g, '&#38;').replace(/</g, '&#60;').replace(/>/g, '&#62;');
  }
}
