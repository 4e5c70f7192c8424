import {describe, test} from 'node:test';
import assert from 'node:assert/strict';
import {writeFile} from 'node:fs/promises';
import {join} from 'node:path';
import type {IndividualEnrollment} from '../source/dps/types.js';
import {burst, keys, press, waitForFrame, type Instance} from './helpers/ink.js';
import {expectDpsError} from './helpers/sandbox.js';
import {ecChain} from './helpers/test-certificates.js';
import {
  acceptSettingsToReview,
  openWizard,
  startIndividual,
  withGateway,
  wizardSandboxForFile,
} from './helpers/wizard.js';

const sandbox = wizardSandboxForFile();

/** Writes a fresh device certificate with CN = `name` into the scratch folder; returns its PEM. */
async function deviceCertificate(name: string): Promise<string> {
  const {leaf} = await ecChain(name);
  await writeFile(join(sandbox.folder, `${name}.cert.pem`), leaf.certificatePem);
  return leaf.certificatePem;
}

/** From the home screen to the device ID step, with the certificate `${name}.cert.pem` and no secondary. */
async function toDeviceId(app: Instance, name: string) {
  await startIndividual(app);
  await burst(app, `${name}.cert.pem`, keys.enter);
  await waitForFrame(app, 'Ready: press Enter');
  await press(app, keys.enter);
  await waitForFrame(app, 'Secondary certificate');
  await press(app, keys.enter);
  assert.match(await waitForFrame(app, 'Registration ID'), new RegExp(`› ${name}`));
  await press(app, keys.enter);
  await waitForFrame(app, 'IoT Hub device ID');
}

/** The etag line of the exists screen (etags are base64: escape the regular expression's own characters). */
const etagLine = (etag: string | undefined) =>
  new RegExp(`Etag\\s+${(etag ?? '(none)').replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}`);

const enrollmentPath = (id: string) => new RegExp(`^/enrollments/${id}$`, 'i');

