import {before, test} from 'node:test';
import assert from 'node:assert/strict';
import {isDpsError} from '../../source/dps/errors.js';
import type {IndividualEnrollment, X509Attestation} from '../../source/dps/types.js';
import {expectedInfo, makeCa, signedBy, type Issued} from '../helpers/test-certificates.js';
import {expectDpsError, sandboxForFile} from '../helpers/sandbox.js';

const sandbox = sandboxForFile();
let root: Issued;

before(async () => {
  root = await makeCa('gateway-test-root');
});

function individual(registrationId: string, certificatePem: string): IndividualEnrollment {
  return {
    registrationId,
    attestation: {type: 'x509', clientCertificates: {primary: {certificate: certificatePem}}},
    capabilities: {iotEdge: true},
    initialTwin: {tags: {environment: 'test'}, properties: {desired: {interval: 30}}},
  };
}

test('individual enrollment: create, get, update with etag, stale etag, delete', async () => {
  const {gateway, emulator} = sandbox;
  const device = await signedBy(root, 'edge-device-01');

  const created = await gateway.createOrUpdateIndividualEnrollment(
    individual('edge-device-01', device.certificatePem),
  );
  assert.equal(created.registrationId, 'edge-device-01');
  assert.ok(created.etag, 'a new enrollment has an etag');
  assert.equal(created.capabilities?.iotEdge, true);
  assert.equal(created.provisioningStatus, 'enabled');

  const fetched = await gateway.getIndividualEnrollment('edge-device-01');
  assert.equal(fetched.etag, created.etag);
  assert.deepEqual(fetched.initialTwin?.tags, {environment: 'test'});
  const primary = (fetched.attestation as X509Attestation).clientCertificates?.primary;
  assert.equal(primary?.certificate, undefined, 'DPS returns certificates as info only');
  assert.deepEqual(primary?.info, expectedInfo(device.certificatePem));

  // Update the fetched record (info only, no certificate) with its etag: the certificate is kept.
  const hub = (await gateway.getDpsResource()).linkedHubs[0]!.hostName;
  const updated = await gateway.createOrUpdateIndividualEnrollment({
    ...fetched,
    provisioningStatus: 'disabled',
    iotHubs: [hub],
    allocationPolicy: 'static',
  });
  assert.notEqual(updated.etag, created.etag, 'every write changes the etag');
  assert.equal(updated.provisioningStatus, 'disabled');
  assert.deepEqual(updated.iotHubs, [hub]);
  assert.deepEqual(
    (updated.attestation as X509Attestation).clientCertificates?.primary?.info,
    expectedInfo(device.certificatePem),
  );

  // Writing with the etag read before the update is a stale etag (412), and changes nothing.
  await expectDpsError(
    gateway.createOrUpdateIndividualEnrollment({...fetched, provisioningStatus: 'enabled'}),
    'stale-etag',
    412,
  );
  await expectDpsError(
    gateway.deleteIndividualEnrollment('edge-device-01', created.etag),
    'stale-etag',
    412,
  );
  assert.equal(
    (await gateway.getIndividualEnrollment('edge-device-01')).provisioningStatus,
    'disabled',
  );

  await gateway.deleteIndividualEnrollment('edge-device-01', updated.etag);
  await expectDpsError(gateway.getIndividualEnrollment('edge-device-01'), 'not-found', 404);
  assert.ok(emulator.info.port > 0);
});

test('a validation failure is a bad request carrying the service message', async () => {
  const device = await signedBy(root, 'edge-device-bad-hub');
  await assert.rejects(
    sandbox.gateway.createOrUpdateIndividualEnrollment({
      ...individual('edge-device-bad-hub', device.certificatePem),
      iotHubs: ['not-linked.azure-devices.net'],
    }),
    (error: unknown) => {
      assert.ok(isDpsError(error, 'bad-request'), String(error));
      assert.equal(error.status, 400);
      assert.match(error.serviceMessage ?? '', /not-linked\.azure-devices\.net/);
      assert.ok(error.trackingId, 'the tracking id is kept');
      return true;
    },
  );
});

test('enrollment group with a certificate uploaded into the group (signingCertificates)', async () => {
  const {gateway} = sandbox;
  const intermediate = await signedBy(root, 'gateway-test-intermediate', 'ca');
  const group = await gateway.createOrUpdateEnrollmentGroup({
    enrollmentGroupId: 'edge-group-signing',
    attestation: {
      type: 'x509',
      signingCertificates: {primary: {certificate: intermediate.certificatePem}},
    },
    capabilities: {iotEdge: true},
  });
  assert.ok(group.etag);
  const fetched = await gateway.getEnrollmentGroup('edge-group-signing');
  const attestation = fetched.attestation as X509Attestation;
  assert.deepEqual(
    attestation.signingCertificates?.primary?.info,
    expectedInfo(intermediate.certificatePem),
  );
  assert.equal(fetched.capabilities?.iotEdge, true);
  await gateway.deleteEnrollmentGroup('edge-group-signing', fetched.etag);
  await expectDpsError(gateway.getEnrollmentGroup('edge-group-signing'), 'not-found', 404);
});

