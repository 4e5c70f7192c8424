import {test, before, after} from 'node:test';
import assert from 'node:assert/strict';
import {createHmac} from 'node:crypto';
import {mkdtemp, readFile, rm} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {
  createSharedAccessSignature,
  issueBearerToken,
  maxSasExpirySeconds,
  sasExpiryProblem,
} from '../../source/emulator/auth.js';
import {startEmulator, type RunningEmulator} from '../../source/emulator/emulator.js';
import {ProvisioningServiceClient} from 'azure-iot-provisioning-service';
import {dpsPath, rawRequest, serviceAgent, staticCredential} from '../helpers/emulator-http.js';

let emulator: RunningEmulator;
let stateDir: string;
let sandbox: {
  tokenSecret: string;
  policies: Array<{keyName: string; primaryKey: string; secondaryKey: string}>;
};

before(async () => {
  stateDir = await mkdtemp(join(tmpdir(), 'dps-enroll-auth-'));
  emulator = await startEmulator({stateDir});
  sandbox = JSON.parse(await readFile(join(stateDir, 'sandbox.json'), 'utf8')) as typeof sandbox;
});
after(async () => {
  await emulator.close();
  await rm(stateDir, {recursive: true, force: true});
});

const inAnHour = () => new Date(Date.now() + 3_600_000);
const policy = (name: string) => sandbox.policies.find((candidate) => candidate.keyName === name)!;
const owner = () => policy('provisioningserviceowner');
const readOnly = () => sandbox.policies.find((candidate) => candidate.keyName !== owner().keyName)!;

/** GET of a missing enrollment: 404 when authorised, 401 when not. */
function getMissing(authorization: string | undefined, host?: string) {
  return rawRequest(emulator, 'GET', '/enrollments/not-there?api-version=2021-10-01', {
    headers: authorization === undefined ? {} : {authorization},
    host,
  });
}

function assertUnauthorized(response: Awaited<ReturnType<typeof getMissing>>, reason: RegExp) {
  assert.equal(response.status, 401, response.text);
  assert.match(String(response.headers['content-type']), /^application\/json/);
  const body = response.body as Record<string, unknown>;
  assert.equal(typeof body.errorCode, 'number');
  assert.equal(Math.floor((body.errorCode as number) / 1000), 401);
  assert.equal(typeof body.trackingId, 'string');
  assert.ok(!Number.isNaN(Date.parse(String(body.timestampUtc))));
  assert.match(String(body.message), reason);
}

test('a SAS signed with the primary or the secondary key is accepted', async () => {
  for (const key of [owner().primaryKey, owner().secondaryKey]) {
    const sas = createSharedAccessSignature('localhost', owner().keyName, key, inAnHour());
    const response = await getMissing(sas);
    assert.equal(response.status, 404, response.text);
  }
});

test('a CLI-style SAS (fields sr, sig, se, skn; signed over the URL-encoded lower-case sr) is accepted', async () => {
  const se = String(Math.floor(inAnHour().getTime() / 1000));
  const sign = (resource: string) =>
    encodeURIComponent(
      createHmac('sha256', Buffer.from(owner().primaryKey, 'base64'))
        .update(`${resource}\n${se}`)
        .digest('base64'),
    );
  const cli = `SharedAccessSignature sr=${encodeURIComponent('LocalHost')}&sig=${sign('localhost')}&se=${se}&skn=${owner().keyName}`;
  assert.equal((await getMissing(cli)).status, 404);
  const signedForAnother = `SharedAccessSignature sr=localhost&sig=${sign('otherhost')}&se=${se}&skn=${owner().keyName}`;
  assertUnauthorized(await getMissing(signedForAnother), /signature does not match/);
  const stretchedExpiry = `SharedAccessSignature sr=localhost&sig=${sign('localhost')}&se=${Number(se) + 60}&skn=${owner().keyName}`;
  assertUnauthorized(await getMissing(stretchedExpiry), /signature does not match/);
});

