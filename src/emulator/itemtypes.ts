import type { VersionProfile } from './profiles';
import { ticketActorItemtypes } from './ticket-rules';

/** A stored row: GLPI columns by name. */
export type Row = Record<string, unknown> & { id: number };

/** How the search engine shows one search option of an itemtype. */
export interface SearchOption {
  name: string;
  /** Column the option reads; `equals` compares against it (for a name option: the id, as GLPI does). */
  column: string;
  /** Display value; defaults to the column's value. */
  display?: (row: Row, db: Lookup) => unknown;
  /** `equals` on this option compares the id (itemlink options such as 1 = Name). */
  equalsOnId?: boolean;
  /** listSearchOptions metadata; defaults: the itemtype's table, `column`, 'string'. */
  datatype?: 'itemlink' | 'number' | 'string' | 'text' | 'datetime' | 'date' | 'dropdown' | 'tree';
  table?: string;
  field?: string;
  uid?: string;
}

export interface Lookup {
  get(itemtype: string, id: number): Row | undefined;
  all(itemtype: string): Row[];
  entityName(id: number): string;
}

export interface ItemtypeDef {
  /** Columns with their default values, in GLPI's column order. */
  columns: Record<string, unknown>;
  /** Lives in an entity (visibility and create rights follow the active entities). */
  entityAssigned: boolean;
  /** Has a trash: DELETE without force_purge sets is_deleted. */
  hasTrash: boolean;
  /** Text columns GLPI sanitises on input. */
  text: string[];
  searchOptions: Record<number, SearchOption>;
  /** Columns shown by a search without forcedisplay (the stock display preferences). */
  defaultDisplay: number[];
  /** HATEOAS links: column → linked itemtype ('*': the row's own `itemtype` column). */
  links?: Record<string, string>;
  /** Name in the "Item successfully added: …" message. */
  addedName?: (row: Row, db: Lookup) => string;
  /** The whole create message, whatever the version's default (9.1's ticket message). */
  addedMessage?: (row: Row) => string;
}

const dropdownName = (itemtype: string, column: string) => (row: Row, db: Lookup) =>
  db.get(itemtype, Number(row[column]))?.name ?? null;

const nameOptions: Record<number, SearchOption> = {
  1: { name: 'Name', column: 'name', equalsOnId: true, datatype: 'itemlink' },
  2: { name: 'ID', column: 'id', datatype: 'number' },
  16: { name: 'Comments', column: 'comment', datatype: 'text' },
  19: { name: 'Last update', column: 'date_mod', datatype: 'datetime' },
};

const dropdown = (): ItemtypeDef => ({
  columns: { name: null, comment: null, date_mod: null, date_creation: null },
  entityAssigned: false,
  hasTrash: false,
  text: ['name', 'comment'],
  searchOptions: nameOptions,
  defaultDisplay: [1],
});

const entityOption: SearchOption = {
  name: 'Entity',
  column: 'entities_id',
  display: (row, db) => db.entityName(Number(row.entities_id)),
  datatype: 'tree',
  table: 'glpi_entities',
  field: 'completename',
  uid: 'Entity.completename',
};

