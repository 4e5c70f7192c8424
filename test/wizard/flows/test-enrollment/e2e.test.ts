import {after, afterEach, before, describe, test} from 'node:test';
import assert from 'node:assert/strict';
import {existsSync} from 'node:fs';
import {mkdtemp, rm} from 'node:fs/promises';
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
 * verified in the sandbox DPS, an enrollment group made with it, and a device of the group registers
 * through the device SDK; the service API then lists its registration state.
 */

const cli = fileURLToPath(new URL('../../../../dist/cli.js', import.meta.url));
const device = 'edge-t9';
const group = 'e2e-test-group';
// The name the CA flow proposes for the generated root, from its file name.
const caName = 'azure-iot-test-only-root';

// Reported as skipped, with the reason, when tmux is missing.
const skip = tmuxAvailable() ? false : 'tmux not installed';

describe('testing a device of a group in a terminal', () => {
  let folder = '';
  const panes: Pane[] = [];

  before(async () => {
    if (skip) return;
    folder = await mkdtemp(join(tmpdir(), 'dps-enroll-e2e-test-'));
  });
  afterEach(async () => {
    for (const pane of panes.splice(0)) await pane.close();
  });
  after(async () => {
    if (folder) await rm(folder, {recursive: true, force: true});
  });

  test(
    'test chain, root verified, group with caReferences, then a device of it registers: hub on screen, state in DPS',
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
      await press(pane, 'Enter', 'Press Enter to generate');
      await press(pane, 'Enter', /Test certificates made[^]*❯ Verify the root CA in DPS/);

      // Verify the root CA by proof of possession.
      await press(pane, 'Enter', 'Ready: press Enter');
      await press(pane, 'Enter', `Upload '${caName}'`);
      await press(pane, 'Enter', /Prove you hold the key[^]*Verification code\n[0-9A-F]{16,}/);
      await press(pane, 'Enter', `✔ '${caName}' is verified`);
      await press(pane, 'Enter', /CA certificates in DPS[^]*✔ verified/);
      await press(pane, 'Escape', '❯ Individual enrollment');

      // The group: a name, the verified CA, no secondary, edge, every default, saved.
      await press(pane, 'Down', '❯ Group enrollment');
      await press(pane, 'Enter', 'Group name ›');
      await typeInto(pane, group);
      await press(pane, 'Enter', '❯ A verified CA certificate in DPS (caReferences)');
      await press(pane, 'Enter', new RegExp(`❯ ${caName}\\s.*✔ verified`));
      await press(pane, 'Enter', /Secondary CA \(optional\)[^]*❯ \(none\)/);
      await press(pane, 'Enter', '❯ Yes');
      await press(pane, 'Enter', 'IoT hubs every device of this group can be assigned to');
      await press(pane, 'Enter', 'How DPS chooses the hub');
      await press(pane, 'Enter', 'Initial device twin');
      await press(pane, 'Enter', 'Desired properties ›');
      await press(pane, 'Enter', 'Advanced settings');
      await press(pane, 'Enter', 'Enter save');
      const result = await press(pane, 'Enter', 'Enrollment group created');
      assert.match(result, /t test a device/);

      // t tests a device of the group: its full chain, its key, the CN as registration ID, HTTPS.
      await press(pane, 't', 'Device certificate');
      await typeInto(pane, `chain/certs/iot-edge-device-identity-${device}-full-chain.cert.pem`);
      await press(pane, 'Enter', 'Ready: press Enter');
      await press(pane, 'Enter', 'Key file ›');
      await typeInto(pane, `chain/private/iot-edge-device-identity-${device}.key.pem`);
      const id = await press(pane, 'Enter', 'Registration ID ›');
      assert.ok(id.includes(`› ${device}`), id);
      await press(pane, 'Enter', '❯ HTTPS');
      const preflight = await press(pane, 'Enter', 'Press Enter to register this device');
      assert.match(preflight, new RegExp(`Group\\s+${group}`));
      assert.match(preflight, /✔ Chain, key and registration ID look right/);
      assert.match(preflight, /w writes this device's config\.toml/);
      assert.ok(!preflight.includes('PRIVATE KEY'));
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
      assert.deepEqual(linesWiderThan(wizardScreens, 80), []);
      assert.equal(existsSync(join(stateDir, 'emulator.lock')), false, 'the sandbox was closed');

      // The same state folder, read back through the service SDK: the group's registration state.
      const emulator = await startEmulator({stateDir, port: 0});
      try {
        const gateway = await connectToSandbox(emulator.info, emulator.caCertificatePem);
        try {
          const page = await gateway.queryRegistrationStates(group);
          assert.deepEqual(
            page.items.map((state) => [state.registrationId, state.status, state.assignedHub]),
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
