import { readFileSync } from 'node:fs';
import { Agent as HttpsAgent } from 'node:https';
import { Agent as HttpAgent } from 'node:http';
import { createSecureContext, rootCertificates, type SecureContext } from 'node:tls';
import axios, { AxiosError, type AxiosInstance, type AxiosResponse, type Method } from 'axios';
import type { z } from 'zod';
import {
  classifyGlpiError,
  GlpiError,
  GlpiNetworkError,
  GlpiResponseError,
  GlpiServerError,
  GlpiTimeoutError,
} from './errors';
import * as s from './schemas';
import { featuresOf, parseGlpiVersion, type GlpiFeatures, type GlpiVersion } from './version';

export interface GlpiClientOptions {
  /** The API root, e.g. `https://glpi.example.com/apirest.php`. */
  url: string;
  /** The API client's App-Token (Setup > General > API); omit when the API client has none. */
  appToken?: string;
  /** A user's API token; preferred over login and password when both are given. */
  userToken?: string;
  username?: string;
  password?: string;
  /**
   * Extra trusted CA certificates (PEM), for a GLPI behind a private CA: trusted besides Node's own CAs (see
   * `trustedContext`). Certificate checks stay on.
   */
  ca?: string | Buffer;
  /** Per-request timeout. @default 30000 */
  timeoutMs?: number;
  /** Sockets kept open to GLPI. @default 16 */
  maxSockets?: number;
  /** Called once per HTTP exchange (method, path, status or error code, milliseconds). */
  onRequest?: (event: { method: string; path: string; status: number | string; ms: number }) => void;
  /**
   * Retries of one idempotent request (a read, a search, `initSession`, `changeActiveEntities`,
   * `killSession`) that failed in a way that can pass (connection refused or reset, timeout, 5xx, 429),
   * inside the client, so that one flaky request does not fail a whole multi-request activity. Writes are
   * never retried here: the activity that makes them looks before it writes, and Temporal retries it.
   */
  retry?: ClientRetryOptions;
  /** Called before each such retry (the worker counts them in its metrics). */
  onRetry?: (event: { request: string; attempt: number; delayMs: number; reason: string }) => void;
}

export interface ClientRetryOptions {
  /** Tries in all, the first included; 1 disables retries. @default 3 */
  attempts?: number;
  /** No retry starts later than this after the first try; a longer `Retry-After` gives up. @default 5000 */
  budgetMs?: number;
  /** First delay, doubled each time, with ±50 % jitter. @default 250 */
  initialDelayMs?: number;
}

export interface Range {
  start: number;
  end: number;
}

export interface ListOptions {
  range?: Range;
  /** `searchText[column]=value`: LIKE match on a column; `^`/`$` anchor. */
  searchText?: Record<string, string>;
  sort?: string;
  order?: 'ASC' | 'DESC';
  isDeleted?: boolean;
  expandDropdowns?: boolean;
}

export interface Page<T> {
  rows: T[];
  total: number;
}

export interface SearchCriterion {
  link?: 'AND' | 'OR' | 'AND NOT' | 'OR NOT';
  field: number;
  searchtype: 'contains' | 'equals' | 'notequals' | 'lessthan' | 'morethan' | 'under' | 'notunder';
  value: string | number;
}

export interface SearchOptions {
  criteria?: SearchCriterion[];
  /** Search-option ids to return; 2 (the id) is always added. */
  forcedisplay?: number[];
  range?: Range;
  sort?: number;
  order?: 'ASC' | 'DESC';
}

export interface AddResult {
  id?: number;
  error?: string;
}

type Query = Record<string, unknown>;

const SESSION_INVALID = 'ERROR_SESSION_TOKEN_INVALID';
/** New sessions one call may open when GLPI says its session ended, before it gives up. */
const SESSION_RENEWALS = 3;

/** Requests in flight at once per client (GLPI's PHP workers are few; more would only queue there). */
const MAX_SOCKETS = 16;

/** Requests that change nothing on a second try (their only writes are to the session itself). */
const IDEMPOTENT_POSTS = new Set(['changeActiveEntities']);

/**
 * The one place where GLPI is called. Typed, validated with zod, aware of GLPI's version differences,
 * and careful with secrets: tokens travel only in headers and never appear in errors or logs.
 *
 * A client keeps one GLPI session and shares it between concurrent callers; when GLPI reports the
 * session expired it logs in again (once, for all callers) and retries the call (a few times at most).
 * At most `maxSockets` requests are in flight; the others wait their turn before their timeout starts, so
 * that a burst of calls is not reported as a slow GLPI.
 */
