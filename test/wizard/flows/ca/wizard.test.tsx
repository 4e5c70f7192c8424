import {before, describe, test} from 'node:test';
import assert from 'node:assert/strict';
import {X509Certificate} from 'node:crypto';
import {readFile, writeFile} from 'node:fs/promises';
import {join} from 'node:path';
import {chainPaths, createTestChain} from '../../../../source/certs/test-chain.js';
import {signVerificationCertificate} from '../../../../source/certs/verification.js';
import {burst, frame, keys, press, waitForFrame, type Instance} from '../../../helpers/ink.js';
import {issue} from '../../../helpers/test-certificates.js';
import {
  withConnectionStringWizard,
  withGateway,
  withWizard,
  wizardSandboxForFile,
} from '../../../helpers/wizard.js';

const sandbox = wizardSandboxForFile();

/** A root CA written by the toolkit in the scratch folder: paths relative to it, as a user types them. */
type Root = {certificate: string; key: string; pem: string; keyPem: string};

const passphrase = 'correct horse battery';
const roots = {} as {rsa: Root; ec: Root; ecEncrypted: Root};

async function writeRoot(folder: string, keyType: 'rsa' | 'ec', keyPassphrase?: string) {
  await createTestChain({
    outDir: join(sandbox.folder, folder),
    devices: ['ca-test-device'],
    keyType,
    ...(keyPassphrase ? {passphrase: keyPassphrase} : {}),
  });
  const certificate = `${folder}/${chainPaths.rootCertificate}`;
  const key = `${folder}/${chainPaths.rootKey}`;
  return {
    certificate,
    key,
    pem: await readFile(join(sandbox.folder, certificate), 'utf8'),
    keyPem: await readFile(join(sandbox.folder, key), 'utf8'),
  };
}

const verifiedIn = (name: string) =>
  withGateway(sandbox, async (gateway) => (await gateway.getCaCertificate(name)).isVerified);

/** From the home screen to the list of CA certificates, once it is read. */
async function openCaList(app: Instance) {
  await press(app, keys.down, keys.down, keys.enter);
  return waitForFrame(app, 'Add a CA certificate');
}

/** The code on screen: on its own line under its label. */
function codeOnScreen(screen: string): string {
  const match = /Verification code\s*\n\s*([0-9A-F]{48})\s*\n/.exec(screen);
  assert.ok(match, `no verification code on screen:\n${screen}`);
  return match[1]!;
}

/** From the home screen through "Add a CA certificate" (the list's last row) to `name` typed and entered. */
async function nameNewCertificate(app: Instance, name: string) {
  await openCaList(app);
  await press(app, keys.up, keys.enter);
  await waitForFrame(app, 'Certificate name');
  await burst(app, name, keys.enter);
}

/** From the home screen to a new certificate `name` read from `certificatePath`, on the choice to set it verified. */
async function toVerifiedChoice(app: Instance, name: string, certificatePath: string) {
  await nameNewCertificate(app, name);
  await waitForFrame(app, 'CA certificate file');
  await burst(app, certificatePath, keys.enter);
  await waitForFrame(app, 'Ready: press Enter');
  await press(app, keys.enter);
  await waitForFrame(app, 'set it verified');
}

/** Adds a certificate through the wizard, from the list to the code: returns the code shown. */
async function addCertificate(app: Instance, name: string, certificatePath: string) {
  await toVerifiedChoice(app, name, certificatePath);
  await press(app, keys.enter);
  return codeOnScreen(await waitForFrame(app, 'Prove you hold the key'));
}

/** Retries a test can wait out: the gateway's policy with short backoff (Retry-After is still honoured). */
const quickRetries = {retry: {policy: {baseDelayMs: 20}}};

