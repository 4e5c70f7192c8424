import {before, test} from 'node:test';
import assert from 'node:assert/strict';
import {X509Certificate} from 'node:crypto';
import {attestX509, type AttestationSource} from '../../source/emulator/device-attestation.js';
import type {StoredCertificate} from '../../source/emulator/arm-api.js';
import type {StoredRecord} from '../../source/emulator/service-records.js';
import {issue, type Issued} from '../helpers/test-certificates.js';

const dayMs = 24 * 60 * 60 * 1000;
const x509 = (issued: Issued) => new X509Certificate(issued.certificatePem);

let root: Issued;
let intermediate: Issued;
let leaf: Issued;

before(async () => {
  root = await issue('attest.root', 'ca');
  intermediate = await issue('attest.intermediate', 'ca', root);
  leaf = await issue('attest-device', 'identity', intermediate);
});

const record = (fields: object) =>
  ({etag: 'e', createdDateTimeUtc: '', lastUpdatedDateTimeUtc: '', ...fields}) as StoredRecord;
const signingGroup = (id: string, ca: Issued) =>
  record({
    enrollmentGroupId: id,
    attestation: {
      type: 'x509',
      x509: {signingCertificates: {primary: {certificate: ca.certificatePem}}},
    },
  });
const source = (options: {
  enrollments?: StoredRecord[];
  groups?: StoredRecord[];
  certificates?: StoredCertificate[];
}): AttestationSource => ({
  enrollment: (id) =>
    options.enrollments?.find(
      (item) => String(item.registrationId).toLowerCase() === id.toLowerCase(),
    ),
  groups: () => options.groups ?? [],
  caCertificate: (name) => options.certificates?.find((item) => item.name === name),
});

test('the most specific group wins: the intermediate group before the root group', () => {
  const result = attestX509(
    [x509(leaf), x509(intermediate)],
    'attest-device',
    source({
      groups: [signingGroup('root-group', root), signingGroup('intermediate-group', intermediate)],
    }),
  );
  assert.ok(result.ok);
  assert.equal(result.match.kind, 'group');
  assert.equal(result.match.enrollment.enrollmentGroupId, 'intermediate-group');
});

test('an individual enrollment wins over a group, and matches its secondary certificate too', async () => {
  const other = await issue('attest-device', 'identity', intermediate);
  const individual = record({
    registrationId: 'ATTEST-DEVICE',
    attestation: {
      type: 'x509',
      x509: {
        clientCertificates: {
          primary: {certificate: other.certificatePem},
          secondary: {certificate: leaf.certificatePem},
        },
      },
    },
  });
  const result = attestX509(
    [x509(leaf), x509(intermediate)],
    'Attest-Device',
    source({enrollments: [individual], groups: [signingGroup('root-group', root)]}),
  );
  assert.ok(result.ok);
  assert.equal(result.match.kind, 'individual');

  const wrong = attestX509(
    [x509(other)],
    'attest-device',
    source({
      enrollments: [
        record({
          registrationId: 'attest-device',
          attestation: {
            type: 'x509',
            x509: {clientCertificates: {primary: {certificate: leaf.certificatePem}}},
          },
        }),
      ],
    }),
  );
  assert.ok(!wrong.ok);
  assert.equal(wrong.refusal.errorCode, 401002);
  assert.match(wrong.refusal.message, /not the primary or secondary certificate/);
});

test('a chain out of order, or with a certificate its neighbour did not sign, is refused', async () => {
  const stranger = await issue('attest.stranger', 'ca');
  for (const chain of [
    [x509(intermediate), x509(leaf)],
    [x509(leaf), x509(stranger)],
  ]) {
    const result = attestX509(chain, 'attest-device', source({groups: [signingGroup('g', root)]}));
    assert.ok(!result.ok);
    assert.match(result.refusal.message, /not signed by the certificate after it/);
  }
});

test('no certificate, a not-yet-valid one, and an expired group certificate are refused', async () => {
  const none = attestX509([], 'attest-device', source({}));
  assert.ok(!none.ok);
  assert.match(none.refusal.message, /no client certificate/);

  const future = await issue('attest-device', 'identity', intermediate, {
    notBefore: new Date(Date.now() + 2 * dayMs),
  });
  const early = attestX509([x509(future), x509(intermediate)], 'attest-device', source({}));
  assert.ok(!early.ok);
  assert.match(early.refusal.message, /is not valid before/);

  // A CA that expired yesterday, and a device it issued while it was valid.
  const oldCa = await issue('attest.old-ca', 'ca', undefined, {
    notBefore: new Date(Date.now() - 10 * dayMs),
    validityDays: 9,
  });
  const device = await issue('attest-old', 'identity', oldCa);
  const expired = attestX509(
    [x509(device)],
    'attest-old',
    source({groups: [signingGroup('old', oldCa)]}),
  );
  assert.ok(!expired.ok);
  assert.equal(expired.refusal.status, 401);
  assert.match(expired.refusal.message, /attest\.old-ca.*expired/);
});

test('a caReferences group needs the referenced DPS certificate verified; a dangling reference matches nothing', () => {
  const stored = (isVerified: boolean): StoredCertificate => ({
    name: 'root-ca',
    der: x509(root).raw.toString('base64'),
    isVerified,
    etag: 'e',
    created: '',
    updated: '',
  });
  const group = record({
    enrollmentGroupId: 'referenced',
    attestation: {type: 'x509', x509: {caReferences: {primary: 'root-ca'}}},
  });
  const chain = [x509(leaf), x509(intermediate)];
  const verified = attestX509(
    chain,
    'attest-device',
    source({groups: [group], certificates: [stored(true)]}),
  );
  assert.ok(verified.ok);
  const unverified = attestX509(
    chain,
    'attest-device',
    source({groups: [group], certificates: [stored(false)]}),
  );
  assert.ok(!unverified.ok);
  assert.match(unverified.refusal.message, /CA certificate not verified.*'root-ca'/);
  const dangling = attestX509(chain, 'attest-device', source({groups: [group]}));
  assert.ok(!dangling.ok);
  assert.match(dangling.refusal.message, /no enrollment group/);
});
