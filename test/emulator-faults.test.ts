import {test, beforeEach} from 'node:test';
import assert from 'node:assert/strict';
import {FaultInjector} from '../source/emulator/faults.js';
import {armClient, dpsPath, emulatorForFile, rawRequest} from './helpers/emulator-http.js';

const emulator = emulatorForFile();
beforeEach(() => emulator.faults.clear());

const getEnrollment = (id = 'not-there') =>
  rawRequest(emulator, 'GET', `/enrollments/${id}?api-version=2021-10-01`, {
    headers: {authorization: emulator.sas},
  });

test('429 on a service route: DPS error body, Retry-After, then the next request is normal', async () => {
  emulator.faults.add({
    path: /^\/enrollments\//i,
    count: 2,
    fault: {kind: 'status', status: 429, retryAfterSeconds: 7},
  });
  for (let attempt = 0; attempt < 2; attempt++) {
    const throttled = await getEnrollment();
    assert.equal(throttled.status, 429);
    assert.equal(throttled.headers['retry-after'], '7');
    assert.match(String(throttled.headers['content-type']), /^application\/json/);
    const body = throttled.body as Record<string, unknown>;
    assert.equal(Math.floor((body.errorCode as number) / 1000), 429);
    assert.equal(typeof body.trackingId, 'string');
  }
  assert.equal((await getEnrollment()).status, 404, 'the rule is used up');
});

test('429 without a given delay still carries Retry-After', async () => {
  emulator.faults.add({path: /enrollments/, count: 1, fault: {kind: 'status', status: 429}});
  const throttled = await getEnrollment();
  assert.equal(throttled.status, 429);
  assert.match(String(throttled.headers['retry-after']), /^\d+$/);
});

test('503 on an ARM route uses the ARM error body and reaches the ARM SDK as a RestError', async () => {
  emulator.faults.add({
    method: 'GET',
    path: /\/provisioningServices\/[^/]+$/i,
    count: 1,
    fault: {kind: 'status', status: 503},
  });
  const client = armClient(emulator);
  await assert.rejects(
    client.iotDpsResource.get(emulator.info.dpsName, emulator.info.resourceGroup),
    (error: {statusCode?: number; message?: string}) =>
      error.statusCode === 503 && /errorcode: IH503001/.test(error.message ?? ''),
  );
  const dps = await client.iotDpsResource.get(emulator.info.dpsName, emulator.info.resourceGroup);
  assert.equal(dps.name, emulator.info.dpsName);

  emulator.faults.add({
    path: /provisioningServices/i,
    count: 1,
    fault: {kind: 'status', status: 500},
  });
  const raw = await rawRequest(
    emulator,
    'GET',
    `${dpsPath(emulator.info)}?api-version=2022-02-05`,
    {
      headers: {authorization: `Bearer ${emulator.info.armToken}`},
    },
  );
  assert.equal(raw.status, 500);
  assert.deepEqual(Object.keys(raw.body as object).sort(), [
    'code',
    'details',
    'httpStatusCode',
    'message',
  ]);
});

test('a rule only hits its method and path', async () => {
  emulator.faults.add({
    method: 'DELETE',
    path: /enrollments/,
    count: 1,
    fault: {kind: 'status', status: 500},
  });
  emulator.faults.add({path: /enrollmentGroups/, count: 1, fault: {kind: 'status', status: 500}});
  assert.equal((await getEnrollment()).status, 404, 'a GET is not a DELETE');
  const deleted = await rawRequest(
    emulator,
    'DELETE',
    '/enrollments/not-there?api-version=2021-10-01',
    {
      headers: {authorization: emulator.sas},
    },
  );
  assert.equal(deleted.status, 500);
  assert.equal((await getEnrollment()).status, 404);
});

test('a reset closes the connection without an answer', async () => {
  emulator.faults.add({path: /enrollments/, count: 1, fault: {kind: 'reset'}});
  await assert.rejects(
    getEnrollment(),
    (error: NodeJS.ErrnoException) =>
      ['ECONNRESET', 'EPIPE'].includes(error.code ?? '') || /socket hang up/.test(error.message),
  );
  assert.equal((await getEnrollment()).status, 404);
});

test('a delayed request still gets its normal answer, after an undelayed one sent later', async () => {
  emulator.faults.add({path: /\/enrollments\/slow$/, count: 1, fault: {kind: 'delay', ms: 1500}});
  const order: string[] = [];
  const slow = getEnrollment('slow').then((response) => {
    order.push('slow');
    return response;
  });
  const fast = await getEnrollment('fast');
  order.push('fast');
  assert.equal((await slow).status, 404);
  assert.equal(fast.status, 404);
  assert.deepEqual(order, ['fast', 'slow']);
});

test('the control endpoint adds and clears rules over HTTPS with the sandbox token', async () => {
  const control = (method: string, body?: unknown, token = emulator.info.armToken) =>
    rawRequest(emulator, method, '/_emulator/faults', {
      headers: {authorization: `Bearer ${token}`},
      body,
    });
  assert.equal(
    (
      await control(
        'POST',
        {path: 'enrollments', count: 1, fault: {kind: 'status', status: 429}},
        'x',
      )
    ).status,
    401,
  );
  const added = await control('POST', [
    {
      method: 'get',
      path: '^/ENROLLMENTS/',
      count: 1,
      fault: {kind: 'status', status: 503, retryAfterSeconds: 2},
    },
  ]);
  assert.equal(added.status, 204);
  const unavailable = await getEnrollment();
  assert.equal(unavailable.status, 503);
  assert.equal(unavailable.headers['retry-after'], '2');

  assert.equal(
    (await control('POST', {path: 'x', count: 1, fault: {kind: 'status', status: 404}})).status,
    400,
  );
  assert.equal((await control('POST', {path: '(', count: 1, fault: {kind: 'reset'}})).status, 400);
  assert.equal((await control('POST', {path: 'x', count: 0, fault: {kind: 'reset'}})).status, 400);

  assert.equal(
    (await control('POST', {path: 'enrollments', count: 5, fault: {kind: 'reset'}})).status,
    204,
  );
  assert.equal((await control('DELETE')).status, 204);
  assert.equal((await getEnrollment()).status, 404, 'cleared');
});

test('FaultInjector rejects bad rules', () => {
  const faults = new FaultInjector();
  assert.throws(() => faults.add({path: /x/, count: 0, fault: {kind: 'reset'}}), /count/);
  assert.throws(
    () => faults.add({path: /x/, count: 1, fault: {kind: 'status', status: 404 as 429}}),
    /408, 429, 500, 502, 503 or 504/,
  );
  assert.throws(() => faults.add({path: /x/, count: 1, fault: {kind: 'delay', ms: -1}}), /delay/);
  faults.add({path: /x/g, count: 2, fault: {kind: 'reset'}});
  assert.deepEqual(faults.take('GET', '/x'), {kind: 'reset'});
  assert.deepEqual(
    faults.take('GET', '/x'),
    {kind: 'reset'},
    'a global regex does not skip matches',
  );
  assert.equal(faults.take('GET', '/x'), undefined);
});
