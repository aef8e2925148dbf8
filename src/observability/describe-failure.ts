/**
 * Failures told to people: the real cause of a chain (workflow failed → activity failed → "GLPI GET
 * /initSession failed: connect ECONNREFUSED 127.0.0.1:1"), said the way an operator thinks of it ("GLPI
 * unreachable: connect ECONNREFUSED 127.0.0.1:1"), and a JSON-safe view of any error for the logs.
 *
 * Works on errors from any realm (workflow sandbox errors are not `instanceof Error` here), on Temporal's
 * failure classes, and on the raw protobuf failures that `describe()` returns for pending activities.
 */

/** The protobuf shape of a Temporal failure (`temporal.api.failure.v1.Failure`), as far as read here. */
export interface ProtoFailure {
  message?: string | null;
  cause?: ProtoFailure | null;
  applicationFailureInfo?: { type?: string | null; nonRetryable?: boolean | null } | null;
  timeoutFailureInfo?: { timeoutType?: number | string | null } | null;
  canceledFailureInfo?: unknown;
  terminatedFailureInfo?: unknown;
}

/** One link of a failure chain, whatever it came from. */
export interface FailureLink {
  /** The error class or Temporal failure type (`GlpiNetworkError`, `ActivityFailure`, `TimeoutFailure`…). */
  type?: string;
  message: string;
  /** Why Temporal stopped retrying, on an activity or child failure (`TIMEOUT`: the retry budget ran out). */
  retryState?: string;
}

/** Is it an Error, from this realm or another (a workflow's sandbox)? */
export function isErrorLike(value: unknown): value is Error {
  if (value instanceof Error) return true;
  return (
    typeof value === 'object' &&
    value !== null &&
    (Object.prototype.toString.call(value) === '[object Error]' ||
      (typeof (value as Error).message === 'string' && typeof (value as Error).name === 'string'))
  );
}

/** The chain of an error (`cause` after `cause`), outermost first. */
export function errorChain(err: unknown): FailureLink[] {
  const links: FailureLink[] = [];
  let current: unknown = err;
  for (let depth = 0; current !== undefined && current !== null && depth < 20; depth++) {
    if (isErrorLike(current)) {
      const { type, retryState } = current as { type?: unknown; retryState?: unknown };
      const link: FailureLink = {
        type: typeof type === 'string' && type ? type : current.name,
        message: current.message,
      };
      if (retryState !== undefined && retryState !== null) link.retryState = String(retryState);
      links.push(link);
      current = (current as { cause?: unknown }).cause;
    } else {
      links.push({ message: String(current) });
      break;
    }
  }
  return links;
}

/** The chain of a protobuf failure, outermost first. */
export function protoFailureChain(failure: ProtoFailure | null | undefined): FailureLink[] {
  const links: FailureLink[] = [];
  for (let f = failure, depth = 0; f && depth < 20; f = f.cause, depth++) {
    const type =
      f.applicationFailureInfo?.type ??
      (f.timeoutFailureInfo ? 'TimeoutFailure' : undefined) ??
      (f.canceledFailureInfo ? 'CancelledFailure' : undefined) ??
      (f.terminatedFailureInfo ? 'TerminatedFailure' : undefined);
    links.push({ type: type ?? undefined, message: f.message ?? '' });
  }
  return links;
}

/** Wrappers that only say where a failure happened, not what it is. */
const WRAPPERS = new Set([
  'ActivityFailure',
  'ChildWorkflowFailure',
  'WorkflowFailedError',
  'TimeoutFailure',
  'HostIncomplete',
]);

/** The innermost link that says what went wrong (a timeout's cause, when it has one, is the real one). */
export function rootCause(chain: FailureLink[]): FailureLink | undefined {
  const meaningful = chain.filter((l) => l.message && !WRAPPERS.has(l.type ?? ''));
  return meaningful.at(-1) ?? chain.at(-1);
}

const GLPI_PREFIX = /^GLPI (?:[A-Z]+ \/\S* )?failed: /;

/** What a TLS failure of a GLPI connection is, in one line, and the setting that fixes it. */
export interface TlsProblem {
  reason: string;
  fix: string;
}

/**
 * A TLS failure told apart from other network failures, with the fix that fits it: only an unknown issuer
 * is fixed by GLPI_CA_FILE; a host name the certificate does not name, an expired certificate or a server
 * that does not speak TLS at all are not. Undefined when `reason` is no TLS failure.
 */
