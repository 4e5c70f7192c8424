import {test} from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {DpsError, normalizeError, type DpsErrorDetails} from '../../source/dps/errors.js';
import {
  defaultRetryPolicy,
  nextWait,
  retryReason,
  retryRuntime,
  withRetry,
  type CallKind,
  type RetryWait,
} from '../../source/dps/retry.js';

const operation = "save individual enrollment 'edge-01'";
const failure = (details: Partial<DpsErrorDetails>) =>
  new DpsError({kind: 'unknown', operation, ...details});
const status = (code: number, extra: Partial<DpsErrorDetails> = {}) =>
  failure({kind: code === 429 ? 'throttled' : 'server', status: code, ...extra});
const network = (errorCode: string) => failure({kind: 'network', errorCode});

test('transient statuses and broken connections are retried, with the reason in words', () => {
  const expected: Array<[DpsError, string]> = [
    [status(408), 'DPS timed out waiting for the request (408)'],
    [status(429), 'DPS is throttling requests (429)'],
    [status(500), 'DPS had an internal error (500)'],
    [status(502), 'a gateway in front of DPS failed (502)'],
    [status(503), 'DPS is temporarily unavailable (503)'],
    [status(504), 'a gateway in front of DPS timed out (504)'],
    [network('ECONNRESET'), 'the connection was reset'],
    [network('ECONNREFUSED'), 'the connection was refused'],
    [network('ETIMEDOUT'), 'the connection timed out'],
    [network('REQUEST_TIMEOUT'), 'DPS did not answer in time'],
    [failure({kind: 'network', serviceMessage: 'socket hang up'}), 'the connection was reset'],
  ];
  for (const [error, reason] of expected) {
    assert.equal(retryReason(error), reason);
    const decision = nextWait(error, 1, 0.5);
    assert.equal(decision.action, 'wait', reason);
    assert.equal(decision.action === 'wait' && decision.reason, reason);
  }
});

