import {test} from 'node:test';
import assert from 'node:assert/strict';
import {mkdir, writeFile} from 'node:fs/promises';
import {join} from 'node:path';
import {burst, keys, press, waitForFrame} from '../../../helpers/ink.js';
import {makeCa} from '../../../helpers/test-certificates.js';
import {
  acceptCertificateToDeviceId,
  acceptSettingsToReview,
  deviceCertificate,
  forward,
  startIndividual,
  toDeviceId,
  withWizard,
  wizardSandboxForFile,
} from '../../../helpers/wizard.js';

const sandbox = wizardSandboxForFile();

test('Tab in a folder with many files keeps the step on screen: title, explanation and a counted list', async () => {
  const folder = join(sandbox.folder, 'many');
  await mkdir(folder);
  for (let index = 1; index <= 60; index++) {
    await writeFile(join(folder, `device-certificate-file-number-${index}.cert.pem`), '');
  }
  await withWizard(
    sandbox,
    async (app) => {
      await startIndividual(app);
      await burst(app, 'many/', keys.tab);
      const screen = await waitForFrame(app, /… and \d+ more/);
      assert.match(screen, /^Device identity certificate$/m);
      assert.match(
        screen,
        /^private key stays on the device\). DPS recognises the device by it\.$/m,
      );
      assert.match(screen, /^File › many\/device-certificate-file-number-/m);
      assert.match(screen, /Enter continue · Tab complete path/);
      assert.ok(screen.split('\n').length <= 24, screen);
    },
    {columns: 80},
  );
});

test('the device paths explanation wraps between words, with no space at the start of a line', async () => {
  await deviceCertificate(sandbox, 'audit-paths-01');
  await withWizard(
    sandbox,
    async (app) => {
      await toDeviceId(app, 'audit-paths-01');
      await press(app, keys.enter);
      await acceptSettingsToReview(app);
      await forward(app, 'Enrollment created');
      const screen = await forward(app, 'Where the files will be on the device');
      assert.match(screen, /Keep the key\s+readable by the aziot user only\./);
      assert.doesNotMatch(screen, /^ \S/m);
    },
    {columns: 80},
  );
});

test('a twin problem shown as you type is not repeated when Enter makes it the step error', async () => {
  await deviceCertificate(sandbox, 'audit-twin-01');
  await withWizard(sandbox, async (app) => {
    await toDeviceId(app, 'audit-twin-01');
    await press(app, keys.enter);
    await forward(app, 'IoT hubs this device can be assigned to');
    await forward(app, 'How DPS chooses the hub');
    await forward(app, 'Initial device twin');
    await burst(app, 'environment');
    const typing = await waitForFrame(app, "'environment' has no '='");
    assert.equal(typing.match(/has no '='/g)?.length, 1, typing);
    await press(app, keys.enter, keys.enter); // to the desired properties, then continue
    const entered = await waitForFrame(app, "✖ tags: 'environment' has no '='");
    assert.equal(entered.match(/has no '='/g)?.length, 1, entered);
  });
});

