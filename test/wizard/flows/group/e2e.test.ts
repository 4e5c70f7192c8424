import {after, afterEach, before, describe, test} from 'node:test';
import assert from 'node:assert/strict';
import {X509Certificate} from 'node:crypto';
import {existsSync} from 'node:fs';
import {mkdtemp, readFile, rm, stat} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {fileURLToPath} from 'node:url';
import {connectToSandbox} from '../../../../source/dps/gateway.js';
import {startEmulator} from '../../../../source/emulator/emulator.js';
import {
  linesWiderThan,
  startInTmux,
  tmuxAvailable,
  type Pane,
  press,
  typeInto,
} from '../../../helpers/tmux.js';

/**
 * The built CLI in a real 80x24 terminal, driven by keystrokes alone: a test chain is generated, its root
 * verified in the sandbox DPS, an enrollment group made with it, and a device of the group checked and then
 * registered through the device SDK; then read back with the real SDKs, its registration state included.
 */

const cli = fileURLToPath(new URL('../../../../dist/cli.js', import.meta.url));
const device = 'edge-g1';
const group = 'e2e-edge-group';
// The name the CA flow proposes for the generated root, from its file name.
const caName = 'azure-iot-test-only-root';
const rootPath = 'chain/certs/azure-iot-test-only.root.ca.cert.pem';

// Reported as skipped, with the reason, when tmux is missing.
const skip = tmuxAvailable() ? false : 'tmux not installed';

