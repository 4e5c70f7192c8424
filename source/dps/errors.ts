/**
 * The gateway's one error type. Both SDKs' failures (service SDK errors with `.response.statusCode` and
 * `.responseBody`, ARM RestErrors with `.statusCode`, Node socket and TLS errors, sign-in failures) are
 * mapped onto a small set of kinds the wizard can explain and act on. Mapping branches on status codes
 * and error codes, never on SDK classes, and copies only messages, after removing anything secret.
 */

export type DpsErrorKind =
  | 'unauthorized'
  | 'forbidden'
  | 'not-found'
  | 'conflict'
  | 'stale-etag'
  | 'throttled'
  | 'bad-request'
  | 'server'
  | 'network'
  | 'tls'
  /** The operation needs the ARM API (Azure sign-in), but only a service connection string was given. */
  | 'needs-arm'
  /** The caller aborted the call (its AbortSignal), e.g. Esc while waiting to retry. */
  | 'cancelled'
  | 'unknown';

export type DpsErrorDetails = {
  kind: DpsErrorKind;
  /** What the gateway was doing, e.g. "get individual enrollment 'dev-01'". */
  operation: string;
  status?: number;
  /** The service's own message, secrets removed. */
  serviceMessage?: string;
  trackingId?: string;
  /** DPS errorCode (e.g. 412001) or ARM code. */
  errorCode?: string;
  /** How long the service asked us to wait (429, sometimes 503). */
  retryAfterSeconds?: number;
  /** The same, to the millisecond (retry-after-ms, or Retry-After in milliseconds). */
  retryAfterMs?: number;
  /** How many times the call was sent, when it was more than once. */
  attempts?: number;
  /** One more sentence about this failure, e.g. why the gateway stopped retrying. */
  note?: string;
};

const kindText: Record<DpsErrorKind, string> = {
  unauthorized: 'the credentials were rejected',
  forbidden: 'the credentials lack permission for this',
  'not-found': 'it does not exist',
  conflict: 'it already exists',
  'stale-etag': 'it was changed since it was read (etag mismatch)',
  throttled: 'DPS is throttling requests',
  'bad-request': 'DPS rejected the request',
  server: 'DPS had an internal error',
  network: 'DPS could not be reached',
  tls: 'the TLS connection to DPS could not be verified',
  'needs-arm':
    'this needs Azure sign-in (ARM): a service connection string reaches only enrollments and registrations',
  cancelled: 'it was cancelled',
  unknown: 'an unexpected error occurred',
};

/** Statuses whose cause is more specific than their kind's. */
const statusText: Record<number, string> = {
  408: 'DPS timed out waiting for the request',
  502: 'a gateway in front of DPS failed',
  503: 'DPS is temporarily unavailable',
  504: 'a gateway in front of DPS timed out',
};

export class DpsError extends Error {
  override name = 'DpsError';
  readonly kind: DpsErrorKind;
  readonly operation: string;
  readonly status?: number;
  readonly serviceMessage?: string;
  readonly trackingId?: string;
  readonly errorCode?: string;
  readonly retryAfterSeconds?: number;
  readonly retryAfterMs?: number;
  readonly attempts?: number;
  readonly note?: string;

  constructor(details: DpsErrorDetails) {
    const status = details.status === undefined ? '' : ` (HTTP ${details.status})`;
    const service = details.serviceMessage ? `: ${details.serviceMessage}` : '';
    const attempts =
      details.attempts !== undefined && details.attempts > 1
        ? ` after ${details.attempts} attempts`
        : '';
    const cause =
      (details.status === undefined ? undefined : statusText[details.status]) ??
      kindText[details.kind];
    const note = details.note ? `${service.endsWith('.') ? '' : '.'} ${details.note}` : '';
    super(
      details.kind === 'cancelled'
        ? `${details.operation} was cancelled${attempts}${note}`
        : `${details.operation} failed${attempts}, ${cause}${status}${service}${note}`,
    );
    this.kind = details.kind;
    this.operation = details.operation;
    if (details.status !== undefined) this.status = details.status;
    if (details.serviceMessage !== undefined) this.serviceMessage = details.serviceMessage;
    if (details.trackingId !== undefined) this.trackingId = details.trackingId;
    if (details.errorCode !== undefined) this.errorCode = details.errorCode;
    if (details.retryAfterSeconds !== undefined) this.retryAfterSeconds = details.retryAfterSeconds;
    if (details.retryAfterMs !== undefined) this.retryAfterMs = details.retryAfterMs;
    if (details.attempts !== undefined) this.attempts = details.attempts;
    if (details.note !== undefined) this.note = details.note;
  }

