import {describe, test} from 'node:test';
import assert from 'node:assert/strict';
import {readFile, writeFile} from 'node:fs/promises';
import {join} from 'node:path';
import {defaultDevicePaths} from '../../../source/outputs/config-toml.js';
import {burst, frame, keys, press, waitForFrame} from '../../helpers/ink.js';
import {
  acceptSettingsToReview,
  back,
  deviceCertificate,
  forward,
  readEnrollment,
  toDeviceId,
  withWizard,
  wizardSandboxForFile,
} from '../../helpers/wizard.js';

const sandbox = wizardSandboxForFile();

const askToReplace = /already exists: press Enter again to\s+replace it, or Esc to keep it/;

/** Terminal columns a line takes: escape sequences take none, every code point one (no wide characters here). */
function displayWidth(line: string): number {
  const visible = line.replace(/\u001B\[[0-9;?]*[ -/]*[@-~]/g, '');
  return [...visible].length;
}

describe('moving through the wizard', () => {
  test('Esc goes back one step at a time with every value kept; forward again, the values are saved', async () => {
    await deviceCertificate(sandbox, 'nav-device-01');
    await withWizard(sandbox, async (app) => {
      await toDeviceId(app, 'nav-device-01');
      await burst(app, 'nav-device-id', keys.enter);
      await waitForFrame(app, 'IoT Edge device?');
      await press(app, 'n');
      await forward(app, 'IoT hubs this device can be assigned to');
      await forward(app, 'How DPS chooses the hub');
      await press(app, keys.down); // lowest latency
      await forward(app, 'Initial device twin');
      await burst(app, 'environment=nav', keys.enter, 'interval=30', keys.enter);
      await waitForFrame(app, 'Advanced settings');

      // Back, one step per Esc, each still showing its value.
      assert.match(await back(app, 'Initial device twin'), /environment=nav[\s\S]*interval=30/);
      assert.match(await back(app, 'How DPS chooses the hub'), /❯ Lowest latency/);
      assert.match(await back(app, 'IoT hubs this device can be assigned to'), /\[x\][\s\S]*\[x\]/);
      assert.match(await back(app, 'IoT Edge device?'), /❯ No/);
      assert.match(await back(app, 'IoT Hub device ID'), /› nav-device-id/);
      assert.match(await back(app, 'The name the device registers with'), /› nav-device-01/);
      await back(app, 'Secondary certificate');
      const certificate = await back(app, 'Device identity certificate');
      assert.match(certificate, /› nav-device-01\.cert\.pem/);
      assert.match(certificate, /Ready: press Enter/);

      // Forward with Enter only: nothing typed again.
      await forward(app, 'Secondary certificate');
      assert.match(await forward(app, 'The name the device registers with'), /› nav-device-01/);
      assert.match(await forward(app, 'IoT Hub device ID'), /› nav-device-id/);
      assert.match(await forward(app, 'IoT Edge device?'), /❯ No/);
      await forward(app, 'IoT hubs this device can be assigned to');
      assert.match(await forward(app, 'How DPS chooses the hub'), /❯ Lowest latency/);
      assert.match(await forward(app, 'Initial device twin'), /environment=nav/);
      await forward(app, 'Advanced settings');
      const review = await forward(app, 'Review');
      assert.match(review, /nav-device-id/);
      await forward(app, 'Enrollment created');
    });
    const saved = await readEnrollment(sandbox, 'nav-device-01');
    assert.equal(saved.deviceId, 'nav-device-id');
    assert.equal(saved.capabilities?.iotEdge, false);
    assert.equal(saved.allocationPolicy, 'geoLatency');
    assert.deepEqual(saved.initialTwin?.tags, {environment: 'nav'});
    assert.deepEqual(saved.initialTwin?.properties?.desired, {interval: 30});
  });

  test('a burst of text and Enter keeps the full value', async () => {
    await deviceCertificate(sandbox, 'burst-device-01');
    await withWizard(sandbox, async (app) => {
      await toDeviceId(app, 'burst-device-01');
      await burst(app, 'dev-id-xyz', keys.enter);
      await waitForFrame(app, 'IoT Edge device?');
      assert.match(await back(app, 'IoT Hub device ID'), /› dev-id-xyz/);
      await forward(app, 'IoT Edge device?');
      await acceptSettingsToReview(app);
      await forward(app, 'Enrollment created');
    });
    const saved = await readEnrollment(sandbox, 'burst-device-01');
    assert.equal(saved.deviceId, 'dev-id-xyz');
  });

  test('at 80 columns no line of any frame is wider than 80, from the home screen to the written config', async () => {
    const name = 'narrow-terminal-device-with-a-long-registration-id-0123456789';
    await deviceCertificate(sandbox, name);
    await withWizard(
      sandbox,
      async (app) => {
        // The test renderer draws its first frames 100 columns wide, before the width is set.
        const firstFrameAt80 = app.frames.length - 1;
        await toDeviceId(app, name);
        await burst(app, `${name}-in-iot-hub`, keys.enter);
        await waitForFrame(app, 'IoT Edge device?');
        await forward(app, 'IoT hubs this device can be assigned to');
        await forward(app, 'How DPS chooses the hub');
        await press(app, keys.down, keys.down, keys.down); // custom
        await forward(app, 'Custom allocation webhook');
        await burst(
          app,
          'https://my-allocation-function-with-a-long-name.azurewebsites.net/api/allocate?code=abcdefghijklmnopqrstuvwxyz0123456789',
          keys.enter,
          keys.enter,
        );
        await waitForFrame(app, 'Initial device twin');
        await burst(
          app,
          'environment=test,site=building-42-with-a-long-name,owner=the-operations-team-of-the-plant',
          keys.enter,
          'interval=30',
          keys.enter,
        );
        await waitForFrame(app, 'Advanced settings');
        await press(app, keys.tab);
        await waitForFrame(app, 'Provisioning status');
        await forward(app, 'Review');
        await press(app, keys.tab);
        await waitForFrame(app, '"capabilities"');
        await press(app, keys.tab);
        await waitForFrame(app, 'az iot dps');
        await forward(app, 'Enrollment created');
        await forward(app, 'Where the files will be on the device');
        await press(app, keys.enter);
        await forward(app, 'Add this to /etc/aziot/config.toml');
        await press(app, 'w');
        await waitForFrame(app, 'Write the [provisioning] section');
        await forward(app, 'Written to');
        const frames = app.frames.slice(firstFrameAt80);
        assert.ok(frames.length > 20, `only ${frames.length} frames were rendered`);
        assert.match(frames[0] ?? '', /SANDBOX/);
        const tooWide = frames.flatMap((rendered) =>
          rendered.split('\n').filter((line) => displayWidth(line) > 80),
        );
        assert.deepEqual(tooWide, []);
      },
      {columns: 80},
    );
    const saved = await readEnrollment(sandbox, name);
    assert.equal(saved.deviceId, `${name}-in-iot-hub`);
    assert.equal(saved.allocationPolicy, 'custom');
  });

  test('writing the config: Enter writes it; on the same path it asks first, Esc keeps the file, Enter replaces it', async () => {
    await deviceCertificate(sandbox, 'config-device-01');
    const configPath = join(sandbox.folder, 'config-device-01.config.toml');
    const devicePaths = defaultDevicePaths('config-device-01');
    await withWizard(sandbox, async (app) => {
      await toDeviceId(app, 'config-device-01');
      await press(app, keys.enter);
      await acceptSettingsToReview(app);
      await forward(app, 'Enrollment created');
      const paths = await forward(app, 'Where the files will be on the device');
      assert.ok(paths.includes(devicePaths.identityCertPath), paths);
      await press(app, keys.enter); // certificate path, then the key path
      await forward(app, 'Add this to /etc/aziot/config.toml');
      await press(app, 'w');
      assert.ok((await waitForFrame(app, 'Write the [provisioning] section')).includes(configPath));
      await forward(app, `Written to ${configPath}`);
      const written = await readFile(configPath, 'utf8');
      assert.match(written, /registration_id = "config-device-01"/);
      assert.ok(written.includes(devicePaths.identityCertPath), written);
      assert.ok(written.includes(devicePaths.identityKeyPath), written);

      // Someone edits the file; writing again to the same path asks first.
      await writeFile(configPath, '# edited on the device\n');
      await press(app, 'w');
      await waitForFrame(app, 'Write the [provisioning] section');
      await forward(app, askToReplace);
      const kept = await back(app, 'Write the [provisioning] section');
      assert.doesNotMatch(kept, askToReplace);
      assert.equal(await readFile(configPath, 'utf8'), '# edited on the device\n');

      await forward(app, askToReplace);
      assert.equal(await readFile(configPath, 'utf8'), '# edited on the device\n');
      await forward(app, `Written to ${configPath}`);
      const replaced = await readFile(configPath, 'utf8');
      assert.match(replaced, /registration_id = "config-device-01"/);
      assert.ok(replaced.includes(devicePaths.identityKeyPath), replaced);
      assert.match(frame(app), /Add this to \/etc\/aziot\/config\.toml/);
    });
    const saved = await readEnrollment(sandbox, 'config-device-01');
    assert.equal(saved.registrationId, 'config-device-01');
  });
});