function computer(profile: VersionProfile): ItemtypeDef {
  const onComputer = profile.os === 'computer-fields';
  // Column order matters: HATEOAS links follow it. 9.1 has the OS after date_mod (9.1.6: 28).
  const columns: Record<string, unknown> = {
    entities_id: 0,
    name: null,
    serial: null,
    otherserial: null,
    contact: null,
    contact_num: null,
    users_id_tech: 0,
    groups_id_tech: 0,
    comment: null,
    date_mod: null,
    ...(onComputer
      ? {
          operatingsystems_id: 0,
          operatingsystemversions_id: 0,
          operatingsystemservicepacks_id: 0,
          operatingsystemarchitectures_id: 0,
          os_license_number: null,
          os_licenseid: null,
          os_kernel_version: null,
        }
      : {}),
    autoupdatesystems_id: 0,
    locations_id: 0,
    ...(onComputer ? { domains_id: 0 } : {}),
    networks_id: 0,
    computermodels_id: 0,
    computertypes_id: 0,
    is_template: 0,
    template_name: null,
    manufacturers_id: 0,
    is_deleted: 0,
    is_dynamic: 0,
    users_id: 0,
    groups_id: 0,
    states_id: 0,
    ticket_tco: '0.0000',
    uuid: null,
    date_creation: null,
    is_recursive: 0,
    ...(profile.computer10Fields ? { last_inventory_update: null, last_boot: null } : {}),
  };
  const osRow = (row: Row, db: Lookup) =>
    profile.os === 'computer-fields'
      ? row
      : db.all('Item_OperatingSystem').find((l) => l.itemtype === 'Computer' && l.items_id === row.id);
  return {
    columns,
    entityAssigned: true,
    hasTrash: true,
    text: [
      'name',
      'serial',
      'otherserial',
      'comment',
      'contact',
      'uuid',
      'os_licenseid',
      'os_license_number',
    ],
    searchOptions: {
      ...nameOptions,
      3: {
        name: 'Location',
        column: 'locations_id',
        display: () => null,
        datatype: 'tree',
        table: 'glpi_locations',
        field: 'completename',
        uid: 'Location.completename',
      },
      4: {
        name: 'Type',
        column: 'computertypes_id',
        display: dropdownName('ComputerType', 'computertypes_id'),
        datatype: 'dropdown',
        table: 'glpi_computertypes',
        field: 'name',
        uid: 'ComputerType.name',
      },
      5: { name: 'Serial number', column: 'serial' },
      6: { name: 'Inventory number', column: 'otherserial' },
      17: {
        name: 'Processor',
        column: 'id',
        display: () => null,
        table: 'glpi_deviceprocessors',
        field: 'designation',
        uid: 'Item_DeviceProcessor.DeviceProcessor.designation',
      },
      23: {
        name: 'Manufacturer',
        column: 'manufacturers_id',
        datatype: 'dropdown',
        table: 'glpi_manufacturers',
        field: 'name',
        uid: 'Manufacturer.name',
        display: dropdownName('Manufacturer', 'manufacturers_id'),
      },
      31: {
        name: 'Status',
        column: 'states_id',
        display: () => null,
        datatype: 'tree',
        table: 'glpi_states',
        field: 'completename',
        uid: 'State.completename',
      },
      40: {
        name: 'Model',
        column: 'computermodels_id',
        display: () => null,
        datatype: 'dropdown',
        table: 'glpi_computermodels',
        field: 'name',
        uid: 'ComputerModel.name',
      },
      44: {
        name: 'Product ID',
        column: 'id',
        table: 'glpi_items_operatingsystems',
        field: 'licenseid',
        uid: 'Item_OperatingSystem.licenseid',
        display: (row, db) => {
          const os = osRow(row, db);
          return os ? (os.os_licenseid ?? os.licenseid ?? os.license_id ?? null) : null;
        },
      },
      45: {
        name: 'Name',
        column: 'id',
        datatype: 'dropdown',
        table: 'glpi_operatingsystems',
        field: 'name',
        uid: 'Item_OperatingSystem.OperatingSystem.name',
        display: (row, db) => {
          const os = osRow(row, db);
          return os ? (db.get('OperatingSystem', Number(os.operatingsystems_id))?.name ?? null) : null;
        },
      },
      80: entityOption,
    },
    defaultDisplay: [1, 31, 23, 5, 4, 40, 45, 3, 19, 17],
    links: {
      entities_id: 'Entity',
      computertypes_id: 'ComputerType',
      manufacturers_id: 'Manufacturer',
      operatingsystems_id: 'OperatingSystem',
    },
  };
}

