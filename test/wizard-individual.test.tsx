import {describe, test} from 'node:test';
import assert from 'node:assert/strict';
import {writeFile} from 'node:fs/promises';
import {join} from 'node:path';
import {connectToSandbox} from '../source/dps/gateway.js';
import {burst, keys, press, waitForFrame} from './helpers/ink.js';
import {ecChain} from './helpers/test-certificates.js';
import {openWizard, wizardSandboxForFile} from './helpers/wizard.js';

const sandbox = wizardSandboxForFile();

describe('individual enrollment in the wizard', () => {
  test('the seed example: certificate, defaults, the initial twin as JSON, saved and read back', async () => {
    const {leaf} = await ecChain('seed-device-01');
    await writeFile(join(sandbox.folder, 'seed.cert.pem'), leaf.certificatePem);
    const wizard = await openWizard(sandbox);
    const {app} = wizard;
    try {
      await press(app, keys.enter);
      await waitForFrame(app, 'Device identity certificate');
      await burst(app, 'seed.cert.pem', keys.enter);
      await waitForFrame(app, 'Ready: press Enter');
      await press(app, keys.enter); // certificate
      await waitForFrame(app, 'Secondary certificate');
      await press(app, keys.enter); // no secondary
      assert.match(await waitForFrame(app, 'Registration ID'), /› seed-device-01/);
      await press(app, keys.enter, keys.enter); // registration ID, device ID
      await waitForFrame(app, 'IoT Edge device?');
      await press(app, keys.enter); // edge: yes
      await waitForFrame(app, '[x] sandbox-hub-weu');
      await press(app, keys.enter); // all linked hubs
      await press(app, keys.enter); // evenly weighted
      await waitForFrame(app, 'Initial device twin');
      await press(app, keys.tab);
      await burst(app, '{"tags":{"environment":"test"},"properties":{"desired":{}}}', keys.enter);
      await waitForFrame(app, 'Advanced settings');
      await press(app, keys.enter);
      await waitForFrame(app, 'Review');
      await press(app, keys.enter);
      const result = await waitForFrame(app, 'Enrollment created');
      assert.match(result, /Registration ID\s+seed-device-01/);
    } finally {
      await wizard.close();
    }
    const gateway = await connectToSandbox(
      sandbox.emulator.info,
      sandbox.emulator.caCertificatePem,
    );
    try {
      const saved = await gateway.getIndividualEnrollment('seed-device-01');
      assert.equal(saved.capabilities?.iotEdge, true);
      assert.deepEqual(saved.initialTwin?.tags, {environment: 'test'});
      assert.equal(saved.allocationPolicy, 'hashed');
      assert.equal(saved.iotHubs?.length, 2);
    } finally {
      await gateway.close();
    }
  });

  test('keys typed ahead while a certificate with warnings is read do not accept the warnings', async () => {
    const {leaf} = await ecChain('Upper-Case-Device');
    await writeFile(join(sandbox.folder, 'upper.cert.pem'), leaf.certificatePem);
    const wizard = await openWizard(sandbox);
    const {app} = wizard;
    try {
      await press(app, keys.enter);
      await waitForFrame(app, 'Device identity certificate');
      await burst(app, 'upper.cert.pem', keys.enter, keys.enter, keys.enter);
      const held = await waitForFrame(app, 'held back');
      assert.match(held, /upper-case/);
      assert.match(held, /Device identity certificate/);
      await press(app, keys.enter);
      await waitForFrame(app, 'Secondary certificate');
    } finally {
      await wizard.close();
    }
  });
});