test('enrollment group that references a CA certificate verified in DPS (caReferences)', async () => {
  const {gateway} = sandbox;
  const ca = await makeCa('gateway-test-referenced-root');
  await gateway.uploadCaCertificate({
    name: 'referenced-root',
    certificatePem: ca.certificatePem,
    verified: true,
  });
  const group = await gateway.createOrUpdateEnrollmentGroup({
    enrollmentGroupId: 'edge-group-ca-reference',
    attestation: {type: 'x509', caReferences: {primary: 'referenced-root'}},
    capabilities: {iotEdge: true},
  });
  const fetched = await gateway.getEnrollmentGroup('edge-group-ca-reference');
  assert.equal(fetched.etag, group.etag);
  assert.deepEqual((fetched.attestation as X509Attestation).caReferences, {
    primary: 'referenced-root',
  });

  const page = await gateway.queryEnrollmentGroups({pageSize: 10});
  assert.ok(page.items.some((item) => item.enrollmentGroupId === 'edge-group-ca-reference'));

  const states = await gateway.queryRegistrationStates('edge-group-ca-reference', {pageSize: 5});
  assert.deepEqual(states, {items: []}, 'no device has registered through the group yet');
  await expectDpsError(gateway.getRegistrationState('never-registered'), 'not-found', 404);
  await expectDpsError(gateway.deleteRegistrationState('never-registered'), 'not-found', 404);
});

test('paging over 25 enrollments at page size 10 ends after 3 pages', async () => {
  const {gateway} = sandbox;
  const device = await signedBy(root, 'paging-device');
  const ids = Array.from({length: 25}, (_, index) => `paging-${String(index).padStart(2, '0')}`);
  for (const id of ids) {
    await gateway.createOrUpdateIndividualEnrollment(individual(id, device.certificatePem));
  }

  const pageSizes: number[] = [];
  const seen: string[] = [];
  let continuationToken: string | undefined;
  do {
    const page = await gateway.queryIndividualEnrollments({pageSize: 10, continuationToken});
    pageSizes.push(page.items.length);
    seen.push(...page.items.map((item) => item.registrationId));
    continuationToken = page.continuationToken;
    assert.ok(pageSizes.length <= 3, 'paging must end after the third page');
  } while (continuationToken);

  assert.deepEqual(pageSizes, [10, 10, 5]);
  assert.deepEqual(seen.filter((id) => id.startsWith('paging-')).sort(), ids);
  assert.equal(new Set(seen).size, seen.length, 'no enrollment appears on two pages');

  const deleted = await gateway.runIndividualEnrollmentBulk(
    'delete',
    ids.slice(0, 10).map((id) => individual(id, device.certificatePem)),
  );
  assert.equal(deleted.isSuccessful, true);
  for (const id of ids.slice(10)) await gateway.deleteIndividualEnrollment(id);
});

test('bulk create of 10, then a bulk create that conflicts', async () => {
  const {gateway} = sandbox;
  const device = await signedBy(root, 'bulk-device');
  const batch = Array.from({length: 10}, (_, index) =>
    individual(`bulk-${index}`, device.certificatePem),
  );

  const created = await gateway.runIndividualEnrollmentBulk('create', batch);
  assert.deepEqual(created, {isSuccessful: true, errors: []});
  for (const enrollment of batch) {
    const fetched = await gateway.getIndividualEnrollment(enrollment.registrationId);
    assert.equal(fetched.capabilities?.iotEdge, true);
  }

  const conflicting = await gateway.runIndividualEnrollmentBulk('create', [
    individual('bulk-new', device.certificatePem),
    individual('bulk-3', device.certificatePem),
  ]);
  assert.equal(conflicting.isSuccessful, false);
  assert.equal(conflicting.errors.length, 1);
  assert.equal(conflicting.errors[0]!.id, 'bulk-3');
  assert.equal(Math.floor(conflicting.errors[0]!.errorCode / 1000), 409);
});

test('bulk operations on enrollment groups', async () => {
  const {gateway} = sandbox;
  const intermediate = await signedBy(root, 'bulk-group-intermediate', 'ca');
  const groups = ['bulk-group-a', 'bulk-group-b'].map((enrollmentGroupId) => ({
    enrollmentGroupId,
    attestation: {
      type: 'x509' as const,
      signingCertificates: {primary: {certificate: intermediate.certificatePem}},
    },
    capabilities: {iotEdge: true},
  }));
  assert.deepEqual(await gateway.runEnrollmentGroupBulk('create', groups), {
    isSuccessful: true,
    errors: [],
  });
  assert.equal(
    (await gateway.getEnrollmentGroup('bulk-group-b')).enrollmentGroupId,
    'bulk-group-b',
  );
  const again = await gateway.runEnrollmentGroupBulk('create', groups.slice(0, 1));
  assert.equal(again.isSuccessful, false);
  assert.equal(again.errors[0]?.id, 'bulk-group-a');
  assert.deepEqual(await gateway.runEnrollmentGroupBulk('delete', groups), {
    isSuccessful: true,
    errors: [],
  });
  await expectDpsError(gateway.getEnrollmentGroup('bulk-group-a'), 'not-found');
});
