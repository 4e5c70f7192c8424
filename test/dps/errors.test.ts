import {test} from 'node:test';
import assert from 'node:assert/strict';
import {inspect} from 'node:util';
import {
  DpsError,
  kindForStatus,
  normalizeError,
  parseErrorBody,
  parseRetryAfter,
  redactSecrets,
} from '../../source/dps/errors.js';

/** The shape the service SDK's translateError gives: `.response` is Node's IncomingMessage. */
function serviceSdkError(status: number, body: unknown, headers: Record<string, string> = {}) {
  return Object.assign(new Error('Error: ' + JSON.stringify(body)), {
    response: {statusCode: status, headers},
    responseBody: JSON.stringify(body),
  });
}

/** The shape of an ARM RestError: `.statusCode`, `.code`, `.response.headers.get()`, `bodyAsText`. */
function armRestError(status: number, body: unknown, headers: Record<string, string> = {}) {
  const text = JSON.stringify(body);
  return Object.assign(new Error(text), {
    name: 'RestError',
    statusCode: status,
    code: (body as {code?: unknown}).code?.toString(),
    response: {
      status,
      bodyAsText: text,
      headers: {get: (name: string) => headers[name.toLowerCase()]},
    },
  });
}

test('HTTP statuses map onto the gateway error kinds', () => {
  const expected: Array<[number, string]> = [
    [400, 'bad-request'],
    [401, 'unauthorized'],
    [403, 'forbidden'],
    [404, 'not-found'],
    [405, 'bad-request'],
    [408, 'network'],
    [409, 'conflict'],
    [412, 'stale-etag'],
    [415, 'bad-request'],
    [429, 'throttled'],
    [500, 'server'],
    [503, 'server'],
  ];
  for (const [status, kind] of expected) assert.equal(kindForStatus(status), kind, String(status));
});

test('a service SDK error keeps the DPS message, tracking id and error code', () => {
  const error = normalizeError(
    serviceSdkError(412, {
      errorCode: 412001,
      trackingId: 'f40da7ba-0000-4000-8000-000000000001',
      message: 'Etag mismatch.',
      timestampUtc: '2026-01-01T00:00:00Z',
    }),
    "save individual enrollment 'dev-01'",
  );
  assert.ok(error instanceof DpsError);
  assert.equal(error.kind, 'stale-etag');
  assert.equal(error.status, 412);
  assert.equal(error.serviceMessage, 'Etag mismatch.');
  assert.equal(error.trackingId, 'f40da7ba-0000-4000-8000-000000000001');
  assert.equal(error.errorCode, '412001');
  assert.match(error.message, /save individual enrollment 'dev-01' failed/);
  assert.match(error.message, /Etag mismatch/);
});

test('a 429 carries Retry-After in seconds, from a number or an HTTP date', () => {
  const fromSeconds = normalizeError(
    serviceSdkError(429, {errorCode: 429001, message: 'Too many requests'}, {'retry-after': '7'}),
    'query',
  );
  assert.equal(fromSeconds.kind, 'throttled');
  assert.equal(fromSeconds.retryAfterSeconds, 7);

  const now = Date.parse('2026-01-01T00:00:00Z');
  assert.equal(parseRetryAfter('Thu, 01 Jan 2026 00:00:30 GMT', now), 30);
  assert.equal(parseRetryAfter('Wed, 31 Dec 2025 00:00:30 GMT', now), 0);
  assert.equal(parseRetryAfter('soon', now), undefined);
  assert.equal(parseRetryAfter(undefined, now), undefined);
});

test('an ARM error takes the correlation identifier from the message as tracking id', () => {
  const error = normalizeError(
    armRestError(
      412,
      {
        code: 412001,
        httpStatusCode: 'PreconditionFailed',
        message:
          'Invalid ETag supplied. If you contact a support representative please include this correlation identifier: 0b2c7a4e-1111-4222-8333-944455556666, timestamp: 2026-01-01 00:00:00Z, errorcode: IH412001.',
        details: '',
      },
      {'retry-after': '3'},
    ),
    "verify CA certificate 'root'",
  );
  assert.equal(error.kind, 'stale-etag');
  assert.equal(error.trackingId, '0b2c7a4e-1111-4222-8333-944455556666');
  assert.equal(error.errorCode, '412001');
  assert.equal(error.retryAfterSeconds, 3);
  assert.match(error.serviceMessage ?? '', /^Invalid ETag supplied/);
});