  /** The details this error was made from, to make a copy with some of them changed. */
  details(): DpsErrorDetails {
    const details: DpsErrorDetails = {kind: this.kind, operation: this.operation};
    if (this.status !== undefined) details.status = this.status;
    if (this.serviceMessage !== undefined) details.serviceMessage = this.serviceMessage;
    if (this.trackingId !== undefined) details.trackingId = this.trackingId;
    if (this.errorCode !== undefined) details.errorCode = this.errorCode;
    if (this.retryAfterSeconds !== undefined) details.retryAfterSeconds = this.retryAfterSeconds;
    if (this.retryAfterMs !== undefined) details.retryAfterMs = this.retryAfterMs;
    if (this.attempts !== undefined) details.attempts = this.attempts;
    if (this.note !== undefined) details.note = this.note;
    return details;
  }
}

export function isDpsError(error: unknown, kind?: DpsErrorKind): error is DpsError {
  return error instanceof DpsError && (kind === undefined || error.kind === kind);
}

/** The error kind an HTTP status means. */
export function kindForStatus(status: number): DpsErrorKind {
  switch (status) {
    case 401:
      return 'unauthorized';
    case 403:
      return 'forbidden';
    case 404:
      return 'not-found';
    case 408:
      return 'network';
    case 409:
      return 'conflict';
    case 412:
      return 'stale-etag';
    case 429:
      return 'throttled';
  }
  if (status >= 500) return 'server';
  if (status >= 400) return 'bad-request';
  return 'unknown';
}

const networkCodes = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'ETIMEDOUT',
  'ESOCKETTIMEDOUT',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENETDOWN',
  'EPIPE',
  'UND_ERR_SOCKET',
  'REQUEST_SEND_ERROR',
]);

const tlsCodes = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'CERT_SIGNATURE_FAILURE',
  'CERT_UNTRUSTED',
  'CERT_REJECTED',
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'ERR_TLS_HANDSHAKE_TIMEOUT',
]);

const tlsMessagePattern =
  /unable to verify|self[- ]signed certificate|certificate has expired|unable to get (local )?issuer|does not match certificate's altnames/i;

function isTlsCode(code: string): boolean {
  return tlsCodes.has(code) || code.startsWith('ERR_SSL_') || code.startsWith('ERR_TLS_');
}

/** Sign-in failures from @azure/identity (matched by name so identity need not be loaded). */
const signInErrorNames = new Set([
  'CredentialUnavailableError',
  'AuthenticationError',
  'AggregateAuthenticationError',
  'AuthenticationRequiredError',
]);

type Headers = {get(name: string): string | undefined};

type ErrorShape = {
  status?: number;
  headers?: Headers;
  bodyText?: string;
  code?: string;
  message?: string;
  name?: string;
};

/**
 * Reads the parts of an SDK or socket error that matter, whatever its class:
 * service SDK errors carry `.response.statusCode` (a Node IncomingMessage) and `.responseBody`,
 * ARM RestErrors carry `.statusCode`, `.code` and `.response` (with `headers.get()` and `bodyAsText`).
 */
function readErrorShape(error: unknown): ErrorShape {
  if (typeof error !== 'object' || error === null) return {message: String(error)};
  const value = error as Record<string, unknown>;
  const shape: ErrorShape = {};
  if (typeof value.message === 'string') shape.message = value.message;
  if (typeof value.name === 'string') shape.name = value.name;
  if (typeof value.code === 'string') shape.code = value.code;
  const response = value.response as Record<string, unknown> | undefined;
  if (typeof response === 'object' && response !== null) {
    if (typeof response.statusCode === 'number') shape.status = response.statusCode;
    if (typeof response.status === 'number') shape.status = response.status;
    const headers = response.headers as unknown;
    if (headers && typeof (headers as Headers).get === 'function') {
      shape.headers = {get: (name) => (headers as Headers).get(name) ?? undefined};
    } else if (headers && typeof headers === 'object') {
      const plain = headers as Record<string, string | string[] | undefined>;
      shape.headers = {
        get: (name) => {
          const header = plain[name.toLowerCase()];
          return Array.isArray(header) ? header[0] : header;
        },
      };
    }
    if (typeof response.bodyAsText === 'string') shape.bodyText = response.bodyAsText;
  }
  if (typeof value.statusCode === 'number') shape.status = value.statusCode;
  if (typeof value.responseBody === 'string') shape.bodyText = value.responseBody;
  else if (typeof value.responseBody === 'object' && value.responseBody !== null) {
    shape.bodyText = JSON.stringify(value.responseBody);
  }
  return shape;
}

type ServiceBody = {message?: string; trackingId?: string; errorCode?: string};

/** The DPS error body ({errorCode, trackingId, message}), ARM's flat one ({code, message}) or {error: {...}}. */
export function parseErrorBody(text: string | undefined): ServiceBody {
  if (!text) return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return {message: text.trim().slice(0, 500) || undefined};
  }
  if (typeof parsed !== 'object' || parsed === null) return {};
  let body = parsed as Record<string, unknown>;
  if (typeof body.error === 'object' && body.error !== null) body = body.error as typeof body;
  const result: ServiceBody = {};
  const message = body.message ?? body.Message;
  if (typeof message === 'string') result.message = message;
  if (typeof body.trackingId === 'string') result.trackingId = body.trackingId;
  const code = body.errorCode ?? body.code;
  if (typeof code === 'string' || typeof code === 'number') result.errorCode = String(code);
  return result;
}

