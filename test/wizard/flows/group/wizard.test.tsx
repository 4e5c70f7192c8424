import {describe, test} from 'node:test';
import assert from 'node:assert/strict';
import {X509Certificate} from 'node:crypto';
import {readFile, writeFile} from 'node:fs/promises';
import {join} from 'node:path';
import {burst, frame, keys, press, waitForFrame} from '../../../helpers/ink.js';
import {
  acceptGroupSettingsToReview,
  nameGroup,
  readGroup,
  startGroup,
  uploadGroupCa,
} from '../../../helpers/group-wizard.js';
import {chainPaths, createTestChain} from '../../../../source/certs/test-chain.js';
import {ecChain, issue} from '../../../helpers/test-certificates.js';
import {
  forward,
  withConnectionStringWizard,
  withGateway,
  withWizard,
  wizardSandboxForFile,
} from '../../../helpers/wizard.js';

const sandbox = wizardSandboxForFile();

const groupPath = (id: string) => new RegExp(`^/enrollmentGroups/${id}$`, 'i');

describe('group enrollment in the wizard', () => {
  test('a group with a verified CA certificate in DPS (caReferences), read back through the gateway', async () => {
    const {root} = await ecChain('line7-device-01');
    await withGateway(sandbox, (gateway) =>
      gateway.uploadCaCertificate({
        name: 'line7-root',
        certificatePem: root.certificatePem,
        verified: true,
      }),
    );
    await withWizard(sandbox, async (app) => {
      await startGroup(app);
      await nameGroup(app, 'line-7-gateways');
      const list = await forward(app, 'line7-root');
      assert.match(list, /✔ verified/);
      const secondary = await forward(app, 'Secondary CA');
      assert.match(secondary, /❯ \(none\)/);
      await press(app, keys.enter);
      await acceptGroupSettingsToReview(app, '{"tags":{"line":"7"},"properties":{"desired":{}}}');
      const review = await waitForFrame(app, 'Group name');
      assert.match(review, /CA certificate\s+line7-root \(.*verified\)/);
      assert.match(review, /IoT Edge devices\s+yes, every device/);
      assert.doesNotMatch(review, /⚠/);
      await press(app, keys.tab, keys.tab);
      const certificateCommands = await waitForFrame(app, 'az iot dps certificate create');
      assert.match(certificateCommands, /already in DPS and verified/);
      for (let line = 0; line < 40; line++) await press(app, keys.down);
      const groupCommand = await waitForFrame(app, 'az iot dps enrollment-group create');
      assert.match(groupCommand, /--ca-name line7-root/);
      assert.match(groupCommand, /--edge-enabled true/);
      const result = await forward(app, 'Enrollment group created');
      assert.match(result, /Group name\s+line-7-gateways/);
      assert.match(result, /registration ID/);
    });
    const saved = await readGroup(sandbox, 'line-7-gateways');
    assert.equal(saved.capabilities?.iotEdge, true);
    assert.equal(saved.attestation.type, 'x509');
    if (saved.attestation.type !== 'x509') return;
    assert.equal(saved.attestation.caReferences?.primary, 'line7-root');
    assert.equal(saved.attestation.signingCertificates, undefined);
    assert.equal(saved.iotHubs?.length, 2);
    assert.deepEqual(saved.initialTwin?.tags, {line: '7'});
  });

  test('a group with its CA certificate uploaded (signingCertificates), then the config template and a device pre-flight', async () => {
    const {root, intermediate, leaf} = await ecChain('plant-device-01');
    const stranger = await issue('stranger-device', 'identity', await issue('other-ca', 'ca'));
    await writeFile(join(sandbox.folder, 'plant.ca.pem'), intermediate.certificatePem);
    await writeFile(
      join(sandbox.folder, 'plant-device-01.full-chain.pem'),
      leaf.certificatePem + intermediate.certificatePem + root.certificatePem,
    );
    await writeFile(join(sandbox.folder, 'stranger.pem'), stranger.certificatePem);
    await withWizard(sandbox, async (app) => {
      await startGroup(app);
      await nameGroup(app, 'plant-gateways');
      const read = await uploadGroupCa(app, 'plant.ca.pem');
      assert.match(read, /test-intermediate/);
      await forward(app, 'Secondary CA certificate (optional)');
      await forward(app, 'Is every device of this group an IoT Edge device?');
      await acceptGroupSettingsToReview(app);
      const review = await waitForFrame(app, 'Uploaded CA');
      assert.match(review, /CN=test-intermediate/);
      const result = await forward(app, 'Enrollment group created');
      assert.match(result, /Group name\s+plant-gateways/);

      await forward(app, 'Where the files will be on the device');
      await press(app, keys.enter);
      const config = await forward(app, 'Add this to /etc/aziot/config.toml');
      assert.match(config, /registration_id = "<device certificate CN>"/);

      await press(app, 'p');
      await waitForFrame(app, 'Check a device certificate (pre-flight)');
      await burst(app, 'plant-device-01.full-chain.pem', keys.enter);
      await waitForFrame(app, 'Press Enter to check it against the group');
      const passed = await forward(app, 'This device can register');
      assert.match(passed, /Registration ID\s+plant-device-01/);
      assert.match(passed, /Checked against\s+test-intermediate/);
      assert.match(passed, /✔ plant-device-01 ← signed by test-intermediate/);

      await press(app, keys.ctrlU);
      await burst(app, 'stranger.pem', keys.enter);
      await waitForFrame(app, 'Press Enter to check it against the group');
      const refused = await forward(app, 'This device would be refused');
      assert.match(refused, /Registration ID\s+stranger-device/);
      assert.match(refused, /✖ stranger-device/);
    });
    const saved = await readGroup(sandbox, 'plant-gateways');
    assert.equal(saved.capabilities?.iotEdge, true);
    assert.equal(saved.attestation.type, 'x509');
    if (saved.attestation.type !== 'x509') return;
    assert.match(
      saved.attestation.signingCertificates?.primary?.info?.subjectName ?? '',
      /test-intermediate/,
    );
    assert.equal(saved.attestation.caReferences, undefined);
    assert.equal(saved.iotHubs?.length, 2);
  });

  test('an existing group is shown first; u updates it with its etag, waiting out a 429', async () => {
    const {intermediate} = await ecChain('existing-device-01');
    await writeFile(join(sandbox.folder, 'existing.ca.pem'), intermediate.certificatePem);
    const before = await withGateway(sandbox, (gateway) =>
      gateway.createOrUpdateEnrollmentGroup({
        enrollmentGroupId: 'existing-line',
        attestation: {
          type: 'x509',
          signingCertificates: {primary: {certificate: intermediate.certificatePem}},
        },
        capabilities: {iotEdge: false},
      }),
    );
    await withWizard(sandbox, async (app) => {
      await startGroup(app);
      await nameGroup(app, 'existing-line');
      await uploadGroupCa(app, 'existing.ca.pem');
      await forward(app, 'Secondary CA certificate (optional)');
      await forward(app, 'Is every device of this group an IoT Edge device?');
      await acceptGroupSettingsToReview(app);
      const exists = await forward(
        app,
        'An enrollment group with the ID existing-line already exists',
      );
      assert.match(exists, /IoT Edge\s+no/);
      sandbox.emulator.faults.add({
        method: 'PUT',
        path: groupPath('existing-line'),
        count: 1,
        fault: {kind: 'status', status: 429, retryAfterSeconds: 1},
      });
      await press(app, 'u');
      const throttled = await waitForFrame(app, 'DPS is throttling requests (429)');
      assert.match(throttled, /attempt 2 of 5/);
      await waitForFrame(app, 'Enrollment group updated');
    });
    const saved = await readGroup(sandbox, 'existing-line');
    assert.equal(saved.capabilities?.iotEdge, true);
    assert.notEqual(saved.etag, before.etag);
  });

  test('the CA picker tells apart two CAs with the same CN by key type and thumbprint', async () => {
    const rsa = await issue('twin-root', 'ca', undefined, {algorithm: 'rsa-2048'});
    const ec = await issue('twin-root', 'ca');
    const short = (pem: string) =>
      new X509Certificate(pem).fingerprint.replaceAll(':', '').slice(0, 8).toUpperCase();
    await withGateway(sandbox, async (gateway) => {
      await gateway.uploadCaCertificate({
        name: 'twin-root-rsa',
        certificatePem: rsa.certificatePem,
        verified: true,
      });
      await gateway.uploadCaCertificate({
        name: 'twin-root-ec',
        certificatePem: ec.certificatePem,
        verified: true,
      });
    });
    await withWizard(
      sandbox,
      async (app) => {
        await startGroup(app);
        await nameGroup(app, 'twin-root-line');
        const list = await forward(app, 'twin-root-rsa');
        const row = (name: string) =>
          list.split('\n').find((line) => line.includes(`${name} `)) ?? '';
        assert.match(
          row('twin-root-rsa'),
          new RegExp(`✔ verified · RSA 2048 · ${short(rsa.certificatePem)}… · twin-root`),
        );
        assert.match(
          row('twin-root-ec'),
          new RegExp(`✔ verified · EC P-256 · ${short(ec.certificatePem)}… · twin-root`),
        );
        assert.notEqual(short(rsa.certificatePem), short(ec.certificatePem));
      },
      {columns: 80},
    );
  });

  test('an unverified CA in the list is not chosen silently: Enter opens its verification', async () => {
    const root = await issue('unverified-root', 'ca');
    await withGateway(sandbox, (gateway) =>
      gateway.uploadCaCertificate({name: 'unverified-root', certificatePem: root.certificatePem}),
    );
    await withWizard(sandbox, async (app) => {
      await startGroup(app);
      await nameGroup(app, 'waiting-line');
      await press(app, keys.enter);
      await waitForFrame(app, 'unverified-root');
      // The list is sorted by DPS: move to the unverified one.
      let screen = await waitForFrame(app, 'not verified');
      for (let moves = 0; moves < 5 && !/❯ unverified-root/.test(screen); moves++) {
        await press(app, keys.down);
        screen = await waitForFrame(app, 'not verified');
      }
      assert.match(screen, /❯ unverified-root/);
      assert.match(screen, /DPS refuses the devices of a group whose CA is not verified/);
      await press(app, keys.enter);
      await waitForFrame(app, 'Verify a CA certificate');
    });
    await assert.rejects(readGroup(sandbox, 'waiting-line'), /not found|404/i);
  });

  test('with a connection string the CA name is typed, the review warns that DPS does not check it, and it is saved', async () => {
    await withConnectionStringWizard(sandbox, async (app) => {
      await startGroup(app);
      await nameGroup(app, 'typed-ca-line');
      const attestation = frame(app);
      assert.match(attestation, /cannot be listed or\s+verified here/);
      assert.match(attestation, /❯ A CA certificate uploaded into this group/);
      await press(app, keys.up);
      await waitForFrame(app, '❯ A verified CA certificate in DPS');
      await forward(app, 'Type the name of a verified CA certificate');
      await burst(app, 'contoso-root', keys.enter);
      await waitForFrame(app, 'Secondary CA (optional)');
      await press(app, keys.enter);
      await waitForFrame(app, 'Is every device of this group an IoT Edge device?');
      await forward(app, 'IoT hubs every device of this group can be assigned to');
      const {linkedHubs} = await withGateway(sandbox, (gateway) => gateway.getDpsResource());
      await burst(app, linkedHubs[0]!.hostName, keys.enter);
      await waitForFrame(app, 'How DPS chooses the hub');
      await forward(app, 'Initial device twin');
      await press(app, keys.enter, keys.enter);
      await waitForFrame(app, 'Advanced settings');
      const review = await forward(app, 'Review');
      assert.match(review, /⚠ DPS does not check the CA name when saving/);
      await forward(app, 'Enrollment group created');
    });
    const saved = await readGroup(sandbox, 'typed-ca-line');
    assert.equal(saved.attestation.type, 'x509');
    if (saved.attestation.type !== 'x509') return;
    assert.equal(saved.attestation.caReferences?.primary, 'contoso-root');
  });

  test('an unverified CA verified inline comes back as the group CA, and the group is saved with it', async () => {
    await createTestChain({outDir: join(sandbox.folder, 'loop'), devices: ['loop-device']});
    const rootPem = await readFile(
      join(sandbox.folder, 'loop', chainPaths.rootCertificate),
      'utf8',
    );
    await withGateway(sandbox, (gateway) =>
      gateway.uploadCaCertificate({name: 'loop-root', certificatePem: rootPem}),
    );
    await withWizard(sandbox, async (app) => {
      await startGroup(app);
      await nameGroup(app, 'loop-line');
      await press(app, keys.enter);
      let screen = await waitForFrame(app, 'loop-root');
      for (let moves = 0; moves < 8 && !/❯ loop-root/.test(screen); moves++) {
        await press(app, keys.down);
        screen = await waitForFrame(app, 'loop-root');
      }
      assert.match(screen, /❯ loop-root .*not verified/);
      await press(app, keys.enter);
      await waitForFrame(app, 'Prove you hold the key');
      await burst(app, `loop/${chainPaths.rootKey}`, keys.enter);
      await waitForFrame(app, "'loop-root' is verified");
      await press(app, keys.enter);
      const back = await waitForFrame(app, /❯ loop-root .*✔ verified/);
      assert.match(back, /The group's CA certificate/);
      await forward(app, 'Secondary CA (optional)');
      await press(app, keys.enter);
      await acceptGroupSettingsToReview(app);
      const review = await waitForFrame(app, 'Group name');
      assert.doesNotMatch(review, /⚠/);

      await forward(app, 'Enrollment group created');
      await press(app, 'p');
      await waitForFrame(app, 'Check a device certificate (pre-flight)');
      await burst(app, `loop/${chainPaths.deviceFullChain('loop-device')}`, keys.enter);
      await waitForFrame(app, 'Press Enter to check it against the group');
      const passed = await forward(app, 'This device can register with this group as loop-device');
      assert.match(passed, /Checked against\s+azure-iot-test-only.root.ca/);
    });
    const saved = await readGroup(sandbox, 'loop-line');
    assert.equal(saved.attestation.type, 'x509');
    if (saved.attestation.type !== 'x509') return;
    assert.equal(saved.attestation.caReferences?.primary, 'loop-root');
  });
});
