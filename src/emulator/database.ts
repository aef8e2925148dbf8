import { cleanPlainText, encodeStored, type VersionProfile } from './profiles';
import { itemtypes, type ItemtypeDef, type Lookup, type Row } from './itemtypes';
import { glpiDate } from './php-http';
import { solutionStatus, ticketActors, ticketDateVerdict } from './ticket-rules';

/** A refusal from GLPI's business rules (`$item->add()` returning false), with GLPI's message. */
export class RefusedError extends Error {}

/** What the acting session brings to a write: who acts, and which entities it may write to. */
export interface Actor {
  userId: number;
  activeEntities: Set<number>;
}

const PERMISSION = "You don't have permission to perform this action.";

/** GLPI's default urgency × impact → priority matrix. */
const PRIORITY: Record<number, Record<number, number>> = {
  1: { 1: 1, 2: 1, 3: 2, 4: 2, 5: 2 },
  2: { 1: 1, 2: 2, 3: 2, 4: 3, 5: 3 },
  3: { 1: 2, 2: 2, 3: 3, 4: 4, 5: 4 },
  4: { 1: 2, 2: 3, 3: 4, 4: 4, 5: 5 },
  5: { 1: 2, 2: 3, 3: 4, 4: 5, 5: 5 },
};

/**
 * The emulated GLPI database and the business rules that run on add, update and delete. Tables are
 * plain maps; every rule here mirrors a rule of real GLPI that the bridge depends on.
 */
export class Database implements Lookup {
  readonly defs: Record<string, ItemtypeDef>;
  private readonly tables = new Map<string, Map<number, Row>>();
  private readonly nextId = new Map<string, number>();

  constructor(
    readonly profile: VersionProfile,
    private readonly now: () => Date = () => new Date(),
  ) {
    this.defs = itemtypes(profile);
    for (const name of Object.keys(this.defs)) this.tables.set(name, new Map());
    this.insert('Entity', {
      id: 0,
      name: 'Root entity',
      entities_id: -1,
      completename: 'Root entity',
      level: 1,
      ancestors_cache: '[]',
      autoclose_delay: profile.rootAutocloseDelay,
    });
    this.insert('User', { id: 2, name: 'glpi', is_active: 1 });
    this.insert('Config', { id: 1, context: 'core', name: 'version', value: profile.version });
    const requestTypes = ['Helpdesk', 'E-Mail', 'Phone', 'Direct', 'Written', 'Other'];
    requestTypes.forEach((name, i) => this.insert('RequestType', { id: i + 1, name }));
  }

  has(itemtype: string): boolean {
    return this.tables.has(itemtype);
  }

  get(itemtype: string, id: number): Row | undefined {
    return this.tables.get(itemtype)?.get(id);
  }

  all(itemtype: string): Row[] {
    return [...(this.tables.get(itemtype)?.values() ?? [])];
  }

  entityName(id: number): string {
    return String(this.get('Entity', id)?.completename ?? '');
  }

  /** Ids of an entity and all its descendants (9.1's getSonsOf also caches them in the row). */
  subtree(id: number): number[] {
    const out = [id];
    for (let i = 0; i < out.length; i++) {
      for (const e of this.all('Entity')) if (e.entities_id === out[i] && e.id !== 0) out.push(e.id);
    }
    const row = this.get('Entity', id);
    if (row && this.profile.treeCacheInRow) {
      row.sons_cache = JSON.stringify(Object.fromEntries(out.map((e) => [e, e])));
    }
    return out;
  }

  /** Stores a row as is (seeding, or a person editing GLPI in a test), filling defaults. */
  insert(itemtype: string, values: Partial<Row>): Row {
    const def = this.def(itemtype);
    const table = this.tables.get(itemtype)!;
    const id = values.id ?? this.nextId.get(itemtype) ?? 1;
    this.nextId.set(itemtype, Math.max(this.nextId.get(itemtype) ?? 1, id + 1));
    const stamp = glpiDate(this.now());
    const row: Row = { id, ...def.columns, ...values } as Row;
    if ('date_mod' in def.columns && row.date_mod === null) row.date_mod = stamp;
    if ('date_creation' in def.columns && row.date_creation === null) row.date_creation = stamp;
    table.set(id, row);
    return row;
  }

