/**
 * What each emulated GLPI version does differently. Sources: GLPI's code (the GLPI API notes, glpi-api.md)
 * and, where they disagree, the real exchanges in test/fixtures/glpi-captures, which win. Numbers in
 * parentheses are capture numbers in the folder of that version (9.1.6, 9.5.13, 10.0.14).
 */
export const PROFILE_NAMES = ['9.1', '9.5', '10.0', '11.0'] as const;
export type ProfileName = (typeof PROFILE_NAMES)[number];

export interface VersionProfile {
  name: ProfileName;
  /** What getGlpiConfig and the `version` row of Config report. */
  version: string;
  /** getGlpiConfig exists from 9.2; 9.1.6 answers 400 ERROR_RESOURCE_NOT_FOUND_NOR_COMMONDBTM (9.1.6: 11). */
  glpiConfigEndpoint: boolean;
  /**
   * 9.1–9.4 json_encode with JSON_NUMERIC_CHECK: numeric-looking strings become numbers (9.1.6: 28
   * `ticket_tco` 0, 23 `autofill_*` -2).
   */
  numericCheck: boolean;
  /** ERROR_RIGHT_MISSING status: 401 in 9.1 (9.1.6: 19); 403 in 9.5.13 (16, 28), as in 10+. */
  rightMissingStatus: 401 | 403;
  /**
   * Stored-text encoding: `lt` = `<`→`&lt;` (9.1.1+; 9.5.13: 11), `numeric` = `&#60; &#62; &#38;` (10.0),
   * `raw` = none (11).
   */
  encoding: 'lt' | 'numeric' | 'raw';
  /**
   * 9.1 without rich text runs Html::clean on Ticket content: tags stripped, `&`→`&amp;`, quotes kept
   * (9.1.6: 45 → 46). Later versions store it like any other text (9.5.13: 39 → 40).
   */
  ticketContentCleaned: boolean;
  /** 9.1 (mod_php) matches App-Token / Session-Token / Authorization case-sensitively. */
  caseSensitiveHeaders: boolean;
  /** A wrong App-Token: 9.1.6 answers as for a missing one (9.1.6: 03 = 04); 9.5/10 say it is wrong. */
  wrongAppTokenCode: 'ERROR_APP_TOKEN_PARAMETERS_MISSING' | 'ERROR_WRONG_APP_TOKEN_PARAMETER';
  /** 9.1 routes GET /Entity without an id to getItem(Entity, false): 404, never a list (9.1.6: 13, 14). */
  entityListIsItem: boolean;
  /**
   * 9.1 keeps the entity tree caches in the row, ids as DB strings: `sons_cache` `{"1":1}`,
   * `ancestors_cache` `["0"]` (9.1.6: 23); 9.5.13 has `sons_cache` null and `[0]` (29).
   */
  treeCacheInRow: boolean;
  /** getMyEntities `is_recursive` (9.2+); 9.1 ignores it (9.1.6: 06 = 07). */
  myEntitiesRecursive: boolean;
  /**
   * A collection read without `range`: 9.1 reads 0-list_limit (0-20), answers 200 and echoes the end
   * unclamped (9.1.6: 12, 30, 42 say `0-20/1`); an explicit range is clamped (9.1.6: 29 `0-0/1`).
   * 9.5/10 clamp both (9.5.13: 41, 10.0.14: 20).
   */
  legacyDefaultRange: boolean;
  /** A duplicate key fails add() with an empty message in 9.1.6 (18 Entity, 41 Contract_Item). */
  duplicateMessage: boolean;
  /**
   * 9.1.6's /search puts criteria values in the SQL unescaped: a `'` answers 500 ERROR_SQL with
   * MariaDB's syntax error (9.1.6: 61). In a collection's searchText the failed query reads as no rows,
   * 200 [] (GLPI 9.1 API::getItems, from its code; not captured).
   */
  searchQuoteBreaksSql: boolean;
  /** killSession body: empty in 9.x (9.1.6: 65), `true` from 10.0. */
  killSessionBody: '' | 'true';
  /** search `sort`/`order`: scalars in 9.x (9.1.6: 31), arrays of strings from 10.0 (10.0.14: 25). */
  searchSortAsArray: boolean;
  /** 9.4+: "Item successfully added: <name>"; 9.1.6: "" (9.1.6: 17, 27, 36). */
  addMessage: boolean;
  /**
   * The message of a created ticket: 9.1.6 "Your ticket has been registered. (Ticket: N)" (45);
   * 9.5.13 "Item successfully added: <name>" (39); 10.0.14 "… <name> (N)" (35).
   */
  ticketAddedMessage: 'registered' | 'name' | 'name-id';
  /** Single update of a missing item: 9.1.6 says "Item not found" (35); 9.5.13 and 10 say null. */
  updateNotFoundMessage: string | null;
  /** 9.1 keeps the OS and licence on Computer (9.1.6: 27, 28) and has no Item_OperatingSystem (33). */
  os: 'computer-fields' | 'item-os';
  /** 9.1 has TicketFollowup (9.1.6: 48, 50) and no ITILFollowup (49). */
  followup: 'TicketFollowup' | 'ITILFollowup';
  /** 9.1 solves through the ticket's `solution` field (9.1.6: 51, 52) and has no ITILSolution (53). */
  solution: 'ticket-field' | 'ITILSolution';
  /** 10.0 adds last_inventory_update/last_boot to Computer, takeintoaccountdate to Ticket. */
  computer10Fields: boolean;
  ticketExternalId: boolean;
  /**
   * 9.x's "default technician": a ticket the API user creates is assigned to it, so it opens as status 2
   * (9.1.6: 46; 9.5.13: 40); 10.0.14 leaves it New (36). Who becomes requester: ticket-rules.ts.
   */
  ticketAssignsCreator: boolean;
  /**
   * Root entity `autoclose_delay`: 0 (close at once) in stock 9.1.6, so solving closes (51 → 52);
   * -10 (never) later, so a solved ticket stays 5 (9.5.13: 44 → 45).
   */
  rootAutocloseDelay: number;
}

