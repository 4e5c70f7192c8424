import {test} from 'node:test';
import assert from 'node:assert/strict';
import {X509Certificate} from 'node:crypto';
import {certificateInfo, decodeCertificate} from '../../source/emulator/certificate-info.js';
import {bodyOf, individualEnrollment, serviceApi} from '../helpers/service-requests.js';
import {expectedInfo, testCertificates} from '../helpers/test-certificates.js';

/** Made with: openssl req -x509 -newkey ec ... -subj "/C=US/O=Contoso Ltd/OU=Line 3/CN=edge-device-fixture" -set_serial 0x0A1B2C */
const fixturePem = `-----BEGIN CERTIFICATE-----
MIIB6jCCAZCgAwIBAgIDChssMAoGCCqGSM49BAMCMFIxCzAJBgNVBAYTAlVTMRQw
EgYDVQQKDAtDb250b3NvIEx0ZDEPMA0GA1UECwwGTGluZSAzMRwwGgYDVQQDDBNl
ZGdlLWRldmljZS1maXh0dXJlMCAXDTI2MTEyNjIxNTI0MFoYDzIxMjYxMTAyMjE1
MjQwWjBSMQswCQYDVQQGEwJVUzEUMBIGA1UECgwLQ29udG9zbyBMdGQxDzANBgNV
BAsMBkxpbmUgMzEcMBoGA1UEAwwTZWRnZS1kZXZpY2UtZml4dHVyZTBZMBMGByqG
SM49AgEGCCqGSM49AwEHA0IABNOGxPD4QQYVk9lKak+hh/Qr/HmePBpQjoLxM1YC
BLwcRnrD3vqg3+Mf7si2o78YPm0wZp/A7uaFYr2kPjXJZhWjUzBRMB0GA1UdDgQW
BBRT5hDRkV2hIIbNluENu3hfFKIibDAfBgNVHSMEGDAWgBRT5hDRkV2hIIbNluEN
u3hfFKIibDAPBgNVHRMBAf8EBTADAQH/MAoGCCqGSM49BAMCA0gAMEUCIQDsE9RQ
4o/OdXxCzAeRty8HD/M2NtmYC7upJ+C2pcjl0QIgQcUAPq8aKM/2xwMWij0E3MIB
paFMogrw//0pSdnVTj8=
-----END CERTIFICATE-----
`;

/** The same key and names as an X.509 v1 certificate (openssl x509 -req without extensions). */
const fixtureV1Pem = `-----BEGIN CERTIFICATE-----
MIIBoTCCAUcCFAOJGj3X9ACd30L0B8SXDDMZ9ay/MAoGCCqGSM49BAMCMFIxCzAJ
BgNVBAYTAlVTMRQwEgYDVQQKDAtDb250b3NvIEx0ZDEPMA0GA1UECwwGTGluZSAz
MRwwGgYDVQQDDBNlZGdlLWRldmljZS1maXh0dXJlMCAXDTI2MTEyNjIxNTI0MFoY
DzIxMjYxMTAyMjE1MjQwWjBSMQswCQYDVQQGEwJVUzEUMBIGA1UECgwLQ29udG9z
byBMdGQxDzANBgNVBAsMBkxpbmUgMzEcMBoGA1UEAwwTZWRnZS1kZXZpY2UtZml4
dHVyZTBZMBMGByqGSM49AgEGCCqGSM49AwEHA0IABNOGxPD4QQYVk9lKak+hh/Qr
/HmePBpQjoLxM1YCBLwcRnrD3vqg3+Mf7si2o78YPm0wZp/A7uaFYr2kPjXJZhUw
CgYIKoZIzj0EAwIDSAAwRQIgFK+nWDrKV1ZLdeRHWCB0fjBXl5Z1iFqCJ8YlmWYJ
6MQCIQCbuzv6kdGHyxoRLJ4VeabE3JjYsjZRXZgUMzbKzIXcDQ==
-----END CERTIFICATE-----
`;

const base64OfPem = (pem: string) => Buffer.from(pem).toString('base64');
const base64OfDer = (pem: string) => new X509Certificate(pem).raw.toString('base64');