test('no Authorization header, a wrong key, an expired SAS, an unknown policy are 401', async () => {
  assertUnauthorized(
    await getMissing(undefined),
    /SharedAccessSignature or a sandbox bearer token/,
  );
  const wrongKey = Buffer.alloc(32, 7).toString('base64');
  assertUnauthorized(
    await getMissing(
      createSharedAccessSignature('localhost', owner().keyName, wrongKey, inAnHour()),
    ),
    /signature does not match/,
  );
  assertUnauthorized(
    await getMissing(
      createSharedAccessSignature(
        'localhost',
        owner().keyName,
        owner().primaryKey,
        new Date(Date.now() - 1000),
      ),
    ),
    /expired/,
  );
  assertUnauthorized(
    await getMissing(
      createSharedAccessSignature('localhost', 'nobody', owner().primaryKey, inAnHour()),
    ),
    /no shared access policy/,
  );
  // Another policy's name with the owner's key.
  assertUnauthorized(
    await getMissing(
      createSharedAccessSignature('localhost', readOnly().keyName, owner().primaryKey, inAnHour()),
    ),
    /signature does not match/,
  );
  assertUnauthorized(
    await getMissing('SharedAccessSignature sr=localhost&se=1'),
    /needs sr, sig, se and skn/,
  );
});

test('a SAS for another host is 401, one for the host dialled is accepted', async () => {
  const forOtherHost = createSharedAccessSignature(
    'mydps.azure-devices-provisioning.net',
    owner().keyName,
    owner().primaryKey,
    inAnHour(),
  );
  assertUnauthorized(await getMissing(forOtherHost), /not this host/);
  const forAddress = createSharedAccessSignature(
    '127.0.0.1',
    owner().keyName,
    owner().primaryKey,
    inAnHour(),
  );
  assert.equal((await getMissing(forAddress, '127.0.0.1')).status, 404);
  assertUnauthorized(await getMissing(forAddress, 'localhost'), /not this host/);
});

test('errors never echo the token or the key', async () => {
  const sas = createSharedAccessSignature(
    'localhost',
    owner().keyName,
    Buffer.alloc(32).toString('base64'),
    inAnHour(),
  );
  const response = await getMissing(sas);
  const signature = /sig=([^&]+)/.exec(sas)![1]!;
  assert.ok(!response.text.includes(decodeURIComponent(signature)));
  assert.ok(!response.text.includes(owner().primaryKey));
});

test('a read-only policy reads enrollments but may not write them (401)', async () => {
  const sas = createSharedAccessSignature(
    'localhost',
    readOnly().keyName,
    readOnly().primaryKey,
    inAnHour(),
  );
  assert.equal((await getMissing(sas)).status, 404);
  const query = await rawRequest(emulator, 'POST', '/enrollments/query?api-version=2021-10-01', {
    headers: {authorization: sas},
    body: {query: '*'},
  });
  assert.equal(query.status, 200, query.text);
  const writes: Array<[string, string, unknown]> = [
    ['PUT', '/enrollments/device-01', {registrationId: 'device-01', attestation: {type: 'x509'}}],
    ['DELETE', '/enrollments/device-01', undefined],
    [
      'PUT',
      '/enrollmentGroups/group-01',
      {enrollmentGroupId: 'group-01', attestation: {type: 'x509'}},
    ],
    ['POST', '/enrollments/', {mode: 'create', enrollments: []}],
    ['DELETE', '/registrations/device-01', undefined],
  ];
  for (const [method, path, body] of writes) {
    const response = await rawRequest(emulator, method, `${path}?api-version=2021-10-01`, {
      headers: {authorization: sas},
      body,
    });
    assertUnauthorized(response, /does not grant/);
  }
});

test('the sandbox bearer token works on the service API; a tampered or expired one is 401', async () => {
  assert.equal((await getMissing(`Bearer ${emulator.info.armToken}`)).status, 404);
  const [prefix, payload, signature] = emulator.info.armToken.split('.');
  const later = Buffer.from(JSON.stringify({exp: 4_000_000_000})).toString('base64url');
  assertUnauthorized(
    await getMissing(`Bearer ${prefix}.${later}.${signature}`),
    /signature is invalid/,
  );
  assertUnauthorized(
    await getMissing(`Bearer ${prefix}.${payload}.${signature}x`),
    /signature is invalid/,
  );
  const expired = issueBearerToken(sandbox.tokenSecret, new Date(Date.now() - 1000));
  assertUnauthorized(await getMissing(`Bearer ${expired}`), /expired/);
  assertUnauthorized(await getMissing('Bearer eyJhbGciOiJub25lIn0.e30.'), /not a sandbox token/);
});