test('errors and warnings wrap between words, with no space at the start of a line', async () => {
  await writeFile(join(sandbox.folder, 'noise.cer'), Buffer.from([0x01, 0x02, 0x03, 0x04, 0x05]));
  await deviceCertificate(sandbox, 'audit-wrap-01');
  await withWizard(
    sandbox,
    async (app) => {
      await startIndividual(app);
      await burst(app, 'noise.cer', keys.enter);
      const failed = await waitForFrame(app, /nor PKCS#12\s+\(\.pfx\)/);
      assert.doesNotMatch(failed, /^ \S/m);
      await press(app, keys.ctrlU);
      await burst(app, 'audit-wrap-01.cert.pem', keys.enter);
      await waitForFrame(app, 'Ready: press Enter');
      await acceptCertificateToDeviceId(app, 'audit-wrap-01');
      await press(app, keys.enter);
      await forward(app, 'IoT hubs this device can be assigned to');
      await forward(app, 'How DPS chooses the hub');
      await forward(app, 'Initial device twin');
      await burst(app, keys.enter, '=x', keys.enter);
      const twin = await waitForFrame(
        app,
        /✖ desired properties: a pair starts with '=' and has no key/,
      );
      assert.doesNotMatch(twin, /^ \S/m);
    },
    {columns: 80},
  );
});

test('certificate findings wrap between words, and a fix wraps under its own indent', async () => {
  const ca = await makeCa('audit-ca-as-identity');
  await writeFile(join(sandbox.folder, 'audit-ca.cert.pem'), ca.certificatePem);
  await withWizard(
    sandbox,
    async (app) => {
      await startIndividual(app);
      await burst(app, 'audit-ca.cert.pem', keys.enter);
      const screen = await waitForFrame(app, 'This certificate cannot be enrolled');
      assert.match(screen, /an IoT\s+Edge device CA cannot be the identity certificate/);
      assert.doesNotMatch(screen, /^ \S/m);
      assert.match(screen, /^ {2}fix: use the device identity certificate/m);
      assert.match(screen, /^ {2}\(certs\/iot-edge-device-identity-<name>\.cert\.pem\)/m);
    },
    {columns: 80},
  );
});

test('a step taller than the screen is cut at the bottom, its lines never drawn over each other', async () => {
  const ca = await makeCa('audit-ca-narrow');
  await writeFile(join(sandbox.folder, 'audit-ca-narrow.cert.pem'), ca.certificatePem);
  await withWizard(
    sandbox,
    async (app) => {
      await startIndividual(app);
      await burst(app, 'audit-ca-narrow.cert.pem', keys.enter);
      const screen = await waitForFrame(app, 'CN=audit-ca-narrow');
      const lines = screen.split('\n');
      assert.ok(lines.length <= 24, screen);
      const title = lines.indexOf('Device identity certificate');
      assert.ok(title > 0, screen);
      assert.match(lines[title + 1] ?? '', /^The device's own X\.509/);
      const explanationEnd = lines.findIndex((line) =>
        line.includes('recognises the device by it.'),
      );
      const field = lines.findIndex((line) => line.startsWith('File › audit-ca-narrow.cert.pem'));
      assert.ok(explanationEnd > title && field === explanationEnd + 1, screen);
      assert.match(screen, /Enter continue/);
    },
    {columns: 40},
  );
});

test('a twin pasted as a long JSON shows its last rows, with the check under it still in view', async () => {
  await deviceCertificate(sandbox, 'audit-long-twin-01');
  const tags = Object.fromEntries(
    Array.from({length: 40}, (_, index) => [`k${index}`, 'v'.repeat(30)]),
  );
  const pasted = `${JSON.stringify({tags, properties: {desired: {}}}, null, 2).slice(0, -2)},x`;
  await withWizard(
    sandbox,
    async (app) => {
      await toDeviceId(app, 'audit-long-twin-01');
      await press(app, keys.enter);
      await forward(app, 'IoT hubs this device can be assigned to');
      await forward(app, 'How DPS chooses the hub');
      await forward(app, 'Initial device twin');
      await press(app, keys.tab);
      await waitForFrame(app, 'paste the whole twin as JSON');
      await burst(app, pasted);
      const screen = await waitForFrame(app, /⚠ expected a key in double quotes/);
      const lines = screen.split('\n');
      assert.ok(lines.length <= 24, screen);
      assert.ok(lines.includes('Initial device twin (optional)'), screen);
      assert.match(screen, /"k39": "v+"/);
      assert.match(screen, /^ {2}\},x/m);
    },
    {columns: 80},
  );
});

test('the result shows a 64-character registration ID and the hubs whole at 80 columns', async () => {
  const id = `audit-${'r'.repeat(58)}`;
  await deviceCertificate(sandbox, id, 'audit-long-id.cert.pem');
  await withWizard(
    sandbox,
    async (app) => {
      await startIndividual(app);
      await burst(app, 'audit-long-id.cert.pem', keys.enter);
      await waitForFrame(app, 'Ready: press Enter');
      await forward(app, 'Secondary certificate');
      await forward(app, 'Registration ID');
      await forward(app, 'IoT Hub device ID');
      await press(app, keys.enter);
      await acceptSettingsToReview(app);
      const result = await forward(app, 'Enrollment created');
      assert.match(result, new RegExp(`^Registration ID ${id}\\s`, 'm'));
      assert.match(result, /← make a note of it/);
      assert.doesNotMatch(result, /…/);
      assert.doesNotMatch(result, /^ \S/m);
    },
    {columns: 80},
  );
});