function ticket(profile: VersionProfile): ItemtypeDef {
  // Column order and set as in the real rows: 9.1.6 (46), 9.5.13 (40), 10.0.14 (36); 11 adds externalid.
  const modern = profile.name !== '9.1';
  const columns: Record<string, unknown> = {
    entities_id: 0,
    name: null,
    date: null,
    closedate: null,
    solvedate: null,
    ...(profile.computer10Fields ? { takeintoaccountdate: null } : {}),
    date_mod: null,
    users_id_lastupdater: 0,
    status: 1,
    users_id_recipient: 0,
    requesttypes_id: 1,
    content: null,
    urgency: 3,
    impact: 3,
    priority: 3,
    itilcategories_id: 0,
    type: 1,
    ...(profile.solution === 'ticket-field' ? { solutiontypes_id: 0, solution: null } : {}),
    global_validation: 1,
    ...(modern
      ? { slas_id_ttr: 0, slas_id_tto: 0, slalevels_id_ttr: 0, time_to_resolve: null, time_to_own: null }
      : { slts_tto_id: 0, slts_ttr_id: 0, ttr_slalevels_id: 0, due_date: null, time_to_own: null }),
    begin_waiting_date: null,
    sla_waiting_duration: 0,
    ...(modern
      ? {
          ola_waiting_duration: 0,
          olas_id_tto: 0,
          olas_id_ttr: 0,
          olalevels_id_ttr: 0,
          ...(profile.computer10Fields ? { ola_tto_begin_date: null } : {}),
          ola_ttr_begin_date: null,
          internal_time_to_resolve: null,
          internal_time_to_own: null,
        }
      : {}),
    waiting_duration: 0,
    close_delay_stat: 0,
    solve_delay_stat: 0,
    takeintoaccount_delay_stat: 0,
    actiontime: 0,
    is_deleted: 0,
    locations_id: 0,
    validation_percent: 0,
    date_creation: null,
    ...(profile.ticketExternalId ? { externalid: null } : {}),
  };
  return {
    columns,
    entityAssigned: true,
    hasTrash: true,
    text: ['name', 'content', 'solution', 'externalid'],
    searchOptions: {
      ...nameOptions,
      3: { name: 'Priority', column: 'priority' },
      7: {
        name: 'Category',
        column: 'itilcategories_id',
        display: (row, db) => db.get('ITILCategory', Number(row.itilcategories_id))?.completename ?? null,
      },
      9: {
        name: 'Request source',
        column: 'requesttypes_id',
        display: dropdownName('RequestType', 'requesttypes_id'),
      },
      10: { name: 'Urgency', column: 'urgency' },
      11: { name: 'Impact', column: 'impact' },
      12: { name: 'Status', column: 'status' },
      13: {
        name: 'Associated element',
        column: 'id',
        display: (row, db) => db.all('Item_Ticket').find((l) => l.tickets_id === row.id)?.items_id ?? null,
      },
      14: { name: 'Type', column: 'type' },
      15: { name: 'Opening date', column: 'date' },
      21: { name: 'Description', column: 'content' },
      80: entityOption,
      131: {
        name: 'Associated item type',
        column: 'id',
        display: (row, db) => db.all('Item_Ticket').find((l) => l.tickets_id === row.id)?.itemtype ?? null,
      },
    },
    defaultDisplay: [1, 80, 12, 19, 15, 3, 7],
    links: {
      entities_id: 'Entity',
      users_id_lastupdater: 'User',
      users_id_recipient: 'User',
      requesttypes_id: 'RequestType',
      itilcategories_id: 'ITILCategory',
    },
    addedName: (row) =>
      profile.ticketAddedMessage === 'name' ? String(row.name) : `${String(row.name)} (${row.id})`,
    ...(profile.ticketAddedMessage === 'registered'
      ? { addedMessage: (row: Row) => `Your ticket has been registered. (Ticket: ${row.id})` }
      : {}),
  };
}

function contract(): ItemtypeDef {
  return {
    columns: {
      entities_id: 0,
      is_recursive: 0,
      name: null,
      num: null,
      contracttypes_id: 0,
      begin_date: null,
      duration: 0,
      notice: 0,
      periodicity: 0,
      billing: 0,
      comment: null,
      accounting_number: null,
      is_deleted: 0,
      week_begin_hour: '00:00:00',
      week_end_hour: '00:00:00',
      saturday_begin_hour: '00:00:00',
      saturday_end_hour: '00:00:00',
      use_saturday: 0,
      sunday_begin_hour: '00:00:00',
      sunday_end_hour: '00:00:00',
      use_sunday: 0,
      max_links_allowed: 0,
      alert: 0,
      renewal: 0,
      template_name: null,
      is_template: 0,
      date_mod: null,
      date_creation: null,
    },
    entityAssigned: true,
    hasTrash: true,
    text: ['name', 'num', 'comment', 'accounting_number'],
    searchOptions: {
      ...nameOptions,
      3: { name: 'Number', column: 'num' },
      5: { name: 'Start date', column: 'begin_date' },
      6: { name: 'Initial contract period', column: 'duration' },
      80: entityOption,
    },
    defaultDisplay: [1, 3, 4, 5, 6, 80],
    links: { entities_id: 'Entity' },
  };
}