export class GlpiClient {
  private readonly http: AxiosInstance;
  private sessionToken?: string;
  private loggingIn?: Promise<string>;
  private activeEntity?: { id: number; recursive: boolean };
  private versionInfo?: Promise<GlpiVersion>;
  private inFlight = 0;
  private readonly queued: (() => void)[] = [];

  constructor(private readonly options: GlpiClientOptions) {
    const base = options.url.replace(/\/+$/, '');
    const agentOptions = { keepAlive: true, maxSockets: options.maxSockets ?? MAX_SOCKETS };
    this.http = axios.create({
      baseURL: base,
      timeout: options.timeoutMs ?? 30_000,
      httpAgent: new HttpAgent(agentOptions),
      httpsAgent: new HttpsAgent({ ...agentOptions, secureContext: trustedContext(options.ca) }),
      validateStatus: () => true,
      // PHP reads `criteria[0][field]=1`; axios' default drops the indexes.
      paramsSerializer: { indexes: true },
      maxRedirects: 0,
      transitional: { clarifyTimeoutError: true },
      responseType: 'text',
      transformResponse: [(data: unknown) => data],
    });
  }

  /** The session is opened lazily; call this to fail early on bad credentials. */
  async initSession(): Promise<void> {
    await this.session();
  }

  /** Ends the GLPI session (each session is a file on the GLPI server). Safe to call twice. */
  async killSession(): Promise<void> {
    const token = this.sessionToken;
    this.sessionToken = undefined;
    this.loggingIn = undefined;
    if (!token) return;
    await this.exchange('GET', 'killSession', { token }).catch((err: unknown) => {
      // An already expired session is as good as killed.
      if (!(err instanceof GlpiError && err.code === SESSION_INVALID)) throw err;
    });
  }

  get hasSession(): boolean {
    return this.sessionToken !== undefined;
  }

  /** The entity made active by `changeActiveEntities`, if any. */
  get activeEntityId(): number | undefined {
    return this.activeEntity?.id;
  }

  /** The GLPI version, read once per client. */
  async version(): Promise<GlpiVersion> {
    this.versionInfo ??= this.readVersion();
    return this.versionInfo.catch((err: unknown) => {
      this.versionInfo = undefined;
      throw err;
    });
  }

  /** getGlpiConfig exists from 9.2; GLPI 9.1 keeps its version in a Config row. */
  private async readVersion(): Promise<GlpiVersion> {
    try {
      return parseGlpiVersion((await this.getGlpiConfig()).version);
    } catch (err) {
      if (!(err instanceof GlpiError && err.code === 'ERROR_RESOURCE_NOT_FOUND_NOR_COMMONDBTM')) throw err;
    }
    const rows = await this.call('GET', 'Config', s.itemRows, {
      query: { 'searchText[name]': '^version$', range: '0-49' },
    });
    const row = rows.find((r) => r.name === 'version' && (r.context ?? 'core') === 'core');
    if (!row) {
      throw new GlpiResponseError('GLPI GET /Config has no version row: cannot tell the GLPI version', {
        code: 'UNEXPECTED_RESPONSE',
        request: 'GET /Config',
      });
    }
    return parseGlpiVersion(String(row.value));
  }

  async features(): Promise<GlpiFeatures> {
    return featuresOf(await this.version());
  }

  async getGlpiConfig(): Promise<z.infer<typeof s.glpiConfigBody>['cfg_glpi']> {
    return (await this.call('GET', 'getGlpiConfig', s.glpiConfigBody)).cfg_glpi;
  }

  /**
   * GLPI's clock, from one getFullSession answer (every version from 9.1): `local` is its current time as it
   * reads and writes dates (server-local `YYYY-MM-DD HH:MM:SS`, `glpi_currenttime`), `httpDate` the same
   * answer's `Date` header (GMT). Their difference is the server's UTC offset.
   */
  async serverClock(): Promise<{ local?: string; httpDate?: string }> {
    const { data, headers } = await this.request('GET', 'getFullSession', {});
    const session = (data as { session?: Record<string, unknown> } | undefined)?.session;
    const local = session?.glpi_currenttime;
    const date = headers['date'];
    return {
      local: typeof local === 'string' ? local : undefined,
      httpDate: typeof date === 'string' ? date : undefined,
    };
  }

