import {test} from 'node:test';
import assert from 'node:assert/strict';
import {startEmulator} from '../../source/emulator/emulator.js';
import {connectToSandbox} from '../../source/dps/gateway.js';
import {expectDpsError} from '../helpers/sandbox.js';
import {armClient, dpsPath, emulatorForFile, rawRequest} from '../helpers/emulator-http.js';

const emulator = emulatorForFile();

/** Sends `body` as given (not JSON-encoded) as application/json; the answer must be JSON. */
async function sendRaw(method: string, path: string, body: string, authorization: string) {
  const response = await rawRequest(emulator, method, path, {
    rawBody: body,
    contentType: 'application/json',
    headers: {authorization},
  });
  return {...response, body: JSON.parse(response.text) as Record<string, unknown>};
}

test('a GET with a JSON body (as some SDKs send) is answered normally', async () => {
  const response = await rawRequest(
    emulator,
    'GET',
    '/enrollments/missing?api-version=2021-10-01',
    {
      headers: {authorization: emulator.sas},
      body: {},
    },
  );
  assert.equal(response.status, 404);
  assert.match(String(response.headers['content-type']), /^application\/json/);
  assert.match(String(response.headers['x-ms-request-id']), /^[0-9a-f-]{36}$/);
});

test('a body that is not JSON is 400, in the DPS body on service routes and the ARM body on ARM routes', async () => {
  const service = await sendRaw(
    'PUT',
    '/enrollments/x?api-version=2021-10-01',
    '{not json',
    emulator.sas,
  );
  assert.equal(service.status, 400);
  assert.match(String(service.headers['content-type']), /^application\/json/);
  assert.equal(service.body.errorCode, 400004);
  assert.equal(typeof service.body.trackingId, 'string');

  const arm = await sendRaw(
    'PUT',
    `${dpsPath(emulator.info)}/certificates/x?api-version=2022-02-05`,
    '{',
    `Bearer ${emulator.info.armToken}`,
  );
  assert.equal(arm.status, 400);
  assert.equal(arm.body.httpStatusCode, 'BadRequest');
});

test('a body nested deeper than 64 levels is 400, not an internal error', async () => {
  const deep = `{"registrationId":"x","initialTwin":{"tags":{"a":${'['.repeat(400_000)}${']'.repeat(400_000)}}}}`;
  const answer = await sendRaw('PUT', '/enrollments/x?api-version=2021-10-01', deep, emulator.sas);
  assert.equal(answer.status, 400);
  assert.match(String(answer.body.message), /nests more than 64 levels deep/);
  const fine = `{"a":${'['.repeat(60)}${']'.repeat(60)}}`;
  const shallow = await sendRaw('PUT', '/enrollments/x?api-version=2021-10-01', fine, emulator.sas);
  assert.equal(shallow.status, 400);
  assert.doesNotMatch(String(shallow.body.message), /levels deep/);
});

test('a body over 1 MB is 413; a path with broken percent-encoding is 400', async () => {
  const large = await sendRaw(
    'PUT',
    '/enrollments/x?api-version=2021-10-01',
    JSON.stringify({padding: 'x'.repeat(1024 * 1024)}),
    emulator.sas,
  );
  assert.equal(large.status, 413);
  const broken = await rawRequest(emulator, 'GET', '/enrollments/%E0%A4%A?api-version=2021-10-01', {
    headers: {authorization: emulator.sas},
  });
  assert.equal(broken.status, 400);
  assert.equal(Math.floor((broken.body as {errorCode: number}).errorCode / 1000), 400);
});

test('--host localhost: the ARM endpoint names localhost and the certificate covers it', async () => {
  const local = await startEmulator({inMemory: true, host: 'localhost'});
  try {
    assert.equal(local.info.armEndpoint, `https://localhost:${local.info.port}`);
    const dps = await armClient(local).iotDpsResource.get(
      local.info.dpsName,
      local.info.resourceGroup,
    );
    assert.equal(dps.name, local.info.dpsName);
  } finally {
    await local.close();
  }
});

test('--host 127.0.0.2: the ready line and the DPS resource name the bound address as service host', async () => {
  const bound = await startEmulator({inMemory: true, host: '127.0.0.2'});
  try {
    assert.equal(bound.info.serviceHost, '127.0.0.2');
    assert.match(bound.info.connectionString, /^HostName=127\.0\.0\.2;/);
    const dps = await armClient(bound).iotDpsResource.get(
      bound.info.dpsName,
      bound.info.resourceGroup,
    );
    assert.equal(dps.properties.serviceOperationsHostName, '127.0.0.2');
    // The service SDK reaches the listener through the connection string (a 404, not a refused connection).
    const gateway = await connectToSandbox(bound.info, bound.caCertificatePem);
    try {
      await expectDpsError(gateway.getIndividualEnrollment('not-there'), 'not-found', 404);
    } finally {
      await gateway.close();
    }
  } finally {
    await bound.close();
  }
});
