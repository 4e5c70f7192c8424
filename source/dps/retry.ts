import {setTimeout as delay} from 'node:timers/promises';
import {DpsError, normalizeError} from './errors.js';

/**
 * The one retry policy of the gateway, for every call to DPS (service API and ARM, reads and writes, and
 * the calls made while connecting): transient failures are retried with exponential backoff and full
 * jitter, or after the wait DPS asks for, within caps on the attempts, on each wait and on all waits.
 */

/** What the gateway is waiting for before it tries a call again. */
export type RetryWait = {
  /** The call in plain words, e.g. "get individual enrollment 'edge-01'". */
  operation: string;
  /** Why it is tried again, e.g. "DPS is throttling requests (429)", "the connection was reset". */
  reason: string;
  /** The attempt that follows the wait: 2 for the first retry. */
  attempt: number;
  maxAttempts: number;
  delayMs: number;
  /** True when the wait is the one DPS asked for (Retry-After), not backoff. */
  askedByDps: boolean;
};

/** Options every DpsGateway call takes last. */
export type CallOptions = {
  /** Aborting it ends the call, or a wait between attempts, at once with a 'cancelled' DpsError. */
  signal?: AbortSignal;
  /** Called before each wait, to say on screen what the call is waiting for. */
  onWait?: (wait: RetryWait) => void;
};

export type RetryPolicy = {
  /** Retries after the first attempt (like the Azure SDKs' default of 3 to 4). */
  maxRetries: number;
  /** The backoff before the first retry is at most this long, and doubles with each retry. */
  baseDelayMs: number;
  /** No single wait is longer; a Retry-After above it stops the retries and is reported instead. */
  maxDelayMs: number;
  /** The waits of one call add up to at most this. */
  maxTotalWaitMs: number;
};

export const defaultRetryPolicy: RetryPolicy = {
  maxRetries: 4,
  baseDelayMs: 800,
  maxDelayMs: 30_000,
  maxTotalWaitMs: 60_000,
};

/** What to do after a failed attempt. */
export type RetryDecision =
  | {action: 'wait'; delayMs: number; reason: string; askedByDps: boolean}
  | {action: 'stop'; note?: string};

const statusReasons: Record<number, string> = {
  408: 'DPS timed out waiting for the request (408)',
  429: 'DPS is throttling requests (429)',
  500: 'DPS had an internal error (500)',
  502: 'a gateway in front of DPS failed (502)',
  503: 'DPS is temporarily unavailable (503)',
  504: 'a gateway in front of DPS timed out (504)',
};

/** Statuses whose Retry-After (or retry-after-ms) is honoured. */
const retryAfterStatuses = new Set([429, 503]);

/** The error code a call that got no answer in time carries (see timeout.ts). */
export const noAnswerCode = 'REQUEST_TIMEOUT';

const networkReasons: Record<string, string> = {
  ECONNRESET: 'the connection was reset',
  EPIPE: 'the connection was reset',
  ECONNABORTED: 'the connection was aborted',
  UND_ERR_SOCKET: 'the connection was reset',
  ECONNREFUSED: 'the connection was refused',
  ETIMEDOUT: 'the connection timed out',
  ESOCKETTIMEDOUT: 'the connection timed out',
  [noAnswerCode]: 'DPS did not answer in time',
  EAI_AGAIN: 'the DPS host name could not be resolved for now',
  EHOSTUNREACH: 'the network could not reach DPS',
  ENETUNREACH: 'the network could not reach DPS',
  ENETDOWN: 'the network is down',
  REQUEST_SEND_ERROR: 'the request could not be sent',
};

/** Why this failure is worth another attempt, or undefined when it is not (a 4xx, TLS, a wrong host). */
export function retryReason(error: DpsError): string | undefined {
  if (error.status !== undefined) return statusReasons[error.status];
  if (error.kind !== 'network') return undefined;
  const code = error.errorCode ?? '';
  if (code in networkReasons) return networkReasons[code];
  if (/socket hang up/i.test(error.serviceMessage ?? '')) return 'the connection was reset';
  return undefined;
}

const seconds = (ms: number) => `${Math.ceil(ms / 1000)} s`;

/**
 * The decision after attempt number `attempt` (1 for the first) failed with `error`: how long to wait
 * before the next one, or stop. `random` is in [0, 1) and spreads backoff waits (full jitter);
 * `waitedMs` is what this call has already waited.
 */
export function nextWait(
  error: DpsError,
  attempt: number,
  random: number,
  policy: RetryPolicy = defaultRetryPolicy,
  waitedMs = 0,
): RetryDecision {
  const reason = retryReason(error);
  if (reason === undefined || attempt > policy.maxRetries) return {action: 'stop'};
  const asked =
    error.status !== undefined && retryAfterStatuses.has(error.status)
      ? error.retryAfterMs
      : undefined;
  if (asked !== undefined && asked > policy.maxDelayMs) {
    return {
      action: 'stop',
      note: `DPS asked to wait ${seconds(asked)} before trying again, longer than the ${seconds(policy.maxDelayMs)} this tool waits: try again later`,
    };
  }
  const backoffCap = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
  const delayMs = asked ?? Math.floor(random * backoffCap);
  if (waitedMs + delayMs > policy.maxTotalWaitMs) {
    return {
      action: 'stop',
      note: `the retries would wait more than ${seconds(policy.maxTotalWaitMs)} in all: try again later`,
    };
  }
  return {action: 'wait', delayMs, reason, askedByDps: asked !== undefined};
}

