/**
 * Typed GLPI errors. Each class decides for itself whether another try can succeed (`retryable`); no list of
 * error names is kept anywhere. At the activity boundary (src/activities/activity-boundary.ts) a thrown error
 * becomes an ApplicationFailure whose type is the class's stable `name` (shown in the Web UI and the logs)
 * and whose `nonRetryable` is `!retryable`, so Temporal stops retrying exactly the errors that say so.
 */
export interface GlpiErrorDetails {
  /** GLPI's error code (`ERROR_ITEM_NOT_FOUND`…), or our own for transport failures (`NETWORK`, `TIMEOUT`). */
  code: string;
  /** HTTP status, when a response came back. */
  status?: number;
  /** The request, without query string or credentials: `POST /Computer`. */
  request?: string;
}

export abstract class GlpiError extends Error {
  abstract readonly retryable: boolean;
  readonly code: string;
  readonly status?: number;
  readonly request?: string;
  /** What GLPI's `Retry-After` header asked for (429, 503). */
  retryAfterMs?: number;
  constructor(message: string, details: GlpiErrorDetails) {
    super(message);
    this.code = details.code;
    this.status = details.status;
    this.request = details.request;
  }
}

/** The connection failed, was reset, or no response came back. Retry. */
export class GlpiNetworkError extends GlpiError {
  override readonly name = 'GlpiNetworkError';
  readonly retryable = true;
}

/**
 * The network failures that say GLPI is not there at all (nothing listens, no such host, no route), as
 * opposed to a connection made and then lost (`socket hang up`, `ECONNRESET`): GLPI away, not GLPI flaky.
 */
export function glpiAway(failureType: string | undefined, message: string): boolean {
  return (
    failureType === 'GlpiNetworkError' &&
    /\b(ECONNREFUSED|ENOTFOUND|EAI_AGAIN|EHOSTUNREACH|ENETUNREACH)\b/.test(message)
  );
}

/** GLPI did not answer within the configured timeout. Retry (the write may have happened: look first). */
export class GlpiTimeoutError extends GlpiError {
  override readonly name = 'GlpiTimeoutError';
  readonly retryable = true;
}

/** 5xx from GLPI or its web server, or 429. Retry with back-off. */
export class GlpiServerError extends GlpiError {
  override readonly name = 'GlpiServerError';
  readonly retryable = true;
}

/** GLPI reports the session expired even after a fresh login (sessions expiring very fast). Retry. */
export class GlpiSessionError extends GlpiError {
  override readonly name = 'GlpiSessionError';
  readonly retryable = true;
}

/** Login refused: wrong App-Token, user token, password, IP not allowed, API disabled. Fix configuration. */
export class GlpiAuthError extends GlpiError {
  override readonly name = 'GlpiAuthError';
  readonly retryable = false;
}

/** The API user's profile lacks a right, or the target entity is not active. Fix GLPI rights. */
export class GlpiRightError extends GlpiError {
  override readonly name = 'GlpiRightError';
  readonly retryable = false;
}

/** The item does not exist (or is not visible from the active entities). */
export class GlpiNotFoundError extends GlpiError {
  override readonly name = 'GlpiNotFoundError';
  readonly retryable = false;
}

/** GLPI refused the request's content: a bad parameter, a refused add/update/delete. */
export class GlpiRequestError extends GlpiError {
  override readonly name = 'GlpiRequestError';
  readonly retryable = false;
}

/** GLPI answered something this client does not understand; retrying will not change it. */
export class GlpiResponseError extends GlpiError {
  override readonly name = 'GlpiResponseError';
  readonly retryable = false;
}

const AUTH_CODES = new Set([
  'ERROR_NOT_ALLOWED_IP',
  'ERROR_APP_TOKEN_PARAMETERS_MISSING',
  'ERROR_WRONG_APP_TOKEN_PARAMETER',
  'ERROR_LOGIN_PARAMETERS_MISSING',
  'ERROR_LOGIN_WITH_CREDENTIALS_DISABLED',
  'ERROR_GLPI_LOGIN_USER_TOKEN',
  'ERROR_GLPI_LOGIN',
  'ERROR_SESSION_TOKEN_MISSING',
]);

const PERMISSION_TEXT = /permission/i;

/** Maps a GLPI error body `["CODE","message"]` and its status to the right class. */
export function classifyGlpiError(status: number, code: string, message: string, request: string): GlpiError {
  const details = { code, status, request };
  const text = `GLPI ${request} failed: ${code} (HTTP ${status})${message ? `: ${message}` : ''}`;
  if (status >= 500 || status === 429) return new GlpiServerError(text, details);
  if (code === 'ERROR_SESSION_TOKEN_INVALID') return new GlpiSessionError(text, details);
  if (code === 'ERROR_RIGHT_MISSING') return new GlpiRightError(text, details);
  if (code === 'ERROR_ITEM_NOT_FOUND') return new GlpiNotFoundError(text, details);
  if (AUTH_CODES.has(code) || (code === 'ERROR' && /API disabled/i.test(message))) {
    return new GlpiAuthError(text, details);
  }
  // Real GLPI reports a create refused for want of rights as a 400 ERROR_GLPI_ADD with this text.
  if (/^ERROR_GLPI_(ADD|UPDATE|DELETE)$/.test(code) && PERMISSION_TEXT.test(message)) {
    return new GlpiRightError(text, details);
  }
  return new GlpiRequestError(text, details);
}