/** Entity columns that 9.1 does not have yet (9.1.6: 23 against 9.5.13: 29). */
const ENTITY_SINCE_9_2 = [
  'use_certificates_alert',
  'send_certificates_alert_before_delay',
  'use_domains_alert',
  'send_domains_alert_close_expiries_delay',
  'send_domains_alert_expired_delay',
  'autopurge_delay',
  'changetemplates_id',
  'problemtemplates_id',
  'suppliers_as_private',
  'anonymize_support_agents',
  'enable_custom_css',
  'custom_css_code',
  'latitude',
  'longitude',
  'altitude',
];

function entity(profile: VersionProfile): ItemtypeDef {
  const columns: Record<string, unknown> = {
    name: null,
    entities_id: 0,
    completename: null,
    comment: null,
    level: 1,
    sons_cache: null,
    ancestors_cache: null,
    address: null,
    postcode: null,
    town: null,
    state: null,
    country: null,
    website: null,
    phonenumber: null,
    fax: null,
    email: null,
    admin_email: null,
    admin_email_name: null,
    admin_reply: null,
    admin_reply_name: null,
    notification_subject_tag: null,
    ldap_dn: null,
    tag: null,
    authldaps_id: 0,
    mail_domain: null,
    entity_ldapfilter: null,
    mailing_signature: null,
    cartridges_alert_repeat: -2,
    consumables_alert_repeat: -2,
    use_licenses_alert: -2,
    send_licenses_alert_before_delay: -2,
    use_certificates_alert: -2,
    send_certificates_alert_before_delay: -2,
    use_contracts_alert: -2,
    send_contracts_alert_before_delay: -2,
    use_infocoms_alert: -2,
    send_infocoms_alert_before_delay: -2,
    use_reservations_alert: -2,
    use_domains_alert: -2,
    send_domains_alert_close_expiries_delay: -2,
    send_domains_alert_expired_delay: -2,
    autoclose_delay: -2,
    autopurge_delay: -10,
    notclosed_delay: -2,
    calendars_id: -2,
    auto_assign_mode: -2,
    tickettype: -2,
    max_closedate: null,
    inquest_config: -2,
    inquest_rate: 0,
    inquest_delay: -10,
    inquest_URL: null,
    autofill_warranty_date: '-2',
    autofill_use_date: '-2',
    autofill_buy_date: '-2',
    autofill_delivery_date: '-2',
    autofill_order_date: '-2',
    tickettemplates_id: -2,
    changetemplates_id: -2,
    problemtemplates_id: -2,
    entities_id_software: -2,
    default_contract_alert: -2,
    default_infocom_alert: -2,
    default_cartridges_alarm_threshold: -2,
    default_consumables_alarm_threshold: -2,
    delay_send_emails: -2,
    is_notif_enable_default: -2,
    inquest_duration: 0,
    date_mod: null,
    date_creation: null,
    autofill_decommission_date: '-2',
    suppliers_as_private: -2,
    anonymize_support_agents: -2,
    enable_custom_css: -2,
    custom_css_code: null,
    latitude: null,
    longitude: null,
    altitude: null,
  };
  if (profile.name === '9.1') for (const column of ENTITY_SINCE_9_2) delete columns[column];
  return {
    columns,
    entityAssigned: true,
    hasTrash: false,
    text: ['name', 'comment', 'completename'],
    searchOptions: {
      1: { name: 'Complete name', column: 'completename', equalsOnId: true, datatype: 'itemlink' },
      2: { name: 'ID', column: 'id' },
      14: { name: 'Name', column: 'name' },
      16: { name: 'Comments', column: 'comment' },
    },
    defaultDisplay: [1],
    links: { entities_id: 'Entity' },
  };
}

const relation = (columns: Record<string, unknown>, links: Record<string, string> = {}): ItemtypeDef => ({
  columns,
  entityAssigned: false,
  hasTrash: false,
  text: [],
  searchOptions: { 2: { name: 'ID', column: 'id' } },
  defaultDisplay: [2],
  links,
});