  async getActiveProfile(): Promise<z.infer<typeof s.activeProfileBody>['active_profile']> {
    return (await this.call('GET', 'getActiveProfile', s.activeProfileBody)).active_profile;
  }

  async getMyEntities(recursive = false): Promise<{ id: number; name: string }[]> {
    const query = recursive ? { is_recursive: true } : undefined;
    return (await this.call('GET', 'getMyEntities', s.myEntitiesBody, { query })).myentities;
  }

  async getActiveEntities(): Promise<{ id: number; recursive: boolean; ids: number[] }> {
    const { active_entity: a } = await this.call('GET', 'getActiveEntities', s.activeEntitiesBody);
    return {
      id: a.id,
      recursive: Boolean(a.active_entity_recursive),
      ids: a.active_entities.map((e) => e.id),
    };
  }

  /**
   * Makes `id` the active entity. Remembered, and applied again after a re-login, because GLPI computes
   * the writable entities at login: an entity created in this session is not writable until this call.
   */
  async changeActiveEntities(id: number, recursive = true): Promise<void> {
    this.activeEntity = { id, recursive };
    const token = await this.session();
    try {
      await this.applyActiveEntity(token);
    } catch (err) {
      if (!(err instanceof GlpiError && err.code === SESSION_INVALID)) throw err;
      // A new login applies the remembered active entity itself.
      await this.session(token);
    }
  }

  async getItem<T extends s.ItemRow = s.ItemRow>(itemtype: string, id: number, query?: Query): Promise<T> {
    return (await this.call('GET', `${itemtype}/${id}`, s.itemRow, { query })) as T;
  }

  async getItems(itemtype: string, options: ListOptions = {}): Promise<Page<s.ItemRow>> {
    return this.page(itemtype, options);
  }

  async getSubItems(
    itemtype: string,
    id: number,
    subItemtype: string,
    options: ListOptions = {},
  ): Promise<Page<s.ItemRow>> {
    return this.page(`${itemtype}/${id}/${subItemtype}`, options);
  }

  /** Every row of a collection, fetched page by page. */
  async getAllItems(
    path: string,
    options: Omit<ListOptions, 'range'> = {},
    pageSize = 500,
  ): Promise<s.ItemRow[]> {
    const rows: s.ItemRow[] = [];
    for (let start = 0; ; start += pageSize) {
      const page = await this.page(path, { ...options, range: { start, end: start + pageSize - 1 } });
      rows.push(...page.rows);
      if (page.rows.length === 0 || start + pageSize >= page.total) return rows;
    }
  }

  async search(itemtype: string, options: SearchOptions = {}): Promise<Page<s.SearchRow>> {
    const query: Query = {};
    options.criteria?.forEach((c, i) => {
      const entry: Query = { field: c.field, searchtype: c.searchtype, value: c.value };
      if (i > 0) entry.link = c.link ?? 'AND';
      query[`criteria[${i}]`] = entry;
    });
    const display = [...new Set([2, ...(options.forcedisplay ?? [])])];
    display.forEach((d, i) => (query[`forcedisplay[${i}]`] = d));
    const range = options.range ?? { start: 0, end: 999 };
    query.range = `${range.start}-${range.end}`;
    if (options.sort !== undefined) query.sort = options.sort;
    if (options.order) query.order = options.order;
    const body = await this.call('GET', `search/${itemtype}`, s.searchBody, { query: flatten(query) });
    return { rows: body.data ?? [], total: body.totalcount };
  }

  /** Every matching row of a search, page by page. */
  async searchAll(
    itemtype: string,
    options: Omit<SearchOptions, 'range'>,
    pageSize = 1000,
  ): Promise<s.SearchRow[]> {
    const rows: s.SearchRow[] = [];
    for (let start = 0; ; start += pageSize) {
      const page = await this.search(itemtype, { ...options, range: { start, end: start + pageSize - 1 } });
      rows.push(...page.rows);
      if (page.rows.length === 0 || start + pageSize >= page.total) return rows;
    }
  }

  /** Creates one item and returns its id. */
  async add(itemtype: string, input: Record<string, unknown>): Promise<number> {
    return (await this.call('POST', itemtype, s.addedOne, { body: { input } })).id;
  }

