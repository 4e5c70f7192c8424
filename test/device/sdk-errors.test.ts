import {describe, test} from 'node:test';
import assert from 'node:assert/strict';
import httpBase from 'azure-iot-http-base';
import iotCommon from 'azure-iot-common';
import provisioningDevice from 'azure-iot-provisioning-device';
import {refusalFromSdkError, type Refuse} from '../../source/device/sdk-errors.js';

// The errors are made by the SDK's own translators from DPS answers, as they reach register()'s callback.
const refuse: Refuse = (kind, message, extra = {}) => ({
  status: 'refused',
  kind,
  message,
  registrationId: 'edge-device-01',
  idScope: '0ne00000001',
  target: 'sandbox',
  ...extra,
});

const dpsBody = {
  errorCode: 401002,
  trackingId: 'f40da7ba-0f2a-4b4b-9e0c-000000000001',
  message: 'Invalid certificate',
  timestampUtc: '2019-03-15T19:43:02.7904455Z',
};

/** What the HTTP transport hands back for a non-2xx answer: RestApiClient.translateError(body, response). */
function httpError(status: number, body: string, headers: Record<string, string> = {}) {
  return httpBase.RestApiClient.translateError(body, {
    statusCode: status,
    headers: {'content-type': 'application/json; charset=utf-8', ...headers},
  } as never) as Error;
}

describe('refusalFromSdkError', () => {
  test('an HTTP 401 keeps DPS status, error code, message and tracking ID', () => {
    const refusal = refusalFromSdkError(httpError(401, JSON.stringify(dpsBody)), refuse);
    assert.equal(refusal.kind, 'dps');
    assert.equal(refusal.httpStatus, 401);
    assert.equal(refusal.errorCode, 401002);
    assert.equal(refusal.message, 'Invalid certificate');
    assert.equal(refusal.trackingId, dpsBody.trackingId);
  });

  test('an HTTP 429 carries the Retry-After seconds', () => {
    const body = JSON.stringify({...dpsBody, errorCode: 429001, message: 'Too many requests'});
    const refusal = refusalFromSdkError(httpError(429, body, {'retry-after': '7'}), refuse);
    assert.equal(refusal.httpStatus, 429);
    assert.equal(refusal.retryAfterSeconds, 7);
  });

  test('an HTTP error whose body is not JSON keeps the status', () => {
    const refusal = refusalFromSdkError(httpError(404, 'Not Found'), refuse);
    assert.equal(refusal.kind, 'dps');
    assert.equal(refusal.httpStatus, 404);
  });

  test('an MQTT error takes its status from the response topic', () => {
    const error = provisioningDevice.translateError('incoming message failure', 401, dpsBody, {
      topic: '$dps/registrations/res/401/?$rid=1',
      payload: dpsBody,
    }) as Error;
    const refusal = refusalFromSdkError(error, refuse);
    assert.equal(refusal.httpStatus, 401);
    assert.equal(refusal.errorCode, 401002);
    assert.equal(refusal.trackingId, dpsBody.trackingId);
  });

  test('a failed operation reads errorCode and errorMessage from its registrationState', () => {
    const error = new iotCommon.errors.DeviceRegistrationFailedError('registration failed');
    Object.assign(error, {
      result: {
        operationId: '4.0bdadb0c47c2d6b4.4a081f01',
        status: 'failed',
        registrationState: {
          registrationId: 'edge-device-01',
          status: 'failed',
          errorCode: 401002,
          errorMessage: 'CA certificate not found',
        },
      },
    });
    const refusal = refusalFromSdkError(error, refuse);
    assert.equal(refusal.kind, 'dps');
    assert.equal(refusal.errorCode, 401002);
    assert.equal(refusal.message, 'CA certificate not found');
    assert.equal(refusal.httpStatus, undefined);
  });

  test('socket and TLS errors become network and tls refusals with their code', () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:9'), {
      code: 'ECONNREFUSED',
    });
    assert.deepEqual(
      [refusalFromSdkError(refused, refuse).kind, refusalFromSdkError(refused, refuse).networkCode],
      ['network', 'ECONNREFUSED'],
    );
    const untrusted = Object.assign(new Error('self-signed certificate in certificate chain'), {
      code: 'SELF_SIGNED_CERT_IN_CHAIN',
    });
    assert.equal(refusalFromSdkError(untrusted, refuse).kind, 'tls');
  });

  test("the SDK's timeout and cancellation errors", () => {
    assert.equal(refusalFromSdkError(new iotCommon.errors.TimeoutError(), refuse).kind, 'timeout');
    assert.equal(
      refusalFromSdkError(new iotCommon.errors.OperationCancelledError(''), refuse).kind,
      'cancelled',
    );
  });
});