test('certificateInfo matches what openssl reports for a fixture certificate', () => {
  assert.deepEqual(certificateInfo(decodeCertificate(fixturePem)), {
    subjectName: 'CN=edge-device-fixture, OU=Line 3, O=Contoso Ltd, C=US',
    sha1Thumbprint: 'F9F2126C4882B46979325C71AB2945AD3CEA66EE',
    sha256Thumbprint: '13B56EFAB00B3361C65E88CAB1A267CCF104E4B3988B26B5355EBABCC4CE45CF',
    issuerName: 'CN=edge-device-fixture, OU=Line 3, O=Contoso Ltd, C=US',
    notBeforeUtc: '2026-11-26T21:52:40Z',
    notAfterUtc: '2126-11-02T21:52:40Z',
    serialNumber: '0A1B2C',
    version: 3,
  });
  const v1 = certificateInfo(decodeCertificate(fixtureV1Pem));
  assert.equal(v1.version, 1);
  assert.equal(v1.sha1Thumbprint, '37183CEC2E2025708EF505612D0D05CFFB27B948');
});

test('decodeCertificate accepts PEM, base64 of PEM, base64 of DER and base64 twice', () => {
  const expected = new X509Certificate(fixturePem).fingerprint256;
  for (const text of [
    fixturePem,
    `\n  ${fixturePem}`,
    base64OfPem(fixturePem),
    base64OfDer(fixturePem),
    Buffer.from(base64OfDer(fixturePem)).toString('base64'),
  ]) {
    assert.equal(decodeCertificate(text).fingerprint256, expected);
  }
});

test('decodeCertificate refuses anything else with a clear message', () => {
  const thrice = Buffer.from(Buffer.from(base64OfDer(fixturePem)).toString('base64')).toString(
    'base64',
  );
  for (const [text, message] of [
    ['', /empty/],
    ['not a certificate at all!', /neither PEM text nor base64/],
    [
      '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----',
      /PEM text does not hold a valid/,
    ],
    [Buffer.from([0x30, 0x03, 0x02, 0x01, 0x01]).toString('base64'), /DER that is not a valid/],
    [Buffer.from('hello').toString('base64'), /neither a certificate nor base64/],
    [thrice, /still base64 after 2/],
  ] as const) {
    assert.throws(() => decodeCertificate(text), message, JSON.stringify(text));
  }
});

test('an enrollment stores the certificate and returns info equal to what X509Certificate computes', async () => {
  const {call, store} = serviceApi();
  const {devicePem} = await testCertificates();
  const created = await call('PUT', '/enrollments/edge-device-01', {
    body: individualEnrollment('edge-device-01', devicePem),
  });
  assert.equal(created.status, 200);
  const fetched = bodyOf(await call('GET', '/enrollments/edge-device-01'));
  const x509 = (fetched.attestation as {x509: Record<string, Record<string, unknown>>}).x509;
  assert.deepEqual(x509.clientCertificates, {primary: {info: expectedInfo(devicePem)}});
  const info = expectedInfo(devicePem);
  assert.equal(info.subjectName, 'CN=edge-device-01');
  assert.equal(info.issuerName, 'CN=service-api-test.root.ca');
  assert.deepEqual(
    (bodyOf(created).attestation as {x509: unknown}).x509,
    x509,
    'the PUT response shows the same',
  );

  const stored = store.get<{
    attestation: {x509: {clientCertificates: {primary: {certificate: string}}}};
  }>('enrollments', 'edge-device-01');
  const kept = new X509Certificate(stored!.attestation.x509.clientCertificates.primary.certificate);
  assert.equal(kept.fingerprint256, new X509Certificate(devicePem).fingerprint256);
});

test('all three certificate encodings give the same info', async () => {
  const {call} = serviceApi();
  const {devicePem} = await testCertificates();
  const encodings = {
    pem: devicePem,
    base64Pem: base64OfPem(devicePem),
    base64Der: base64OfDer(devicePem),
  };
  for (const [name, certificate] of Object.entries(encodings)) {
    const response = await call('PUT', `/enrollments/${name}`, {
      body: individualEnrollment(name, certificate),
    });
    assert.equal(response.status, 200, name);
    const x509 = (bodyOf(response).attestation as {x509: {clientCertificates: unknown}}).x509;
    assert.deepEqual(x509.clientCertificates, {primary: {info: expectedInfo(devicePem)}}, name);
  }
});

