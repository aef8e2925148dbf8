import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { randomBytes } from 'node:crypto';
import { Database, RefusedError, type Actor } from './database';
import { FaultInjector, type FaultOptions } from './faults';
import type { Row } from './itemtypes';
import { glpiDate, numericCheck, parsePhpQuery } from './php-http';
import { PROFILES, type ProfileName, type VersionProfile } from './profiles';
import { likeMatches, parseRange, search, SearchError, SearchSqlError } from './search-engine';

export interface GlpiEmulatorOptions {
  /** Which GLPI to behave like. @default '10.0' */
  profile?: ProfileName;
  /** The API client's App-Token; '' for an API client without one. @default random */
  appToken?: string;
  /** The `glpi` user's API token. @default random */
  userToken?: string;
  /** Login and password accepted by Basic authentication. @default glpi / glpi */
  login?: string;
  password?: string;
  /** "Enable login with credentials" (Setup > General > API). @default true */
  loginWithCredentials?: boolean;
  /** The API client's allowed IPv4/IPv6 addresses; undefined = any. */
  allowedIps?: string[];
  faults?: FaultOptions;
  /**
   * The server's timezone, as minutes east of UTC: GLPI writes and reads dates in server-local time, and
   * getFullSession's `glpi_currenttime` shows it (the HTTP Date header stays in GMT). @default 0
   */
  utcOffsetMinutes?: number;
}

interface Session {
  token: string;
  userId: number;
  activeEntity: number;
  recursive: boolean | number;
  activeEntities: Set<number>;
  /** Requests made with it so far (its end of life, when sessions expire). */
  requests?: number;
}

/** Milliseconds since the epoch, sub-millisecond, comparable with other processes' on this machine. */
const epochMs = (): number => performance.timeOrigin + performance.now();

class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly detail: unknown,
    readonly docLink = true,
  ) {
    super(code);
  }
}

/** The codes whose message GLPI suffixes with a documentation link. */
const DOC_SUFFIX = new Set([
  'ERROR',
  'ERROR_APP_TOKEN_PARAMETERS_MISSING',
  'ERROR_WRONG_APP_TOKEN_PARAMETER',
  'ERROR_LOGIN_PARAMETERS_MISSING',
  'ERROR_SESSION_TOKEN_MISSING',
  'ERROR_RESOURCE_NOT_FOUND_NOR_COMMONDBTM',
  'ERROR_ITEMTYPE_NOT_FOUND_NOR_COMMONDBTM',
  'ERROR_RESOURCE_MISSING',
  'ERROR_METHOD_NOT_ALLOWED',
  'ERROR_BAD_ARRAY',
  'ERROR_JSON_PAYLOAD_FORBIDDEN',
  'ERROR_RANGE_EXCEED_TOTAL',
]);

const SESSION_ENDPOINTS = new Set([
  'initSession',
  'killSession',
  'getMyEntities',
  'getActiveEntities',
  'changeActiveEntities',
  'getActiveProfile',
  'getMyProfiles',
  'changeActiveProfile',
  'getFullSession',
  'getGlpiConfig',
  'listSearchOptions',
  'search',
]);

/**
 * A stateful GLPI that speaks `apirest.php` like the chosen version, for tests, benchmarks and local
 * runs. Its fidelity is checked by replaying the real GLPI 9.1.6, 9.5.13 and 10.0.14 exchanges kept in
 * test/fixtures/glpi-captures (test/emulator/conformance.test.ts).
 */
export class GlpiEmulator {
  readonly profile: VersionProfile;
  readonly appToken: string;
  readonly userToken: string;
  readonly db: Database;
  readonly faults: FaultInjector;
  /** Requests received, by `METHOD path-pattern` (e.g. `POST Computer`, `GET Computer/:id`). */
  readonly counters = { total: 0, writes: 0, byRoute: {} as Record<string, number> };
  private readonly sessions = new Map<string, Session>();
  /** Every session token ever issued (tests look for them where they must not be). */
  readonly issuedSessionTokens = new Set<string>();
  private readonly sockets = new Set<Socket>();
  private server?: Server;
  private listening?: { port: number; host: string };
  private baseUrl = 'http://127.0.0.1/apirest.php';
  /** Outages so far (`refuseConnections` to `acceptConnections`), epoch ms; `end` unset while one lasts. */
  readonly outages: { start: number; end?: number }[] = [];
  /** The server's local time, written as if it were UTC (how `glpiDate` formats it). */
  private readonly localNow: () => Date;

