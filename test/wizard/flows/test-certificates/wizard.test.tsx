import {describe, test} from 'node:test';
import assert from 'node:assert/strict';
import {X509Certificate} from 'node:crypto';
import {mkdir, readFile, stat, writeFile} from 'node:fs/promises';
import {join} from 'node:path';
import {burst, keys, press, waitForFrame, type Instance} from '../../../helpers/ink.js';
import {forward, withGateway, withWizard, wizardSandboxForFile} from '../../../helpers/wizard.js';
import {createServices} from '../../../../source/wizard/runtime/services.js';
import type {TestChainProgress} from '../../../../source/certs/test-chain.js';

const sandbox = wizardSandboxForFile();

/** Home → Generate test certificates. */
async function openTestCertificates(app: Instance) {
  await press(app, keys.down, keys.down, keys.down);
  await forward(app, 'Where to write the test chain');
}

/** On the folder step, `folder` typed and entered, then `devices` on the device names step. */
async function typeFolderAndDevices(app: Instance, folder: string, devices: string) {
  await burst(app, folder, keys.enter);
  await waitForFrame(app, 'Device names');
  await burst(app, devices, keys.enter);
}

/** From the folder step to the summary: `folder`, `devices`, EC keys, the default validity. */
async function fillForm(app: Instance, folder: string, devices: string) {
  await typeFolderAndDevices(app, folder, devices);
  await waitForFrame(app, 'Key type');
  await press(app, keys.down);
  await waitForFrame(app, '❯ EC P-256');
  await forward(app, 'Validity');
  return forward(app, 'Summary');
}

const mode = async (path: string) => (await stat(path)).mode & 0o777;