test('ARM: the bearer token is required and checked; errors use the ARM body', async () => {
  const path = `${dpsPath(emulator.info)}?api-version=2022-02-05`;
  const expired = issueBearerToken(sandbox.tokenSecret, new Date(Date.now() - 1000));
  const sas = createSharedAccessSignature(
    'localhost',
    owner().keyName,
    owner().primaryKey,
    inAnHour(),
  );
  for (const authorization of [undefined, `Bearer ${expired}`, 'Bearer nonsense', sas]) {
    const response = await rawRequest(emulator, 'GET', path, {
      headers: authorization === undefined ? {} : {authorization},
    });
    assert.equal(response.status, 401, String(authorization));
    const body = response.body as Record<string, unknown>;
    assert.equal(body.httpStatusCode, 'Unauthorized');
    assert.equal(body.code, 401001);
    assert.match(String(body.message), /errorcode: IH401001\.$/);
  }
  const ok = await rawRequest(emulator, 'GET', path, {
    headers: {authorization: `Bearer ${emulator.info.armToken}`},
  });
  assert.equal(ok.status, 200);
});

test('the service SDK with a token credential (the sandbox token) reaches the service API', async () => {
  const connect = (token: string) => {
    const service = ProvisioningServiceClient.fromTokenCredential(
      'localhost',
      staticCredential(token),
    );
    (
      service as unknown as {_restApiClient: {setOptions(options: object): void}}
    )._restApiClient.setOptions({http: {agent: serviceAgent(emulator)}});
    return service;
  };
  const query = connect(emulator.info.armToken).createIndividualEnrollmentQuery({query: '*'}, 5);
  const page = await query.next(query.continuationToken);
  assert.ok(Array.isArray(page.responseBody));
  assert.equal(page.httpResponse.statusCode, 200);
  const expired = issueBearerToken(sandbox.tokenSecret, new Date(Date.now() - 1000));
  await assert.rejects(
    connect(expired).getIndividualEnrollment('anything'),
    (error: {response?: {statusCode?: number}}) => error.response?.statusCode === 401,
  );
});

test('se must be plain whole seconds DPS can represent: 400 nines, a sign, a point, an exponent are 401', async () => {
  /** A SAS correctly signed over whatever `se` text is given. */
  const signedWith = (se: string) => {
    const sig = createHmac('sha256', Buffer.from(owner().primaryKey, 'base64'))
      .update(`localhost\n${se}`)
      .digest('base64');
    return `SharedAccessSignature sr=localhost&sig=${encodeURIComponent(sig)}&se=${encodeURIComponent(se)}&skn=${owner().keyName}`;
  };
  for (const se of [
    '9'.repeat(400),
    String(maxSasExpirySeconds + 1),
    '1e12',
    '+4102444800',
    '4102444800.5',
    ' 4102444800',
    '0x7fffffff',
  ]) {
    assertUnauthorized(
      await getMissing(signedWith(se)),
      /expiry \(se\) must be whole seconds since 1970/,
    );
  }
  assert.equal((await getMissing(signedWith(String(maxSasExpirySeconds)))).status, 404);
  assert.equal((await getMissing(signedWith('4102444800'))).status, 404, 'the year 2100');
});

test('sasExpiryProblem', () => {
  assert.equal(sasExpiryProblem('1700000000'), undefined);
  assert.equal(sasExpiryProblem('0'), undefined, 'long expired, but well-formed');
  assert.equal(sasExpiryProblem(String(maxSasExpirySeconds)), undefined);
  assert.equal(maxSasExpirySeconds, Date.UTC(9999, 11, 31, 23, 59, 59) / 1000);
  for (const se of ['', '-1', '1.0', '1e3', '0012345678901', String(maxSasExpirySeconds + 1)]) {
    assert.match(sasExpiryProblem(se) ?? 'accepted', /must be whole seconds/, se);
  }
});
