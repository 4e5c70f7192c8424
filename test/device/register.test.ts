import {after, before, describe, test} from 'node:test';
import assert from 'node:assert/strict';
import {X509Certificate} from 'node:crypto';
import {registerDevice, sandboxDeviceTarget} from '../../source/device/register.js';
import {explainRefusal} from '../../source/device/explain.js';
import type {
  DeviceRegistrationRequest,
  DeviceRegistrationResult,
  DeviceTransport,
  RegistrationStage,
} from '../../source/device/types.js';
import {startServiceSdk} from '../helpers/service-sdk.js';
import {armClient} from '../helpers/emulator-http.js';
import {issue, type Issued} from '../helpers/test-certificates.js';

// The device SDK registers through registerDevice() against the sandbox over TLS, verification on.
describe('registerDevice against the sandbox', () => {
  let sdk: Awaited<ReturnType<typeof startServiceSdk>>;
  let root: Issued;
  let intermediate: Issued;
  before(async () => {
    sdk = await startServiceSdk({deviceRetryAfterSeconds: 0});
    root = await issue('register-test.root.ca', 'ca');
    intermediate = await issue('register-test.intermediate.ca', 'ca', root);
  });
  after(() => sdk.close());

  const chainPem = (...items: Issued[]) => items.map((item) => item.certificatePem).join('');

  const register = (
    transport: DeviceTransport,
    chain: Issued[],
    extra: Partial<DeviceRegistrationRequest> = {},
  ): Promise<DeviceRegistrationResult> =>
    registerDevice({
      target: sandboxDeviceTarget(sdk.emulator.info, sdk.emulator.caCertificatePem),
      certificateChainPem: chainPem(...chain),
      privateKeyPem: chain[0]!.privateKeyPem,
      transport,
      ...extra,
    });

  const enrollIndividual = (id: string, device: Issued, extra: object = {}) =>
    sdk.client.createOrUpdateIndividualEnrollment({
      registrationId: id,
      attestation: {
        type: 'x509',
        x509: {clientCertificates: {primary: {certificate: device.certificatePem}}},
      },
      ...extra,
    } as never);

  const refused = (result: DeviceRegistrationResult) => {
    assert.equal(result.status, 'refused', JSON.stringify(result));
    return result as Extract<DeviceRegistrationResult, {status: 'refused'}>;
  };

  const transports: DeviceTransport[] = ['https', 'mqtt'];
  for (const transport of transports) {
    test(`${transport}: an individual enrollment is assigned, with the stages in order`, async () => {
      const id = `individual-${transport}`;
      const device = await issue(id, 'identity', root);
      await enrollIndividual(id, device, {deviceId: `${id}-device`});
      const stages: RegistrationStage[] = [];
      const result = await register(transport, [device], {onStage: (stage) => stages.push(stage)});
      assert.equal(result.status, 'assigned', JSON.stringify(result));
      if (result.status !== 'assigned') return;
      assert.equal(result.registrationId, id);
      assert.equal(result.deviceId, `${id}-device`);
      assert.equal(result.substatus, 'initialAssignment');
      assert.match(result.assignedHub, /^sandbox-hub-/);
      assert.deepEqual(stages.slice(0, 2), ['connecting', 'registering']);
      const state = (await sdk.client.getDeviceRegistrationState(id)).responseBody as unknown as {
        assignedHub: string;
      };
      assert.equal(state.assignedHub, result.assignedHub);
    });

    test(`${transport}: a signingCertificates group device through a two-level chain`, async () => {
      const groupId = `signing-group-${transport}`;
      await sdk.client.createOrUpdateEnrollmentGroup({
        enrollmentGroupId: groupId,
        attestation: {
          type: 'x509',
          x509: {signingCertificates: {primary: {certificate: intermediate.certificatePem}}},
        },
      } as never);
      const device = await issue(`signing-device-${transport}`, 'identity', intermediate);
      const result = await register(transport, [device, intermediate]);
      assert.equal(result.status, 'assigned', JSON.stringify(result));
      if (result.status === 'assigned')
        assert.equal(result.deviceId, `signing-device-${transport}`);
      await sdk.client.deleteEnrollmentGroup(groupId);
    });

    test(`${transport}: a caReferences group device, once its CA is verified`, async () => {
      const caName = `verified-root-${transport}`;
      const ca = await issue(`ca-references.root-${transport}`, 'ca');
      const caIntermediate = await issue(`ca-references.intermediate-${transport}`, 'ca', ca);
      const {info} = sdk.emulator;
      const upload = (isVerified: boolean) =>
        armClient(sdk.emulator).dpsCertificate.createOrUpdate(
          info.resourceGroup,
          info.dpsName,
          caName,
          {properties: {certificate: new X509Certificate(ca.certificatePem).raw, isVerified}},
        );
      const current = await upload(false);
      await sdk.client.createOrUpdateEnrollmentGroup({
        enrollmentGroupId: `ca-group-${transport}`,
        attestation: {type: 'x509', x509: {caReferences: {primary: caName}}},
      } as never);
      const device = await issue(`ca-device-${transport}`, 'identity', caIntermediate);

      const unverified = refused(await register(transport, [device, caIntermediate]));
      assert.equal(unverified.httpStatus, 401);
      assert.equal(unverified.errorCode, 401002);
      assert.match(explainRefusal(unverified).cause, /not verified/);
      assert.match(explainRefusal(unverified).fix, /az iot dps certificate verify/);

      await armClient(sdk.emulator).dpsCertificate.createOrUpdate(
        info.resourceGroup,
        info.dpsName,
        caName,
        {properties: {certificate: new X509Certificate(ca.certificatePem).raw, isVerified: true}},
        {ifMatch: current.etag!},
      );
      const result = await register(transport, [device, caIntermediate]);
      assert.equal(result.status, 'assigned', JSON.stringify(result));
    });

    test(`${transport}: a CN other than the registration ID is refused with 401 and explained`, async () => {
      const id = `wrong-cn-${transport}`;
      const device = await issue(`${id}-other`, 'identity', root);
      await enrollIndividual(id, device);
      const refusal = refused(await register(transport, [device], {registrationId: id}));
      assert.equal(refusal.kind, 'dps');
      assert.equal(refusal.httpStatus, 401);
      assert.equal(refusal.errorCode, 401002);
      assert.match(refusal.trackingId ?? '', /^[0-9a-f-]{36}$/);
      assert.match(explainRefusal(refusal).cause, /not the common name \(CN\)/);
    });

    test(`${transport}: a chain no enrollment knows is refused and explained`, async () => {
      const stranger = await issue(`stranger.root-${transport}`, 'ca');
      const device = await issue(`unknown-chain-${transport}`, 'identity', stranger);
      const refusal = refused(await register(transport, [device]));
      assert.equal(refusal.httpStatus, 401);
      assert.match(explainRefusal(refusal).cause, /No enrollment matches this certificate/);
    });

    test(`${transport}: a disabled enrollment is refused and explained`, async () => {
      const id = `disabled-${transport}`;
      const device = await issue(id, 'identity', root);
      await enrollIndividual(id, device, {provisioningStatus: 'disabled'});
      const refusal = refused(await register(transport, [device]));
      assert.equal(refusal.kind, 'dps');
      assert.match(explainRefusal(refusal).cause, /disabled/);
    });

    test(`${transport}: an expired certificate is refused with 401 and explained`, async () => {
      const id = `expired-${transport}`;
      const device = await issue(id, 'identity', root, {
        notBefore: new Date(Date.now() - 10 * 24 * 60 * 60 * 1000),
        validityDays: 2,
      });
      await enrollIndividual(id, device);
      const refusal = refused(await register(transport, [device]));
      assert.equal(refusal.httpStatus, 401);
      assert.match(explainRefusal(refusal).cause, /expired or not valid yet/);
    });
  }

  test('an unknown ID scope is refused with 404 and explained', async () => {
    const device = await issue('scope-device', 'identity', root);
    const result = await registerDevice({
      target: {
        kind: 'sandbox',
        host: sdk.emulator.info.deviceHost,
        port: sdk.emulator.info.port,
        caCertificatePem: sdk.emulator.caCertificatePem,
        idScope: '0ne00000000',
      },
      certificateChainPem: device.certificatePem,
      privateKeyPem: device.privateKeyPem,
    });
    const refusal = refused(result);
    assert.equal(refusal.httpStatus, 404);
    assert.match(explainRefusal(refusal).cause, /does not know the ID scope "0ne00000000"/);
  });

  test('a CA other than the sandbox CA is a TLS refusal: verification stays on', async () => {
    const device = await issue('tls-device', 'identity', root);
    const result = await registerDevice({
      target: {
        kind: 'sandbox',
        host: sdk.emulator.info.deviceHost,
        port: sdk.emulator.info.port,
        caCertificatePem: root.certificatePem,
        idScope: sdk.emulator.info.idScope,
      },
      certificateChainPem: device.certificatePem,
      privateKeyPem: device.privateKeyPem,
    });
    const refusal = refused(result);
    assert.equal(refusal.kind, 'tls');
    assert.ok(!JSON.stringify(refusal).includes('PRIVATE KEY'));
  });

  test('an aborted registration resolves as cancelled', async () => {
    const device = await issue('abort-device', 'identity', root);
    const controller = new AbortController();
    controller.abort();
    const refusal = refused(await register('https', [device], {signal: controller.signal}));
    assert.equal(refusal.kind, 'cancelled');
  });

  test('aborting while waiting for the assignment ends the registration at once', async () => {
    const slow = await startServiceSdk({deviceRetryAfterSeconds: 30});
    try {
      const id = 'abort-while-waiting';
      const device = await issue(id, 'identity', root);
      await slow.client.createOrUpdateIndividualEnrollment({
        registrationId: id,
        attestation: {
          type: 'x509',
          x509: {clientCertificates: {primary: {certificate: device.certificatePem}}},
        },
      } as never);
      const controller = new AbortController();
      const started = Date.now();
      const result = await registerDevice({
        target: sandboxDeviceTarget(slow.emulator.info, slow.emulator.caCertificatePem),
        certificateChainPem: device.certificatePem,
        privateKeyPem: device.privateKeyPem,
        signal: controller.signal,
        onStage: (stage) => {
          if (stage === 'waiting-for-assignment') controller.abort();
        },
      });
      assert.equal(refused(result).kind, 'cancelled');
      // The sandbox asked for a 30 s wait before the first poll: cancelling did not sit it out.
      assert.ok(Date.now() - started < 20_000);
    } finally {
      await slow.close();
    }
  });
});