describe('generate test certificates in the wizard', () => {
  test('an EC chain for two devices: files with 0600 keys, then the individual enrollment of one device', async () => {
    await withWizard(
      sandbox,
      async (app) => {
        await openTestCertificates(app);
        const summary = await fillForm(app, 'chain-a', 'edge-a1, edge-a2');
        assert.match(summary, /Devices\s+edge-a1, edge-a2/);
        assert.match(summary, /EC P-256/);
        assert.match(summary, /90 days/);
        const done = await forward(app, 'Test certificates made');
        assert.match(done, /In chain-a\//);
        assert.match(done, /Root CA\s+certs\/azure-iot-test-only\.root\.ca\.cert\.pem/);
        assert.match(done, /Individual enrollment for edge-a2/);
        // Every file and every choice on an 80x24 screen.
        assert.match(done, /Device edge-a2\s+certs\/iot-edge-device-identity-edge-a2\.cert\.pem/);
        assert.match(done, /private\/iot-edge-device-identity-edge-a2\.key\.pem/);
        assert.match(done, /❯ Verify the root CA in DPS[^\n]*\n(.*\n){2}.*Home/);
        assert.ok(done.split('\n').length <= 24, done);
        assert.ok(
          done.split('\n').every((line) => [...line].length <= 80),
          done,
        );

        const folder = join(sandbox.folder, 'chain-a');
        for (const name of ['edge-a1', 'edge-a2']) {
          const key = join(folder, `private/iot-edge-device-identity-${name}.key.pem`);
          assert.equal(await mode(key), 0o600, `${key} is not 0600`);
          const pem = await readFile(
            join(folder, `certs/iot-edge-device-identity-${name}.cert.pem`),
          );
          const certificate = new X509Certificate(pem);
          assert.equal(certificate.subject, `CN=${name}`);
          assert.equal(certificate.publicKey.asymmetricKeyType, 'ec');
        }
        assert.equal(
          await mode(join(folder, 'private/azure-iot-test-only.root.ca.key.pem')),
          0o600,
        );
        const fullChain = await readFile(
          join(folder, 'certs/iot-edge-device-identity-edge-a1-full-chain.cert.pem'),
          'utf8',
        );
        assert.equal(fullChain.match(/BEGIN CERTIFICATE/g)?.length, 3);

        await press(app, keys.down, keys.down); // the second device
        await press(app, keys.enter);
        const individual = await waitForFrame(app, 'Ready: press Enter');
        assert.match(individual, /Device identity certificate/);
        assert.match(individual, /chain-a\/certs\/iot-edge-device-identity-edge-a2\.cert\.pem/);
        assert.match(individual, /Subject\s+CN=edge-a2/);
        await forward(app, 'Secondary certificate');
        assert.match(await forward(app, 'Registration ID'), /› edge-a2/);
      },
      {columns: 80},
    );
  });

  test('six devices on 80x24: the files scroll with PgDn and the choices follow the cursor', async () => {
    await withWizard(
      sandbox,
      async (app) => {
        await openTestCertificates(app);
        await fillForm(app, 'chain-many', 'm1 m2 m3 m4 m5 m6');
        const done = await forward(app, 'Test certificates made');
        assert.ok(done.split('\n').length <= 24, done);
        assert.match(done, /↓ \d+ more lines? \(PgDn\)/);
        assert.match(done, /↑↓ \d+ more choices/);
        assert.doesNotMatch(done, /identity-m6\.key\.pem/);
        await press(app, '\u001B[6~', '\u001B[6~', '\u001B[6~'); // PgDn
        assert.match(
          await waitForFrame(app, 'PgUp'),
          /private\/iot-edge-device-identity-m6\.key\.pem/,
        );
        await press(app, keys.up); // from the first choice round to the last
        const last = await waitForFrame(app, '❯ Home');
        assert.ok(last.split('\n').length <= 24, last);
      },
      {columns: 80},
    );
  });

  test('existing files are named and kept; o overwrites them', async () => {
    const folder = join(sandbox.folder, 'chain-b');
    const rootPath = join(folder, 'certs/azure-iot-test-only.root.ca.cert.pem');
    await mkdir(join(folder, 'certs'), {recursive: true});
    await writeFile(rootPath, 'not a certificate yet');
    await withWizard(sandbox, async (app) => {
      await openTestCertificates(app);
      await fillForm(app, 'chain-b', 'edge-b1');
      const exists = await forward(app, 'already exists');
      assert.match(exists, /chain-b\/certs\/azure-iot-test-only\.root\.ca\.cert\.pem/);
      assert.match(exists, /Nothing was written/);
      assert.equal(await readFile(rootPath, 'utf8'), 'not a certificate yet');
      await assert.rejects(stat(join(folder, 'private')), {code: 'ENOENT'});

      // A pasted text is not a decision to overwrite.
      await burst(app, 'hello');
      assert.equal(await readFile(rootPath, 'utf8'), 'not a certificate yet');

      // Esc goes back to the folder, every value kept; the same folder asks again, and o overwrites.
      const back = await (async () => {
        await press(app, keys.escape);
        return waitForFrame(app, 'Where to write the test chain');
      })();
      assert.match(back, /› chain-b/);
      await forward(app, 'Device names');
      await forward(app, 'Key type');
      await forward(app, 'Validity');
      await forward(app, 'Summary');
      await forward(app, 'already exists');
      await press(app, 'o');
      await waitForFrame(app, 'Test certificates made');
    });
    const root = new X509Certificate(await readFile(rootPath));
    assert.equal(root.subject, 'CN=azure-iot-test-only.root.ca');
    assert.equal(
      await mode(join(folder, 'private/iot-edge-device-identity-edge-b1.key.pem')),
      0o600,
    );
  });

  test('a bad device name stays in the field with a message that names it', async () => {
    await withWizard(sandbox, async (app) => {
      await openTestCertificates(app);
      await typeFolderAndDevices(app, 'chain-c', 'edge-c1, edge#2');
      const refused = await waitForFrame(app, '✖');
      assert.match(refused, /Device names/);
      assert.match(refused, /› edge-c1, edge#2/);
      assert.match(refused, /'edge#2' contains '#'/);
      // Fixed, it moves on.
      await press(app, keys.backspace, keys.backspace, keys.backspace, keys.backspace);
      await burst(app, 'c2', keys.enter);
      await waitForFrame(app, 'Key type');
    });
    await assert.rejects(stat(join(sandbox.folder, 'chain-c')), {code: 'ENOENT'});
  });

  test('the root CA goes to "Verify a CA certificate" with its certificate and key, and is verified in DPS', async () => {
    await withWizard(sandbox, async (app) => {
      await openTestCertificates(app);
      await fillForm(app, 'chain-d', 'edge-d1');
      await forward(app, 'Test certificates made');
      await press(app, keys.enter);
      const file = await waitForFrame(app, 'Ready: press Enter');
      assert.match(file, /CA certificate file for 'azure-iot-test-only-root'/);
      assert.match(file, /› chain-d\/certs\/azure-iot-test-only\.root\.ca\.cert\.pem/);
      await forward(app, 'set it verified');
      const proof = await forward(app, 'Prove you hold the key');
      assert.match(proof, /chain-d\/private\/azure-iot-test-only\.root\.ca\.key\.pem/);
      await forward(app, "'azure-iot-test-only-root' is verified");
    });
    const verified = await withGateway(sandbox, (gateway) =>
      gateway.getCaCertificate('azure-iot-test-only-root'),
    );
    assert.equal(verified.isVerified, true);
    const root = await readFile(
      join(sandbox.folder, 'chain-d/certs/azure-iot-test-only.root.ca.cert.pem'),
      'utf8',
    );
    assert.equal(
      new X509Certificate(verified.certificatePem ?? '').fingerprint256,
      new X509Certificate(root).fingerprint256,
    );
  });

  test('a folder that is a file: the summary says so and what to do, nothing is written', async () => {
    await writeFile(join(sandbox.folder, 'not-a-folder'), 'a file');
    await withWizard(sandbox, async (app) => {
      await openTestCertificates(app);
      await fillForm(app, 'not-a-folder', 'edge-e1');
      await press(app, keys.enter);
      const failed = await waitForFrame(app, 'could not write the test chain');
      assert.match(failed, /Summary/);
      assert.match(failed, /a\s+file\s+is\s+in\s+the\s+way/);
      assert.match(failed, /choose\s+another\s+folder/);
      assert.doesNotMatch(failed, /--out/);
    });
    assert.equal(await readFile(join(sandbox.folder, 'not-a-folder'), 'utf8'), 'a file');
  });

  test('Esc while the keys are made cancels and goes back to the summary', async () => {
    await withWizard(sandbox, async (app) => {
      await openTestCertificates(app);
      await typeFolderAndDevices(app, 'chain-f', 'edge-f1 edge-f2 edge-f3');
      await forward(app, 'Validity'); // RSA, the default: seconds of key generation
      await forward(app, 'Summary');
      await forward(app, 'Making keys');
      await press(app, keys.escape);
      const cancelled = await waitForFrame(app, 'cancelled: no file was written');
      assert.match(cancelled, /Summary/);
      assert.match(cancelled, /Devices\s+edge-f1, edge-f2, edge-f3/);
    });
  });

  test('the generate service reports progress and, aborted, writes nothing', async () => {
    const services = createServices({
      target: 'none',
      connect: () => Promise.reject(new Error('not used')),
      cwd: sandbox.folder,
      home: sandbox.folder,
    });
    const request = {devices: ['edge-g1'], keyType: 'ec' as const, days: 5, overwrite: false};
    const seen: TestChainProgress[] = [];
    const made = await services.generateTestChain({
      ...request,
      folder: 'chain-g',
      onProgress: (progress) => seen.push(progress),
      signal: new AbortController().signal,
    });
    assert.equal(made.outcome, 'written');
    assert.equal(made.outDir, join(sandbox.folder, 'chain-g'));
    assert.deepEqual(seen.at(-1), {stage: 'files', done: 0, total: 8});
    assert.deepEqual(
      seen.filter((progress) => progress.stage === 'keys').map((progress) => progress.done),
      [0, 1, 2, 3],
    );

    // Aborted once the first key is made: the run stops before any file is written.
    const controller = new AbortController();
    const aborted = services.generateTestChain({
      ...request,
      folder: 'chain-h',
      onProgress: (progress) => {
        if (progress.stage === 'keys' && progress.done === 1) controller.abort();
      },
      signal: controller.signal,
    });
    await assert.rejects(aborted, {name: 'AbortError'});
    await assert.rejects(stat(join(sandbox.folder, 'chain-h')), {code: 'ENOENT'});
  });
});