export function tlsProblem(reason: string): TlsProblem | undefined {
  // OpenSSL's own messages carry the library's file and line, over several lines: keep what they say.
  const openssl = /SSL routines:[^:]*:([^:]+)/.exec(reason)?.[1];
  const text = (openssl ?? reason).replace(/\s+/g, ' ').replace(/[\s:]+$/, '');
  if (/wrong version number|packet length too long|unknown protocol/i.test(text))
    return {
      reason: `${text}, the server does not speak TLS`,
      fix: 'GLPI_URL says https:// for a server or port that speaks plain http: use http://, or the https port',
    };
  if (/before secure TLS connection was established/i.test(text))
    return {
      reason: text,
      fix: "the server closed the connection in the TLS handshake: check GLPI_URL's scheme and port",
    };
  if (/altnames|Hostname\/IP does not match|ERR_TLS_CERT_ALTNAME/i.test(text))
    return {
      reason: text,
      fix: "GLPI_URL must name a host that GLPI's certificate names; GLPI_CA_FILE cannot fix this",
    };
  if (/expired|not yet valid/i.test(text))
    return {
      reason: text,
      fix: "GLPI's certificate is outside its validity dates: renew it on the GLPI server (or check this host's clock)",
    };
  if (/certificate|self[- ]signed|SSL|TLS|CERT_|issuer/i.test(text))
    return { reason: text, fix: "set GLPI_CA_FILE to the CA of GLPI's certificate" };
  return undefined;
}

/**
 * One cause, said for people. GLPI transport failures become "GLPI unreachable: …", a TLS failure says
 * which setting fixes it; everything else keeps its own message, which already names the request.
 */
export function causeText(link: FailureLink | undefined): string {
  if (!link) return 'unknown failure';
  const { type, message } = link;
  if (type === 'GlpiNetworkError') {
    const reason = message.replace(GLPI_PREFIX, '').replace(/\s+/g, ' ').trim();
    const tls = tlsProblem(reason);
    if (tls) return `GLPI TLS error: ${tls.reason} (${tls.fix})`;
    return `GLPI unreachable: ${reason}`;
  }
  if (type === 'GlpiTimeoutError') return `GLPI not answering: ${message.replace(/^GLPI /, '')}`;
  // GLPI's own code and message ("ERROR_GLPI_LOGIN_USER_TOKEN (HTTP 401): parameter user_token seems invalid").
  if (type === 'GlpiAuthError') return `GLPI refused the login: ${message.replace(GLPI_PREFIX, '')}`;
  return message;
}

/** The real cause of a failure of any kind (error, Temporal failure, proto failure), said for people. */
export function describeFailure(err: unknown): string {
  return causeText(rootCause(errorChain(err)));
}

export function describeProtoFailure(failure: ProtoFailure | null | undefined): string {
  return causeText(rootCause(protoFailureChain(failure)));
}

/** Did Temporal give up because the retry budget (schedule-to-close timeout) ran out? */
export function budgetExhausted(chain: FailureLink[]): boolean {
  return chain.some(
    (l) =>
      /TIMEOUT$/.test(l.retryState ?? '') ||
      (l.type === 'TimeoutFailure' && /schedule.?to.?close/i.test(l.message)),
  );
}

/** The fields of an error that help the one reading a log: type, message, GLPI code, HTTP status, cause. */
export interface SerializedError {
  type: string;
  message: string;
  code?: string;
  status?: number;
  request?: string;
  nonRetryable?: boolean;
  cause?: SerializedError;
}

/**
 * An error as a JSON-safe object. `JSON.stringify(new Error('x'))` is `{}`; this keeps what matters, reads
 * GLPI's code and status from a GlpiError or from the details an activity failure carries, and follows the
 * cause chain. Never the stack of a known failure, never request headers (they are not on our errors).
 */
export function serializeError(err: unknown, depth = 0): SerializedError | undefined {
  if (!isErrorLike(err)) return undefined;
  const e = err as Error & {
    type?: unknown;
    code?: unknown;
    status?: unknown;
    request?: unknown;
    nonRetryable?: unknown;
    details?: unknown;
    cause?: unknown;
  };
  const detail = Array.isArray(e.details) ? (e.details[0] as Record<string, unknown> | undefined) : undefined;
  const pick = <T>(own: unknown, fromDetail: unknown, kind: 'string' | 'number'): T | undefined =>
    (typeof own === kind ? own : typeof fromDetail === kind ? fromDetail : undefined) as T | undefined;
  const out: SerializedError = {
    type: typeof e.type === 'string' && e.type ? e.type : e.name || 'Error',
    message: e.message,
  };
  const code = pick<string>(e.code, detail?.code, 'string');
  const status = pick<number>(e.status, detail?.status, 'number');
  const request = pick<string>(e.request, detail?.request, 'string');
  if (code !== undefined) out.code = code;
  if (status !== undefined) out.status = status;
  if (request !== undefined) out.request = request;
  if (typeof e.nonRetryable === 'boolean') out.nonRetryable = e.nonRetryable;
  if (depth < 8) {
    const cause = serializeError(e.cause, depth + 1);
    if (cause) out.cause = cause;
  }
  return out;
}
