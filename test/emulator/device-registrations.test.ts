import {before, test} from 'node:test';
import assert from 'node:assert/strict';
import {X509Certificate} from 'node:crypto';
import {DeviceRegistrations} from '../../source/emulator/device-registrations.js';
import {Store} from '../../source/emulator/store.js';
import {issue, type Issued} from '../helpers/test-certificates.js';

const idScope = '0ne0000AAAA';
const hubs = ['hub-a.azure-devices.net', 'hub-b.azure-devices.net', 'hub-c.azure-devices.net'];
let ca: Issued;

before(async () => {
  ca = await issue('device-registrations.ca', 'ca');
});

/** A store holding one individual enrollment for a fresh device certificate, and the API over it. */
async function setUp(id: string, enrollment: object = {}, retryAfterSeconds = 0) {
  const device = await issue(id, 'identity', ca);
  const store = Store.inMemory();
  await store.put('enrollments', id, {
    registrationId: id,
    attestation: {
      type: 'x509',
      x509: {clientCertificates: {primary: {certificate: device.certificatePem}}},
    },
    provisioningStatus: 'enabled',
    ...enrollment,
  });
  const api = new DeviceRegistrations({
    store,
    idScope,
    linkedHubHostNames: () => hubs,
    retryAfterSeconds,
  });
  const chain = [new X509Certificate(device.certificatePem)];
  const register = async () => {
    const accepted = await api.register(idScope, id, {registrationId: id}, chain);
    assert.equal(accepted.status, 202, JSON.stringify(accepted.body));
    return api.operationStatus(idScope, id, String(accepted.body.operationId), chain);
  };
  return {api, store, chain, register};
}

const stateOf = (answer: {body: Record<string, unknown>}) =>
  answer.body.registrationState as Record<string, unknown>;

test('a body registrationId other than the path is refused with 400004, nothing stored', async () => {
  const {api, store, chain} = await setUp('mismatch-01');
  const answer = await api.register(
    idScope,
    'mismatch-01',
    {registrationId: 'someone-else'},
    chain,
  );
  assert.equal(answer.status, 400);
  assert.equal(answer.body.errorCode, 400004);
  assert.match(
    String(answer.body.message),
    /'someone-else' is not the registration ID 'mismatch-01'/,
  );
  assert.equal(store.get('registrations', 'mismatch-01'), undefined);
});

test('the operation stays assigning until retry-after has passed', async () => {
  const {api, chain} = await setUp('slow-01', {}, 60);
  const accepted = await api.register(idScope, 'slow-01', {registrationId: 'slow-01'}, chain);
  assert.equal(accepted.retryAfterSeconds, 60);
  assert.deepEqual(stateOf(accepted), {registrationId: 'slow-01', status: 'assigning'});
  const polled = api.operationStatus(idScope, 'slow-01', String(accepted.body.operationId), chain);
  assert.equal(polled.status, 202);
  assert.equal(polled.body.status, 'assigning');
});

test('an unknown operation is 404; a status lookup returns the stored state', async () => {
  const {api, chain, register} = await setUp('lookup-01');
  assert.equal(api.operationStatus(idScope, 'lookup-01', 'nope', chain).status, 404);
  assert.equal(
    api.statusLookup(idScope, 'lookup-01', {registrationId: 'lookup-01'}, chain).status,
    404,
  );
  const done = await register();
  const lookup = api.statusLookup(idScope, 'lookup-01', {registrationId: 'lookup-01'}, chain);
  assert.equal(lookup.status, 200);
  assert.equal(lookup.body.assignedHub, stateOf(done).assignedHub);
  assert.equal(lookup.body.enrollmentGroupId, undefined);
});

test('static allocation takes its one hub; geoLatency the first of its hubs', async () => {
  const fixed = await setUp('static-01', {allocationPolicy: 'static', iotHubs: [hubs[2]]});
  assert.equal(stateOf(await fixed.register()).assignedHub, hubs[2]);
  const geo = await setUp('geo-01', {allocationPolicy: 'geoLatency', iotHubs: [hubs[1], hubs[0]]});
  assert.equal(stateOf(await geo.register()).assignedHub, hubs[1]);
});

test('hashed allocation spreads devices over the hubs and keeps each on its hub', async () => {
  const chosen = new Set<unknown>();
  for (let index = 0; index < 12; index++) {
    const {register} = await setUp(`hashed-${index}`, {allocationPolicy: 'hashed'});
    const first = stateOf(await register()).assignedHub;
    assert.equal(stateOf(await register()).assignedHub, first);
    chosen.add(first);
  }
  assert.ok(chosen.size >= 2, `12 devices all went to ${[...chosen].join()}`);
});

test('custom allocation ends failed with an explanation', async () => {
  const {register, store} = await setUp('custom-01', {allocationPolicy: 'custom'});
  const done = await register();
  assert.equal(done.body.status, 'failed');
  assert.equal(stateOf(done).errorCode, 400209);
  assert.match(String(stateOf(done).errorMessage), /custom allocation.*cannot reach/);
  assert.equal(store.get<{status: string}>('registrations', 'custom-01')?.status, 'failed');
});

test('re-registration follows the reprovision policy', async () => {
  const keep = await setUp('keep-01', {
    iotHubs: [hubs[0]],
    reprovisionPolicy: {updateHubAssignment: false, migrateDeviceData: false},
  });
  assert.equal(stateOf(await keep.register()).substatus, 'initialAssignment');
  const enrollment = keep.store.get<Record<string, unknown>>('enrollments', 'keep-01')!;
  await keep.store.put('enrollments', 'keep-01', {...enrollment, iotHubs: [hubs[1]]});
  const again = stateOf(await keep.register());
  assert.equal(again.assignedHub, hubs[0], 'updateHubAssignment false keeps the hub');
  assert.equal(again.substatus, 'deviceDataReset');

  const move = await setUp('move-01', {iotHubs: [hubs[0]]});
  await move.register();
  const moved = move.store.get<Record<string, unknown>>('enrollments', 'move-01')!;
  await move.store.put('enrollments', 'move-01', {...moved, iotHubs: [hubs[1]]});
  const after = stateOf(await move.register());
  assert.equal(after.assignedHub, hubs[1]);
  assert.equal(after.substatus, 'deviceDataMigrated');
});
