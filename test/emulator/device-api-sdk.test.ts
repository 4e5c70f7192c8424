import {after, before, describe, test} from 'node:test';
import assert from 'node:assert/strict';
import {X509Certificate} from 'node:crypto';
import {startServiceSdk} from '../helpers/service-sdk.js';
import {deviceClient, registrationFailure, type DeviceTransport} from '../helpers/device-sdk.js';
import {issue, type Issued} from '../helpers/test-certificates.js';

const transports: DeviceTransport[] = ['http'];

describe('device registration with the device SDK', () => {
  let sdk: Awaited<ReturnType<typeof startServiceSdk>>;
  let ca: Issued;
  before(async () => {
    sdk = await startServiceSdk({deviceRetryAfterSeconds: 0});
    ca = await issue('device-api-test.root.ca', 'ca');
  });
  after(() => sdk.close());

  const register = async (transport: DeviceTransport, registrationId: string, chain: Issued[]) => {
    const client = deviceClient(
      sdk.emulator.info,
      sdk.emulator.caCertificatePem,
      {
        registrationId,
        certificateChainPem: chain.map((item) => item.certificatePem).join(''),
        privateKeyPem: chain[0]!.privateKeyPem,
      },
      transport,
    );
    try {
      return await client.register();
    } finally {
      client.close();
    }
  };

  for (const transport of transports) {
    test(`${transport}: an individual enrollment registers and its state is visible to the service SDK`, async () => {
      const id = `individual-${transport}`;
      const device = await issue(id, 'identity', ca);
      await sdk.client.createOrUpdateIndividualEnrollment({
        registrationId: id,
        deviceId: `${id}-device`,
        attestation: {
          type: 'x509',
          x509: {clientCertificates: {primary: {certificate: device.certificatePem}}},
        },
      } as never);
      const result = await register(transport, id, [device]);
      const linked = sdk.emulator.info;
      assert.equal(result.registrationId, id);
      assert.equal(result.status, 'assigned');
      assert.equal(result.deviceId, `${id}-device`);
      assert.equal(result.substatus, 'initialAssignment');
      assert.match(String(result.assignedHub), /^sandbox-hub-/);
      const state = (await sdk.client.getDeviceRegistrationState(id))
        .responseBody as unknown as Record<string, unknown>;
      assert.equal(state.assignedHub, result.assignedHub);
      assert.equal(state.deviceId, `${id}-device`);
      const info = (state.x509 as {certificateInfo: {sha256Thumbprint: string}}).certificateInfo;
      assert.equal(
        info.sha256Thumbprint,
        new X509Certificate(device.certificatePem).fingerprint256.replaceAll(':', ''),
      );
      void linked;

      const again = await register(transport, id, [device]);
      assert.equal(again.assignedHub, result.assignedHub);
      assert.equal(again.substatus, 'deviceDataMigrated');
    });

    test(`${transport}: a certificate whose CN is not the registration ID is refused with 401`, async () => {
      const id = `wrong-cn-${transport}`;
      const device = await issue(`${id}-other`, 'identity', ca);
      await sdk.client.createOrUpdateIndividualEnrollment({
        registrationId: id,
        attestation: {
          type: 'x509',
          x509: {clientCertificates: {primary: {certificate: device.certificatePem}}},
        },
      } as never);
      const failure = await registrationFailure(register(transport, id, [device]));
      assert.equal(failure.status, 401);
      assert.equal(failure.body?.errorCode, 401002);
      assert.match(String(failure.body?.message), /common name/);
    });
  }
});