  /** `$item->add($input)`: rights, sanitising, defaults and the itemtype's rules. Returns the new row. */
  add(itemtype: string, rawInput: Record<string, unknown>, actor: Actor, sessionEntity: number): Row {
    const def = this.def(itemtype);
    const input = this.sanitize(itemtype, def, rawInput);
    // The API injects the active entity when the input names none.
    if (input.entities_id === undefined) input.entities_id = sessionEntity;
    const entity = Number(input.entities_id);
    if (def.entityAssigned && !actor.activeEntities.has(entity)) throw new RefusedError(PERMISSION);
    const values = this.keepColumns(def, input);
    const rules = this.addRules[itemtype];
    const extra = rules ? rules(values, input, actor) : undefined;
    const row = this.insert(itemtype, values);
    extra?.(row);
    return row;
  }

  /** `$item->update($input)`. Returns false when the row does not exist. */
  update(itemtype: string, id: number, rawInput: Record<string, unknown>, actor: Actor): boolean {
    const def = this.def(itemtype);
    const row = this.get(itemtype, id);
    if (!row) return false;
    if (def.entityAssigned && !this.visible(itemtype, row, actor)) throw new RefusedError(PERMISSION);
    const input = this.sanitize(itemtype, def, rawInput);
    const values = this.keepColumns(def, input);
    delete values.id;
    const before = { ...row };
    Object.assign(row, values);
    if (itemtype === 'Ticket') this.ticketUpdated(row, before, input);
    if ('date_mod' in def.columns) row.date_mod = glpiDate(this.now());
    return true;
  }

  /** `$item->delete()`: to the trash, or purged. Returns false when the row does not exist. */
  delete(itemtype: string, id: number, purge: boolean, actor: Actor): boolean {
    const def = this.def(itemtype);
    const row = this.get(itemtype, id);
    if (!row) return false;
    if (def.entityAssigned && !this.visible(itemtype, row, actor)) throw new RefusedError(PERMISSION);
    if (def.hasTrash && !purge) {
      row.is_deleted = 1;
      return true;
    }
    this.tables.get(itemtype)!.delete(id);
    // Relations of a purged item go with it.
    for (const [type, column] of [
      ['Item_Ticket', 'items_id'],
      ['Contract_Item', 'items_id'],
      ['Item_OperatingSystem', 'items_id'],
    ] as const) {
      for (const rel of this.all(type))
        if (rel.itemtype === itemtype && rel[column] === id) this.tables.get(type)!.delete(rel.id);
    }
    return true;
  }

  visible(itemtype: string, row: Row, actor: Actor): boolean {
    const def = this.defs[itemtype];
    if (!def?.entityAssigned) return true;
    const entity = itemtype === 'Entity' ? row.id : Number(row.entities_id);
    if (actor.activeEntities.has(entity)) return true;
    // A recursive item in a parent of an active entity is visible below it.
    return (
      Boolean(row.is_recursive) && [...actor.activeEntities].some((a) => this.subtree(entity).includes(a))
    );
  }

  private def(itemtype: string): ItemtypeDef {
    const def = this.defs[itemtype];
    if (!def) throw new Error(`unknown itemtype ${itemtype}`);
    return def;
  }

  /** Toolbox::sanitize / Sanitizer: text columns are stored encoded per version. */
  private sanitize(
    itemtype: string,
    def: ItemtypeDef,
    input: Record<string, unknown>,
  ): Record<string, unknown> {
    const out: Record<string, unknown> = { ...input };
    for (const column of def.text) {
      const value = out[column];
      if (typeof value !== 'string') continue;
      const plain = itemtype === 'Ticket' && column === 'content' && this.profile.ticketContentCleaned;
      out[column] = plain ? cleanPlainText(value) : encodeStored(this.profile, value);
    }
    return out;
  }

