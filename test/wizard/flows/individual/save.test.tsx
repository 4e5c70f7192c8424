import {describe, test} from 'node:test';
import assert from 'node:assert/strict';
import type {IndividualEnrollment} from '../../../../source/dps/types.js';
import {burst, keys, press, waitForFrame} from '../../../helpers/ink.js';
import {expectDpsError} from '../../../helpers/sandbox.js';
import {
  acceptAllocationToReview,
  acceptSettingsToReview,
  back,
  deviceCertificate,
  forward,
  readEnrollment,
  toDeviceId,
  withGateway,
  withWizard,
  wizardSandboxForFile,
} from '../../../helpers/wizard.js';

const sandbox = wizardSandboxForFile();

/** The etag line of the exists screen (etags are base64: escape the regular expression's own characters). */
const etagLine = (etag: string | undefined) =>
  new RegExp(`Etag\\s+${(etag ?? '(none)').replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}`);

const enrollmentPath = (id: string) => new RegExp(`^/enrollments/${id}$`, 'i');

describe('saving an individual enrollment from the wizard', () => {
  test('static allocation with two hubs is refused; keeping one hub, it is saved with exactly that hub', async () => {
    await deviceCertificate(sandbox, 'static-device-01');
    let keptHub = '';
    await withWizard(sandbox, async (app) => {
      await toDeviceId(app, 'static-device-01');
      await press(app, keys.enter);
      await waitForFrame(app, 'IoT Edge device?');
      const hubs = await forward(app, 'IoT hubs this device can be assigned to');
      assert.equal(hubs.match(/\[x\]/g)?.length, 2, hubs);
      await forward(app, 'How DPS chooses the hub');
      await press(app, keys.down, keys.down);
      await waitForFrame(app, 'every device goes to the one hub chosen');
      const refused = await forward(app, /exactly one hub, and 2 hubs are chosen/);
      assert.match(refused, /How DPS chooses the hub/);

      await press(app, keys.escape);
      await waitForFrame(app, 'IoT hubs this device can be assigned to');
      await press(app, ' '); // the first hub (under the cursor) is no longer chosen
      const oneHub = await waitForFrame(app, '[ ] ');
      const kept = /\[x\] (\S+)/.exec(oneHub);
      assert.ok(kept?.[1], oneHub);
      keptHub = kept[1];
      const allocation = await forward(app, 'How DPS chooses the hub');
      assert.match(allocation, /❯ Static configuration/);
      await acceptAllocationToReview(app);
      await forward(app, 'Enrollment created');
    });
    const saved = await readEnrollment(sandbox, 'static-device-01');
    assert.equal(saved.allocationPolicy, 'static');
    assert.deepEqual(saved.iotHubs, [keptHub]);
  });

  test('an existing enrollment is shown, not overwritten; u updates it with its etag', async () => {
    const pem = await deviceCertificate(sandbox, 'exists-device-01');
    const original = await withGateway(sandbox, (gateway) =>
      gateway.createOrUpdateIndividualEnrollment({
        registrationId: 'exists-device-01',
        deviceId: 'old-device-id',
        attestation: {type: 'x509', clientCertificates: {primary: {certificate: pem}}},
        capabilities: {iotEdge: false},
      }),
    );
    assert.ok(original.etag);
    await withWizard(sandbox, async (app) => {
      await toDeviceId(app, 'exists-device-01');
      await burst(app, 'new-device-id', keys.enter);
      await acceptSettingsToReview(app);
      const exists = await forward(app, 'already exists');
      assert.match(exists, /~ Device ID\s+old-device-id → new-device-id/);
      assert.match(exists, /~ IoT Edge\s+no → yes/);
      assert.match(exists, etagLine(original.etag));
      const untouched = await readEnrollment(sandbox, 'exists-device-01');
      assert.equal(untouched.etag, original.etag);
      assert.equal(untouched.deviceId, 'old-device-id');

      await press(app, 'u');
      const updated = await waitForFrame(app, 'Enrollment updated');
      assert.match(updated, /Device ID\s+new-device-id/);
    });
    const saved = await readEnrollment(sandbox, 'exists-device-01');
    assert.equal(saved.deviceId, 'new-device-id');
    assert.equal(saved.capabilities?.iotEdge, true);
    assert.ok(saved.etag);
    assert.notEqual(saved.etag, original.etag);
  });

  test('re-saving an enrollment with tags and no twin: the diff names the twin that would be dropped before u', async () => {
    const pem = await deviceCertificate(sandbox, 'twin-device-01');
    const original = await withGateway(sandbox, (gateway) =>
      gateway.createOrUpdateIndividualEnrollment({
        registrationId: 'twin-device-01',
        attestation: {type: 'x509', clientCertificates: {primary: {certificate: pem}}},
        capabilities: {iotEdge: true},
        initialTwin: {tags: {environment: 'test'}, properties: {desired: {interval: 30}}},
      }),
    );
    await withWizard(sandbox, async (app) => {
      await toDeviceId(app, 'twin-device-01');
      await press(app, keys.enter);
      await acceptSettingsToReview(app);
      const exists = await forward(app, 'already exists');
      assert.match(exists, /whole initial twin would be dropped/);
      assert.match(exists, /- Twin tag environment\s+"test" \(dropped\)/);
      assert.match(exists, /- Twin desired interval\s+30 \(dropped\)/);
      assert.doesNotMatch(exists, /Primary certificate/, 'the same certificate is no difference');
      assert.equal((await readEnrollment(sandbox, 'twin-device-01')).etag, original.etag);

      // Esc keeps it: back on the review, nothing was replaced.
      await back(app, 'Review');
      const kept = await readEnrollment(sandbox, 'twin-device-01');
      assert.deepEqual(kept.initialTwin?.tags, {environment: 'test'});
    });
  });

  test('the same values again: the exists screen says replacing it changes nothing', async () => {
    const pem = await deviceCertificate(sandbox, 'same-device-01');
    await withGateway(sandbox, async (gateway) =>
      gateway.createOrUpdateIndividualEnrollment({
        registrationId: 'same-device-01',
        attestation: {type: 'x509', clientCertificates: {primary: {certificate: pem}}},
        capabilities: {iotEdge: true},
        provisioningStatus: 'enabled',
        allocationPolicy: 'hashed',
        iotHubs: (await gateway.getDpsResource()).linkedHubs.map((hub) => hub.hostName),
        reprovisionPolicy: {updateHubAssignment: true, migrateDeviceData: true},
      }),
    );
    await withWizard(sandbox, async (app) => {
      await toDeviceId(app, 'same-device-01');
      await press(app, keys.enter);
      await acceptSettingsToReview(app);
      const exists = await forward(app, 'already exists');
      assert.match(exists, /Replacing it changes nothing/);
      assert.match(exists, /Nothing differs/);
    });
  });

  test('a stale etag on u (412): the current version is read again and its diff shown; nothing typed is lost', async () => {
    const pem = await deviceCertificate(sandbox, 'stale-device-01');
    const enrollment: IndividualEnrollment = {
      registrationId: 'stale-device-01',
      deviceId: 'first-device-id',
      attestation: {type: 'x509', clientCertificates: {primary: {certificate: pem}}},
      capabilities: {iotEdge: false},
    };
    await withGateway(sandbox, (gateway) => gateway.createOrUpdateIndividualEnrollment(enrollment));
    let changed: IndividualEnrollment | undefined;
    await withWizard(sandbox, async (app) => {
      await toDeviceId(app, 'stale-device-01');
      await burst(app, 'typed-device-id', keys.enter);
      await acceptSettingsToReview(app, {twin: ['site=stale-test', keys.enter, keys.enter]});
      await forward(app, /Device ID\s+first-device-id → typed-device-id/);

      // Someone changes the enrollment between "exists" and "u".
      changed = await withGateway(sandbox, async (gateway) => {
        const current = await gateway.getIndividualEnrollment('stale-device-01');
        return gateway.createOrUpdateIndividualEnrollment({
          ...current,
          deviceId: 'changed-meanwhile',
        });
      });
      await press(app, 'u');
      const current = await waitForFrame(app, /Device ID\s+changed-meanwhile → typed-device-id/);
      assert.match(current, /someone changed it in DPS after it was read/);
      assert.match(current, /already exists/);
      assert.match(current, etagLine(changed.etag));
      assert.match(current, /\+ Twin tag site\s+"stale-test" \(new\)/);
      const unchanged = await readEnrollment(sandbox, 'stale-device-01');
      assert.equal(unchanged.deviceId, 'changed-meanwhile');
      assert.equal(unchanged.etag, changed.etag);

      await press(app, 'u');
      const updated = await waitForFrame(app, 'Enrollment updated');
      assert.match(updated, /Device ID\s+typed-device-id/);
    });
    const saved = await readEnrollment(sandbox, 'stale-device-01');
    assert.equal(saved.deviceId, 'typed-device-id');
    assert.deepEqual(saved.initialTwin?.tags, {site: 'stale-test'});
    assert.equal(saved.capabilities?.iotEdge, true);
    assert.notEqual(saved.etag, changed?.etag);
  });

  test('a 429 with Retry-After: the screen says it is throttled and retrying, then it is saved', async () => {
    await deviceCertificate(sandbox, 'throttled-device-01');
    await withWizard(sandbox, async (app) => {
      await toDeviceId(app, 'throttled-device-01');
      await press(app, keys.enter);
      await acceptSettingsToReview(app);
      sandbox.emulator.faults.add({
        method: 'PUT',
        path: enrollmentPath('throttled-device-01'),
        count: 1,
        fault: {kind: 'status', status: 429, retryAfterSeconds: 1},
      });
      const throttled = await forward(app, 'DPS is throttling requests (429)');
      // The notice wraps at the terminal's width.
      const notice = throttled.replace(/\s+/g, ' ');
      assert.match(notice, /trying to save individual enrollment 'throttled-device-01' again/);
      assert.match(notice, /in 1 s, as DPS asked \(attempt 2 of 5\)\. Esc cancels\./);
      await waitForFrame(app, 'Enrollment created');
    });
    const saved = await readEnrollment(sandbox, 'throttled-device-01');
    assert.equal(saved.registrationId, 'throttled-device-01');
  });

  test('a 503 on the enrollment PUT: the save fails with the reason, r saves it once DPS recovers', async () => {
    await deviceCertificate(sandbox, 'unavailable-device-01');
    await withWizard(sandbox, async (app) => {
      await toDeviceId(app, 'unavailable-device-01');
      await burst(app, 'unavailable-device-id', keys.enter);
      await acceptSettingsToReview(app);
      sandbox.emulator.faults.add({
        method: 'PUT',
        path: enrollmentPath('unavailable-device-01'),
        count: 1000,
        fault: {kind: 'status', status: 503},
      });
      const failed = await forward(app, 'The enrollment was not saved');
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
    });
    const saved = await readEnrollment(sandbox, 'unavailable-device-01');
    assert.equal(saved.deviceId, 'unavailable-device-id');
  });

  test('a failed save keeps everything; r retries and succeeds once DPS answers again', async () => {
    await deviceCertificate(sandbox, 'failing-device-01');
    await withWizard(sandbox, async (app) => {
      await toDeviceId(app, 'failing-device-01');
      await burst(app, 'failing-device-id', keys.enter);
      await acceptSettingsToReview(app, {
        twin: ['environment=retry', keys.enter, 'level=3', keys.enter],
      });
      // DPS drops every connection that asks for this enrollment (the GET before the PUT) until the fault is cleared.
      sandbox.emulator.faults.add({
        path: enrollmentPath('failing-device-01'),
        count: 1000,
        fault: {kind: 'reset'},
      });
      const failed = await forward(app, 'Everything you entered is kept');
      assert.match(failed, /DPS could not be reached: check the network link, then retry/);
      assert.match(failed, /r retry/);
      assert.match(failed, /e edit/);

      // Back to the review: the values are all there.
      const review = await back(app, 'Review');
      assert.match(review, /failing-device-id/);
      assert.match(review, /"tags":\{"environment":"retry"\}/);

      await forward(app, 'Everything you entered is kept');
      sandbox.emulator.faults.clear();
      await press(app, 'r');
      await waitForFrame(app, 'Enrollment created');
    });
    const saved = await readEnrollment(sandbox, 'failing-device-01');
    assert.equal(saved.deviceId, 'failing-device-id');
    assert.deepEqual(saved.initialTwin?.tags, {environment: 'retry'});
    assert.deepEqual(saved.initialTwin?.properties?.desired, {level: 3});
  });
});
