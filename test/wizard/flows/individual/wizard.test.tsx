import {describe, test} from 'node:test';
import assert from 'node:assert/strict';
import {burst, keys, press, waitForFrame} from '../../../helpers/ink.js';
import {
  acceptCertificateToDeviceId,
  deviceCertificate,
  forward,
  readEnrollment,
  startIndividual,
  withWizard,
  wizardSandboxForFile,
} from '../../../helpers/wizard.js';

const sandbox = wizardSandboxForFile();

describe('individual enrollment in the wizard', () => {
  test('the seed example: certificate, defaults, the initial twin as JSON, saved and read back', async () => {
    await deviceCertificate(sandbox, 'seed-device-01', 'seed.cert.pem');
    await withWizard(sandbox, async (app) => {
      await startIndividual(app);
      await burst(app, 'seed.cert.pem', keys.enter);
      await waitForFrame(app, 'Ready: press Enter');
      await acceptCertificateToDeviceId(app, 'seed-device-01');
      await forward(app, 'IoT Edge device?'); // device ID
      await forward(app, '[x] sandbox-hub-weu'); // edge: yes
      await press(app, keys.enter); // all linked hubs
      await forward(app, 'Initial device twin'); // evenly weighted
      await press(app, keys.tab);
      await burst(app, '{"tags":{"environment":"test"},"properties":{"desired":{}}}', keys.enter);
      await waitForFrame(app, 'Advanced settings');
      await forward(app, 'Review');
      const result = await forward(app, 'Enrollment created');
      assert.match(result, /Registration ID\s+seed-device-01/);
    });
    const saved = await readEnrollment(sandbox, 'seed-device-01');
    assert.equal(saved.capabilities?.iotEdge, true);
    assert.deepEqual(saved.initialTwin?.tags, {environment: 'test'});
    assert.equal(saved.allocationPolicy, 'hashed');
    assert.equal(saved.iotHubs?.length, 2);
  });

  test('keys typed ahead while a certificate with warnings is read do not accept the warnings', async () => {
    await deviceCertificate(sandbox, 'Upper-Case-Device', 'upper.cert.pem');
    await withWizard(sandbox, async (app) => {
      await startIndividual(app);
      await burst(app, 'upper.cert.pem', keys.enter, keys.enter, keys.enter);
      const held = await waitForFrame(app, 'held back');
      assert.match(held, /upper-case/);
      assert.match(held, /Device identity certificate/);
      await forward(app, 'Secondary certificate');
    });
  });
});
