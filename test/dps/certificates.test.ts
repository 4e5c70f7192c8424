import {test} from 'node:test';
import assert from 'node:assert/strict';
import {X509Certificate} from 'node:crypto';
import {signVerificationCertificate} from '../../source/certs/verification.js';
import {makeCa, signedBy} from '../helpers/test-certificates.js';
import {expectDpsError, sandboxForFile} from '../helpers/sandbox.js';

const sandbox = sandboxForFile();

test('proof of possession: upload, generate a code, stale etag, wrong signer, verify', async () => {
  const {gateway} = sandbox;
  const ca = await makeCa('gateway-test-pop-root');

  const uploaded = await gateway.uploadCaCertificate({
    name: 'pop-root',
    certificatePem: ca.certificatePem,
  });
  assert.equal(uploaded.name, 'pop-root');
  assert.equal(uploaded.isVerified, false);
  assert.equal(uploaded.subject, 'CN=gateway-test-pop-root');
  assert.equal(
    uploaded.thumbprint,
    new X509Certificate(ca.certificatePem).fingerprint.replace(/:/g, ''),
  );
  assert.ok(uploaded.etag);

  const code = await gateway.generateVerificationCode('pop-root', uploaded.etag);
  assert.match(code.verificationCode, /^[0-9A-F]{16,}$/i);
  assert.notEqual(code.etag, uploaded.etag, 'generating a code changes the etag');

  const proof = await signVerificationCertificate({
    caCertificatePem: ca.certificatePem,
    caPrivateKeyPem: ca.privateKeyPem,
    verificationCode: code.verificationCode,
  });

  // The etag from the upload is stale now: the most common failure of this loop.
  await expectDpsError(
    gateway.verifyCaCertificate('pop-root', uploaded.etag, proof.certificatePem),
    'stale-etag',
    412,
  );

  // Same issuer name, same code, but signed by another key: not a proof of possession.
  const impostor = await makeCa('gateway-test-pop-root');
  const forged = await signedBy(impostor, code.verificationCode, 'verification');
  const rejected = await expectDpsError(
    gateway.verifyCaCertificate('pop-root', code.etag, forged.certificatePem),
    'bad-request',
    400,
  );
  // DPS's own text for this case: "Proof-Of-Possession failed. Issuer certificate … cannot be found".
  assert.match(rejected.serviceMessage ?? '', /Proof-Of-Possession failed.*cannot be found/);
  assert.equal((await gateway.getCaCertificate('pop-root')).isVerified, false);

  const current = await gateway.getCaCertificate('pop-root');
  const verified = await gateway.verifyCaCertificate(
    'pop-root',
    current.etag,
    proof.certificatePem,
  );
  assert.equal(verified.isVerified, true);
  assert.notEqual(verified.etag, current.etag, 'verifying changes the etag');
  assert.equal((await gateway.getCaCertificate('pop-root')).isVerified, true);
});

test('a CA certificate can be uploaded verified, listed, and deleted with its etag', async () => {
  const {gateway} = sandbox;
  const ca = await makeCa('gateway-test-verified-on-upload');
  const uploaded = await gateway.uploadCaCertificate({
    name: 'verified-on-upload',
    certificatePem: ca.certificatePem,
    verified: true,
  });
  assert.equal(uploaded.isVerified, true);

  const listed = await gateway.listCaCertificates();
  const entry = listed.find((certificate) => certificate.name === 'verified-on-upload');
  assert.equal(entry?.isVerified, true);
  assert.equal(entry?.etag, uploaded.etag);

  // Replacing it needs the current etag.
  const replacement = await makeCa('gateway-test-replacement');
  await expectDpsError(
    gateway.uploadCaCertificate({
      name: 'verified-on-upload',
      certificatePem: replacement.certificatePem,
      etag: 'not-the-etag',
    }),
    'stale-etag',
    412,
  );
  const replaced = await gateway.uploadCaCertificate({
    name: 'verified-on-upload',
    certificatePem: replacement.certificatePem,
    etag: uploaded.etag,
  });
  assert.equal(replaced.subject, 'CN=gateway-test-replacement');

  await expectDpsError(
    gateway.deleteCaCertificate('verified-on-upload', uploaded.etag),
    'stale-etag',
    412,
  );
  await gateway.deleteCaCertificate('verified-on-upload', replaced.etag);
  await expectDpsError(gateway.getCaCertificate('verified-on-upload'), 'not-found', 404);
});

test('a file that is not a certificate is refused before anything is sent', async () => {
  await expectDpsError(
    sandbox.gateway.uploadCaCertificate({name: 'junk', certificatePem: 'not a certificate'}),
    'bad-request',
  );
  await expectDpsError(sandbox.gateway.getCaCertificate('junk'), 'not-found', 404);
});
