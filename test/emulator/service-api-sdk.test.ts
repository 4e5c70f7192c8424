import {after, before, test} from 'node:test';
import assert from 'node:assert/strict';
import type {
  BulkEnrollmentOperation,
  BulkEnrollmentOperationResult,
  EnrollmentGroup,
  IndividualEnrollment,
} from 'azure-iot-provisioning-service/dist/interfaces.js';
import {expectedInfo, testCertificates} from '../helpers/test-certificates.js';
import {sdkFailure, startServiceSdk} from '../helpers/service-sdk.js';

let sdk: Awaited<ReturnType<typeof startServiceSdk>>;
before(async () => {
  sdk = await startServiceSdk();
});
after(async () => {
  await sdk.close();
});

function enrollment(registrationId: string, certificate: string): IndividualEnrollment {
  return {
    registrationId,
    attestation: {type: 'x509', x509: {clientCertificates: {primary: {certificate}}}},
    capabilities: {iotEdge: true},
  } as IndividualEnrollment;
}

/** The SDK's runBulkEnrollmentOperation never settles as a promise: use the callback form. */
function runBulk(operation: BulkEnrollmentOperation): Promise<BulkEnrollmentOperationResult> {
  return new Promise((resolve, reject) => {
    sdk.client.runBulkEnrollmentOperation(operation, (error, result) =>
      error ? reject(error) : resolve(result!),
    );
  });
}

test('SDK: create, get (info from the certificate), re-PUT the fetched object, stale etag, delete', async () => {
  const {devicePem} = await testCertificates();
  const created = await sdk.client.createOrUpdateIndividualEnrollment(
    enrollment('sdk-device-01', devicePem),
  );
  assert.equal(created.httpResponse.statusCode, 200);
  const first = created.responseBody;
  assert.ok(first.etag);

  const fetched = (await sdk.client.getIndividualEnrollment('sdk-device-01')).responseBody;
  assert.deepEqual(fetched.attestation.x509?.clientCertificates, {
    primary: {info: expectedInfo(devicePem)},
  });
  assert.equal(fetched.capabilities?.iotEdge, true);

  // The SDK sends If-Match from the object's etag; the info-only certificate keeps the stored one.
  const updated = (
    await sdk.client.createOrUpdateIndividualEnrollment({...fetched, deviceId: 'sdk-edge'})
  ).responseBody;
  assert.notEqual(updated.etag, first.etag);
  assert.equal(updated.deviceId, 'sdk-edge');
  assert.deepEqual(updated.attestation.x509?.clientCertificates, {
    primary: {info: expectedInfo(devicePem)},
  });

  const stale = await sdkFailure(
    sdk.client.createOrUpdateIndividualEnrollment({...fetched, deviceId: 'x'}),
  );
  assert.equal(stale.status, 412);
  assert.equal(stale.body.errorCode, 412001);
  assert.equal((stale.error as Error).name, 'InvalidEtagError');

  await sdk.client.deleteIndividualEnrollment('sdk-device-01', updated.etag!);
  const missing = await sdkFailure(sdk.client.getIndividualEnrollment('sdk-device-01'));
  assert.equal(missing.status, 404);
  assert.equal(missing.body.errorCode, 404201);
});

test('SDK: a validation failure comes back as 400 with the message in the DPS error body', async () => {
  const {devicePem} = await testCertificates();
  const failure = await sdkFailure(
    sdk.client.createOrUpdateIndividualEnrollment({
      ...enrollment('sdk-device-02', devicePem),
      iotHubs: ['not-linked.azure-devices.net'],
    }),
  );
  assert.equal(failure.status, 400);
  assert.match(
    failure.body.message as string,
    /'not-linked.azure-devices.net', which is not linked/,
  );
});

test('SDK: a group with signingCertificates as base64 of PEM, its attestation mechanism and a group query', async () => {
  const {caPem} = await testCertificates();
  const group = {
    enrollmentGroupId: 'sdk-group',
    attestation: {
      type: 'x509',
      x509: {signingCertificates: {primary: {certificate: Buffer.from(caPem).toString('base64')}}},
    },
  } as EnrollmentGroup;
  const created = await sdk.client.createOrUpdateEnrollmentGroup(group);
  assert.equal(created.httpResponse.statusCode, 200);
  // This call goes to /enrollmentgroups/ (lower-case g).
  const mechanism = (await sdk.client.getEnrollmentGroupAttestationMechanism('sdk-group'))
    .responseBody;
  assert.deepEqual(mechanism.x509?.signingCertificates, {primary: {info: expectedInfo(caPem)}});

  const query = sdk.client.createEnrollmentGroupQuery({query: '*'}, 5);
  const page = await query.next(query.continuationToken);
  assert.deepEqual(
    (page.responseBody as unknown as EnrollmentGroup[]).map((item) => item.enrollmentGroupId),
    ['sdk-group'],
  );
  assert.equal(query.hasMoreResults, false);
  await sdk.client.deleteEnrollmentGroup('sdk-group');
});

test('SDK: bulk create of 10, a bulk with a conflict, then paging 25 at 10 ends after 3 pages', async () => {
  const {devicePem} = await testCertificates();
  const batch = (from: number, count: number) =>
    Array.from({length: count}, (_, index) =>
      enrollment(`page-${String(from + index).padStart(2, '0')}`, devicePem),
    );

  for (const from of [0, 10]) {
    const result = await runBulk({mode: 'create', enrollments: batch(from, 10)});
    assert.equal(result.isSuccessful, true);
  }
  const conflict = await runBulk({mode: 'create', enrollments: batch(15, 10)});
  assert.equal(conflict.isSuccessful, false);
  assert.deepEqual(
    conflict.errors.map((error) => [error.registrationId, error.errorCode]),
    ['page-15', 'page-16', 'page-17', 'page-18', 'page-19'].map((id) => [id, 409001]),
  );

  const query = sdk.client.createIndividualEnrollmentQuery({query: '*'}, 10);
  const sizes: number[] = [];
  const ids = new Set<string>();
  while (query.hasMoreResults) {
    const page = await query.next(query.continuationToken);
    const items = page.responseBody as unknown as IndividualEnrollment[];
    sizes.push(items.length);
    for (const item of items) ids.add(item.registrationId);
    assert.ok(sizes.length <= 3, 'paging must stop after the last page');
  }
  assert.deepEqual(sizes, [10, 10, 5]);
  assert.equal(ids.size, 25);
});

test('SDK: registration states that do not exist are 404', async () => {
  const failure = await sdkFailure(sdk.client.getDeviceRegistrationState('never-registered'));
  assert.equal(failure.status, 404);
  assert.equal(failure.body.errorCode, 404203);
  const query = sdk.client.createEnrollmentGroupDeviceRegistrationStateQuery(
    {query: '*'},
    'no-group',
    10,
  );
  const page = await query.next(query.continuationToken);
  assert.deepEqual(page.responseBody, []);
  assert.equal(query.hasMoreResults, false);
});