  constructor(private readonly options: GlpiEmulatorOptions = {}) {
    this.profile = PROFILES[options.profile ?? '10.0'];
    this.appToken = options.appToken ?? randomBytes(20).toString('hex');
    this.userToken = options.userToken ?? randomBytes(20).toString('hex');
    const offsetMs = (options.utcOffsetMinutes ?? 0) * 60_000;
    this.localNow = () => new Date(Date.now() + offsetMs);
    this.db = new Database(this.profile, this.localNow);
    this.faults = new FaultInjector(options.faults);
  }

  /** The API root, e.g. `http://127.0.0.1:40123/apirest.php`. */
  get url(): string {
    return this.baseUrl;
  }

  async start(port = 0, host = '127.0.0.1'): Promise<string> {
    this.server = createServer((req, res) => void this.handle(req, res));
    this.server.keepAliveTimeout = 5_000;
    this.server.on('connection', (socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
    await this.listen(port, host);
    const address = this.server.address() as AddressInfo;
    this.listening = { port: address.port, host };
    this.baseUrl = `http://${host}:${address.port}/apirest.php`;
    return this.baseUrl;
  }

  private listen(port: number, host: string): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const server = this.server!;
      const failed = (err: Error) => reject(err);
      server.once('error', failed);
      server.listen(port, host, () => {
        server.off('error', failed);
        resolve();
      });
    });
  }

  async stop(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  /** Whether connections are accepted (false during an outage, and before `start`). */
  get accepting(): boolean {
    return this.server?.listening ?? false;
  }

  /**
   * GLPI goes away: the listening socket is closed, so new connections are refused (ECONNREFUSED), and open
   * connections are cut, requests in progress included. Data and sessions are kept. Resolves once nothing
   * listens any more, with when that was (epoch ms).
   */
  async refuseConnections(): Promise<number> {
    if (!this.server?.listening) throw new Error('the emulator is not accepting connections');
    const closed = new Promise<void>((resolve) => this.server!.close(() => resolve()));
    for (const socket of this.sockets) socket.destroy();
    await closed;
    const start = epochMs();
    this.outages.push({ start });
    return start;
  }

  /**
   * GLPI is back, on the same port and URL. Resolves once it listens again, with when that was (epoch ms).
   * Should another socket hold the port meanwhile (an outgoing connection given it as its local port), it
   * tries again for up to `patienceMs`.
   */
  async acceptConnections(patienceMs = 10_000): Promise<number> {
    if (!this.server || !this.listening) throw new Error('the emulator was never started');
    if (this.server.listening) throw new Error('the emulator is already accepting connections');
    const deadline = Date.now() + patienceMs;
    for (;;) {
      try {
        await this.listen(this.listening.port, this.listening.host);
        break;
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EADDRINUSE' || Date.now() > deadline) throw err;
        await new Promise((r) => setTimeout(r, 100));
      }
    }
    const end = epochMs();
    const outage = this.outages.at(-1);
    if (outage && outage.end === undefined) outage.end = end;
    return end;
  }

  /** Ends every session, as PHP's session GC would. */
  expireSessions(): void {
    this.sessions.clear();
  }

  resetCounters(): void {
    this.counters.total = 0;
    this.counters.writes = 0;
    this.counters.byRoute = {};
  }

  /** Rows of an itemtype, for assertions. */
  rows(itemtype: string): Row[] {
    return this.db.all(itemtype);
  }

  // ---- HTTP ----

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks).toString('utf8');
    const url = new URL(req.url ?? '/', 'http://emulator');
    const path = url.pathname.replace(/^\/(apirest\.php|api\.php\/v1|api)\/?/, '').replace(/\/+$/, '');
    const method = (req.method ?? 'GET').toUpperCase();
    const route = `${method} ${path.replace(/\/\d+/g, '/:id')}`;
    const isWrite = method !== 'GET' && !SESSION_ENDPOINTS.has(path.split('/')[0] ?? '');

    this.counters.total += 1;
    if (isWrite) this.counters.writes += 1;
    this.counters.byRoute[route] = (this.counters.byRoute[route] ?? 0) + 1;

    const { latencyMs, sessionExpiryEvery, timeoutHoldMs } = this.faults.options;
    if (latencyMs > 0) await new Promise((r) => setTimeout(r, latencyMs));
    if (sessionExpiryEvery > 0) {
      // Each session ends at its Nth request, as a PHP session does at the end of its life. Counted per
      // session, not per server: a server-wide count would end sessions faster than one round trip as soon as
      // many clients share GLPI, which no GLPI does.
      const token = this.header(req, 'Session-Token') ?? url.searchParams.get('session_token') ?? undefined;
      const session = token === undefined ? undefined : this.sessions.get(token);
      if (session && (session.requests = (session.requests ?? 0) + 1) % sessionExpiryEvery === 0) {
        this.sessions.delete(token!);
        this.faults.injected.sessionExpiry += 1;
      }
    }
    const fault = this.faults.pick(`${method} ${path}`, isWrite);
    if (fault === 'error5xx') {
      res.writeHead(500, { 'Content-Type': 'text/html' }).end('<h1>500 Internal Server Error</h1>');
      return;
    }
    if (fault === 'timeout') {
      setTimeout(() => req.socket.destroy(), timeoutHoldMs).unref();
      return;
    }
    if (fault === 'throttle') {
      // 429 (rate limited) and 503 (overloaded, in maintenance) in turn, both saying when to come back.
      const status = this.faults.injected.throttle % 2 === 1 ? 503 : 429;
      res
        .writeHead(status, {
          'Content-Type': 'text/html',
          'Retry-After': String(this.faults.options.retryAfterSeconds),
        })
        .end(status === 429 ? '<h1>429 Too Many Requests</h1>' : '<h1>503 Service Unavailable</h1>');
      return;
    }

    let status: number;
    let payload: unknown;
    const headers: Record<string, string> = {};
    try {
      [status, payload] = this.route(method, path, url.searchParams, body, req, headers);
    } catch (err) {
      if (!(err instanceof ApiError)) throw err;
      status = err.status;
      const detail =
        typeof err.detail === 'string' && err.docLink && DOC_SUFFIX.has(err.code)
          ? `${err.detail}; view documentation in your browser at ${this.baseUrl}/#${err.code}`
          : err.detail;
      payload = [err.code, detail];
    }
    if (fault === 'dropAfterCommit') {
      req.socket.destroy();
      return;
    }
    const text =
      payload === undefined
        ? ''
        : JSON.stringify(this.profile.numericCheck ? numericCheck(payload) : payload);
    res.writeHead(status, {
      'Content-Type': 'application/json; charset=UTF-8',
      'Cache-Control': 'no-store, no-cache, must-revalidate',
      ...headers,
    });
    res.end(text);
  }

  private route(
    method: string,
    path: string,
    params: URLSearchParams,
    rawBody: string,
    req: IncomingMessage,
    headers: Record<string, string>,
  ): [number, unknown] {
    const query = parsePhpQuery(params);
    if (method === 'GET' && rawBody.trim() !== '') {
      throw new ApiError(
        400,
        'ERROR_JSON_PAYLOAD_FORBIDDEN',
        'GET Request should not have json payload (http body)',
      );
    }
    let body: Record<string, unknown> = {};
    if (rawBody.trim() !== '') {
      try {
        body = JSON.parse(rawBody) as Record<string, unknown>;
      } catch {
        throw new ApiError(400, 'ERROR_JSON_PAYLOAD_INVALID', 'JSON payload seems not valid', false);
      }
    }
    // GLPI merges query and body parameters; "true"/"false" strings become booleans.
    const input: Record<string, unknown> = { ...query, ...body };
    for (const [k, v] of Object.entries(input)) if (v === 'true' || v === 'false') input[k] = v === 'true';

    this.checkAppToken(req, query);
    const [resource = '', ...rest] = path.split('/');
    if (resource === 'initSession') return [200, this.initSession(req, query)];
    const session = this.session(req, query);
    const actor: Actor = { userId: session.userId, activeEntities: session.activeEntities };

    switch (resource) {
      case 'killSession':
        this.sessions.delete(session.token);
        return [200, this.profile.killSessionBody === 'true' ? true : undefined];
      case 'getMyEntities':
        return [
          200,
          { myentities: this.myEntities(this.profile.myEntitiesRecursive && input.is_recursive === true) },
        ];
      case 'getActiveEntities':
        return [
          200,
          {
            active_entity: {
              id: session.activeEntity,
              active_entity_recursive: session.recursive,
              active_entities: [...session.activeEntities].map((id) => ({ id })),
            },
          },
        ];
      case 'changeActiveEntities':
        return [200, this.changeActiveEntities(session, input)];
      case 'getActiveProfile':
        return [200, { active_profile: SUPER_ADMIN }];
      case 'getMyProfiles':
        return [
          200,
          {
            myprofiles: [
              { id: 4, name: 'Super-Admin', entities: [{ id: 0, name: 'Root entity', is_recursive: 1 }] },
            ],
          },
        ];
      case 'getFullSession':
        return [
          200,
          {
            session: {
              glpi_currenttime: glpiDate(this.localNow()),
              glpiID: session.userId,
              glpiname: 'glpi',
              // Strings, as PHP keeps them (10.0.14: 12); 9.1's NUMERIC_CHECK makes them numbers.
              glpiset_default_tech: '1',
              glpiset_default_requester: '1',
              glpiactive_entity: session.activeEntity,
            },
          },
        ];
      case 'getGlpiConfig':
        // 9.1 has no such endpoint: the name is taken for an itemtype (9.1.6: 11).
        if (!this.profile.glpiConfigEndpoint) {
          throw new ApiError(400, 'ERROR_RESOURCE_NOT_FOUND_NOR_COMMONDBTM', RESOURCE_MSG);
        }
        return [
          200,
          { cfg_glpi: { version: this.profile.version, url_base_api: this.baseUrl, list_limit: 20 } },
        ];
      case 'listSearchOptions':
        return [200, this.listSearchOptions(this.itemtype(rest[0] ?? ''))];
      case 'search':
        return this.search(this.itemtype(rest[0] ?? ''), query, actor, headers);
    }

    const itemtype = this.itemtype(resource);
    const id = rest[0] !== undefined ? Number(rest[0]) : undefined;
    if (id !== undefined && !Number.isInteger(id))
      throw new ApiError(400, 'ERROR_RESOURCE_NOT_FOUND_NOR_COMMONDBTM', RESOURCE_MSG);
    if (rest[1] !== undefined) return this.subItems(itemtype, id!, rest[1], query, actor, headers);

    switch (method) {
      case 'GET':
        // 9.1 reads GET /Entity as getItem(Entity, false), which finds nothing (9.1.6: 13, 14).
        if (id === undefined && itemtype === 'Entity' && this.profile.entityListIsItem) {
          throw new ApiError(404, 'ERROR_ITEM_NOT_FOUND', 'Item not found', false);
        }
        return id === undefined || (id === 0 && itemtype !== 'Entity')
          ? this.list(itemtype, query, actor, headers)
          : [200, this.getItem(itemtype, id, actor, headers, input)];
      case 'POST':
        return this.add(itemtype, body, input.session_write === true, session, headers);
      case 'PATCH':
      case 'PUT':
        return this.update(itemtype, id, body, actor);
      case 'DELETE':
        return this.delete(itemtype, id, input, actor);
      default:
        throw new ApiError(405, 'ERROR_METHOD_NOT_ALLOWED', 'Method Not Allowed');
    }
  }

  private header(req: IncomingMessage, name: string): string | undefined {
    if (this.profile.caseSensitiveHeaders) {
      // mod_php's getallheaders() keeps the sent case and GLPI 9.1 looks the exact name up.
      const raw = req.rawHeaders;
      for (let i = 0; i < raw.length; i += 2) if (raw[i] === name) return raw[i + 1];
      return undefined;
    }
    const value = req.headers[name.toLowerCase()];
    return Array.isArray(value) ? value[0] : value;
  }

  private checkAppToken(req: IncomingMessage, query: Record<string, unknown>): void {
    const ip = req.socket.remoteAddress?.replace(/^::ffff:/, '') ?? '';
    if (this.options.allowedIps && !this.options.allowedIps.includes(ip)) {
      throw new ApiError(
        400,
        'ERROR_NOT_ALLOWED_IP',
        `There isn't an active API client matching your IP address in the configuration (${ip})`,
      );
    }
    const sent = this.header(req, 'App-Token') ?? (query.app_token as string | undefined);
    if (this.appToken === '') return;
    if (sent === undefined || sent === '') {
      throw new ApiError(400, 'ERROR_APP_TOKEN_PARAMETERS_MISSING', 'missing parameter app_token');
    }
    if (sent !== this.appToken) {
      // 9.1.6 answers a wrong token as a missing one (03 = 04).
      throw this.profile.wrongAppTokenCode === 'ERROR_APP_TOKEN_PARAMETERS_MISSING'
        ? new ApiError(400, 'ERROR_APP_TOKEN_PARAMETERS_MISSING', 'missing parameter app_token')
        : new ApiError(400, 'ERROR_WRONG_APP_TOKEN_PARAMETER', 'parameter app_token seems wrong');
    }
  }

  private initSession(req: IncomingMessage, query: Record<string, unknown>): { session_token: string } {
    const authorization = this.header(req, 'Authorization') ?? '';
    const userToken =
      /^user_token (.*)$/.exec(authorization)?.[1] ?? (query.user_token as string | undefined);
    const basic = /^Basic (.+)$/.exec(authorization)?.[1];
    if (basic) {
      if (this.options.loginWithCredentials === false) {
        throw new ApiError(
          400,
          'ERROR_LOGIN_WITH_CREDENTIALS_DISABLED',
          'cannot use credentials without enable_api_login_credentials',
          false,
        );
      }
      const [login, ...pw] = Buffer.from(basic, 'base64').toString('utf8').split(':');
      const ok =
        login === (this.options.login ?? 'glpi') && pw.join(':') === (this.options.password ?? 'glpi');
      if (!ok) throw new ApiError(401, 'ERROR_GLPI_LOGIN', 'Incorrect username or password', false);
    } else if (userToken !== undefined && userToken !== '') {
      if (userToken !== this.userToken) {
        throw new ApiError(401, 'ERROR_GLPI_LOGIN_USER_TOKEN', 'parameter user_token seems invalid', false);
      }
    } else {
      throw new ApiError(
        400,
        'ERROR_LOGIN_PARAMETERS_MISSING',
        'parameter(s) login, password or user_token are missing',
      );
    }
    const token = randomBytes(13)
      .toString('base64url')
      .toLowerCase()
      .replace(/[^a-z0-9]/g, '0')
      .slice(0, 26);
    this.issuedSessionTokens.add(token);
    this.sessions.set(token, {
      token,
      userId: 2,
      activeEntity: 0,
      recursive: 1,
      activeEntities: new Set(this.db.subtree(0)),
    });
    return { session_token: token };
  }

  private session(req: IncomingMessage, query: Record<string, unknown>): Session {
    const token = this.header(req, 'Session-Token') ?? (query.session_token as string | undefined);
    if (!token)
      throw new ApiError(400, 'ERROR_SESSION_TOKEN_MISSING', 'parameter session_token is missing or empty');
    const session = this.sessions.get(token);
    if (!session)
      throw new ApiError(401, 'ERROR_SESSION_TOKEN_INVALID', 'session_token seems invalid', false);
    return session;
  }

  private myEntities(recursive: boolean): { id: number; name: string }[] {
    const ids = recursive ? this.db.subtree(0) : [0];
    return ids.map((id) => ({ id, name: this.db.entityName(id) }));
  }

  private changeActiveEntities(session: Session, input: Record<string, unknown>): boolean {
    const recursive = input.is_recursive ?? false;
    if (typeof recursive !== 'boolean' && this.profile.name !== '9.1') {
      throw new ApiError(400, 'ERROR', 'Bad Request');
    }
    // 9.1–9.2 intval() the id: omitted or "all" is the root entity.
    const raw = input.entities_id;
    const all = raw === undefined || raw === 'all';
    const id = all && this.profile.name !== '9.1' ? 0 : Number(raw ?? 0) || 0;
    const entity = this.db.get('Entity', id);
    if (!entity) {
      if (this.profile.name === '10.0' || this.profile.name === '11.0') return false;
      throw new ApiError(400, 'ERROR', 'Bad Request');
    }
    const deep = all || Boolean(recursive);
    session.activeEntity = id;
    session.recursive = deep;
    session.activeEntities = new Set(deep ? this.db.subtree(id) : [id]);
    return true;
  }

  private itemtype(name: string): string {
    if (name === '' || !this.db.has(name)) {
      // 9.5–11 map the deprecated TicketFollowup onto ITILFollowup.
      if (name === 'TicketFollowup' && this.db.has('ITILFollowup')) return 'TicketFollowup';
      throw new ApiError(400, 'ERROR_RESOURCE_NOT_FOUND_NOR_COMMONDBTM', RESOURCE_MSG);
    }
    return name;
  }

  /** Resolves the deprecated TicketFollowup alias to the real table, mapping `tickets_id`. */
  private alias(itemtype: string, input?: Record<string, unknown>): string {
    if (itemtype === 'TicketFollowup' && !this.db.has('TicketFollowup')) {
      if (input && input.tickets_id !== undefined) {
        input.itemtype = 'Ticket';
        input.items_id = input.tickets_id;
        delete input.tickets_id;
      }
      return 'ITILFollowup';
    }
    return itemtype;
  }

  /** HATEOAS links of a row's foreign keys, in column order, as GLPI walks the fields (9.1.6: 28). */
  private links(itemtype: string, row: Row): { rel: string; href: string }[] {
    const def = this.db.defs[itemtype]!;
    const links = def.links ?? {};
    return Object.keys(def.columns)
      .filter((column) => column in links && (column === 'entities_id' || Number(row[column]) > 0))
      .map((column) => {
        const type = links[column]!;
        const rel = type === '*' ? String(row.itemtype) : type;
        return { rel, href: `${this.baseUrl}/${rel}/${String(row[column])}` };
      });
  }

  /** Adds the links; GLPI appends them one by one, so a row without any has no `links` key (9.1.6: 12). */
  private withLinks(itemtype: string, row: Row, out: Record<string, unknown>): Record<string, unknown> {
    const links = this.links(itemtype, row);
    if (links.length) out.links = links;
    return out;
  }

  private present(itemtype: string, row: Row, query?: Record<string, unknown>): Record<string, unknown> {
    const out: Record<string, unknown> = { ...row };
    return query?.get_hateoas === 'false' ? out : this.withLinks(itemtype, row, out);
  }

  private getItem(
    itemtype: string,
    id: number,
    actor: Actor,
    headers: Record<string, string>,
    options: Record<string, unknown>,
  ): unknown {
    const real = this.alias(itemtype);
    const row = this.db.get(real, id);
    if (!row) throw new ApiError(404, 'ERROR_ITEM_NOT_FOUND', 'Item not found', false);
    if (!this.db.visible(real, row, actor)) throw this.rightMissing();
    if (row.date_mod) headers['Last-Modified'] = new Date(`${String(row.date_mod)}Z`).toUTCString();
    const out = { ...row } as Record<string, unknown>;
    if (options.expand_dropdowns === true) {
      for (const [column, type] of Object.entries(this.db.defs[real]!.links ?? {})) {
        if (column === 'entities_id') out[column] = this.db.entityName(Number(row[column]));
        else if (Number(row[column]) > 0)
          out[column] = this.db.get(type, Number(row[column]))?.name ?? row[column];
      }
    }
    if (options.with_networkports === true) {
      const kinds = ['Ethernet', 'Wifi', 'Aggregate', 'Alias', 'Dialup', 'Local', 'Fiberchannel'];
      out._networkports = Object.fromEntries(kinds.map((k) => [`NetworkPort${k}`, []]));
    }
    if (options.with_contracts === true) {
      out._contracts = this.db.all('Contract_Item').filter((l) => l.itemtype === real && l.items_id === id);
    }
    return options.get_hateoas === false ? out : this.withLinks(real, row, out);
  }

  private rightMissing(): ApiError {
    return new ApiError(
      this.profile.rightMissingStatus,
      'ERROR_RIGHT_MISSING',
      "You don't have permission to perform this action.",
      false,
    );
  }

  private list(
    itemtype: string,
    query: Record<string, unknown>,
    actor: Actor,
    headers: Record<string, string>,
    filter: (row: Row) => boolean = () => true,
  ): [number, unknown] {
    const real = this.alias(itemtype);
    let rows = this.db.all(real).filter((r) => this.db.visible(real, r, actor) && filter(r));
    const isDeleted = query.is_deleted === 'true' || query.is_deleted === '1';
    if (this.db.defs[real]!.hasTrash) rows = rows.filter((r) => Boolean(r.is_deleted) === isDeleted);
    for (const [column, text] of Object.entries((query.searchText as Record<string, string>) ?? {})) {
      // 9.1 puts the value in the SQL unescaped: a quote makes the query fail, read as no rows.
      if (this.profile.searchQuoteBreaksSql && String(text).includes("'")) rows = [];
      rows = rows.filter((r) => likeMatches(r[column], String(text)));
    }
    const sort = String(query.sort ?? 'id');
    if (rows.length && !(sort in rows[0]!)) {
      throw new ApiError(400, 'ERROR', `sort param is not a field of glpi_${real.toLowerCase()}s`);
    }
    const desc = String(query.order ?? 'ASC').toUpperCase() === 'DESC';
    rows.sort((a, b) => {
      const [x, y] = [a[sort], b[sort]];
      const cmp =
        typeof x === 'number' && typeof y === 'number'
          ? x - y
          : String(x ?? '').localeCompare(String(y ?? ''));
      return desc ? -cmp : cmp;
    });
    // 9.1 without a range reads 0-list_limit and neither clamps nor pages it (profiles.ts).
    const legacy = this.profile.legacyDefaultRange && query.range === undefined;
    let start: number;
    let end: number;
    try {
      [start, end] = parseRange(String(query.range ?? (legacy ? '0-20' : '0-19')));
    } catch (err) {
      throw new ApiError(400, 'ERROR', (err as Error).message);
    }
    const total = rows.length;
    if (start > total) {
      throw new ApiError(
        400,
        'ERROR_RANGE_EXCEED_TOTAL',
        `Provided range exceed total count of data: ${total}`,
      );
    }
    const page = rows.slice(start, end + 1).map((r) => this.present(real, r, query));
    headers['Accept-Range'] = `${itemtype} 1000`;
    if (total > 0) headers['Content-Range'] = `${start}-${legacy ? end : Math.min(end, total - 1)}/${total}`;
    return [!legacy && start + page.length < total ? 206 : 200, page];
  }

  private subItems(
    itemtype: string,
    id: number,
    sub: string,
    query: Record<string, unknown>,
    actor: Actor,
    headers: Record<string, string>,
  ): [number, unknown] {
    const parent = this.db.get(itemtype, id);
    if (!parent) throw new ApiError(404, 'ERROR_ITEM_NOT_FOUND', 'Item not found', false);
    const subtype = this.itemtype(sub);
    const real = this.alias(subtype);
    const columns = this.db.defs[real]!.columns;
    const fk = `${itemtype.toLowerCase()}s_id`;
    const filter =
      fk in columns
        ? (r: Row) => r[fk] === id
        : 'itemtype' in columns
          ? (r: Row) => r.itemtype === itemtype && r.items_id === id
          : () => false;
    return this.list(subtype, query, actor, headers, filter);
  }

  private add(
    itemtype: string,
    body: Record<string, unknown>,
    sessionWrite: boolean,
    session: Session,
    headers: Record<string, string>,
  ): [number, unknown] {
    const input = body.input;
    if (input === null || typeof input !== 'object') {
      throw new ApiError(400, 'ERROR_BAD_ARRAY', 'input parameter must be an array of objects');
    }
    const actor: Actor = { userId: session.userId, activeEntities: session.activeEntities };
    const many = Array.isArray(input);
    const results = (many ? input : [input]).map((one: Record<string, unknown>) => {
      const values = { ...one };
      const real = this.alias(itemtype, values);
      try {
        const row = this.db.add(real, values, actor, session.activeEntity);
        // With session_write, GLPI saves the session after adding an entity: it is active at once.
        if (
          real === 'Entity' &&
          sessionWrite &&
          session.recursive &&
          session.activeEntities.has(Number(row.entities_id))
        ) {
          session.activeEntities.add(row.id);
        }
        const def = this.db.defs[real]!;
        const name = def.addedName ? def.addedName(row, this.db) : String(row.name ?? '');
        const message = def.addedMessage
          ? def.addedMessage(row)
          : this.profile.addMessage && name !== ''
            ? `Item successfully added: ${name}`
            : '';
        return { id: row.id, message };
      } catch (err) {
        if (err instanceof RefusedError) return { id: false as const, message: err.message };
        throw err;
      }
    });
    const ok = results.filter((r) => r.id !== false);
    if (!many) {
      const only = results[0]!;
      if (only.id === false) throw new ApiError(400, 'ERROR_GLPI_ADD', only.message, false);
      headers.Location = `${this.baseUrl}/${itemtype}/${only.id}`;
      return [201, only];
    }
    // Some or all elements failed: returnError() answers before the Link header is built.
    if (ok.length === 0) throw new ApiError(400, 'ERROR_GLPI_ADD', results, false);
    if (ok.length < results.length) return [207, ['ERROR_GLPI_PARTIAL_ADD', results]];
    headers.Link = ok.map((r) => `${this.baseUrl}/${itemtype}/${String(r.id)}`).join(',');
    return [201, results];
  }

  private update(
    itemtype: string,
    id: number | undefined,
    body: Record<string, unknown>,
    actor: Actor,
  ): [number, unknown] {
    const input = body.input;
    if (input === null || typeof input !== 'object') {
      throw new ApiError(400, 'ERROR_BAD_ARRAY', 'input parameter must be an array of objects');
    }
    const many = Array.isArray(input);
    const entries = (many ? input : [{ ...(input as object), id: (input as Row).id ?? id }]) as Record<
      string,
      unknown
    >[];
    const results: Record<string, unknown>[] = [];
    let failed = 0;
    for (const entry of entries) {
      const values = { ...entry };
      const real = this.alias(itemtype, values);
      const target = Number(values.id);
      try {
        if (this.db.update(real, target, values, actor)) results.push({ [target]: true, message: '' });
        else {
          failed += 1;
          if (!many) throw new ApiError(400, 'ERROR_GLPI_UPDATE', this.profile.updateNotFoundMessage, false);
        }
      } catch (err) {
        if (!(err instanceof RefusedError)) throw err;
        failed += 1;
        results.push({ [target]: false, message: err.message });
        if (!many) throw new ApiError(400, 'ERROR_GLPI_UPDATE', err.message, false);
      }
    }
    if (failed === entries.length) throw new ApiError(400, 'ERROR_GLPI_UPDATE', results, false);
    return failed ? [207, ['ERROR_GLPI_PARTIAL_UPDATE', results]] : [200, results];
  }

  private delete(
    itemtype: string,
    id: number | undefined,
    input: Record<string, unknown>,
    actor: Actor,
  ): [number, unknown] {
    const purge = input.force_purge === true;
    const real = this.alias(itemtype);
    const ids = id !== undefined ? [id] : ((input.input as Row[] | undefined) ?? []).map((r) => Number(r.id));
    const results = ids.map((target) => {
      try {
        return this.db.delete(real, target, purge, actor)
          ? { [target]: true, message: '' }
          : { [target]: false, message: 'Item not found' };
      } catch (err) {
        if (!(err instanceof RefusedError)) throw err;
        return { [target]: false, message: err.message };
      }
    });
    const failed = results.filter((r) => r.message !== '');
    if (id !== undefined && failed.length) {
      throw new ApiError(400, 'ERROR_GLPI_DELETE', failed[0]!.message, false);
    }
    if (failed.length === results.length && results.length > 0)
      throw new ApiError(400, 'ERROR_GLPI_DELETE', results, false);
    return failed.length ? [207, ['ERROR_GLPI_PARTIAL_DELETE', results]] : [200, results];
  }

  private search(
    itemtype: string,
    query: Record<string, unknown>,
    actor: Actor,
    headers: Record<string, string>,
  ): [number, unknown] {
    let result;
    try {
      result = search(this.db, itemtype, query, actor);
    } catch (err) {
      if (err instanceof SearchError) throw new ApiError(400, 'ERROR', err.message);
      if (err instanceof SearchSqlError) throw new ApiError(500, 'ERROR_SQL', err.message, false);
      throw err;
    }
    const { total, rows, start } = result;
    const end = start + rows.length - 1;
    const range = `${start}-${total === 0 ? -1 : end}/${total}`;
    const asArray = this.profile.searchSortAsArray;
    const out: Record<string, unknown> = {
      totalcount: total,
      count: rows.length,
      sort: asArray ? [String(result.sort)] : result.sort,
      order: asArray ? [result.order] : result.order,
    };
    if (total > 0) out.data = rows;
    out['content-range'] = range;
    headers['Accept-Range'] = `${itemtype} 1000`;
    if (total > 0) headers['Content-Range'] = range;
    return [rows.length < total ? 206 : 200, out];
  }

  private listSearchOptions(itemtype: string): Record<string, unknown> {
    const def = this.db.defs[this.alias(itemtype)]!;
    const out: Record<string, unknown> = { common: { name: 'Characteristics' } };
    for (const [id, option] of Object.entries(def.searchOptions)) {
      const datatype = option.datatype ?? 'string';
      out[id] = {
        name: option.name,
        table: option.table ?? `glpi_${itemtype.toLowerCase()}s`,
        field: option.field ?? option.column,
        datatype: datatype === 'tree' ? 'dropdown' : datatype,
        nosearch: false,
        nodisplay: false,
        available_searchtypes: SEARCHTYPES[datatype],
        uid: `${itemtype}.${option.uid ?? option.column}`,
      };
    }
    return out;
  }
}

/** The search types GLPI offers per datatype (a tree dropdown adds under/notunder). */
const SEARCHTYPES: Record<string, string[]> = {
  itemlink: ['contains', 'notcontains', 'equals', 'notequals'],
  dropdown: ['contains', 'notcontains', 'equals', 'notequals'],
  tree: ['contains', 'notcontains', 'equals', 'notequals', 'under', 'notunder'],
  datetime: ['equals', 'notequals', 'lessthan', 'morethan', 'contains', 'notcontains'],
  date: ['equals', 'notequals', 'lessthan', 'morethan', 'contains', 'notcontains'],
  number: ['contains', 'notcontains'],
  string: ['contains', 'notcontains'],
  text: ['contains', 'notcontains'],
};

const RESOURCE_MSG = 'resource not found or not an instance of CommonDBTM';

const SUPER_ADMIN = {
  id: 4,
  name: 'Super-Admin',
  interface: 'central',
  is_default: 0,
  computer: 255,
  contract: 255,
  ticket: 261151,
  followup: 15383,
  entity: 3327,
  dropdown: 23,
};