export function itemtypes(profile: VersionProfile): Record<string, ItemtypeDef> {
  const defs: Record<string, ItemtypeDef> = {
    Entity: entity(profile),
    Computer: computer(profile),
    ComputerType: dropdown(),
    Manufacturer: dropdown(),
    OperatingSystem: dropdown(),
    ContractType: dropdown(),
    SolutionType: { ...dropdown(), entityAssigned: false },
    RequestType: {
      ...dropdown(),
      columns: {
        name: null,
        is_helpdesk_default: 0,
        is_followup_default: 0,
        is_mail_default: 0,
        is_mailfollowup_default: 0,
        is_active: 1,
        is_ticketheader: 1,
        is_itilfollowup: 1,
        comment: null,
        date_mod: null,
        date_creation: null,
      },
    },
    ITILCategory: {
      ...dropdown(),
      columns: {
        entities_id: 0,
        is_recursive: 1,
        itilcategories_id: 0,
        name: null,
        completename: null,
        comment: null,
        level: 1,
        is_helpdeskvisible: 1,
        is_incident: 1,
        is_request: 1,
        is_problem: 1,
        is_change: 1,
        date_mod: null,
        date_creation: null,
      },
      searchOptions: {
        ...nameOptions,
        1: { name: 'Complete name', column: 'completename', equalsOnId: true, datatype: 'itemlink' },
      },
    },
    Contract: contract(),
    Contract_Item: relation(
      { contracts_id: 0, items_id: 0, itemtype: null },
      { contracts_id: 'Contract', items_id: '*' },
    ),
    Ticket: ticket(profile),
    Item_Ticket: relation(
      { itemtype: null, items_id: 0, tickets_id: 0 },
      { items_id: '*', tickets_id: 'Ticket' },
    ),
    Ticket_User: relation({
      tickets_id: 0,
      users_id: 0,
      type: 1,
      use_notification: 1,
      alternative_email: null,
    }),
    // GLPI's configuration rows; 9.1 reads its version here, having no getGlpiConfig (9.1.6: 12).
    Config: relation({ context: null, name: null, value: null }),
    Item_Disk: relation({ itemtype: null, items_id: 0, name: null, mountpoint: null }),
    User: {
      ...dropdown(),
      columns: { name: null, realname: null, firstname: null, is_active: 1, entities_id: 0, date_mod: null },
    },
    ...ticketActorItemtypes(),
  };
  if (profile.os === 'item-os') {
    defs.Item_OperatingSystem = {
      ...relation(
        {
          items_id: 0,
          itemtype: null,
          operatingsystems_id: 0,
          operatingsystemversions_id: 0,
          operatingsystemservicepacks_id: 0,
          operatingsystemarchitectures_id: 0,
          operatingsystemkernelversions_id: 0,
          license_number: null,
          licenseid: null,
          operatingsystemeditions_id: 0,
          date_mod: null,
          date_creation: null,
          is_deleted: 0,
          is_dynamic: 0,
          entities_id: 0,
          is_recursive: 0,
        },
        { items_id: '*', operatingsystems_id: 'OperatingSystem' },
      ),
      text: ['license_number', 'licenseid'],
      addedName: (row, db) => `Computer ${String(db.get('Computer', Number(row.items_id))?.name ?? '')}`,
    };
  }
  const followup: Record<string, unknown> =
    profile.followup === 'ITILFollowup'
      ? {
          itemtype: null,
          items_id: 0,
          date: null,
          users_id: 0,
          users_id_editor: 0,
          content: null,
          is_private: 0,
          requesttypes_id: 0,
          date_mod: null,
          date_creation: null,
          timeline_position: 1,
          sourceitems_id: 0,
          sourceof_items_id: 0,
        }
      : {
          tickets_id: 0,
          date: null,
          users_id: 0,
          content: null,
          is_private: 0,
          requesttypes_id: 0,
          date_mod: null,
        };
  defs[profile.followup] = {
    ...relation(followup, { items_id: '*', tickets_id: 'Ticket', users_id: 'User' }),
    text: ['content'],
    addedName: () => '',
  };
  if (profile.solution === 'ITILSolution') {
    defs.ITILSolution = {
      ...relation(
        {
          itemtype: null,
          items_id: 0,
          solutiontypes_id: 0,
          solutiontype_name: null,
          content: null,
          date_creation: null,
          date_mod: null,
          date_approval: null,
          users_id: 0,
          user_name: null,
          users_id_editor: 0,
          users_id_approval: 0,
          user_name_approval: null,
          status: 2,
          itilfollowups_id: null,
        },
        { items_id: '*', users_id: 'User' },
      ),
      text: ['content'],
      addedName: (row) => String(row.id),
    };
  }
  return defs;
}