  /** Creates several items in one request; a 207 partial failure is reported per item, not thrown. */
  async addMany(itemtype: string, inputs: Record<string, unknown>[]): Promise<AddResult[]> {
    const { status, data } = await this.request('POST', itemtype, { body: { input: inputs } }, [207]);
    const entries = status === 207 && Array.isArray(data) ? data[1] : data;
    return this.parse(s.addedMany, entries, `POST /${itemtype}`).map((entry) =>
      typeof entry.id === 'number'
        ? { id: entry.id }
        : { error: entry.message || (entry.error !== undefined ? JSON.stringify(entry.error) : 'refused') },
    );
  }

  async update(itemtype: string, id: number, input: Record<string, unknown>): Promise<void> {
    await this.call('PUT', `${itemtype}/${id}`, s.changedMany, { body: { input } });
  }

  /**
   * Updates several items in one request (`PUT /Itemtype` with a list, every version from 9.1.2). Returns
   * the ids GLPI did not update with its reason; a 207 partial failure is reported, not thrown.
   */
  async updateMany(
    itemtype: string,
    inputs: (Record<string, unknown> & { id: number })[],
  ): Promise<Map<number, string>> {
    const { status, data } = await this.request('PUT', itemtype, { body: { input: inputs } }, [207]);
    const entries = status === 207 && Array.isArray(data) ? data[1] : data;
    const failed = new Map<number, string>();
    const done = new Set<number>();
    for (const entry of this.parse(s.changedMany, entries, `PUT /${itemtype}`)) {
      for (const [key, value] of Object.entries(entry)) {
        if (!/^\d+$/.test(key)) continue;
        if (value === true || value === 'true') done.add(Number(key));
        else
          failed.set(
            Number(key),
            typeof entry.message === 'string' && entry.message ? entry.message : 'refused',
          );
      }
    }
    // GLPI 10 leaves a missing item out of the answer instead of reporting it.
    for (const { id } of inputs) if (!done.has(id) && !failed.has(id)) failed.set(id, 'Item not found');
    return failed;
  }

  async delete(itemtype: string, id: number, options: { forcePurge?: boolean } = {}): Promise<void> {
    const query = options.forcePurge ? { force_purge: true } : undefined;
    // 9.1.0/9.1.1 answer 204 with no body.
    const { status, data } = await this.request('DELETE', `${itemtype}/${id}`, { query });
    if (status !== 204) this.parse(s.changedMany, data, `DELETE /${itemtype}`);
  }

  // ---- plumbing ----

  private async page(path: string, options: ListOptions): Promise<Page<s.ItemRow>> {
    const range = options.range ?? { start: 0, end: 999 };
    const query: Query = { range: `${range.start}-${range.end}` };
    for (const [column, text] of Object.entries(options.searchText ?? {}))
      query[`searchText[${column}]`] = text;
    if (options.sort) query.sort = options.sort;
    if (options.order) query.order = options.order;
    if (options.isDeleted !== undefined) query.is_deleted = options.isDeleted;
    if (options.expandDropdowns) query.expand_dropdowns = true;
    try {
      const { data, headers } = await this.request('GET', path, { query });
      const rows = this.parse(s.itemRows, data, `GET /${path}`);
      const total = Number(/\/(\d+)$/.exec(String(headers['content-range'] ?? ''))?.[1] ?? rows.length);
      return { rows, total: Math.max(total, range.start + rows.length) };
    } catch (err) {
      // Asking past the end is an error in GLPI; for a pager it just means "no more rows".
      if (err instanceof GlpiError && err.code === 'ERROR_RANGE_EXCEED_TOTAL')
        return { rows: [], total: range.start };
      throw err;
    }
  }

  private async call<S extends z.ZodType>(
    method: Method,
    path: string,
    schema: S,
    options: { query?: Query; body?: unknown } = {},
  ): Promise<z.infer<S>> {
    const { data } = await this.request(method, path, options);
    return this.parse(schema, data, `${method} /${path}`);
  }

  private parse<S extends z.ZodType>(schema: S, data: unknown, request: string): z.infer<S> {
    const parsed = schema.safeParse(data);
    if (!parsed.success) {
      throw new GlpiResponseError(
        `GLPI ${request} answered an unexpected response: ${s.describeMismatch(parsed.error)}`,
        { code: 'UNEXPECTED_RESPONSE', request },
      );
    }
    return parsed.data;
  }