  /** Unknown input columns are silently ignored, as in GLPI. Booleans become 0/1. */
  private keepColumns(def: ItemtypeDef, input: Record<string, unknown>): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(input)) {
      if (key === 'id' || key in def.columns) out[key] = typeof value === 'boolean' ? Number(value) : value;
    }
    return out;
  }

  private unique(itemtype: string, values: Record<string, unknown>, columns: string[]): void {
    const clash = this.all(itemtype).find((row) =>
      columns.every((c) => String(row[c]) === String(values[c])),
    );
    if (clash) {
      const key = columns.map((c) => String(values[c])).join('-');
      throw this.duplicate(`Duplicate entry '${key}' for key 'unicity'`);
    }
  }

  /** A duplicate key: 9.1.6 fails with no message at all (18, 41). */
  private duplicate(message: string): RefusedError {
    return new RefusedError(this.profile.duplicateMessage ? message : '');
  }

  private requireRow(itemtype: string, id: unknown, actor: Actor): Row {
    const row = this.get(itemtype, Number(id));
    if (!row || !this.visible(itemtype, row, actor)) throw new RefusedError(PERMISSION);
    return row;
  }

  /** Per-itemtype add rules; each may return a hook that runs once the row has its id. */
  private readonly addRules: Record<
    string,
    (
      values: Record<string, unknown>,
      input: Record<string, unknown>,
      actor: Actor,
    ) => ((row: Row) => void) | void
  > = {
    Entity: (values) => {
      const parent = this.get('Entity', Number(values.entities_id));
      if (!parent) throw new RefusedError(PERMISSION);
      const siblings = this.all('Entity').filter((e) => e.entities_id === parent.id && e.id !== 0);
      if (siblings.some((e) => e.name === values.name)) {
        throw this.duplicate('An entity with that name already exists at the same level.');
      }
      values.completename = `${String(parent.completename)} > ${String(values.name)}`;
      values.level = Number(parent.level) + 1;
      const ancestors = this.ancestors(parent.id);
      values.ancestors_cache = JSON.stringify(
        this.profile.treeCacheInRow ? ancestors.map(String) : ancestors,
      );
      values.max_closedate = glpiDate(this.now());
    },
    ITILCategory: (values) => {
      const parent = this.get('ITILCategory', Number(values.itilcategories_id ?? 0));
      values.completename = parent ? `${String(parent.completename)} > ${String(values.name)}` : values.name;
      values.level = parent ? Number(parent.level) + 1 : 1;
    },
    Contract_Item: (values, _input, actor) => {
      const contract = this.requireRow('Contract', values.contracts_id, actor);
      this.requireRow(String(values.itemtype), values.items_id, actor);
      this.unique('Contract_Item', values, ['contracts_id', 'itemtype', 'items_id']);
      const max = Number(contract.max_links_allowed);
      const used = this.all('Contract_Item').filter((l) => l.contracts_id === contract.id).length;
      if (max > 0 && used >= max) throw new RefusedError('Maximum number of items reached');
    },
    Item_OperatingSystem: (values, _input, actor) => {
      const item = this.requireRow(String(values.itemtype), values.items_id, actor);
      values.entities_id = item.entities_id;
      this.unique('Item_OperatingSystem', values, ['items_id', 'itemtype', 'operatingsystems_id']);
    },
    Item_Ticket: (values, _input, actor) => {
      this.requireRow('Ticket', values.tickets_id, actor);
      this.unique('Item_Ticket', values, ['itemtype', 'items_id', 'tickets_id']);
    },
    Ticket: (values, input, actor) => {
      const urgency = Number(values.urgency ?? 3);
      const impact = Number(values.impact ?? 3);
      values.urgency = urgency;
      values.impact = impact;
      values.priority = values.priority ?? PRIORITY[urgency]?.[impact] ?? 3;
      if (!values.name && typeof values.content === 'string') values.name = values.content.slice(0, 70);
      const dateVerdict = ticketDateVerdict(this.profile, values.date);
      if (dateVerdict === 'drop') delete values.date;
      else if (dateVerdict) throw new RefusedError(dateVerdict);
      values.date = values.date ?? glpiDate(this.now());
      values.users_id_recipient = actor.userId;
      values.users_id_lastupdater = actor.userId;
      const actors = ticketActors(this.profile, input, actor.userId);
      values.status = values.status ?? (actors.assigned ? 2 : 1);
      return (row) => {
        for (const a of actors.rows) this.insert(a.itemtype, { ...a.values, tickets_id: row.id });
        const linked = input.items_id;
        if (linked && typeof linked === 'object') {
          for (const [itemtype, ids] of Object.entries(linked as Record<string, unknown>)) {
            for (const id of Array.isArray(ids) ? ids : [ids]) {
              this.insert('Item_Ticket', { itemtype, items_id: Number(id), tickets_id: row.id });
            }
          }
        }
      };
    },
    ITILSolution: (values, _input, actor) => {
      const ticket = this.requireRow(String(values.itemtype), values.items_id, actor);
      if (ticket.status === 5 || ticket.status === 6) {
        throw new RefusedError('The item is already solved, did anyone pushed a solution before you ?');
      }
      values.users_id = actor.userId;
      values.status = 2;
      return () => this.solve(ticket);
    },
    ITILFollowup: (values, input, actor) => {
      const ticket = this.requireRow(String(values.itemtype), values.items_id, actor);
      values.users_id = actor.userId;
      values.date = glpiDate(this.now());
      values.timeline_position = 1;
      return () => this.followupEffects(ticket, input, actor);
    },
    TicketFollowup: (values, input, actor) => {
      const ticket = this.requireRow('Ticket', values.tickets_id, actor);
      values.users_id = actor.userId;
      values.date = glpiDate(this.now());
      return () => this.followupEffects(ticket, input, actor);
    },
  };

  private ancestors(id: number): number[] {
    const out: number[] = [];
    for (
      let e = this.get('Entity', id);
      e;
      e = e.id === 0 ? undefined : this.get('Entity', Number(e.entities_id))
    ) {
      out.unshift(e.id);
    }
    return out;
  }

  private assigned(ticket: Row): boolean {
    return this.all('Ticket_User').some((u) => u.tickets_id === ticket.id && u.type === 2);
  }

  private solve(ticket: Row): void {
    const stamp = glpiDate(this.now());
    ticket.status = 5;
    ticket.solvedate = stamp;
    // An ITILSolution waits for approval (9.5.13: 45); 9.1's solution field does not (9.1.6: 52).
    if (this.profile.solution === 'ITILSolution') ticket.begin_waiting_date = stamp;
    ticket.date_mod = stamp;
  }

  /** `add_reopen` reopens a pending/solved/closed ticket (refusing its pending solution); `add_close` closes. */
  private followupEffects(ticket: Row, input: Record<string, unknown>, actor: Actor): void {
    const stamp = glpiDate(this.now());
    const status = Number(ticket.status);
    if (Number(input.add_reopen) === 1 && [4, 5, 6].includes(status)) {
      ticket.status = this.assigned(ticket) ? 2 : 1;
      ticket.solvedate = null;
      ticket.closedate = null;
      ticket.begin_waiting_date = null;
      for (const solution of this.all('ITILSolution')) {
        if (solution.items_id === ticket.id && solution.status === 2) {
          solution.status = 4;
          solution.date_approval = stamp;
          solution.users_id_approval = actor.userId;
        }
      }
    } else if (Number(input.add_close) === 1 && status === 5) {
      ticket.status = 6;
      ticket.closedate = stamp;
    } else if (input._status !== undefined) {
      ticket.status = Number(input._status);
    }
    ticket.date_mod = stamp;
  }

  /** Status changes made by PUT Ticket, including 9.1's `solution` field. */
  private ticketUpdated(row: Row, before: Row, input: Record<string, unknown>): void {
    const stamp = glpiDate(this.now());
    if (this.profile.solution === 'ticket-field') {
      const solvedStatus = solutionStatus(this, before, row, input);
      if (solvedStatus !== undefined) {
        this.solve(row);
        row.status = solvedStatus;
      }
    }
    if (row.status !== before.status) {
      if (row.status === 6) {
        row.closedate = stamp;
        // Closing dates the solution too when it has none (9.1.6: 56 → 57, after a reopen).
        row.solvedate = row.solvedate ?? stamp;
      }
      if (row.status === 5 && !row.solvedate) row.solvedate = stamp;
      if (Number(row.status) < 5) {
        row.solvedate = null;
        row.closedate = null;
      }
    }
    if (input.urgency !== undefined || input.impact !== undefined) {
      row.priority = PRIORITY[Number(row.urgency)]?.[Number(row.impact)] ?? row.priority;
    }
  }
}
