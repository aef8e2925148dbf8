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

/**
 * One cause, said for people. GLPI transport failures become "GLPI unreachable: …", a TLS failure says
 * which setting fixes it; everything else keeps its own message, which already names the request.
 */
export function causeText(link: FailureLink | undefined): string {
  if (!link) return 'unknown failure';
  const { type, message } = link;
  if (type === 'GlpiNetworkError') {
    const reason = message.replace(GLPI_PREFIX, '');
    if (/certificate|self[- ]signed|SSL|TLS|CERT_/i.test(reason))
      return `GLPI TLS error: ${reason} (set GLPI_CA_FILE to the CA of GLPI's certificate)`;
    return `GLPI unreachable: ${reason}`;
  }
  if (type === 'GlpiTimeoutError') return `GLPI not answering: ${message.replace(/^GLPI /, '')}`;
  if (type === 'GlpiAuthError') return `GLPI refused the login: ${message}`;
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
