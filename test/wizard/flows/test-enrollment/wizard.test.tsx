import {describe, test} from 'node:test';
import assert from 'node:assert/strict';
import {createPrivateKey} from 'node:crypto';
import {mkdtemp, readFile, stat, writeFile} from 'node:fs/promises';
import {join} from 'node:path';
import {burst, keys, press, waitForFrame, type Instance} from '../../../helpers/ink.js';
import {
  forward,
  withConnectionStringWizard,
  withGateway,
  withWizard,
  wizardSandboxForFile,
} from '../../../helpers/wizard.js';
import {ecChain} from '../../../helpers/test-certificates.js';
import {homeItems} from '../../../../source/wizard/core/reducer.js';

const sandbox = wizardSandboxForFile();

/** A device's files in the scratch folder: its certificate alone, its full chain and its key. */
async function deviceFiles(name: string) {
  const {root, intermediate, leaf} = await ecChain(name);
  const files = {
    leaf: `${name}.cert.pem`,
    fullChain: `${name}-full-chain.cert.pem`,
    key: `${name}.key.pem`,
  };
  await writeFile(join(sandbox.folder, files.leaf), leaf.certificatePem);
  await writeFile(
    join(sandbox.folder, files.fullChain),
    leaf.certificatePem + intermediate.certificatePem + root.certificatePem,
  );
  await writeFile(join(sandbox.folder, files.key), leaf.privateKeyPem, {mode: 0o600});
  return {...files, leafPem: leaf.certificatePem, keyPem: leaf.privateKeyPem};
}

/** Home → Test an enrollment. */
async function openTest(app: Instance) {
  const index = homeItems.findIndex((item) => item.item === 'test-enrollment');
  await press(app, ...Array.from({length: index}, () => keys.down));
  await forward(app, 'Device certificate');
}

/**
 * From the certificate step to the pre-flight's verdict, HTTPS: `certificate` is the full chain file, or the
 * leaf alone (then no chain file is given).
 */
async function fillIn(app: Instance, certificate: string, key: string) {
  await burst(app, certificate, keys.enter);
  await waitForFrame(app, /Ready: press Enter|Press Enter to use it anyway/);
  if (!certificate.includes('full-chain')) await forward(app, 'Chain (optional)');
  await forward(app, 'Private key');
  await burst(app, key, keys.enter);
  await waitForFrame(app, 'Registration ID');
  await forward(app, 'Transport');
  return forward(app, /Press Enter to register/);
}

const fitsTheTerminal = (screen: string) => {
  assert.ok(screen.split('\n').length <= 24, screen);
  assert.ok(
    screen.split('\n').every((line) => [...line].length <= 80),
    screen,
  );
};

