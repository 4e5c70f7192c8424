import {after, afterEach, before, describe, test} from 'node:test';
import assert from 'node:assert/strict';
import {X509Certificate} from 'node:crypto';
import {existsSync} from 'node:fs';
import {mkdtemp, readFile, rm} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {fileURLToPath} from 'node:url';
import {connectToSandbox} from '../../../../source/dps/gateway.js';
import {startEmulator} from '../../../../source/emulator/emulator.js';
import {runCli} from '../../../helpers/run-cli.js';
import {
  colourSequences,
  linesWiderThan,
  startInTmux,
  tmuxAvailable,
  typeInto,
  type Pane,
} from '../../../helpers/tmux.js';

/** The built CLI in a real 80x24 terminal, driven by keystrokes alone. */

const cli = fileURLToPath(new URL('../../../../dist/cli.js', import.meta.url));
const device = 'e2e-device-01';
const certificatePath = `chain/certs/iot-edge-device-identity-${device}.cert.pem`;

// Each test is reported as skipped, with the reason, when tmux is missing.
const skip = tmuxAvailable() ? false : 'tmux not installed';

describe('the wizard in a terminal', () => {
  let folder = '';
  const panes: Pane[] = [];

  before(async () => {
    if (skip) return;
    folder = await mkdtemp(join(tmpdir(), 'dps-enroll-e2e-'));
    const created = await runCli(
      ['certs', 'create-chain', '--out', join(folder, 'chain'), '--device', device],
      {cwd: folder},
    );
    assert.equal(created.code, 0, created.stderr);
  });
  afterEach(async () => {
    for (const pane of panes.splice(0)) await pane.close();
  });
  after(async () => {
    if (folder) await rm(folder, {recursive: true, force: true});
  });

  async function openWizard(stateDir: string, env: Record<string, string> = {}) {
    const pane = await startInTmux([process.execPath, cli, '--sandbox', '--state-dir', stateDir], {
      cwd: folder,
      env,
    });
    panes.push(pane);
    // Connected to the sandbox (the header says so), with the first home entry chosen.
    await pane.waitFor(/SANDBOX[^]*❯ Individual enrollment/);
    return pane;
  }

  function assertRestored(exit: Awaited<ReturnType<Pane['waitForExit']>>) {
    assert.equal(exit.cursorVisible, true, 'the cursor is shown again');
    assert.equal(exit.alternateScreen, false, 'back on the normal screen');
    for (const mode of ['icanon', 'echo', 'isig']) {
      assert.ok(exit.ttyModes.includes(mode), `the terminal has ${mode} again: ${exit.ttyModes}`);
    }
  }

  test(
    'an individual enrollment from home to config.toml, read back with the service SDK',
    {skip},
    async () => {
      const stateDir = join(folder, 'state');
      const pem = await readFile(join(folder, certificatePath), 'utf8');
      const sha1 = new X509Certificate(pem).fingerprint.replaceAll(':', '');

      const pane = await openWizard(stateDir);
      await pane.keys('Enter');
      await pane.waitFor('Device identity certificate');

      // The path by Tab completion: a unique folder, then an ambiguous name that lists both candidates.
      await typeInto(pane, 'chain/ce');
      await pane.keys('Tab');
      await pane.waitFor('› chain/certs/');
      await typeInto(
        pane,
        'iot-edge-device-identity-e2e-d',
        '› chain/certs/iot-edge-device-identity-e2e-d',
      );
      await pane.keys('Tab');
      const candidates = await pane.waitFor(`${device}-full-chain.cert.pem`);
      assert.match(candidates, new RegExp(`› chain/certs/iot-edge-device-identity-${device}`));
      assert.match(candidates, new RegExp(`^iot-edge-device-identity-${device}\\.cert\\.pem`, 'm'));
      await typeInto(pane, '.', `› chain/certs/iot-edge-device-identity-${device}.`);
      await pane.keys('Tab');
      await pane.waitFor(`› ${certificatePath}`);
      await pane.keys('Enter');
      const certificate = await pane.waitFor('Ready: press Enter');
      assert.match(certificate, new RegExp(`CN=${device}`));
      assert.ok(certificate.includes(sha1), 'the certificate step shows the SHA-1 thumbprint');

      await pane.keys('Enter');
      await pane.waitFor('Secondary certificate');
      await pane.keys('Enter'); // no secondary certificate
      await pane.waitFor(`Registration ID › ${device}`);
      await pane.keys('Enter');
      await pane.waitFor('IoT Hub device ID');
      await pane.keys('Enter'); // the registration ID
      await pane.waitFor('IoT Edge device?');
      await pane.keys('Enter'); // yes
      await pane.waitFor('IoT hubs this device can be assigned to');
      await pane.keys('Enter'); // every linked hub
      await pane.waitFor('How DPS chooses the hub');
      await pane.keys('Enter'); // evenly weighted
      await pane.waitFor('Initial device twin');
      await typeInto(pane, 'environment=e2e-test, site=lab-7');
      await pane.keys('Enter');
      await pane.waitFor(/Desired properties ›/);
      await pane.keys('Enter');
      await pane.waitFor('Advanced settings');
      await pane.keys('Enter');
      await pane.waitFor('Enter save');
      await pane.keys('Enter');
      const result = await pane.waitFor('Enrollment created');
      assert.match(result, new RegExp(`Registration ID\\s+${device}`));

      await pane.keys('Enter');
      await pane.waitFor('Where the files will be on the device');
      await pane.keys('Enter'); // the certificate path as proposed
      await pane.keys('Enter'); // the key path as proposed
      const config = await pane.waitFor(`registration_id = "${device}"`);
      assert.match(config, /id_scope = "0ne[0-9A-F]{8}"/);
      assert.match(config, /^\[provisioning\]\nsource = "dps"$/m);

      await pane.keys('Escape');
      await pane.waitFor('Where the files will be on the device');
      await pane.keys('Escape');
      await pane.waitFor('Enrollment created');
      await pane.keys('Escape');
      await pane.waitFor('❯ Individual enrollment');
      const wizardScreens = [...pane.screens];
      await pane.keys('q');
      const exit = await pane.waitForExit();
      assert.equal(exit.code, 0, exit.screen);
      assertRestored(exit);
      assert.ok(wizardScreens.length > 20, `${wizardScreens.length} screens read`);
      assert.deepEqual(linesWiderThan(wizardScreens, 80), []);
      // What stays in the terminal after exit, to copy from: long lines are whole there, on purpose.
      const printed = await pane.history();
      assert.match(printed, /Individual enrollment saved in the local sandbox DPS\./);
      assert.match(printed, new RegExp(`^registration_id = "${device}"$`, 'm'));
      assert.equal(existsSync(join(stateDir, 'emulator.lock')), false, 'the sandbox was closed');

      const emulator = await startEmulator({stateDir, port: 0});
      try {
        const gateway = await connectToSandbox(emulator.info, emulator.caCertificatePem);
        try {
          const saved = await gateway.getIndividualEnrollment(device);
          assert.equal(saved.capabilities?.iotEdge, true);
          assert.deepEqual(saved.initialTwin?.tags, {environment: 'e2e-test', site: 'lab-7'});
          assert.equal(saved.attestation.type, 'x509');
          assert.equal(
            saved.attestation.type === 'x509'
              ? saved.attestation.clientCertificates?.primary?.info?.sha1Thumbprint
              : undefined,
            sha1,
          );
        } finally {
          await gateway.close();
        }
      } finally {
        await emulator.close();
      }
    },
  );

  test(
    'Ctrl+C in the middle of the flow ends the wizard and gives the terminal back',
    {skip},
    async () => {
      const stateDir = join(folder, 'state-ctrl-c');
      const pane = await openWizard(stateDir);
      await pane.keys('Enter');
      await pane.waitFor('Device identity certificate');
      await typeInto(pane, certificatePath);
      await pane.keys('Enter');
      await pane.waitFor('Ready: press Enter');
      await pane.keys('Enter');
      await pane.waitFor('Secondary certificate');
      await pane.keys('Enter');
      await pane.waitFor(`Registration ID › ${device}`);
      assert.equal(await pane.display('#{cursor_flag}'), '0', 'the wizard hides the cursor');
      const wizardScreens = [...pane.screens];

      await pane.keys('C-c');
      const exit = await pane.waitForExit();
      assert.ok(Number.isInteger(exit.code), exit.screen);
      assertRestored(exit);
      assert.equal(existsSync(join(stateDir, 'emulator.lock')), false, 'the sandbox was closed');
      assert.deepEqual(linesWiderThan(wizardScreens, 80), []);
    },
  );

  test(
    'NO_COLOR=1 draws the screens without colour; without it they have colour',
    {skip},
    async () => {
      async function coloursOnScreens(env: Record<string, string>) {
        const pane = await openWizard(join(folder, 'state-colour'), env);
        await pane.keys('Enter');
        await pane.waitFor('Device identity certificate');
        const certificateScreen = await pane.screenWithEscapes();
        // The text field's cursor is drawn in inverse video, with or without colours.
        assert.match(certificateScreen, /\x1b\[(?:[0-9;]*;)?7m/);
        const onCertificateStep = colourSequences(certificateScreen);
        await pane.keys('Escape');
        await pane.waitFor('❯ Individual enrollment');
        const found = [...onCertificateStep, ...colourSequences(await pane.screenWithEscapes())];
        await pane.keys('q');
        assert.equal((await pane.waitForExit()).code, 0);
        return found;
      }
      assert.deepEqual(await coloursOnScreens({NO_COLOR: '1'}), []);
      assert.notDeepEqual(await coloursOnScreens({}), []);
    },
  );
});
