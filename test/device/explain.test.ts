import {describe, test} from 'node:test';
import assert from 'node:assert/strict';
import {explainRefusal} from '../../source/device/explain.js';
import type {DeviceRegistrationRefusal} from '../../source/device/types.js';
import {deviceRefusals} from '../../source/emulator/device-errors.js';

function refusal(extra: Partial<DeviceRegistrationRefusal>): DeviceRegistrationRefusal {
  return {
    status: 'refused',
    kind: 'dps',
    registrationId: 'edge-device-01',
    message: '',
    idScope: '0ne00ABCDEF',
    target: 'global',
    ...extra,
  };
}

// DPS answers certificate problems with 401 / 401002; the message names the problem.
const dps401 = (message: string) => refusal({httpStatus: 401, errorCode: 401002, message});

describe('explainRefusal', () => {
  const cases: Array<[string, DeviceRegistrationRefusal, RegExp, RegExp]> = [
    [
      'CN is not the registration ID',
      dps401(
        'Registration ID edge-device-01 does not match the certificate common name edge-device-02',
      ),
      /not the common name \(CN\)/,
      /registration_id/,
    ],
    [
      'chain does not reach the CA',
      dps401('CA certificate not found'),
      /chain .* does not reach a CA/,
      /full chain/,
    ],
    [
      'CA not verified',
      dps401('The CA certificate azure-iot-test-only.root.ca is not verified'),
      /not verified/,
      /az iot dps certificate verify/,
    ],
    [
      'enrollment disabled',
      dps401('Enrollment is disabled'),
      /disabled/,
      /provisioning-status enabled/,
    ],
    [
      'no enrollment',
      refusal({httpStatus: 404, errorCode: 404201, message: 'Enrollment not found'}),
      /No enrollment matches/,
      /Create an individual enrollment/,
    ],
    [
      'expired certificate',
      dps401('The device certificate expired on 2026-01-01T00:00:00Z'),
      /expired or not valid yet/,
      /date -u/,
    ],
    [
      'unknown ID scope',
      refusal({httpStatus: 404, message: 'ID scope 0ne00ABCDEF not found'}),
      /does not know the ID scope "0ne00ABCDEF"/,
      /Overview page/,
    ],
    [
      'throttled',
      refusal({httpStatus: 429, message: 'Too many requests', retryAfterSeconds: 30}),
      /throttling/,
      /Wait 30 seconds/,
    ],
    [
      'a bare 401 lists what to check',
      dps401('Invalid certificate'),
      /HTTP 401, error 401002: Invalid certificate/,
      /dps-enroll certs check/,
    ],
    [
      'sandbox not running',
      refusal({kind: 'network', networkCode: 'ECONNREFUSED', target: 'sandbox'}),
      /sandbox is not running/,
      /dps-enroll emulator/,
    ],
    [
      'no DNS',
      refusal({kind: 'network', networkCode: 'ENOTFOUND'}),
      /could not be resolved/,
      /getent hosts/,
    ],
    [
      'server certificate not trusted (proxy)',
      refusal({kind: 'tls', networkCode: 'SELF_SIGNED_CERT_IN_CHAIN'}),
      /does not trust DPS's server certificate/,
      /do not turn verification off/,
    ],
    [
      'client certificate rejected in the handshake',
      refusal({kind: 'tls', networkCode: 'EPROTO'}),
      /TLS handshake failed/,
      /key belongs to the certificate/,
    ],
    ['timeout', refusal({kind: 'timeout'}), /did not answer in time/, /firewall/],
    ['service error', refusal({httpStatus: 503, message: 'busy'}), /HTTP 503/, /Try again/],
  ];
  for (const [name, input, cause, fix] of cases) {
    test(name, () => {
      const explanation = explainRefusal(input);
      assert.match(explanation.cause, cause);
      assert.match(explanation.fix, fix);
    });
  }

  test('a generic "not found" is not read as a CN mismatch', () => {
    const explanation = explainRefusal(
      refusal({httpStatus: 404, message: 'no enrollment for registration ID edge-device-01'}),
    );
    assert.match(explanation.cause, /No enrollment matches/);
  });

  test("each of the sandbox's device refusals gets its own cause, not the catch-all", () => {
    const answers = [
      deviceRefusals.certificateExpired('CN=d', '2026-01-01T00:00:00Z'),
      deviceRefusals.certificateNotYetValid('CN=d', '2027-01-01T00:00:00Z'),
      deviceRefusals.brokenChain('CN=d'),
      deviceRefusals.commonNameMismatch('other', 'edge-device-01'),
      deviceRefusals.thumbprintMismatch('edge-device-01'),
      deviceRefusals.unverifiedCa('root'),
      deviceRefusals.noEnrollment('edge-device-01'),
      deviceRefusals.unknownIdScope('0ne00ABCDEF'),
    ];
    const causes = answers.map(
      (answer) =>
        explainRefusal(
          refusal({
            httpStatus: answer.status,
            errorCode: answer.errorCode,
            message: answer.message,
          }),
        ).cause,
    );
    for (const cause of causes) assert.doesNotMatch(cause, /did not accept the certificate/);
    // Expired and not-yet-valid share one cause; every other answer has its own.
    assert.equal(new Set(causes).size, answers.length - 1, causes.join('\n'));
  });
});