  /** An authenticated request; a session GLPI reports expired is renewed and the call retried once. */
  private async request(
    method: Method,
    path: string,
    options: { query?: Query; body?: unknown },
    acceptedErrors: number[] = [],
  ): Promise<{ status: number; data: unknown; headers: AxiosResponse['headers'] }> {
    let token = await this.session();
    for (let renewals = 0; ; renewals++) {
      try {
        return await this.exchange(method, path, { ...options, token }, acceptedErrors);
      } catch (err) {
        // A session can end again while many calls share it; a GLPI that refuses every new one is an error.
        if (!(err instanceof GlpiError && err.code === SESSION_INVALID) || renewals >= SESSION_RENEWALS)
          throw err;
        token = await this.session(token);
      }
    }
  }

  /** The current session token; `expired` names a token known to be dead, which forces one new login. */
  private async session(expired?: string): Promise<string> {
    if (this.sessionToken && this.sessionToken !== expired) return this.sessionToken;
    if (expired && this.sessionToken === expired) this.sessionToken = undefined;
    this.loggingIn ??= this.login().finally(() => (this.loggingIn = undefined));
    return this.loggingIn;
  }

  private async login(): Promise<string> {
    const { userToken, username, password } = this.options;
    const authorization = userToken
      ? `user_token ${userToken}`
      : `Basic ${Buffer.from(`${username ?? ''}:${password ?? ''}`).toString('base64')}`;
    const { data } = await this.exchange('GET', 'initSession', { authorization });
    const token = this.parse(s.initSessionBody, data, 'GET /initSession').session_token;
    if (this.activeEntity) await this.applyActiveEntity(token);
    this.sessionToken = token;
    return token;
  }

  private async applyActiveEntity(token: string): Promise<void> {
    const { id, recursive } = this.activeEntity!;
    const { data } = await this.exchange('POST', 'changeActiveEntities', {
      token,
      body: { entities_id: id, is_recursive: recursive },
    });
    // 10.0+ reports a refused change as `200 false` rather than an error.
    if (data !== true) {
      throw classifyGlpiError(
        400,
        'ERROR_RIGHT_MISSING',
        `cannot activate entity ${id}`,
        'POST /changeActiveEntities',
      );
    }
  }

  /** One exchange, retried inside the client when it is idempotent and failed in a way that can pass. */
  private async exchange(
    method: Method,
    path: string,
    options: { query?: Query; body?: unknown; token?: string; authorization?: string },
    acceptedErrors: number[] = [],
  ): Promise<{ status: number; data: unknown; headers: AxiosResponse['headers'] }> {
    const upper = method.toUpperCase();
    const idempotent = upper === 'GET' || (upper === 'POST' && IDEMPOTENT_POSTS.has(path));
    const attempts = idempotent ? Math.max(1, this.options.retry?.attempts ?? 3) : 1;
    const budgetMs = this.options.retry?.budgetMs ?? 5_000;
    const first = Date.now();
    let delay = this.options.retry?.initialDelayMs ?? 250;
    for (let attempt = 1; ; attempt++) {
      try {
        await this.turn();
        try {
          return await this.send(method, path, options, acceptedErrors);
        } finally {
          this.done();
        }
      } catch (err) {
        if (attempt >= attempts || !transient(err)) throw err;
        const jittered = Math.round(delay * (0.5 + Math.random()));
        const wait = Math.max(jittered, err.retryAfterMs ?? 0);
        if (Date.now() + wait - first > budgetMs) throw err;
        this.options.onRetry?.({
          request: `${upper} /${path}`,
          attempt: attempt + 1,
          delayMs: wait,
          reason: err.code,
        });
        await new Promise((resolve) => setTimeout(resolve, wait));
        delay *= 2;
      }
    }
  }

  /** Waits for a free request slot: the request's timeout counts from when it is sent, not queued. */
  private turn(): Promise<void> {
    if (this.inFlight < (this.options.maxSockets ?? MAX_SOCKETS)) {
      this.inFlight += 1;
      return Promise.resolve();
    }
    return new Promise((resolve) => this.queued.push(resolve));
  }

  /** Hands the slot to the next request waiting, if any. */
  private done(): void {
    const next = this.queued.shift();
    if (next) next();
    else this.inFlight -= 1;
  }

