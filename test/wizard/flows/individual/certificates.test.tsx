import {describe, test} from 'node:test';
import assert from 'node:assert/strict';
import {X509Certificate} from 'node:crypto';
import {writeFile} from 'node:fs/promises';
import {join} from 'node:path';
import {burst, frame, keys, press, waitForFrame, type Instance} from '../../../helpers/ink.js';
import {expectDpsError} from '../../../helpers/sandbox.js';
import {ecChain, issue, makeCa} from '../../../helpers/test-certificates.js';
import {
  acceptCertificateToDeviceId,
  acceptSettingsToReview,
  deviceCertificate,
  forward,
  readEnrollment,
  startIndividual,
  withGateway,
  withWizard,
  wizardSandboxForFile,
} from '../../../helpers/wizard.js';

const sandbox = wizardSandboxForFile();
const dayMs = 24 * 60 * 60 * 1000;

async function scratchFile(name: string, content: string | Uint8Array) {
  await writeFile(join(sandbox.folder, name), content);
  return name;
}

/** Types a path and Enter on the certificate step, then waits for the certificate's verdict. */
async function loadCertificate(app: Instance, path: string) {
  await burst(app, path, keys.enter);
  return waitForFrame(app, /Ready: press Enter|cannot be enrolled|use it anyway|✖/);
}

/** A certificate the wizard refuses: the reason on screen, Enter stays on the step, nothing saved. */
async function expectBlocked(pem: string, fileName: string, commonName: string, reason: RegExp) {
  await scratchFile(fileName, pem);
  await withWizard(sandbox, async (app) => {
    await startIndividual(app);
    const shown = await loadCertificate(app, fileName);
    assert.match(shown, reason);
    assert.match(shown, /This certificate cannot be enrolled/);
    await press(app, keys.enter);
    const after = await waitForFrame(app, 'fix the errors above or choose another file');
    assert.match(after, /Device identity certificate/);
    assert.doesNotMatch(after, /Secondary certificate/);
    // Enter again changes nothing either.
    await press(app, keys.enter);
    assert.match(frame(app), /Device identity certificate/);
  });
  await withGateway(sandbox, async (gateway) => {
    await expectDpsError(gateway.getIndividualEnrollment(commonName), 'not-found', 404);
  });
}

describe('identity certificates in the wizard', () => {
  test('a DER .cer identity certificate is accepted and saved', async () => {
    const {leaf} = await ecChain('der-device-01');
    const der = new X509Certificate(leaf.certificatePem);
    await scratchFile('der-device-01.cer', der.raw);
    await withWizard(sandbox, async (app) => {
      await startIndividual(app);
      const loaded = await loadCertificate(app, 'der-device-01.cer');
      assert.match(loaded, /Ready: press Enter/);
      assert.match(loaded, /Subject\s.*der-device-01/);
      await acceptCertificateToDeviceId(app, 'der-device-01');
      await press(app, keys.enter); // device ID
      await acceptSettingsToReview(app);
      assert.match(await forward(app, 'Enrollment created'), /der-device-01/);
    });
    const saved = await readEnrollment(sandbox, 'der-device-01');
    assert.equal(saved.attestation.type, 'x509');
    const primary =
      saved.attestation.type === 'x509' ? saved.attestation.clientCertificates?.primary : undefined;
    assert.equal(primary?.info?.sha1Thumbprint, der.fingerprint.replaceAll(':', ''));
    assert.equal(primary?.info?.sha256Thumbprint, der.fingerprint256.replaceAll(':', ''));
  });

  test('an expired identity certificate is blocked and nothing is saved', async () => {
    const {intermediate} = await ecChain('unused-device');
    const expired = await issue('expired-device-01', 'identity', intermediate, {
      notBefore: new Date(Date.now() - 400 * dayMs),
      validityDays: 30,
    });
    await expectBlocked(
      expired.certificatePem,
      'expired-device-01.cert.pem',
      'expired-device-01',
      /expired on/,
    );
  });

  test('a CA certificate given as the identity is blocked with the CA message', async () => {
    const ca = await makeCa('ca-as-identity');
    await expectBlocked(
      ca.certificatePem,
      'ca-as-identity.cert.pem',
      'ca-as-identity',
      /this is a CA certificate \(CA:true\), not a device identity certificate/,
    );
  });

  test('an upper-case CN: warned, the first Enter accepts and moves on, the ID follows the CN', async () => {
    await deviceCertificate(sandbox, 'Edge-Device-Upper', 'upper.cert.pem');
    await withWizard(sandbox, async (app) => {
      await startIndividual(app);
      const warned = await loadCertificate(app, 'upper.cert.pem');
      assert.match(warned, /has upper-case letters/);
      assert.match(warned, /Press Enter to use it anyway/);
      await acceptCertificateToDeviceId(app, 'Edge-Device-Upper');
      await press(app, keys.enter); // device ID
      await acceptSettingsToReview(app);
      assert.match(await forward(app, 'Enrollment created'), /Edge-Device-Upper/i);
    });
    const saved = await readEnrollment(sandbox, 'Edge-Device-Upper');
    assert.equal(saved.registrationId.toLowerCase(), 'edge-device-upper');
    assert.equal(saved.capabilities?.iotEdge, true);
  });

  test('type-ahead: the path and several Enters in one burst, while the file is read, lose nothing', async () => {
    await deviceCertificate(sandbox, 'typeahead-device-01', 'typeahead.cert.pem');
    await withWizard(sandbox, async (app) => {
      await startIndividual(app);
      // Certificate, Enter (read), Enter (continue), Enter (no secondary), Enter (registration ID),
      // then a device ID and Enter: all before the certificate has been read.
      await burst(
        app,
        'typeahead.cert.pem',
        keys.enter,
        keys.enter,
        keys.enter,
        keys.enter,
        'ta-device-id',
        keys.enter,
      );
      await waitForFrame(app, 'IoT Edge device?');
      await acceptSettingsToReview(app);
      const review = frame(app);
      assert.match(review, /typeahead-device-01/);
      assert.match(review, /ta-device-id/);
      await forward(app, 'Enrollment created');
    });
    const saved = await readEnrollment(sandbox, 'typeahead-device-01');
    assert.equal(saved.deviceId, 'ta-device-id');
  });
});