test('what retrying cannot fix stops at once', () => {
  const final = [
    status(400, {kind: 'bad-request'}),
    status(401, {kind: 'unauthorized'}),
    status(403, {kind: 'forbidden'}),
    status(404, {kind: 'not-found'}),
    status(409, {kind: 'conflict'}),
    status(412, {kind: 'stale-etag'}),
    status(501),
    failure({kind: 'tls', errorCode: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE'}),
    network('ENOTFOUND'),
    failure({kind: 'needs-arm'}),
    failure({kind: 'cancelled'}),
  ];
  for (const error of final) {
    assert.equal(retryReason(error), undefined, error.message);
    assert.deepEqual(nextWait(error, 1, 0.5), {action: 'stop'});
  }
});

test('backoff is exponential with full jitter, capped per wait', () => {
  const policy = {...defaultRetryPolicy, maxRetries: 10, baseDelayMs: 800, maxDelayMs: 5000};
  const wait = (attempt: number, random: number) => {
    const decision = nextWait(status(500), attempt, random, policy);
    assert.equal(decision.action, 'wait');
    return decision.action === 'wait' ? decision.delayMs : -1;
  };
  assert.deepEqual(
    [1, 2, 3, 4].map((attempt) => wait(attempt, 0.5)),
    [400, 800, 1600, 2500],
  );
  assert.equal(wait(1, 0), 0);
  assert.equal(wait(10, 0.999), 4995, 'the cap holds however many retries');
  fc.assert(
    fc.property(
      fc.integer({min: 1, max: 10}),
      fc.double({min: 0, max: 0.9999, noNaN: true}),
      (n, random) => {
        const delay = wait(n, random);
        return delay >= 0 && delay < Math.min(5000, 800 * 2 ** (n - 1));
      },
    ),
  );
});

test('Retry-After is honoured on 429 and 503 only, to the millisecond', () => {
  const asked = {retryAfterMs: 1500, retryAfterSeconds: 2};
  for (const code of [429, 503]) {
    assert.deepEqual(nextWait(status(code, asked), 1, 0.5), {
      action: 'wait',
      delayMs: 1500,
      reason: retryReason(status(code))!,
      askedByDps: true,
    });
  }
  const decision = nextWait(status(500, asked), 1, 0.5);
  assert.equal(decision.action === 'wait' && decision.delayMs, 400, 'a 500 backs off');
});

test('Retry-After comes from retry-after-ms, seconds or an HTTP date', () => {
  const throttled = (headers: Record<string, string>) =>
    normalizeError(
      {message: 'throttled', response: {statusCode: 429, headers}, responseBody: '{}'},
      operation,
    );
  assert.equal(throttled({'retry-after-ms': '1234', 'retry-after': '9'}).retryAfterMs, 1234);
  assert.equal(throttled({'x-ms-retry-after-ms': '50'}).retryAfterMs, 50);
  const seconds = throttled({'retry-after': '7'});
  assert.equal(seconds.retryAfterMs, 7000);
  assert.equal(seconds.retryAfterSeconds, 7);
  const date = throttled({'retry-after': new Date(Date.now() + 20_000).toUTCString()});
  assert.ok(date.retryAfterMs! > 15_000 && date.retryAfterMs! <= 20_000, String(date.retryAfterMs));
  assert.equal(throttled({}).retryAfterMs, undefined);
});

test('a Retry-After beyond the longest wait, or waits beyond the total, stop with the reason', () => {
  const tooLong = nextWait(status(429, {retryAfterMs: 120_000}), 1, 0.5);
  assert.equal(tooLong.action, 'stop');
  assert.match(
    tooLong.action === 'stop' ? (tooLong.note ?? '') : '',
    /DPS asked to wait 120 s before trying again, longer than the 30 s this tool waits/,
  );
  const spent = nextWait(status(503, {retryAfterMs: 20_000}), 2, 0.5, defaultRetryPolicy, 50_000);
  assert.equal(spent.action, 'stop');
  assert.match(spent.action === 'stop' ? (spent.note ?? '') : '', /more than 60 s in all/);
  assert.deepEqual(nextWait(status(500), defaultRetryPolicy.maxRetries + 1, 0.5), {
    action: 'stop',
  });
});

/** Runs `withRetry` over a list of outcomes (an error to throw or a value), recording what it did. */
async function runThrough<T>(
  outcomes: Array<DpsError | Error | T>,
  kind: CallKind = 'write',
  signal?: AbortSignal,
) {
  const waits: RetryWait[] = [];
  const slept: number[] = [];
  let calls = 0;
  const runtime = retryRuntime({
    random: () => 0.5,
    sleep: async (ms) => {
      slept.push(ms);
    },
  });
  const attempt = async () => {
    const outcome = outcomes[calls++];
    if (outcome instanceof Error) throw outcome;
    return outcome as T;
  };
  const result = await withRetry(
    operation,
    kind,
    attempt,
    {onWait: (wait) => waits.push(wait), ...(signal ? {signal} : {})},
    runtime,
  ).then(
    (value) => ({value}),
    (error: unknown) => ({error: error as DpsError}),
  );
  return {result, waits, slept, calls: () => calls};
}

test('withRetry: transient failures, then the value; each wait announced before it is slept', async () => {
  const {result, waits, slept, calls} = await runThrough([
    status(429, {retryAfterMs: 3000}),
    network('ECONNRESET'),
    'saved',
  ]);
  assert.deepEqual(result, {value: 'saved'});
  assert.equal(calls(), 3);
  // The second wait is the second retry's backoff: half (random 0.5) of 2 x 800 ms.
  assert.deepEqual(slept, [3000, 800]);
  assert.deepEqual(waits, [
    {
      operation,
      reason: 'DPS is throttling requests (429)',
      attempt: 2,
      maxAttempts: 5,
      delayMs: 3000,
      askedByDps: true,
    },
    {
      operation,
      reason: 'the connection was reset',
      attempt: 3,
      maxAttempts: 5,
      delayMs: 800,
      askedByDps: false,
    },
  ]);
});

test('withRetry: past the cap, the last error with its details and the number of attempts', async () => {
  const last = status(503, {serviceMessage: 'busy', trackingId: 't-1', errorCode: '503001'});
  const {result, slept, calls} = await runThrough([
    status(503),
    status(503),
    status(503),
    status(503),
    last,
    'never',
  ]);
  assert.ok('error' in result);
  const {error} = result;
  assert.equal(calls(), 5);
  assert.equal(slept.length, 4);
  assert.equal(error.kind, 'server');
  assert.equal(error.status, 503);
  assert.equal(error.serviceMessage, 'busy');
  assert.equal(error.trackingId, 't-1');
  assert.equal(error.errorCode, '503001');
  assert.equal(error.attempts, 5);
  assert.equal(
    error.message,
    "save individual enrollment 'edge-01' failed after 5 attempts, DPS is temporarily unavailable (HTTP 503): busy",
  );
});

test('withRetry: a failure retrying cannot fix comes back as it was, after one attempt', async () => {
  const refused = status(400, {kind: 'bad-request', serviceMessage: 'bad twin'});
  const {result, calls} = await runThrough([refused, 'never']);
  assert.deepEqual(result, {error: refused});
  assert.equal(calls(), 1);
  const afterWait = await runThrough([status(429), status(404, {kind: 'not-found'})], 'read');
  assert.ok('error' in afterWait.result);
  assert.equal(afterWait.result.error.kind, 'not-found');
  assert.equal(afterWait.result.error.attempts, undefined, 'a 404 is not a retry that ran out');
});

test('withRetry: an error that is not a DpsError is normalised, and retried when transient', async () => {
  const reset = Object.assign(new Error('socket hang up'), {code: 'ECONNRESET'});
  const {result, calls} = await runThrough([reset, 'ok']);
  assert.deepEqual(result, {value: 'ok'});
  assert.equal(calls(), 2);
});

test('writes: a 412 after an attempt whose answer was lost says the change may be made already', async () => {
  for (const lost of [
    network('ECONNRESET'),
    network('REQUEST_TIMEOUT'),
    status(500),
    status(504),
  ]) {
    const {result} = await runThrough([
      lost,
      status(412, {kind: 'stale-etag', serviceMessage: 'Etag mismatch.'}),
    ]);
    assert.ok('error' in result);
    assert.equal(result.error.kind, 'stale-etag');
    assert.equal(result.error.attempts, 2);
    assert.match(
      result.error.message,
      /failed after 2 attempts, it was changed since it was read \(etag mismatch\) \(HTTP 412\): Etag mismatch\. An earlier attempt got no answer and may have made this change already: read it again before deciding$/,
    );
  }
  // After a 429 or 503 the first attempt was not carried out: a 412 is someone else's change.
  const {result} = await runThrough([status(429), status(412, {kind: 'stale-etag'})]);
  assert.ok('error' in result);
  assert.equal(result.error.note, undefined);
  // A 412 on the first attempt is the plain stale etag.
  const first = await runThrough([status(412, {kind: 'stale-etag'})]);
  assert.ok('error' in first.result);
  assert.equal(first.result.error.attempts, undefined);
});

test('deletes: a 404 after an attempt whose answer was lost means it is gone, as asked', async () => {
  const gone = await runThrough(
    [network('ECONNRESET'), status(404, {kind: 'not-found'})],
    'delete',
  );
  assert.deepEqual(gone.result, {value: undefined});
  const neverThere = await runThrough([status(404, {kind: 'not-found'})], 'delete');
  assert.ok('error' in neverThere.result && neverThere.result.error.kind === 'not-found');
  const throttledFirst = await runThrough(
    [status(429), status(404, {kind: 'not-found'})],
    'delete',
  );
  assert.ok('error' in throttledFirst.result, 'after a 429 the delete never happened: 404 is news');
  const read = await runThrough([network('ECONNRESET'), status(404, {kind: 'not-found'})], 'read');
  assert.ok('error' in read.result && read.result.error.kind === 'not-found');
});

test('cancel: aborting during a wait ends it at once as cancelled', async () => {
  const controller = new AbortController();
  let attempts = 0;
  const runtime = retryRuntime({
    // A wait that only an abort ends.
    sleep: (_, signal) =>
      new Promise((_resolve, reject) => {
        signal?.addEventListener('abort', () => reject(new Error('aborted')), {once: true});
      }),
  });
  const call = withRetry(
    operation,
    'write',
    async () => {
      attempts++;
      throw status(429, {retryAfterMs: 20_000});
    },
    {signal: controller.signal, onWait: () => controller.abort()},
    runtime,
  );
  await assert.rejects(call, (error: unknown) => {
    assert.ok(error instanceof DpsError);
    assert.equal(error.kind, 'cancelled');
    assert.equal(error.message, `${operation} was cancelled`);
    return true;
  });
  assert.equal(attempts, 1);
});

test('cancel: aborting during an attempt ends the call at once; an aborted signal sends nothing', async () => {
  const controller = new AbortController();
  const call = withRetry(
    operation,
    'read',
    () => new Promise<never>(() => {}), // an answer that never comes
    {signal: controller.signal},
    retryRuntime(),
  );
  controller.abort();
  await assert.rejects(
    call,
    (error: unknown) => error instanceof DpsError && error.kind === 'cancelled',
  );

  let sent = false;
  await assert.rejects(
    withRetry(
      operation,
      'write',
      async () => {
        sent = true;
      },
      {signal: AbortSignal.abort()},
      retryRuntime(),
    ),
    (error: unknown) => error instanceof DpsError && error.kind === 'cancelled',
  );
  assert.equal(sent, false);
});