describe('a group enrollment in a terminal', () => {
  let folder = '';
  const panes: Pane[] = [];

  before(async () => {
    if (skip) return;
    folder = await mkdtemp(join(tmpdir(), 'dps-enroll-e2e-group-'));
  });
  afterEach(async () => {
    for (const pane of panes.splice(0)) await pane.close();
  });
  after(async () => {
    if (folder) await rm(folder, {recursive: true, force: true});
  });

  test(
    'test chain, root verified by proof of possession, group with caReferences, a device of it registers: read back with ARM and the service SDK',
    {skip},
    async () => {
      const stateDir = join(folder, 'state');
      const pane = await startInTmux(
        [process.execPath, cli, '--sandbox', '--state-dir', stateDir],
        {cwd: folder},
      );
      panes.push(pane);
      await pane.waitFor(/SANDBOX[^]*❯ Individual enrollment/);

      // Generate test certificates: a folder, one device, EC keys, the default validity.
      await pane.keys('Down', 'Down', 'Down');
      await pane.waitFor('❯ Generate test certificates');
      await press(pane, 'Enter', 'Where to write the test chain');
      await typeInto(pane, 'chain');
      await press(pane, 'Enter', 'Device names');
      await typeInto(pane, device);
      await press(pane, 'Enter', '❯ RSA');
      await press(pane, 'Down', '❯ EC P-256');
      await press(pane, 'Enter', 'Validity');
      const summary = await press(pane, 'Enter', 'Press Enter to generate');
      assert.match(summary, new RegExp(`Devices\\s+${device}`));
      assert.match(summary, /Keys\s+EC P-256/);
      const made = await press(pane, 'Enter', 'Test certificates made');
      assert.match(made, /Root CA\s+certs\/azure-iot-test-only\.root\.ca\.cert\.pem/);
      assert.match(made, /❯ Verify the root CA in DPS/);

      // The files are there: keys 0600; the root's SHA-1, computed here, is what DPS must end up holding.
      assert.equal(
        (await stat(join(folder, 'chain/private/azure-iot-test-only.root.ca.key.pem'))).mode &
          0o777,
        0o600,
      );
      const root = new X509Certificate(await readFile(join(folder, rootPath)));
      const rootSha1 = root.fingerprint.replaceAll(':', '');

      // Verify the root CA: the file is chosen, uploaded, then the proof signed with its key.
      const file = await press(pane, 'Enter', 'Ready: press Enter');
      assert.match(file, new RegExp(`CA certificate file for '${caName}'`));
      assert.ok(file.includes(`› ${rootPath}`), file);
      assert.ok(file.includes(rootSha1), 'the CA step shows the SHA-1 thumbprint');
      const upload = await press(pane, 'Enter', `Upload '${caName}'`);
      assert.match(upload, /❯ Upload, then prove possession of its key/);
      // The code arrives from DPS after the upload; the CA's key is already chosen.
      const proof = await press(
        pane,
        'Enter',
        /Prove you hold the key[^]*Verification code\n[0-9A-F]{16,}/,
      );
      assert.match(proof, /Key file › chain\/private\/azure-iot-test-only\.root\.ca\.key\.pem/);
      const verified = await press(pane, 'Enter', `✔ '${caName}' is verified`);
      assert.ok(verified.includes(rootSha1), verified);
      // The list, read again from DPS, has it verified.
      await press(
        pane,
        'Enter',
        /CA certificates in DPS[^]*❯ azure-iot-test-… .*EC P-256.*✔ verified/,
      );
      await press(pane, 'Escape', '❯ Individual enrollment');

      // The group: a name, the verified CA from the DPS list, no secondary, edge, a tag, then save.
      await press(pane, 'Down', '❯ Group enrollment');
      await press(pane, 'Enter', 'Group name ›');
      await typeInto(pane, group);
      await press(pane, 'Enter', '❯ A verified CA certificate in DPS (caReferences)');
      // The list of DPS's CA certificates, read once loaded.
      await press(
        pane,
        'Enter',
        new RegExp(`The group's CA certificate[^]*❯ ${caName}\\s.*✔ verified`),
      );
      await press(pane, 'Enter', /Secondary CA \(optional\)[^]*❯ \(none\)/);
      await press(pane, 'Enter', '❯ Yes');
      await press(pane, 'Enter', 'IoT hubs every device of this group can be assigned to');
      await press(pane, 'Enter', 'How DPS chooses the hub');
      await press(pane, 'Enter', 'Initial device twin');
      await typeInto(pane, 'site=e2e-lab');
      await press(pane, 'Enter', 'Desired properties ›');
      await press(pane, 'Enter', 'Advanced settings');
      const review = await press(pane, 'Enter', 'Enter save');
      assert.match(review, new RegExp(`Group name\\s+${group}`));
      assert.match(review, new RegExp(`CA certificate\\s+${caName} \\(CN=azure-iot-test-only`));
      assert.match(review, /IoT Edge devices\s+yes, every device/);
      const result = await press(pane, 'Enter', 'Enrollment group created');
      assert.match(result, new RegExp(`Attestation\\s+CA certificate ${caName} in DPS`));

      // The generated device passes the group's pre-flight: its chain leads to the verified root.
      await press(pane, 'p', 'Check a device certificate (pre-flight)');
      const deviceChain = `chain/certs/iot-edge-device-identity-${device}-full-chain.cert.pem`;
      await typeInto(pane, deviceChain);
      await press(pane, 'Enter', 'Press Enter to check it against the group');
      const preflight = await press(pane, 'Enter', 'This device can register');
      assert.match(preflight, new RegExp(`Registration ID\\s+${device}`));
      // Against the root as DPS holds it, not merely the root the file carries.
      assert.match(preflight, /Checked against\s+azure-iot-test-only\.root\.ca\n/);

      // Esc goes back one step, to the result; t tests that device: its full chain already read, then its
      // key, the CN as registration ID, HTTPS. It registers through the device SDK.
      await press(pane, 'Escape', 'Enrollment group created');
      await press(pane, 't', 'Ready: press Enter');
      await press(pane, 'Enter', 'Key file ›');
      await typeInto(pane, `chain/private/iot-edge-device-identity-${device}.key.pem`);
      const id = await press(pane, 'Enter', 'Registration ID ›');
      assert.ok(id.includes(`› ${device}`), id);
      await press(pane, 'Enter', '❯ HTTPS');
      const checked = await press(pane, 'Enter', 'Press Enter to register this device');
      assert.match(checked, new RegExp(`Group\\s+${group}`));
      assert.match(checked, /✔ Chain, key and registration ID look right/);
      assert.match(checked, /w writes this device's config\.toml/);
      assert.ok(!checked.includes('PRIVATE KEY'));
      const assigned = await press(pane, 'Enter', 'Assigned hub');
      assert.match(assigned, /The device registered/);
      const hub = /Assigned hub\s+(\S+)/.exec(assigned)?.[1];
      assert.ok(hub, assigned);
      assert.match(assigned, new RegExp(`Device ID\\s+${device}`));
      await press(pane, 'Enter', '❯ Individual enrollment');
      const wizardScreens = [...pane.screens];
      await pane.keys('q');
      const exit = await pane.waitForExit();
      assert.equal(exit.code, 0, exit.screen);
      assert.equal(exit.cursorVisible, true, 'the cursor is shown again');
      assert.equal(exit.alternateScreen, false, 'back on the normal screen');
      for (const mode of ['icanon', 'echo', 'isig']) {
        assert.ok(exit.ttyModes.includes(mode), `the terminal has ${mode} again: ${exit.ttyModes}`);
      }
      assert.ok(wizardScreens.length > 30, `${wizardScreens.length} screens read`);
      assert.deepEqual(linesWiderThan(wizardScreens, 80), []);
      const printed = await pane.history();
      assert.match(printed, /Enrollment group saved in the local sandbox DPS\./);
      assert.match(printed, new RegExp(`--ca-name ${caName}`));
      assert.match(printed, /CA certificates verified in the local sandbox DPS:/);
      assert.ok(printed.includes(`${caName}: `) && printed.includes(`SHA-1 ${rootSha1}`), printed);
      assert.equal(existsSync(join(stateDir, 'emulator.lock')), false, 'the sandbox was closed');

      // The same state folder, read back through the real SDKs: ARM for the CA, the service SDK for the group.
      const emulator = await startEmulator({stateDir, port: 0});
      try {
        const gateway = await connectToSandbox(emulator.info, emulator.caCertificatePem);
        try {
          const listed = (await gateway.listCaCertificates()).filter(
            (certificate) => certificate.thumbprint === rootSha1,
          );
          assert.deepEqual(
            listed.map((certificate) => [certificate.name, certificate.isVerified]),
            [[caName, true]],
          );
          const certificate = await gateway.getCaCertificate(caName);
          assert.equal(certificate.isVerified, true);
          assert.equal(certificate.thumbprint, rootSha1);
          assert.equal(
            new X509Certificate(certificate.certificatePem ?? '').fingerprint256,
            root.fingerprint256,
          );

          const saved = await gateway.getEnrollmentGroup(group);
          assert.equal(saved.capabilities?.iotEdge, true);
          assert.equal(saved.attestation.type, 'x509');
          if (saved.attestation.type !== 'x509') return;
          assert.equal(saved.attestation.caReferences?.primary, caName);
          assert.equal(saved.attestation.signingCertificates, undefined);
          assert.deepEqual(saved.initialTwin?.tags, {site: 'e2e-lab'});

          // The device's registration, as the service API lists the group's registration states.
          const states = await gateway.queryRegistrationStates(group);
          assert.deepEqual(
            states.items.map((state) => [state.registrationId, state.status, state.assignedHub]),
            [[device, 'assigned', hub]],
          );
        } finally {
          await gateway.close();
        }
      } finally {
        await emulator.close();
      }
    },
  );
});