  /** One HTTP exchange. Errors become typed GlpiErrors that carry no secret. */
  private async send(
    method: Method,
    path: string,
    options: { query?: Query; body?: unknown; token?: string; authorization?: string },
    acceptedErrors: number[] = [],
  ): Promise<{ status: number; data: unknown; headers: AxiosResponse['headers'] }> {
    // Exact header-name case: GLPI 9.1/9.2 behind Apache mod_php look them up case-sensitively.
    const headers: Record<string, string> = {};
    if (this.options.appToken) headers['App-Token'] = this.options.appToken;
    if (options.token) headers['Session-Token'] = options.token;
    if (options.authorization) headers['Authorization'] = options.authorization;
    if (options.body !== undefined) headers['Content-Type'] = 'application/json';
    const request = `${method.toUpperCase()} /${path}`;
    const started = Date.now();
    let response: AxiosResponse<string>;
    try {
      response = await this.http.request<string>({
        method,
        url: `/${path}`,
        params: options.query,
        // GET carries no body: GLPI answers ERROR_JSON_PAYLOAD_FORBIDDEN to one.
        data: options.body === undefined ? undefined : JSON.stringify(options.body),
        headers,
      });
    } catch (err) {
      const code = err instanceof AxiosError ? (err.code ?? 'NETWORK') : 'NETWORK';
      this.options.onRequest?.({ method, path, status: code, ms: Date.now() - started });
      if (code === 'ETIMEDOUT' || code === 'ECONNABORTED') {
        throw new GlpiTimeoutError(`GLPI ${request} timed out after ${this.http.defaults.timeout} ms`, {
          code: 'TIMEOUT',
          request,
        });
      }
      const reason = err instanceof Error ? err.message : String(err);
      throw new GlpiNetworkError(`GLPI ${request} failed: ${reason}`, { code: 'NETWORK', request });
    }
    this.options.onRequest?.({ method, path, status: response.status, ms: Date.now() - started });
    const data = parseJson(response.data);
    if (response.status < 300 || acceptedErrors.includes(response.status)) {
      return { status: response.status, data, headers: response.headers };
    }
    const body = s.errorBody.safeParse(data);
    const [code, message] = body.success ? body.data : ['HTTP_' + response.status, ''];
    const text = typeof message === 'string' ? message.replace(/; view documentation.*$/, '') : '';
    const error = classifyGlpiError(response.status, code, text, request);
    error.retryAfterMs = retryAfterMs(response.headers['retry-after']);
    throw error;
  }
}

const trustedContexts = new Map<string, SecureContext>();

/**
 * What an https request to GLPI trusts: `extra` (GLPI_CA_FILE) on top of the CAs Node trusts anyway, its
 * bundled roots and NODE_EXTRA_CA_CERTS. Node's `ca` option replaces those instead of adding to them, which
 * would make an extra CA stop every other certificate from being trusted. Made once per CA (loading Node's
 * roots takes milliseconds, too long for every connection). Undefined (Node's default) without an extra CA.
 */
export function trustedContext(extra: string | Buffer | undefined): SecureContext | undefined {
  if (extra === undefined || extra.length === 0) return undefined;
  const key = extra.toString();
  let context = trustedContexts.get(key);
  if (!context) {
    const ca: (string | Buffer)[] = [...rootCertificates];
    const nodeExtra = process.env.NODE_EXTRA_CA_CERTS;
    if (nodeExtra) {
      try {
        ca.push(readFileSync(nodeExtra));
      } catch {
        // Node itself only warns about an unreadable NODE_EXTRA_CA_CERTS.
      }
    }
    ca.push(extra);
    context = createSecureContext({ ca });
    trustedContexts.set(key, context);
  }
  return context;
}

/** A failure another try may not meet: no answer, a timeout, or GLPI or its web server overloaded. */
function transient(err: unknown): err is GlpiError {
  return err instanceof GlpiNetworkError || err instanceof GlpiTimeoutError || err instanceof GlpiServerError;
}

/** `Retry-After: 120` or an HTTP date, in milliseconds from now. */
function retryAfterMs(header: unknown): number | undefined {
  if (typeof header !== 'string' || header.trim() === '') return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const at = Date.parse(header);
  return Number.isNaN(at) ? undefined : Math.max(0, at - Date.now());
}

function parseJson(text: string | undefined): unknown {
  if (text === undefined || text === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** `{ 'criteria[0]': { field: 1 } }` → `{ 'criteria[0][field]': 1 }`, the form PHP expects. */
function flatten(query: Query, prefix = ''): Query {
  const out: Query = {};
  for (const [key, value] of Object.entries(query)) {
    const name = prefix ? `${prefix}[${key}]` : key;
    if (value !== null && typeof value === 'object') Object.assign(out, flatten(value as Query, name));
    else out[name] = value;
  }
  return out;
}