describe('test an enrollment in the wizard', () => {
  test('an individual enrollment registers in the sandbox: the assigned hub on screen, no key', async () => {
    const files = await deviceFiles('edge-t1');
    await withGateway(sandbox, (gateway) =>
      gateway.createOrUpdateIndividualEnrollment({
        registrationId: 'edge-t1',
        attestation: {type: 'x509', clientCertificates: {primary: {certificate: files.leafPem}}},
      }),
    );
    const hubs = await withGateway(sandbox, async (gateway) =>
      (await gateway.getDpsResource()).linkedHubs.map((hub) => hub.hostName),
    );
    await withWizard(
      sandbox,
      async (app) => {
        await openTest(app);
        const preflight = await fillIn(app, files.fullChain, files.key);
        assert.match(preflight, /Registration ID\s+edge-t1/);
        assert.match(preflight, /Registers at\s+the sandbox at/);
        assert.match(preflight, /✔ Chain, key and registration ID look right/);
        assert.match(preflight, /Press Enter to register this device in the sandbox/);
        fitsTheTerminal(preflight);
        const assigned = await forward(app, 'Assigned hub');
        assert.match(assigned, /The device registered/);
        const hub = /Assigned hub\s+(\S+)/.exec(assigned)?.[1];
        assert.ok(hub && hubs.includes(hub), `${hub} is one of ${hubs.join(', ')}`);
        assert.match(assigned, /Device ID\s+edge-t1/);
        assert.ok(!assigned.includes('PRIVATE KEY'));
        fitsTheTerminal(assigned);
      },
      {columns: 80},
    );
    const state = await withGateway(sandbox, (gateway) => gateway.getRegistrationState('edge-t1'));
    assert.equal(state.status, 'assigned');
    assert.equal(state.deviceId, 'edge-t1');
  });

  test('i on the device: the plan, then y writes config.toml, the chain and the key (0600) under its root', async () => {
    const files = await deviceFiles('edge-t5');
    const root = await mkdtemp(join(sandbox.folder, 'device-root-'));
    await withGateway(sandbox, (gateway) =>
      gateway.createOrUpdateIndividualEnrollment({
        registrationId: 'edge-t5',
        attestation: {type: 'x509', clientCertificates: {primary: {certificate: files.leafPem}}},
      }),
    );
    await withWizard(
      sandbox,
      async (app) => {
        await openTest(app);
        await fillIn(app, files.fullChain, files.key);
        await forward(app, 'Assigned hub');
        await press(app, 'i');
        const plan = await waitForFrame(app, 'Press y to do this');
        assert.match(plan, /Install on this device/);
        assert.match(plan, /\/etc\/aziot\/config\.toml/);
        assert.ok(!plan.includes('PRIVATE KEY'));
        fitsTheTerminal(plan);
        await press(app, 'y');
        const installed = await waitForFrame(app, '✔ Installed');
        assert.match(installed, /sudo iotedge config apply/);
        fitsTheTerminal(installed);
      },
      {columns: 80, edgeRoot: root},
    );
    const config = await readFile(join(root, 'etc/aziot/config.toml'), 'utf8');
    assert.match(config, /registration_id = "edge-t5"/);
    const key = join(root, 'var/aziot/secrets/iot-edge-device-identity-edge-t5.key.pem');
    assert.equal((await stat(key)).mode & 0o777, 0o600);
    assert.equal(
      createPrivateKey(await readFile(key, 'utf8')).export({type: 'pkcs8', format: 'pem'}),
      createPrivateKey(files.keyPem).export({type: 'pkcs8', format: 'pem'}),
    );
  });

  test('a device of a signingCertificates group over MQTT: its certificate, then its chain file', async () => {
    const {root, intermediate, leaf} = await ecChain('edge-t4');
    await writeFile(join(sandbox.folder, 'edge-t4.cert.pem'), leaf.certificatePem);
    await writeFile(join(sandbox.folder, 'edge-t4.chain.pem'), intermediate.certificatePem);
    await writeFile(join(sandbox.folder, 'edge-t4.key.pem'), leaf.privateKeyPem, {mode: 0o600});
    await withGateway(sandbox, (gateway) =>
      gateway.createOrUpdateEnrollmentGroup({
        enrollmentGroupId: 'mqtt-line',
        attestation: {
          type: 'x509',
          signingCertificates: {primary: {certificate: root.certificatePem}},
        },
      }),
    );
    await withWizard(
      sandbox,
      async (app) => {
        await openTest(app);
        await burst(app, 'edge-t4.cert.pem', keys.enter);
        await waitForFrame(app, /Ready: press Enter|Press Enter to use it anyway/);
        await forward(app, 'Chain (optional)');
        await burst(app, 'edge-t4.chain.pem', keys.enter);
        await waitForFrame(app, 'Private key');
        await burst(app, 'edge-t4.key.pem', keys.enter);
        await waitForFrame(app, 'Registration ID');
        await forward(app, '❯ HTTPS');
        await press(app, keys.down);
        await waitForFrame(app, '❯ MQTT');
        const preflight = await forward(app, /Press Enter to register/);
        assert.match(preflight, /Chain\s+edge-t4\.chain\.pem/);
        assert.match(preflight, /over MQTT/);
        // A certificate with a chain is a group's device: its config.toml is offered.
        assert.match(preflight, /w writes this device's config\.toml/);
        const assigned = await forward(app, 'Assigned hub');
        assert.match(assigned, /Device ID\s+edge-t4/);
        fitsTheTerminal(assigned);
      },
      {columns: 80},
    );
    const states = await withGateway(sandbox, (gateway) =>
      gateway.queryRegistrationStates('mqtt-line'),
    );
    assert.deepEqual(
      states.items.map((state) => [state.registrationId, state.status]),
      [['edge-t4', 'assigned']],
    );
  });

  test('a device DPS does not know is refused with a cause and a fix; e edits with the paths kept', async () => {
    const files = await deviceFiles('edge-t2');
    await withWizard(
      sandbox,
      async (app) => {
        await openTest(app);
        await fillIn(app, files.leaf, files.key);
        const refused = await forward(app, 'DPS refused the registration');
        assert.match(refused, /Cause/);
        assert.match(refused, /Fix/);
        assert.ok(!refused.includes('PRIVATE KEY'));
        fitsTheTerminal(refused);
        await press(app, 'e');
        const edit = await waitForFrame(app, 'Device certificate');
        assert.match(edit, /edge-t2\.cert\.pem/);
        await waitForFrame(app, /Ready: press Enter|Press Enter to use it anyway/);
        await forward(app, 'Chain (optional)');
        const key = await forward(app, 'Private key');
        assert.match(key, /edge-t2\.key\.pem/);
      },
      {columns: 80},
    );
  });

  test('with a connection string: the ID scope is asked, and nothing registers in IoT Hub without y', async () => {
    const files = await deviceFiles('edge-t3');
    await withConnectionStringWizard(sandbox, async (app) => {
      await openTest(app);
      await burst(app, files.fullChain, keys.enter);
      await waitForFrame(app, 'the device presents them with this one');
      await forward(app, 'Private key');
      await burst(app, files.key, keys.enter);
      await waitForFrame(app, 'Registration ID');
      await forward(app, 'ID scope');
      await burst(app, 'not-a-scope', keys.enter);
      await waitForFrame(app, /0ne followed by 8\s+hexadecimal/);
      await press(app, ...Array.from({length: 11}, () => keys.backspace));
      await burst(app, '0ne0012345F', keys.enter);
      await waitForFrame(app, 'Transport');
      const preflight = await forward(app, /you will be asked first/);
      assert.match(preflight, /Registers at\s+global\.azure-devices-provisioning\.net over HTTPS/);
      assert.match(preflight, /ID scope\s+0ne0012345F/);
      const confirm = await forward(app, 'REGISTERS THE DEVICE IN IOT HUB');
      assert.match(confirm, /create its device identity there/);
      assert.match(confirm, /Press y to register, n to go back/);
      // A pasted word decides nothing; n goes back to the pre-flight.
      await burst(app, 'yes');
      await press(app, 'n');
      await waitForFrame(app, /you will be asked first/);
    });
  });
});