test('a PUT that sends back the info-only GET result keeps the stored certificate', async () => {
  const {call, store} = serviceApi();
  const {devicePem, otherDevicePem} = await testCertificates();
  await call('PUT', '/enrollments/edge-device-01', {
    body: individualEnrollment('edge-device-01', devicePem),
  });
  const before = store.get('enrollments', 'edge-device-01') as Record<string, unknown>;
  const fetched = bodyOf(await call('GET', '/enrollments/edge-device-01'));
  const resent = await call('PUT', '/enrollments/edge-device-01', {
    body: {...fetched, deviceId: 'renamed'},
    headers: {'if-match': fetched.etag as string},
  });
  assert.equal(resent.status, 200);
  assert.equal(bodyOf(resent).deviceId, 'renamed');
  const after = store.get('enrollments', 'edge-device-01') as Record<string, unknown>;
  assert.deepEqual(after.attestation, before.attestation);

  // Info naming a certificate this enrollment never had is refused.
  const foreign = await call('PUT', '/enrollments/edge-device-01', {
    body: {
      registrationId: 'edge-device-01',
      attestation: {
        type: 'x509',
        x509: {clientCertificates: {primary: {info: expectedInfo(otherDevicePem)}}},
      },
    },
  });
  assert.equal(foreign.status, 400);
  assert.match(
    bodyOf(foreign).message as string,
    /'attestation\.x509\.clientCertificates\.primary' has only an 'info' block that matches no certificate/,
  );
  // And on a new enrollment there is nothing to keep.
  const fresh = await call('PUT', '/enrollments/new-device', {
    body: {
      registrationId: 'new-device',
      attestation: {
        type: 'x509',
        x509: {clientCertificates: {primary: {info: expectedInfo(devicePem)}}},
      },
    },
  });
  assert.equal(fresh.status, 400);
});

test('a null entry removes a certificate; the other slot stays', async () => {
  const {call} = serviceApi();
  const {devicePem, otherDevicePem} = await testCertificates();
  await call('PUT', '/enrollments/edge-device-01', {
    body: {
      registrationId: 'edge-device-01',
      attestation: {
        type: 'x509',
        x509: {
          clientCertificates: {
            primary: {certificate: devicePem},
            secondary: {certificate: otherDevicePem},
          },
        },
      },
    },
  });
  const fetched = bodyOf(await call('GET', '/enrollments/edge-device-01'));
  const attestation = fetched.attestation as {x509: {clientCertificates: Record<string, unknown>}};
  attestation.x509.clientCertificates.primary = null;
  const updated = await call('PUT', '/enrollments/edge-device-01', {body: fetched});
  assert.equal(updated.status, 200);
  const x509 = (bodyOf(updated).attestation as {x509: {clientCertificates: unknown}}).x509;
  assert.deepEqual(x509.clientCertificates, {secondary: {info: expectedInfo(otherDevicePem)}});

  attestation.x509.clientCertificates = {primary: null, secondary: null};
  const none = await call('PUT', '/enrollments/edge-device-01', {body: fetched});
  assert.equal(none.status, 400);
  assert.match(bodyOf(none).message as string, /needs the device certificate/);
});

test('a group with signingCertificates stores the CA and returns its info', async () => {
  const {call} = serviceApi();
  const {caPem} = await testCertificates();
  const created = await call('PUT', '/enrollmentGroups/line-3', {
    body: {
      enrollmentGroupId: 'line-3',
      attestation: {
        type: 'x509',
        x509: {signingCertificates: {primary: {certificate: base64OfPem(caPem)}}},
      },
      capabilities: {iotEdge: true},
    },
  });
  assert.equal(created.status, 200);
  const fetched = bodyOf(await call('GET', '/enrollmentGroups/line-3'));
  assert.deepEqual(fetched.attestation, {
    type: 'x509',
    x509: {signingCertificates: {primary: {info: expectedInfo(caPem)}}},
  });
  const resent = await call('PUT', '/enrollmentGroups/line-3', {body: fetched});
  assert.equal(resent.status, 200);
  assert.deepEqual(bodyOf(resent).attestation, fetched.attestation);
});

test('a certificate that does not decode is 400 naming its slot', async () => {
  const {call} = serviceApi();
  const {devicePem} = await testCertificates();
  const broken = await call('PUT', '/enrollments/edge-device-01', {
    body: {
      registrationId: 'edge-device-01',
      attestation: {
        type: 'x509',
        x509: {
          clientCertificates: {
            primary: {certificate: devicePem},
            secondary: {certificate: 'garbage!'},
          },
        },
      },
    },
  });
  assert.equal(broken.status, 400);
  assert.equal(bodyOf(broken).errorCode, 400004);
  assert.match(
    bodyOf(broken).message as string,
    /^'attestation\.x509\.clientCertificates\.secondary\.certificate' is not a readable X\.509 certificate/,
  );
  const group = await call('PUT', '/enrollmentGroups/g', {
    body: {
      enrollmentGroupId: 'g',
      attestation: {type: 'x509', x509: {signingCertificates: {primary: {certificate: 'AAAA'}}}},
    },
  });
  assert.equal(group.status, 400);
  assert.match(
    bodyOf(group).message as string,
    /'attestation\.x509\.signingCertificates\.primary\.certificate'/,
  );
  assert.equal(
    (await call('GET', '/enrollments/edge-device-01')).status,
    404,
    'nothing was stored',
  );
});
