import {test} from 'node:test';
import assert from 'node:assert/strict';
import {
  readBulkResult,
  readCaCertificate,
  readEnrollmentGroup,
  readIndividualEnrollment,
  writeEnrollmentGroup,
  writeIndividualEnrollment,
} from '../../source/dps/wire.js';

const info = {
  subjectName: 'CN=dev-01',
  sha1Thumbprint: 'A'.repeat(40),
  sha256Thumbprint: 'B'.repeat(64),
  issuerName: 'CN=root',
  notBeforeUtc: '2026-01-01T00:00:00Z',
  notAfterUtc: '2027-01-01T00:00:00Z',
  serialNumber: '01',
  version: 3,
};

test('an enrollment is written with its x509 block under attestation.x509 and no read-only fields', () => {
  const wire = writeIndividualEnrollment({
    registrationId: 'dev-01',
    deviceId: 'dev-01-device',
    attestation: {type: 'x509', clientCertificates: {primary: {certificate: 'PEM'}}},
    capabilities: {iotEdge: true},
    etag: 'e1',
    createdDateTimeUtc: '2026-01-01T00:00:00Z',
    lastUpdatedDateTimeUtc: '2026-01-02T00:00:00Z',
    registrationState: {registrationId: 'dev-01', status: 'assigned'},
  });
  assert.deepEqual(wire, {
    registrationId: 'dev-01',
    deviceId: 'dev-01-device',
    attestation: {type: 'x509', x509: {clientCertificates: {primary: {certificate: 'PEM'}}}},
    capabilities: {iotEdge: true},
    etag: 'e1',
  });
});

test('a group is written with caReferences', () => {
  assert.deepEqual(
    writeEnrollmentGroup({
      enrollmentGroupId: 'g',
      attestation: {type: 'x509', caReferences: {primary: 'root'}},
      iotHubs: ['hub.azure-devices.net'],
    }),
    {
      enrollmentGroupId: 'g',
      iotHubs: ['hub.azure-devices.net'],
      attestation: {type: 'x509', x509: {caReferences: {primary: 'root'}}},
    },
  );
});

test('reading keeps the x509 info and the server fields', () => {
  const enrollment = readIndividualEnrollment({
    registrationId: 'dev-01',
    attestation: {type: 'x509', x509: {clientCertificates: {primary: {info}}}},
    capabilities: {iotEdge: true},
    etag: 'e2',
    createdDateTimeUtc: '2026-01-01T00:00:00Z',
    provisioningStatus: 'enabled',
    registrationState: {registrationId: 'dev-01', status: 'assigned', assignedHub: 'hub'},
    somethingNew: 'ignored',
  });
  assert.deepEqual(enrollment, {
    registrationId: 'dev-01',
    attestation: {type: 'x509', clientCertificates: {primary: {info}}},
    capabilities: {iotEdge: true},
    etag: 'e2',
    createdDateTimeUtc: '2026-01-01T00:00:00Z',
    provisioningStatus: 'enabled',
    registrationState: {registrationId: 'dev-01', status: 'assigned', assignedHub: 'hub'},
  });
});

test('reading never keeps symmetric or TPM keys', () => {
  const symmetric = readEnrollmentGroup({
    enrollmentGroupId: 'sk',
    attestation: {
      type: 'symmetricKey',
      symmetricKey: {primaryKey: 'cHJpbWFyeQ==', secondaryKey: 'c2Vjb25kYXJ5'},
    },
  });
  assert.deepEqual(symmetric.attestation, {type: 'symmetricKey'});
  assert.ok(!JSON.stringify(symmetric).includes('cHJpbWFyeQ=='));
  const tpm = readIndividualEnrollment({
    registrationId: 't',
    attestation: {type: 'tpm', tpm: {endorsementKey: 'AToAAQALAAMAsgAgg3GX'}},
  });
  assert.deepEqual(tpm.attestation, {type: 'tpm'});
  assert.deepEqual(readIndividualEnrollment('').attestation, {type: 'none'});
});

test('bulk results name the record each error is about', () => {
  assert.deepEqual(
    readBulkResult(
      {
        isSuccessful: false,
        errors: [{registrationId: 'a', errorCode: 409001, errorStatus: 'exists'}],
      },
      'registrationId',
    ),
    {isSuccessful: false, errors: [{id: 'a', errorCode: 409001, errorStatus: 'exists'}]},
  );
  assert.deepEqual(readBulkResult({isSuccessful: true}, 'enrollmentGroupId'), {
    isSuccessful: true,
    errors: [],
  });
});

test('an ARM certificate becomes a CaCertificate with its etag', () => {
  const expiry = new Date('2027-01-01T00:00:00Z');
  assert.deepEqual(
    readCaCertificate(
      {
        name: 'root',
        etag: 'AAAA',
        properties: {subject: 'CN=root', thumbprint: 'AB', isVerified: true, expiry},
      },
      'fallback',
    ),
    {name: 'root', etag: 'AAAA', isVerified: true, subject: 'CN=root', thumbprint: 'AB', expiry},
  );
  assert.deepEqual(readCaCertificate({}, 'fallback'), {
    name: 'fallback',
    etag: '',
    isVerified: false,
  });
});