describe('verify a CA certificate in the wizard', () => {
  before(async () => {
    const [rsa, ec, ecEncrypted] = await Promise.all([
      writeRoot('rsa', 'rsa'),
      writeRoot('ec', 'ec'),
      writeRoot('ec-encrypted', 'ec', passphrase),
    ]);
    Object.assign(roots, {rsa, ec, ecEncrypted});
  });

  test('the full loop with an RSA root: upload, code, key, verified; saved proof and az commands', async () => {
    await withWizard(sandbox, async (app) => {
      const code = await addCertificate(app, 'rsa-root', roots.rsa.certificate);
      await burst(app, roots.rsa.key, keys.enter);
      const verified = await waitForFrame(app, "'rsa-root' is verified");
      assert.match(verified, /SHA-1\s+[0-9A-F]{40}/);

      await press(app, 's');
      const saving = await waitForFrame(app, 'Save the verification certificate');
      assert.match(saving, /File › rsa-root\.verification\.cert\.pem/);
      await press(app, keys.ctrlU);
      await burst(app, 'rsa-proof.cert.pem', keys.enter);
      await waitForFrame(app, 'Verification certificate saved to rsa-proof.cert.pem');
      const saved = await readFile(join(sandbox.folder, 'rsa-proof.cert.pem'), 'utf8');
      assert.doesNotMatch(saved, /PRIVATE KEY/);
      const proof = new X509Certificate(saved);
      assert.equal(proof.subject, `CN=${code}`);
      assert.ok(proof.verify(new X509Certificate(roots.rsa.pem).publicKey));
      // Saving again never replaces the file unasked.
      await press(app, 's', keys.enter);
      await waitForFrame(
        app,
        /rsa-proof\.cert\.pem already exists: press Enter again to replace it/,
      );
      await press(app, keys.enter);
      await waitForFrame(app, 'Verification certificate saved to rsa-proof.cert.pem');

      await press(app, 'a');
      const commands = await waitForFrame(app, 'az iot dps certificate create');
      assert.match(commands, /--certificate-name rsa-root/);
      await press(app, keys.escape);
      await waitForFrame(app, "'rsa-root' is verified");
      await press(app, keys.enter);
      const list = await waitForFrame(app, /rsa-root.*✔ verified/);
      assert.match(list, /azure-iot-test-only/);
    });
    assert.equal(await verifiedIn('rsa-root'), true);
  });

  test('the full loop with an EC root whose key is encrypted: a wrong passphrase is said so, the right one verifies', async () => {
    await withWizard(sandbox, async (app) => {
      await addCertificate(app, 'ec-root', roots.ecEncrypted.certificate);
      await burst(app, roots.ecEncrypted.key, keys.enter);
      await waitForFrame(app, 'The key file is encrypted');
      await burst(app, 'wrong passphrase', keys.enter);
      const wrong = await waitForFrame(app, 'does not open');
      assert.doesNotMatch(wrong, /wrong passphrase/, 'the passphrase is never shown');
      await burst(app, passphrase);
      assert.match(frame(app), /Passphrase › •{21}/);
      await press(app, keys.enter);
      await waitForFrame(app, "'ec-root' is verified");
    });
    assert.equal(await verifiedIn('ec-root'), true);
  });

  test('a key that does not match the CA is caught before signing, and nothing is verified', async () => {
    await withWizard(sandbox, async (app) => {
      await addCertificate(app, 'ec-mismatch', roots.ec.certificate);
      await burst(app, roots.rsa.key, keys.enter);
      const refused = await waitForFrame(app, "this key does not match CA 'ec-mismatch'");
      assert.match(refused, /RSA 4096 vs EC P-256/);
      // The key path is kept: the right key is one edit away.
      assert.match(refused, new RegExp(`Key file › ${roots.rsa.key}`));
      await press(app, keys.ctrlU);
      await burst(app, roots.ec.key, keys.enter);
      await waitForFrame(app, "'ec-mismatch' is verified");
    });
    assert.equal(await verifiedIn('ec-mismatch'), true);
  });

  test('the mismatched key sends nothing to verify, and the certificate stays unverified', async () => {
    // A harmless probe on the verify call: it is still there afterwards only if verify was never called.
    const verifyPath = /certificates\/ec-left-unverified\/verify$/i;
    sandbox.emulator.faults.add({
      method: 'POST',
      path: verifyPath,
      count: 1,
      fault: {kind: 'delay', ms: 0},
    });
    await withWizard(sandbox, async (app) => {
      await addCertificate(app, 'ec-left-unverified', roots.ec.certificate);
      await burst(app, roots.rsa.key, keys.enter);
      await waitForFrame(app, 'does not match');
    });
    const probe = sandbox.emulator.faults.take(
      'POST',
      '/subscriptions/s/resourceGroups/g/providers/Microsoft.Devices/provisioningServices/d/certificates/ec-left-unverified/verify',
    );
    assert.deepEqual(probe, {kind: 'delay', ms: 0}, 'no verify request reached DPS');
    assert.equal(await verifiedIn('ec-left-unverified'), false);
  });

  test('stale etags: a code generated elsewhere before and after the one shown here is recovered from', async () => {
    const uploaded = await withGateway(sandbox, (gateway) =>
      gateway.uploadCaCertificate({name: 'stale-root', certificatePem: roots.rsa.pem}),
    );
    await withWizard(sandbox, async (app) => {
      await openCaList(app);
      // The list holds etag E1; a code generated elsewhere makes it stale before the wizard uses it.
      await withGateway(sandbox, (gateway) =>
        gateway.generateVerificationCode('stale-root', uploaded.etag),
      );
      const index = (await withGateway(sandbox, (gateway) => gateway.listCaCertificates()))
        .map((certificate) => certificate.name)
        .indexOf('stale-root');
      for (let step = 0; step < index; step++) await press(app, keys.down);
      await press(app, keys.enter);
      const first = codeOnScreen(await waitForFrame(app, "Prove you hold the key of 'stale-root'"));

      // Another code generated elsewhere after this one: the proof signed for it no longer counts.
      await withGateway(sandbox, async (gateway) => {
        const current = await gateway.getCaCertificate('stale-root');
        const other = await gateway.generateVerificationCode('stale-root', current.etag);
        assert.notEqual(other.verificationCode, first);
      });
      await burst(app, roots.rsa.key, keys.enter);
      const explained = await waitForFrame(app, /generated\s+elsewhere\s+meanwhile/);
      assert.match(explained, /Press Enter to generate a new code and sign it again/);
      assert.match(explained, /etag\s+mismatch/);
      assert.equal(await verifiedIn('stale-root'), false);

      // One Enter: a new code, signed again with the same key, verified.
      await press(app, keys.enter);
      await waitForFrame(app, "'stale-root' is verified");
    });
    assert.equal(await verifiedIn('stale-root'), true);
  });

  test('a 429 on the code waits as DPS asks; a dropped link on verify keeps the key for one Enter', async () => {
    sandbox.emulator.faults.add({
      method: 'POST',
      path: /generateVerificationCode/i,
      count: 1,
      fault: {kind: 'status', status: 429, retryAfterSeconds: 1},
    });
    await withWizard(
      sandbox,
      async (app) => {
        await nameNewCertificate(app, 'flaky-root');
        await burst(app, roots.ec.certificate, keys.enter);
        await waitForFrame(app, 'Ready: press Enter');
        await press(app, keys.enter, keys.enter);
        const throttled = await waitForFrame(app, 'DPS is throttling requests (429)');
        assert.match(throttled.replace(/\s+/g, ' '), /again in 1 s, as DPS asked/);
        await waitForFrame(app, 'Prove you hold the key');

        // A link that stays down past the gateway's retries (1 attempt and 4 retries).
        sandbox.emulator.faults.add({
          method: 'POST',
          path: /\/verify/i,
          count: 5,
          fault: {kind: 'reset'},
        });
        await burst(app, roots.ec.key, keys.enter);
        const dropped = await waitForFrame(app, "'flaky-root' is not verified yet");
        assert.match(dropped, /could not be reached/);
        assert.match(dropped, new RegExp(`sign it again with\\s+${roots.ec.key}`));
        await press(app, keys.enter);
        await waitForFrame(app, "'flaky-root' is verified");
      },
      quickRetries,
    );
    assert.equal(await verifiedIn('flaky-root'), true);
  });

  test('at 80 columns the code stands alone on its line and the list rows fit', async () => {
    await withWizard(
      sandbox,
      async (app) => {
        const code = await addCertificate(app, 'narrow-root', roots.ec.certificate);
        const lines = frame(app).split('\n');
        assert.ok(
          lines.some((line) => line.trim() === code),
          'the code has a line of its own',
        );
        assert.ok(lines.every((line) => [...line].length <= 80));
        await press(app, keys.escape);
        const list = await waitForFrame(app, /narrow-root .*unverified/);
        const row = list.split('\n').find((line) => line.includes('narrow-root')) ?? '';
        assert.match(row, /azure-iot-test-… EC P-256 [0-9A-F]{8}… \d{4}-\d{2}-\d{2} unverified/);
        assert.ok([...row].length <= 80);
      },
      {columns: 80},
    );
  });

  test('two CAs with the same CN are told apart by key type and thumbprint', async () => {
    const rsa = await issue('plant-root', 'ca', undefined, {algorithm: 'rsa-2048'});
    const ec = await issue('plant-root', 'ca');
    const thumbprint = (pem: string) =>
      new X509Certificate(pem).fingerprint.replaceAll(':', '').toUpperCase();
    await withGateway(sandbox, async (gateway) => {
      await gateway.uploadCaCertificate({name: 'plant-a', certificatePem: rsa.certificatePem});
      await gateway.uploadCaCertificate({name: 'plant-b', certificatePem: ec.certificatePem});
    });
    await withWizard(
      sandbox,
      async (app) => {
        await openCaList(app);
        // Up from the first row wraps to the last ("Add"), then the last CA uploaded: plant-b.
        await press(app, keys.up, keys.up);
        const list = await waitForFrame(app, /❯ plant-b /);
        const row = (name: string) =>
          list.split('\n').find((line) => line.includes(`${name} `)) ?? '';
        assert.match(
          row('plant-a'),
          new RegExp(
            `plant-a\\s+plant-root\\s+RSA 2048 ${thumbprint(rsa.certificatePem).slice(0, 8)}…`,
          ),
        );
        assert.match(
          row('plant-b'),
          new RegExp(
            `plant-b\\s+plant-root\\s+EC P-256 ${thumbprint(ec.certificatePem).slice(0, 8)}…`,
          ),
        );
        // The row under the cursor is named below the list with its whole thumbprint.
        assert.match(
          list,
          new RegExp(`plant-b · plant-root\n +SHA-1 ${thumbprint(ec.certificatePem)}`),
        );
      },
      {columns: 80},
    );
  });

  test('the manual path: a verification certificate signed elsewhere is checked locally, then verifies', async () => {
    await withWizard(sandbox, async (app) => {
      const code = await addCertificate(app, 'manual-root', roots.ec.certificate);
      const signedForOtherCode = await signVerificationCertificate({
        caCertificatePem: roots.ec.pem,
        caPrivateKeyPem: roots.ec.keyPem,
        verificationCode: 'ABCDEF0123456789',
      });
      await writeFile(
        join(sandbox.folder, 'wrong-code.cert.pem'),
        signedForOtherCode.certificatePem,
      );
      const signed = await signVerificationCertificate({
        caCertificatePem: roots.ec.pem,
        caPrivateKeyPem: roots.ec.keyPem,
        verificationCode: code,
      });
      await writeFile(join(sandbox.folder, 'proof.cert.pem'), signed.certificatePem);

      await press(app, keys.down);
      await burst(app, 'wrong-code.cert.pem', keys.enter);
      const refused = await waitForFrame(app, "its CN is 'ABCDEF0123456789'");
      assert.match(refused, new RegExp(`CN=${code}`));
      assert.equal(await verifiedIn('manual-root'), false);
      await press(app, keys.ctrlU);
      await burst(app, 'proof.cert.pem', keys.enter);
      const verified = await waitForFrame(app, "'manual-root' is verified");
      assert.doesNotMatch(verified, /s: save/, 'a proof signed elsewhere is the user’s own file');
    });
    assert.equal(await verifiedIn('manual-root'), true);
  });

  test('a name that exists is never replaced unseen: the screen shows it and offers its loop', async () => {
    await withWizard(sandbox, async (app) => {
      await nameNewCertificate(app, 'rsa-root');
      const exists = await waitForFrame(app, "named 'rsa-root' is in DPS already");
      assert.match(exists, /✔ verified/);
      await press(app, keys.enter);
      await waitForFrame(app, "'rsa-root' is verified");
    });
  });

  test('a device certificate given as the CA file is refused as a CA, and the path stays', async () => {
    const device = `ec/${chainPaths.deviceCertificate('ca-test-device')}`;
    await withWizard(sandbox, async (app) => {
      await nameNewCertificate(app, 'not-a-ca');
      await waitForFrame(app, 'CA certificate file');
      await burst(app, device, keys.enter);
      const screen = await waitForFrame(app, 'This certificate cannot be uploaded as a CA');
      assert.match(screen, /is not a CA certificate \(CA:false\)/);
      await press(app, keys.enter);
      assert.match(frame(app), new RegExp(`File › ${device.replaceAll('.', '\\.')}`));
    });
    assert.equal(
      await withGateway(sandbox, async (gateway) =>
        (await gateway.listCaCertificates()).some((certificate) => certificate.name === 'not-a-ca'),
      ),
      false,
      'nothing was uploaded',
    );
  });

  test('set verified on upload skips the proof', async () => {
    await withWizard(sandbox, async (app) => {
      await toVerifiedChoice(app, 'trusted-root', roots.ec.certificate);
      await press(app, keys.down, keys.enter);
      await waitForFrame(app, "'trusted-root' is verified");
    });
    assert.equal(await verifiedIn('trusted-root'), true);
  });
});

describe('verify a CA certificate with only a connection string', () => {
  test('the screen explains that CA certificates need ARM and offers the group path', async () => {
    await withConnectionStringWizard(sandbox, async (app) => {
      await press(app, keys.down, keys.down, keys.enter);
      const explained = await waitForFrame(app, 'CA certificates need the ARM API');
      assert.match(explained, /service connection string/);
      assert.match(explained, /uploaded\s+into\s+the\s+group/);
      await press(app, keys.enter);
      await waitForFrame(app, 'Group enrollment');
    });
  });
});