/** What a call is: a write is checked for the answer-lost cases below. */
export type CallKind = 'read' | 'write' | 'delete';

/** How the policy waits and draws jitter; tests hand in plain functions. */
export type RetryRuntime = {
  policy: RetryPolicy;
  random: () => number;
  sleep: (ms: number, signal: AbortSignal | undefined) => Promise<void>;
};

export const defaultRetryRuntime: RetryRuntime = {
  policy: defaultRetryPolicy,
  random: Math.random,
  sleep: async (ms, signal) => {
    await delay(ms, undefined, signal ? {signal} : {});
  },
};

/** Changes to the default runtime, e.g. tiny waits in tests. */
export type RetrySettings = {
  policy?: Partial<RetryPolicy>;
  random?: RetryRuntime['random'];
  sleep?: RetryRuntime['sleep'];
};

export function retryRuntime(settings: RetrySettings = {}): RetryRuntime {
  return {
    policy: {...defaultRetryPolicy, ...settings.policy},
    random: settings.random ?? defaultRetryRuntime.random,
    sleep: settings.sleep ?? defaultRetryRuntime.sleep,
  };
}

function cancelled(operation: string, attempts: number): DpsError {
  return new DpsError({kind: 'cancelled', operation, attempts});
}

/**
 * True when a failed attempt may still have been carried out by DPS: its answer was lost (reset, no answer
 * in time) or DPS failed while handling it (500, 502, 504). 408, 429 and 503 say it was not handled.
 */
function outcomeUnknown(error: DpsError): boolean {
  if (error.status === undefined) return error.kind === 'network';
  return error.status === 500 || error.status === 502 || error.status === 504;
}

/**
 * Runs `attempt` until it succeeds, or fails in a way not worth retrying, or the policy stops; the final
 * failure is the last DpsError with the number of attempts (and why the retries stopped, when the policy
 * stopped them). `attempt` gets an AbortSignal that aborts when the caller's does.
 *
 * Writes stay safe to retry, because every write is either idempotent or guarded by an etag:
 * - A create or replace without an etag (PUT) sends the same body again: when the first attempt was applied
 *   but its answer lost, the retry replaces the record with the same content.
 * - A write with an etag (If-Match) whose first attempt was applied but whose answer was lost gets 412 on
 *   the retry, because the etag changed. That 412 is not read as success (someone else may have changed it
 *   too): it stays a 'stale-etag' failure with a note that an earlier attempt may have made the change, so
 *   the caller reads the record again, as for any stale etag.
 * - A delete whose earlier attempt may have been applied and whose retry gets 404 succeeded: the record is
 *   gone, which is what was asked.
 * - A bulk operation is not guarded: after a lost answer, its retry reports the items the first attempt
 *   already created or deleted as per-item errors (409 or 404) in its result.
 */
export async function withRetry<T>(
  operation: string,
  kind: CallKind,
  attempt: (signal: AbortSignal | undefined) => Promise<T>,
  options: CallOptions,
  runtime: RetryRuntime,
): Promise<T> {
  const {signal, onWait} = options;
  const maxAttempts = runtime.policy.maxRetries + 1;
  let waitedMs = 0;
  let mayHaveHappened = false;
  for (let number = 1; ; number++) {
    if (signal?.aborted) throw cancelled(operation, number - 1);
    let error: DpsError;
    try {
      return await abortable(attempt(signal), signal, () => cancelled(operation, number));
    } catch (thrown) {
      error = normalizeError(thrown, operation);
    }
    if (error.kind === 'cancelled') throw error;
    if (mayHaveHappened && kind === 'delete' && error.kind === 'not-found') {
      return undefined as T;
    }
    if (mayHaveHappened && kind !== 'read' && error.kind === 'stale-etag') {
      throw new DpsError({
        ...error.details(),
        attempts: number,
        note: 'An earlier attempt got no answer and may have made this change already: read it again before deciding',
      });
    }
    const decision = nextWait(error, number, runtime.random(), runtime.policy, waitedMs);
    if (decision.action === 'stop') {
      // A failure that retrying could not help (a 404 after a throttled attempt) is told as it is.
      if (retryReason(error) === undefined) throw error;
      throw new DpsError({
        ...error.details(),
        attempts: number,
        ...(decision.note ? {note: decision.note} : {}),
      });
    }
    mayHaveHappened ||= outcomeUnknown(error);
    onWait?.({
      operation,
      reason: decision.reason,
      attempt: number + 1,
      maxAttempts,
      delayMs: decision.delayMs,
      askedByDps: decision.askedByDps,
    });
    if (signal?.aborted) throw cancelled(operation, number);
    try {
      await runtime.sleep(decision.delayMs, signal);
    } catch (sleepError) {
      if (signal?.aborted) throw cancelled(operation, number);
      throw sleepError;
    }
    waitedMs += decision.delayMs;
  }
}

/** Settles like `promise`, or rejects with `onAbort()` as soon as `signal` aborts. */
export function abortable<T>(
  promise: Promise<T>,
  signal: AbortSignal | undefined,
  onAbort: () => Error,
): Promise<T> {
  if (!signal) return promise;
  return new Promise<T>((resolve, reject) => {
    const abort = () => reject(onAbort());
    if (signal.aborted) abort();
    signal.addEventListener('abort', abort, {once: true});
    promise.then(
      (value) => {
        signal.removeEventListener('abort', abort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', abort);
        reject(error);
      },
    );
  });
}
