import {after, before, describe, test} from 'node:test';
import assert from 'node:assert/strict';
import {X509Certificate} from 'node:crypto';
import {armClient} from '../helpers/emulator-http.js';
import {startServiceSdk} from '../helpers/service-sdk.js';
import {deviceClient, registrationFailure, type DeviceTransport} from '../helpers/device-sdk.js';
import {issue, type Issued} from '../helpers/test-certificates.js';
import type {EmulatorInfo} from '../../source/emulator/types.js';

const transports: DeviceTransport[] = ['http', 'mqtt'];
const dayMs = 24 * 60 * 60 * 1000;

type Registration = Record<string, unknown> & {x509?: Record<string, unknown>};

describe('device registration with the device SDK against the sandbox', () => {
  let sdk: Awaited<ReturnType<typeof startServiceSdk>>;
  let root: Issued;
  let intermediate: Issued;
  let verifiedCa: Issued;
  let unverifiedCa: Issued;

  before(async () => {
    sdk = await startServiceSdk({deviceRetryAfterSeconds: 0});
    const {info} = sdk.emulator;
    [root, verifiedCa, unverifiedCa] = await Promise.all([
      issue('device-api.signing-root', 'ca'),
      issue('device-api.verified-ca', 'ca'),
      issue('device-api.unverified-ca', 'ca'),
    ]);
    intermediate = await issue('device-api.intermediate', 'ca', root);
    const arm = armClient(sdk.emulator);
    for (const [name, ca, isVerified] of [
      ['verified-ca', verifiedCa, true],
      ['unverified-ca', unverifiedCa, false],
    ] as const) {
      await arm.dpsCertificate.createOrUpdate(info.resourceGroup, info.dpsName, name, {
        properties: {
          certificate: new Uint8Array(new X509Certificate(ca.certificatePem).raw),
          isVerified,
        },
      });
    }
    await group('ca-reference-group', {caReferences: {primary: 'verified-ca'}});
    await group('unverified-ca-group', {caReferences: {primary: 'unverified-ca'}});
    await group('signing-group', {
      signingCertificates: {primary: {certificate: root.certificatePem}},
    });
  });
  after(() => sdk.close());

  const group = (enrollmentGroupId: string, x509: object) =>
    sdk.client.createOrUpdateEnrollmentGroup({
      enrollmentGroupId,
      attestation: {type: 'x509', x509},
    } as never);

  const individual = (registrationId: string, device: Issued, extra: object = {}) =>
    sdk.client.createOrUpdateIndividualEnrollment({
      registrationId,
      attestation: {
        type: 'x509',
        x509: {clientCertificates: {primary: {certificate: device.certificatePem}}},
      },
      ...extra,
    } as never);

  const register = async (
    transport: DeviceTransport,
    registrationId: string,
    chain: Issued[],
    info: EmulatorInfo = sdk.emulator.info,
  ) => {
    const client = deviceClient(
      info,
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

  const stateOf = async (registrationId: string) =>
    (await sdk.client.getDeviceRegistrationState(registrationId))
      .responseBody as unknown as Registration;

  const sha256 = (issued: Issued) =>
    new X509Certificate(issued.certificatePem).fingerprint256.replaceAll(':', '');

  for (const transport of transports) {
    test(`${transport}: an individual enrollment registers; the service SDK then reads its state`, async () => {
      const id = `individual-${transport}`;
      const device = await issue(id, 'identity', verifiedCa);
      await individual(id, device, {deviceId: `${id}-device`});

      const result = await register(transport, id, [device]);
      assert.equal(result.registrationId, id);
      assert.equal(result.status, 'assigned');
      assert.equal(result.deviceId, `${id}-device`);
      assert.equal(result.substatus, 'initialAssignment');
      assert.match(String(result.assignedHub), /^sandbox-hub-/);

      const state = await stateOf(id);
      assert.equal(state.status, 'assigned');
      assert.equal(state.assignedHub, result.assignedHub);
      assert.equal(state.deviceId, `${id}-device`);
      const certificateInfo = state.x509?.certificateInfo as {sha256Thumbprint: string};
      assert.equal(certificateInfo.sha256Thumbprint, sha256(device));

      const again = await register(transport, id, [device]);
      assert.equal(again.assignedHub, result.assignedHub, 'hashed allocation is stable');
      assert.equal(again.substatus, 'deviceDataMigrated');
    });

    test(`${transport}: a device of a caReferences group registers through the verified CA`, async () => {
      const id = `ca-reference-device-${transport}`;
      const device = await issue(id, 'identity', verifiedCa);
      const result = await register(transport, id, [device]);
      assert.equal(result.status, 'assigned');
      assert.equal(result.deviceId, id);

      const state = await stateOf(id);
      assert.equal(state.x509?.enrollmentGroupId, 'ca-reference-group');
      const signing = state.x509?.signingCertificateInfo as {sha256Thumbprint: string};
      assert.equal(signing.sha256Thumbprint, sha256(verifiedCa));
      const listed = await sdk.client
        .createEnrollmentGroupDeviceRegistrationStateQuery({query: '*'}, 'ca-reference-group')
        .next();
      const ids = (listed.responseBody as unknown as Registration[]).map(
        (item) => item.registrationId,
      );
      assert.ok(ids.includes(id), `${id} in ${ids.join(', ')}`);
    });

    test(`${transport}: a device registers through a two-level chain to a signingCertificates group`, async () => {
      const id = `signing-device-${transport}`;
      const device = await issue(id, 'identity', intermediate);
      const result = await register(transport, id, [device, intermediate]);
      assert.equal(result.status, 'assigned');
      assert.equal(result.deviceId, id);
      const state = await stateOf(id);
      assert.equal(state.x509?.enrollmentGroupId, 'signing-group');
      const signing = state.x509?.signingCertificateInfo as {sha256Thumbprint: string};
      assert.equal(signing.sha256Thumbprint, sha256(root));
    });

    test(`${transport}: without its intermediate the same device is refused with 401002`, async () => {
      const id = `signing-device-no-chain-${transport}`;
      const device = await issue(id, 'identity', intermediate);
      const failure = await registrationFailure(register(transport, id, [device]));
      assert.equal(failure.status, 401);
      assert.equal(failure.body?.errorCode, 401002);
    });

    test(`${transport}: a certificate whose CN is not the registration ID is refused with 401002`, async () => {
      const id = `wrong-cn-${transport}`;
      const device = await issue(`${id}-other`, 'identity', verifiedCa);
      await individual(id, device);
      const failure = await registrationFailure(register(transport, id, [device]));
      assert.equal(failure.status, 401);
      assert.equal(failure.body?.errorCode, 401002);
      assert.match(
        String(failure.body?.message),
        /common name '.*-other' is not the registration ID/,
      );
    });

    test(`${transport}: a chain that reaches no enrollment is refused with 401002`, async () => {
      const stranger = await issue('device-api.stranger-ca', 'ca');
      const id = `unknown-chain-${transport}`;
      const device = await issue(id, 'identity', stranger);
      const failure = await registrationFailure(register(transport, id, [device]));
      assert.equal(failure.status, 401);
      assert.equal(failure.body?.errorCode, 401002);
      assert.match(String(failure.body?.message), /no enrollment group/);
    });

    test(`${transport}: a chain that reaches an unverified CA is refused with 401002`, async () => {
      const id = `unverified-device-${transport}`;
      const device = await issue(id, 'identity', unverifiedCa);
      const failure = await registrationFailure(register(transport, id, [device]));
      assert.equal(failure.status, 401);
      assert.equal(failure.body?.errorCode, 401002);
      assert.match(String(failure.body?.message), /CA certificate not verified.*unverified-ca/);
    });

    test(`${transport}: an expired device certificate is refused with 401002`, async () => {
      const id = `expired-${transport}`;
      const device = await issue(id, 'identity', verifiedCa, {
        notBefore: new Date(Date.now() - 3 * dayMs),
        validityDays: 1,
      });
      await individual(id, device);
      const failure = await registrationFailure(register(transport, id, [device]));
      assert.equal(failure.status, 401);
      assert.equal(failure.body?.errorCode, 401002);
      assert.match(String(failure.body?.message), /expired/);
    });

    test(`${transport}: a disabled enrollment is accepted, then its operation ends 'disabled'`, async () => {
      const id = `disabled-${transport}`;
      const device = await issue(id, 'identity', verifiedCa);
      await individual(id, device, {provisioningStatus: 'disabled'});
      const failure = await registrationFailure(register(transport, id, [device]));
      // The SDK knows only assigned, assigning and failed: anything else is its SyntaxError with the body.
      assert.equal(failure.name, 'SyntaxError');
      assert.equal(failure.body?.status, 'disabled');
      assert.equal((await stateOf(id)).status, 'disabled');
    });

    test(`${transport}: an unknown ID scope is refused with 404001`, async () => {
      const id = `wrong-scope-${transport}`;
      const device = await issue(id, 'identity', verifiedCa);
      await individual(id, device);
      const info = {...sdk.emulator.info, idScope: '0ne00000000'};
      const failure = await registrationFailure(register(transport, id, [device], info));
      assert.equal(failure.status, 404);
      assert.equal(failure.body?.errorCode, 404001);
    });
  }
});