/** Retry-After as seconds: a number of seconds or an HTTP date. */
export function parseRetryAfter(value: string | undefined, now = Date.now()): number | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim());
  const date = Date.parse(value);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, Math.ceil((date - now) / 1000));
}

const correlationPattern =
  /correlation identifier:?\s*([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})/i;

/**
 * Removes credentials from text that came back from a service or an SDK: connection-string keys, SAS
 * tokens and signatures, bearer tokens, key fields in JSON, and any value listed in `secrets`.
 */
export function redactSecrets(text: string, secrets: readonly string[] = []): string {
  let result = text;
  for (const secret of secrets) {
    if (secret.length >= 8) result = result.split(secret).join('[redacted]');
  }
  return result
    .replace(/SharedAccessSignature\s+[^\s"',;]+/gi, 'SharedAccessSignature [redacted]')
    .replace(/(SharedAccessKey\s*=\s*)[^;\s"']+/gi, '$1[redacted]')
    .replace(/([?&\s]sig=)[^&\s"']+/gi, '$1[redacted]')
    .replace(/(Bearer\s+)[A-Za-z0-9\-._~+/]+=*/gi, '$1[redacted]')
    .replace(
      /("(?:primaryKey|secondaryKey|accessToken|access_token|refresh_token|token|sharedAccessKey)"\s*:\s*")[^"]*/gi,
      '$1[redacted]',
    );
}

/**
 * Turns whatever an SDK threw into a DpsError. `secrets` are values the caller knows are secret (its key,
 * its tokens) and that must not survive into the message.
 */
export function normalizeError(
  error: unknown,
  operation: string,
  secrets: readonly string[] = [],
): DpsError {
  if (error instanceof DpsError) return error;
  const shape = readErrorShape(error);
  const clean = (text: string | undefined) =>
    text === undefined ? undefined : redactSecrets(text, secrets).slice(0, 1000);

  if (shape.status !== undefined && shape.status >= 300) {
    const body = parseErrorBody(shape.bodyText);
    const message = body.message ?? shape.message;
    const trackingId =
      body.trackingId ??
      (message ? correlationPattern.exec(message)?.[1] : undefined) ??
      shape.headers?.get('x-ms-request-id') ??
      shape.headers?.get('x-ms-correlation-request-id');
    const retryAfterMs = retryAfterMsOf(shape.headers);
    const retryAfterSeconds =
      retryAfterMs === undefined ? undefined : Math.ceil(retryAfterMs / 1000);
    const details: DpsErrorDetails = {
      kind: kindForStatus(shape.status),
      operation,
      status: shape.status,
    };
    const serviceMessage = clean(message);
    if (serviceMessage) details.serviceMessage = serviceMessage;
    if (trackingId) details.trackingId = trackingId;
    const errorCode = body.errorCode ?? shape.code;
    if (errorCode) details.errorCode = errorCode;
    if (retryAfterMs !== undefined && retryAfterSeconds !== undefined) {
      details.retryAfterMs = retryAfterMs;
      details.retryAfterSeconds = retryAfterSeconds;
    }
    return new DpsError(details);
  }

  const code = shape.code ?? '';
  const message = clean(shape.message);
  const withMessage = (kind: DpsErrorKind): DpsError =>
    new DpsError({
      kind,
      operation,
      ...(message ? {serviceMessage: message} : {}),
      ...(code ? {errorCode: code} : {}),
    });
  if (isTlsCode(code) || tlsMessagePattern.test(shape.message ?? '')) {
    return withMessage('tls');
  }
  if (
    networkCodes.has(code) ||
    /socket hang up|ECONNRESET|ECONNREFUSED/i.test(shape.message ?? '')
  ) {
    return withMessage('network');
  }
  if (shape.name && signInErrorNames.has(shape.name)) return withMessage('unauthorized');
  return withMessage('unknown');
}

/**
 * How long the answer asks to wait, in milliseconds: retry-after-ms and x-ms-retry-after-ms (the Azure
 * SDKs read these first), else Retry-After in seconds or as an HTTP date.
 */
function retryAfterMsOf(headers: Headers | undefined, now = Date.now()): number | undefined {
  for (const name of ['retry-after-ms', 'x-ms-retry-after-ms']) {
    const value = headers?.get(name)?.trim();
    if (value !== undefined && /^\d+$/.test(value)) return Number(value);
  }
  const value = headers?.get('retry-after');
  if (value === undefined || value.trim() === '') return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}
