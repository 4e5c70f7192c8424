import {before, describe, test} from 'node:test';
import assert from 'node:assert/strict';
import {requestPreview, shortenPem} from '../../source/outputs/request-json.js';
import type {EnrollmentGroup, IndividualEnrollment} from '../../source/dps/types.js';
import {expectedInfo, testCertificates} from '../helpers/test-certificates.js';

let devicePem: string;
let caPem: string;
before(async () => {
  ({devicePem, caPem} = await testCertificates());
});

/** What the preview must show for a PEM, counted independently of the code under test. */
function shortened(pem: string): string {
  const lines = pem.trim().split('\n');
  assert.ok(lines.length > 3, 'a real PEM spans several lines');
  return `-----BEGIN CERTIFICATE-----…(${lines.length - 1} more lines)`;
}

/** The base64 body of a PEM, which must not reach the preview. */
const body = (pem: string) => pem.trim().split('\n').slice(1, -1).join('');

describe('requestPreview', () => {
  test('an individual enrollment: PEMs shortened, everything else as the service receives it', () => {
    const info = expectedInfo(devicePem);
    const enrollment: IndividualEnrollment = {
      registrationId: 'edge-device-01',
      deviceId: 'edge-device-01',
      attestation: {
        type: 'x509',
        clientCertificates: {primary: {certificate: devicePem}, secondary: {info}},
      },
      capabilities: {iotEdge: true},
      provisioningStatus: 'enabled',
      allocationPolicy: 'hashed',
      iotHubs: ['hub-a.azure-devices.net'],
      initialTwin: {
        // A twin value that merely looks like a certificate is the user's data: shown verbatim.
        tags: {environment: 'test', certificate: devicePem},
        properties: {desired: {interval: 30}},
      },
      reprovisionPolicy: {updateHubAssignment: true, migrateDeviceData: true},
      etag: 'AAAAAAAAAAE=',
    };
    const original = structuredClone(enrollment);
    const preview = requestPreview(enrollment);

    assert.deepEqual(JSON.parse(preview), {
      capabilities: {iotEdge: true},
      provisioningStatus: 'enabled',
      allocationPolicy: 'hashed',
      iotHubs: ['hub-a.azure-devices.net'],
      initialTwin: {
        tags: {environment: 'test', certificate: devicePem},
        properties: {desired: {interval: 30}},
      },
      reprovisionPolicy: {updateHubAssignment: true, migrateDeviceData: true},
      etag: 'AAAAAAAAAAE=',
      attestation: {
        type: 'x509',
        x509: {
          clientCertificates: {
            primary: {certificate: shortened(devicePem)},
            secondary: {info},
          },
        },
      },
      registrationId: 'edge-device-01',
      deviceId: 'edge-device-01',
    });
    assert.equal(preview, JSON.stringify(JSON.parse(preview), null, 2), 'pretty-printed, 2 spaces');
    assert.ok(preview.includes('\n  "registrationId": "edge-device-01"'), preview);
    assert.deepEqual(enrollment, original, 'the enrollment itself is not changed');
  });

  test('an enrollment group: signing certificates shortened, CA references verbatim', () => {
    const group: EnrollmentGroup = {
      enrollmentGroupId: 'line-7',
      attestation: {
        type: 'x509',
        signingCertificates: {primary: {certificate: caPem}, secondary: {certificate: devicePem}},
        caReferences: {primary: 'contoso-root'},
      },
      capabilities: {iotEdge: true},
    };
    const preview = requestPreview(group);
    assert.deepEqual(JSON.parse(preview), {
      capabilities: {iotEdge: true},
      attestation: {
        type: 'x509',
        x509: {
          signingCertificates: {
            primary: {certificate: shortened(caPem)},
            secondary: {certificate: shortened(devicePem)},
          },
          caReferences: {primary: 'contoso-root'},
        },
      },
      enrollmentGroupId: 'line-7',
    });
    assert.ok(!preview.includes(body(caPem)), 'no certificate body in the preview');
    assert.ok(!preview.includes(body(devicePem)), 'no certificate body in the preview');
  });

  test('a PEM with Windows line endings is counted the same way', () => {
    const crlf = devicePem.replaceAll('\n', '\r\n');
    const preview = requestPreview({
      registrationId: 'edge-device-01',
      attestation: {type: 'x509', clientCertificates: {primary: {certificate: crlf}}},
    });
    const parsed = JSON.parse(preview) as {
      attestation: {x509: {clientCertificates: {primary: {certificate: string}}}};
    };
    assert.equal(
      parsed.attestation.x509.clientCertificates.primary.certificate,
      shortened(devicePem),
    );
  });
});

describe('shortenPem', () => {
  test('keeps a single line as it is and ignores trailing blank lines', () => {
    assert.equal(shortenPem('not a pem'), 'not a pem');
    assert.equal(shortenPem(''), '');
    assert.equal(shortenPem('first\nsecond\nthird\n\n\n'), 'first…(2 more lines)');
  });
});
