import {describe, test} from 'node:test';
import assert from 'node:assert/strict';
import {X509Certificate, createPrivateKey} from 'node:crypto';
import {join} from 'node:path';
import {signVerificationCertificate} from '../../source/certs/verification.js';
import {issue, type Issued} from '../helpers/test-certificates.js';
import {openssl, temporaryFolder, writePems} from '../helpers/certs-openssl.js';

const code = '1A2B3C4D5E6F708192A3B4C5D6E7F8091A2B3C4D5E6F7081';

/** Signs a verification certificate with the CA and checks it with openssl and Node. */
async function assertVerifies(ca: Issued, caPrivateKeyPem = ca.privateKeyPem, passphrase?: string) {
  const result = await signVerificationCertificate({
    caCertificatePem: ca.certificatePem,
    caPrivateKeyPem,
    passphrase,
    verificationCode: code,
  });
  const issued = new X509Certificate(result.certificatePem);
  const caCertificate = new X509Certificate(ca.certificatePem);
  assert.equal(issued.subject, `CN=${code}`);
  assert.equal(issued.issuer, caCertificate.subject);
  assert.ok(issued.verify(caCertificate.publicKey));
  assert.ok(issued.checkPrivateKey(createPrivateKey(result.privateKeyPem)));
  assert.ok(Date.parse(issued.validFrom) < Date.now() - 60_000, 'notBefore allows for clock skew');
  assert.ok(Date.parse(issued.validTo) - Date.now() < 31 * 86_400_000, 'short validity');

  const folder = await temporaryFolder();
  try {
    const paths = await writePems(folder.path, {
      'ca.pem': ca.certificatePem,
      'v.pem': result.certificatePem,
    });
    // -partial_chain: the CA may be an intermediate, which DPS trusts on its own once verified.
    const verified = await openssl([
      'verify',
      '-partial_chain',
      '-CAfile',
      paths['ca.pem']!,
      paths['v.pem']!,
    ]);
    assert.equal(verified.code, 0, verified.stderr);
    const text = (await openssl(['x509', '-noout', '-text', '-in', join(folder.path, 'v.pem')]))
      .stdout;
    assert.match(text, /TLS Web Client Authentication/);
    assert.match(text, /CA:FALSE/);
  } finally {
    await folder.cleanup();
  }
}

describe('verification certificates (proof of possession)', () => {
  test('signed by an RSA root', async () => {
    await assertVerifies(await issue('rsa-root', 'ca', undefined, {algorithm: 'rsa-2048'}));
  });

  test('signed by an EC root', async () => {
    await assertVerifies(await issue('ec-root', 'ca'));
  });

  test('signed by an intermediate (RSA under an EC root), not by the root', async () => {
    const root = await issue('ec-root', 'ca');
    const intermediate = await issue('rsa-intermediate', 'ca', root, {algorithm: 'rsa-2048'});
    await assertVerifies(intermediate);
  });

  test('with an encrypted CA key and its passphrase', async () => {
    const root = await issue('ec-root', 'ca');
    const encrypted = createPrivateKey(root.privateKeyPem)
      .export({type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase: 'open sesame'})
      .toString();
    await assertVerifies(root, encrypted, 'open sesame');
    await assert.rejects(
      signVerificationCertificate({
        caCertificatePem: root.certificatePem,
        caPrivateKeyPem: encrypted,
        verificationCode: code,
      }),
      /encrypted: give its passphrase/,
    );
    await assert.rejects(
      signVerificationCertificate({
        caCertificatePem: root.certificatePem,
        caPrivateKeyPem: encrypted,
        passphrase: 'not-the-passphrase',
        verificationCode: code,
      }),
      (error: Error) =>
        /wrong passphrase/.test(error.message) && !error.message.includes('not-the-passphrase'),
    );
  });

  test('refuses the wrong key, a leaf as CA and a malformed code', async () => {
    const root = await issue('ec-root', 'ca');
    const other = await issue('other-root', 'ca');
    await assert.rejects(
      signVerificationCertificate({
        caCertificatePem: root.certificatePem,
        caPrivateKeyPem: other.privateKeyPem,
        verificationCode: code,
      }),
      /does not match the CA certificate/,
    );
    const leaf = await issue('device-01', 'identity', root);
    await assert.rejects(
      signVerificationCertificate({
        caCertificatePem: leaf.certificatePem,
        caPrivateKeyPem: leaf.privateKeyPem,
        verificationCode: code,
      }),
      /not a CA certificate/,
    );
    await assert.rejects(
      signVerificationCertificate({
        caCertificatePem: root.certificatePem,
        caPrivateKeyPem: root.privateKeyPem,
        verificationCode: 'not a code!',
      }),
      /verification code/,
    );
  });

  test('refuses a CA that has expired or is not valid yet', async () => {
    const dayMs = 86_400_000;
    const expired = await issue('expired-root', 'ca', undefined, {
      notBefore: new Date(Date.now() - 40 * dayMs),
      validityDays: 10,
    });
    const future = await issue('future-root', 'ca', undefined, {
      notBefore: new Date(Date.now() + 2 * dayMs),
    });
    for (const [ca, message] of [
      [expired, /the CA certificate expired on .*would not verify/],
      [future, /the CA certificate is not valid until .*would not verify/],
    ] as const) {
      await assert.rejects(
        signVerificationCertificate({
          caCertificatePem: ca.certificatePem,
          caPrivateKeyPem: ca.privateKeyPem,
          verificationCode: code,
        }),
        message,
      );
    }
  });
});