describe('saving an individual enrollment from the wizard', () => {
  test('static allocation with two hubs is refused; keeping one hub, it is saved with exactly that hub', async () => {
    await deviceCertificate('static-device-01');
    const wizard = await openWizard(sandbox);
    const {app} = wizard;
    let keptHub = '';
    try {
      await toDeviceId(app, 'static-device-01');
      await press(app, keys.enter);
      await waitForFrame(app, 'IoT Edge device?');
      await press(app, keys.enter);
      const hubs = await waitForFrame(app, 'IoT hubs this device can be assigned to');
      assert.equal(hubs.match(/\[x\]/g)?.length, 2, hubs);
      await press(app, keys.enter);
      await waitForFrame(app, 'How DPS chooses the hub');
      await press(app, keys.down, keys.down);
      await waitForFrame(app, 'every device goes to the one hub chosen');
      await press(app, keys.enter);
      const refused = await waitForFrame(app, /exactly one hub, and 2 hubs are chosen/);
      assert.match(refused, /How DPS chooses the hub/);

      await press(app, keys.escape);
      await waitForFrame(app, 'IoT hubs this device can be assigned to');
      await press(app, ' '); // the first hub (under the cursor) is no longer chosen
      const oneHub = await waitForFrame(app, '[ ] ');
      const kept = /\[x\] (\S+)/.exec(oneHub);
      assert.ok(kept?.[1], oneHub);
      keptHub = kept[1];
      await press(app, keys.enter);
      const allocation = await waitForFrame(app, 'How DPS chooses the hub');
      assert.match(allocation, /❯ Static configuration/);
      await press(app, keys.enter);
      await waitForFrame(app, 'Initial device twin');
      await press(app, keys.enter, keys.enter);
      await waitForFrame(app, 'Advanced settings');
      await press(app, keys.enter);
      await waitForFrame(app, 'Review');
      await press(app, keys.enter);
      await waitForFrame(app, 'Enrollment created');
    } finally {
      await wizard.close();
    }
    await withGateway(sandbox, async (gateway) => {
      const saved = await gateway.getIndividualEnrollment('static-device-01');
      assert.equal(saved.allocationPolicy, 'static');
      assert.deepEqual(saved.iotHubs, [keptHub]);
    });
  });

  test('an existing enrollment is shown, not overwritten; u updates it with its etag', async () => {
    const pem = await deviceCertificate('exists-device-01');
    const original = await withGateway(sandbox, (gateway) =>
      gateway.createOrUpdateIndividualEnrollment({
        registrationId: 'exists-device-01',
        deviceId: 'old-device-id',
        attestation: {type: 'x509', clientCertificates: {primary: {certificate: pem}}},
        capabilities: {iotEdge: false},
      }),
    );
    assert.ok(original.etag);
    const wizard = await openWizard(sandbox);
    const {app} = wizard;
    try {
      await toDeviceId(app, 'exists-device-01');
      await burst(app, 'new-device-id', keys.enter);
      await acceptSettingsToReview(app);
      await press(app, keys.enter);
      const exists = await waitForFrame(app, 'already exists');
      assert.match(exists, /Device ID\s+old-device-id/);
      assert.match(exists, /IoT Edge\s+no/);
      assert.match(exists, etagLine(original.etag));
      const untouched = await withGateway(sandbox, (gateway) =>
        gateway.getIndividualEnrollment('exists-device-01'),
      );
      assert.equal(untouched.etag, original.etag);
      assert.equal(untouched.deviceId, 'old-device-id');

      await press(app, 'u');
      const updated = await waitForFrame(app, 'Enrollment updated');
      assert.match(updated, /Device ID\s+new-device-id/);
    } finally {
      await wizard.close();
    }
    await withGateway(sandbox, async (gateway) => {
      const saved = await gateway.getIndividualEnrollment('exists-device-01');
      assert.equal(saved.deviceId, 'new-device-id');
      assert.equal(saved.capabilities?.iotEdge, true);
      assert.ok(saved.etag);
      assert.notEqual(saved.etag, original.etag);
    });
  });

  test('a stale etag: a clear message, then retry shows the current version and nothing typed is lost', async () => {
    const pem = await deviceCertificate('stale-device-01');
    const enrollment: IndividualEnrollment = {
      registrationId: 'stale-device-01',
      deviceId: 'first-device-id',
      attestation: {type: 'x509', clientCertificates: {primary: {certificate: pem}}},
      capabilities: {iotEdge: false},
    };
    await withGateway(sandbox, (gateway) => gateway.createOrUpdateIndividualEnrollment(enrollment));
    const wizard = await openWizard(sandbox);
    const {app} = wizard;
    let changed: IndividualEnrollment | undefined;
    try {
      await toDeviceId(app, 'stale-device-01');
      await burst(app, 'typed-device-id', keys.enter);
      await waitForFrame(app, 'IoT Edge device?');
      await press(app, keys.enter);
      await waitForFrame(app, 'IoT hubs this device can be assigned to');
      await press(app, keys.enter);
      await waitForFrame(app, 'How DPS chooses the hub');
      await press(app, keys.enter);
      await waitForFrame(app, 'Initial device twin');
      await burst(app, 'site=stale-test', keys.enter, keys.enter);
      await waitForFrame(app, 'Advanced settings');
      await press(app, keys.enter);
      await waitForFrame(app, 'Review');
      await press(app, keys.enter);
      await waitForFrame(app, /Device ID\s+first-device-id/);

      // Someone changes the enrollment between "exists" and "u".
      changed = await withGateway(sandbox, async (gateway) => {
        const current = await gateway.getIndividualEnrollment('stale-device-01');
        return gateway.createOrUpdateIndividualEnrollment({
          ...current,
          deviceId: 'changed-meanwhile',
        });
      });
      await press(app, 'u');
      const failed = await waitForFrame(app, 'Someone changed this enrollment after it was read');
      assert.match(failed, /etag/i);
      assert.match(failed, /Everything you entered is kept/);
      const unchanged = await withGateway(sandbox, (gateway) =>
        gateway.getIndividualEnrollment('stale-device-01'),
      );
      assert.equal(unchanged.deviceId, 'changed-meanwhile');
      assert.equal(unchanged.etag, changed.etag);

      await press(app, 'r');
      const current = await waitForFrame(app, /Device ID\s+changed-meanwhile/);
      assert.match(current, /already exists/);
      assert.match(current, etagLine(changed.etag));
      await press(app, 'u');
      const updated = await waitForFrame(app, 'Enrollment updated');
      assert.match(updated, /Device ID\s+typed-device-id/);
    } finally {
      await wizard.close();
    }
    await withGateway(sandbox, async (gateway) => {
      const saved = await gateway.getIndividualEnrollment('stale-device-01');
      assert.equal(saved.deviceId, 'typed-device-id');
      assert.deepEqual(saved.initialTwin?.tags, {site: 'stale-test'});
      assert.equal(saved.capabilities?.iotEdge, true);
      assert.notEqual(saved.etag, changed?.etag);
    });
  });

  test('a 429 with Retry-After: the screen says it is throttled and retrying, then it is saved', async () => {
    await deviceCertificate('throttled-device-01');
    const wizard = await openWizard(sandbox);
    const {app} = wizard;
    try {
      await toDeviceId(app, 'throttled-device-01');
      await press(app, keys.enter);
      await acceptSettingsToReview(app);
      sandbox.emulator.faults.add({
        method: 'PUT',
        path: enrollmentPath('throttled-device-01'),
        count: 1,
        fault: {kind: 'status', status: 429, retryAfterSeconds: 1},
      });
      await press(app, keys.enter);
      const throttled = await waitForFrame(app, 'DPS is throttling requests (HTTP 429)');
      assert.match(throttled, /retrying in 1 s/);
      assert.match(throttled, /attempt 2/);
      await waitForFrame(app, 'Enrollment created');
    } finally {
      await wizard.close();
      sandbox.emulator.faults.clear();
    }
    await withGateway(sandbox, async (gateway) => {
      const saved = await gateway.getIndividualEnrollment('throttled-device-01');
      assert.equal(saved.registrationId, 'throttled-device-01');
    });
  });

  test('a 503 on the enrollment PUT: the save fails with the reason, r saves it once DPS recovers', async () => {
    await deviceCertificate('unavailable-device-01');
    const wizard = await openWizard(sandbox);
    const {app} = wizard;
    try {
      await toDeviceId(app, 'unavailable-device-01');
      await burst(app, 'unavailable-device-id', keys.enter);
      await acceptSettingsToReview(app);
      sandbox.emulator.faults.add({
        method: 'PUT',
        path: enrollmentPath('unavailable-device-01'),
        count: 1000,
        fault: {kind: 'status', status: 503},
      });
      await press(app, keys.enter);
      const failed = await waitForFrame(app, 'The enrollment was not saved');
      assert.match(failed, /HTTP 503/);
      assert.match(failed, /DPS had an internal error: retry in a moment/);
      assert.match(failed, /r retry/);
      await withGateway(sandbox, async (gateway) => {
        await expectDpsError(
          gateway.getIndividualEnrollment('unavailable-device-01'),
          'not-found',
          404,
        );
      });
      sandbox.emulator.faults.clear();
      await press(app, 'r');
      await waitForFrame(app, 'Enrollment created');
    } finally {
      sandbox.emulator.faults.clear();
      await wizard.close();
    }
    await withGateway(sandbox, async (gateway) => {
      const saved = await gateway.getIndividualEnrollment('unavailable-device-01');
      assert.equal(saved.deviceId, 'unavailable-device-id');
    });
  });

  test('a failed save keeps everything; r retries and succeeds once DPS answers again', async () => {
    await deviceCertificate('failing-device-01');
    const wizard = await openWizard(sandbox);
    const {app} = wizard;
    try {
      await toDeviceId(app, 'failing-device-01');
      await burst(app, 'failing-device-id', keys.enter);
      await waitForFrame(app, 'IoT Edge device?');
      await press(app, keys.enter);
      await waitForFrame(app, 'IoT hubs this device can be assigned to');
      await press(app, keys.enter);
      await waitForFrame(app, 'How DPS chooses the hub');
      await press(app, keys.enter);
      await waitForFrame(app, 'Initial device twin');
      await burst(app, 'environment=retry', keys.enter, 'level=3', keys.enter);
      await waitForFrame(app, 'Advanced settings');
      await press(app, keys.enter);
      await waitForFrame(app, 'Review');
      // DPS drops every connection that asks for this enrollment (the GET before the PUT) until the fault is cleared.
      sandbox.emulator.faults.add({
        path: enrollmentPath('failing-device-01'),
        count: 1000,
        fault: {kind: 'reset'},
      });
      await press(app, keys.enter);
      const failed = await waitForFrame(app, 'Everything you entered is kept');
      assert.match(failed, /DPS could not be reached: check the network link, then retry/);
      assert.match(failed, /r retry/);
      assert.match(failed, /e edit/);

      // Back to the review: the values are all there.
      await press(app, keys.escape);
      const review = await waitForFrame(app, 'Review');
      assert.match(review, /failing-device-id/);
      assert.match(review, /"tags":\{"environment":"retry"\}/);

      await press(app, keys.enter);
      await waitForFrame(app, 'Everything you entered is kept');
      sandbox.emulator.faults.clear();
      await press(app, 'r');
      await waitForFrame(app, 'Enrollment created');
    } finally {
      sandbox.emulator.faults.clear();
      await wizard.close();
    }
    await withGateway(sandbox, async (gateway) => {
      const saved = await gateway.getIndividualEnrollment('failing-device-01');
      assert.equal(saved.deviceId, 'failing-device-id');
      assert.deepEqual(saved.initialTwin?.tags, {environment: 'retry'});
      assert.deepEqual(saved.initialTwin?.properties?.desired, {level: 3});
    });
  });
});