const base = {
  glpiConfigEndpoint: true,
  numericCheck: false,
  ticketContentCleaned: false,
  caseSensitiveHeaders: false,
  wrongAppTokenCode: 'ERROR_WRONG_APP_TOKEN_PARAMETER',
  entityListIsItem: false,
  treeCacheInRow: false,
  myEntitiesRecursive: true,
  legacyDefaultRange: false,
  duplicateMessage: true,
  searchQuoteBreaksSql: false,
  addMessage: true,
  os: 'item-os',
  followup: 'ITILFollowup',
  solution: 'ITILSolution',
  ticketExternalId: false,
  rootAutocloseDelay: -10,
} as const;

export const PROFILES: Record<ProfileName, VersionProfile> = {
  '9.1': {
    ...base,
    name: '9.1',
    version: '9.1.6',
    glpiConfigEndpoint: false,
    numericCheck: true,
    rightMissingStatus: 401,
    encoding: 'lt',
    ticketContentCleaned: true,
    caseSensitiveHeaders: true,
    wrongAppTokenCode: 'ERROR_APP_TOKEN_PARAMETERS_MISSING',
    entityListIsItem: true,
    treeCacheInRow: true,
    myEntitiesRecursive: false,
    legacyDefaultRange: true,
    duplicateMessage: false,
    searchQuoteBreaksSql: true,
    killSessionBody: '',
    searchSortAsArray: false,
    addMessage: false,
    ticketAddedMessage: 'registered',
    updateNotFoundMessage: 'Item not found',
    os: 'computer-fields',
    followup: 'TicketFollowup',
    solution: 'ticket-field',
    computer10Fields: false,
    ticketAssignsCreator: true,
    rootAutocloseDelay: 0,
  },
  '9.5': {
    ...base,
    name: '9.5',
    version: '9.5.13',
    rightMissingStatus: 403,
    encoding: 'lt',
    killSessionBody: '',
    searchSortAsArray: false,
    ticketAddedMessage: 'name',
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
    ticketAddedMessage: 'name-id',
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
    ticketAddedMessage: 'name-id',
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

/**
 * 9.1's Html::clean on plain-text ticket content: block tags become line breaks, other tags go, and
 * htmLawed leaves the text entity-encoded (`&`→`&amp;`, stray `<`/`>` → `&lt;`/`&gt;`), trimmed.
 */
export function cleanPlainText(text: string): string {
  return text
    .replace(/<(p|br|div)( [^>]*)?\/?>/gi, '\n')
    .replace(/<\/?[a-z!][^<>]*>/gi, '')
    .replace(/&(?!(#\d+|#x[0-9a-f]+|[a-z][a-z0-9]*);)/gi, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/\r\n?/g, '\n')
    .replace(/(\n *){2,}/g, '\n\n')
    .trim();
}