test('the ARM {error: {code, message}} envelope is read too', () => {
  assert.deepEqual(parseErrorBody('{"error":{"code":"AuthorizationFailed","message":"nope"}}'), {
    message: 'nope',
    errorCode: 'AuthorizationFailed',
  });
  assert.deepEqual(parseErrorBody('plain text'), {message: 'plain text'});
  assert.deepEqual(parseErrorBody(undefined), {});
});

test('socket and TLS failures without a status map to network and tls', () => {
  const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), {
    code: 'ECONNREFUSED',
  });
  assert.equal(normalizeError(refused, 'get').kind, 'network');
  const reset = Object.assign(new Error('socket hang up'), {code: 'ECONNRESET'});
  assert.equal(normalizeError(reset, 'get').kind, 'network');
  const untrusted = Object.assign(new Error('unable to verify the first certificate'), {
    code: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  });
  assert.equal(normalizeError(untrusted, 'get').kind, 'tls');
  const selfSigned = Object.assign(new Error('self-signed certificate in certificate chain'), {
    code: 'SELF_SIGNED_CERT_IN_CHAIN',
  });
  assert.equal(normalizeError(selfSigned, 'get').kind, 'tls');
  const altName = Object.assign(new Error("Hostname/IP does not match certificate's altnames"), {
    code: 'ERR_TLS_CERT_ALTNAME_INVALID',
  });
  assert.equal(normalizeError(altName, 'get').kind, 'tls');
  assert.equal(normalizeError(new TypeError('boom'), 'get').kind, 'unknown');
});

test('sign-in failures from @azure/identity map to unauthorized', () => {
  const error = Object.assign(new Error('Azure CLI could not be found'), {
    name: 'CredentialUnavailableError',
  });
  const mapped = normalizeError(error, 'read DPS');
  assert.equal(mapped.kind, 'unauthorized');
  assert.match(mapped.message, /Azure CLI could not be found/);
});

test('a DpsError passes through unchanged', () => {
  const original = new DpsError({kind: 'needs-arm', operation: 'list CA certificates'});
  assert.equal(normalizeError(original, 'other'), original);
  assert.match(original.message, /Azure sign-in/);
});

const key = 'c2VjcmV0LWtleS1ub2JvZHktc2hvdWxkLXNlZS10aGlzLTEyMzQ1Njc4OTA=';
const sas =
  'SharedAccessSignature sr=localhost&sig=AbCdEf0123456789%2B%2F%3D&skn=provisioningserviceowner&se=1900000000';

test('redactSecrets removes keys, SAS tokens, signatures, bearer tokens and key fields', () => {
  const text = [
    `HostName=x.azure-devices-provisioning.net;SharedAccessKeyName=owner;SharedAccessKey=${key}`,
    `Authorization: ${sas}`,
    'https://host/path?sv=1&sig=Zm9vYmFy',
    'Authorization: Bearer eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.',
    '{"keyName":"owner","primaryKey":"cHJpbWFyeQ==","secondaryKey":"c2Vjb25kYXJ5"}',
    'custom secret: not-a-pattern-but-known-0123',
  ].join('\n');
  const redacted = redactSecrets(text, ['not-a-pattern-but-known-0123']);
  for (const secret of [
    key,
    'AbCdEf0123456789',
    'Zm9vYmFy',
    'eyJhbGciOiJub25lIn0',
    'cHJpbWFyeQ==',
    'c2Vjb25kYXJ5',
    'not-a-pattern-but-known-0123',
  ]) {
    assert.ok(!redacted.includes(secret), `${secret} survived: ${redacted}`);
  }
  assert.match(redacted, /SharedAccessKeyName=owner/);
  assert.match(redacted, /"keyName":"owner"/);
});

test('a normalised error holds no secret anywhere, however it is printed', () => {
  const raw = Object.assign(
    serviceSdkError(401, {
      errorCode: 401002,
      trackingId: 't-1',
      message: `Unauthorized: ${sas} with key ${key}`,
    }),
    {request: {headers: {authorization: sas}}},
  );
  const error = normalizeError(raw, 'get individual enrollment', [key]);
  assert.equal(error.kind, 'unauthorized');
  for (const printed of [
    error.message,
    String(error.stack),
    inspect(error, {depth: 10}),
    JSON.stringify(error),
  ]) {
    assert.ok(!printed.includes(key), printed);
    assert.ok(!printed.includes('AbCdEf0123456789'), printed);
  }
  assert.equal(error.trackingId, 't-1');
});
