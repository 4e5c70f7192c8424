import {test} from 'node:test';
import assert from 'node:assert/strict';
import {X509Certificate, createPrivateKey} from 'node:crypto';
import type {AddressInfo} from 'node:net';
import tls from 'node:tls';
import {generatePrivateKey} from '../../source/certs/key-pairs.js';
import {issueCertificate} from '../../source/certs/issue.js';
import {signVerificationCertificate} from '../../source/certs/verification.js';
import {openssl, temporaryFolder, writePems} from '../helpers/certs-openssl.js';

test('generatePrivateKey returns unencrypted PKCS#8 PEM of the requested type', async () => {
  const [rsa, ec] = await Promise.all([
    generatePrivateKey('rsa-2048'),
    generatePrivateKey('ec-p256'),
  ]);
  assert.match(rsa, /^-----BEGIN PRIVATE KEY-----/);
  assert.equal(createPrivateKey(rsa).asymmetricKeyDetails?.modulusLength, 2048);
  assert.equal(createPrivateKey(ec).asymmetricKeyDetails?.namedCurve, 'prime256v1');
});

test('generatePrivateKey does not block the event loop while it works', async () => {
  let turned = false;
  setImmediate(() => {
    turned = true;
  });
  await generatePrivateKey('rsa-4096');
  assert.equal(turned, true, 'the event loop ran while the key was generated');
});

test('an EC root signs an RSA identity certificate that openssl verifies with the expected extensions', async () => {
  const [rootKey, leafKey] = await Promise.all([
    generatePrivateKey('ec-p256'),
    generatePrivateKey('rsa-2048'),
  ]);
  const root = await issueCertificate({
    subject: 'azure-iot-test-only.root.ca',
    subjectKeyPem: rootKey,
    profile: 'ca',
    validityDays: 30,
  });
  const leaf = await issueCertificate({
    subject: 'device-01',
    subjectKeyPem: leafKey,
    issuer: {certificatePem: root, privateKeyPem: rootKey},
    profile: 'identity',
    validityDays: 10,
  });
  const parsed = new X509Certificate(leaf);
  assert.equal(parsed.subject, 'CN=device-01');
  assert.equal(parsed.issuer, 'CN=azure-iot-test-only.root.ca');
  assert.ok(parsed.checkPrivateKey(createPrivateKey(leafKey)));
  assert.ok(Date.parse(parsed.validFrom) < Date.now());

  const folder = await temporaryFolder();
  try {
    const paths = await writePems(folder.path, {'root.pem': root, 'leaf.pem': leaf});
    const verified = await openssl(['verify', '-CAfile', paths['root.pem']!, paths['leaf.pem']!]);
    assert.equal(verified.code, 0, verified.stderr);
    const text = (await openssl(['x509', '-noout', '-text', '-in', paths['leaf.pem']!])).stdout;
    assert.match(text, /CA:FALSE/);
    assert.match(text, /Digital Signature, Key Encipherment/);
    assert.match(text, /TLS Web Client Authentication/);
    const rootText = (await openssl(['x509', '-noout', '-text', '-in', paths['root.pem']!])).stdout;
    assert.match(rootText, /Basic Constraints: critical\s+CA:TRUE/);
    assert.match(rootText, /Digital Signature, Certificate Sign, CRL Sign/);
  } finally {
    await folder.cleanup();
  }
});

test('signVerificationCertificate issues CN=<code> that verifies against an RSA CA', async () => {
  const caInput = await generatePrivateKey('rsa-2048');
  const ca = await issueCertificate({
    subject: 'rsa-root',
    subjectKeyPem: caInput,
    profile: 'ca',
    validityDays: 5,
  });
  const code = '5A2C0B5E6DE3F4C3B0A8E76E2D0C1E2F3A4B5C6D7E8F9A0B';
  const result = await signVerificationCertificate({
    caCertificatePem: ca,
    caPrivateKeyPem: caInput,
    verificationCode: code,
  });
  const issued = new X509Certificate(result.certificatePem);
  assert.equal(issued.subject, `CN=${code}`);
  assert.ok(issued.verify(new X509Certificate(ca).publicKey));

  const otherKey = await generatePrivateKey('rsa-2048');
  await assert.rejects(
    signVerificationCertificate({
      caCertificatePem: ca,
      caPrivateKeyPem: otherKey,
      verificationCode: code,
    }),
    /does not match the CA certificate/,
  );
});

test('server and identity certificates work for TLS on 127.0.0.1 with client authentication', async () => {
  const [caInput, serverKey, clientKey] = await Promise.all([
    generatePrivateKey('ec-p256'),
    generatePrivateKey('ec-p256'),
    generatePrivateKey('rsa-2048'),
  ]);
  const ca = await issueCertificate({
    subject: 'sandbox-ca',
    subjectKeyPem: caInput,
    profile: 'ca',
    validityDays: 2,
  });
  const issuer = {certificatePem: ca, privateKeyPem: caInput};
  const serverCert = await issueCertificate({
    subject: 'localhost',
    subjectKeyPem: serverKey,
    issuer,
    profile: 'server',
    validityDays: 2,
    subjectAltNames: {dns: ['localhost'], ip: ['127.0.0.1']},
  });
  const clientCert = await issueCertificate({
    subject: 'device-01',
    subjectKeyPem: clientKey,
    issuer,
    profile: 'identity',
    validityDays: 2,
  });
  assert.equal(
    new X509Certificate(serverCert).subjectAltName,
    'DNS:localhost, IP Address:127.0.0.1',
  );

  const server = tls.createServer(
    {key: serverKey, cert: serverCert, ca, requestCert: true, rejectUnauthorized: true},
    (socket) => socket.end(`hello ${socket.getPeerX509Certificate()?.subject ?? '?'}`),
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    const {port} = server.address() as AddressInfo;
    const reply = await new Promise<string>((resolve, reject) => {
      const socket = tls.connect(
        {host: '127.0.0.1', port, ca, key: clientKey, cert: clientCert},
        () => {
          let data = '';
          socket.on('data', (chunk: Buffer) => (data += chunk.toString()));
          socket.on('end', () => resolve(data));
        },
      );
      socket.on('error', reject);
    });
    assert.equal(reply, 'hello CN=device-01');
  } finally {
    server.close();
  }
});

test('path length on CA certificates, and refusals of bad requests', async () => {
  const key = await generatePrivateKey('ec-p256');
  const ca = await issueCertificate({
    subject: 'limited-ca',
    subjectKeyPem: key,
    profile: 'ca',
    validityDays: 1,
    pathLength: 0,
  });
  const folder = await temporaryFolder();
  try {
    const paths = await writePems(folder.path, {'ca.pem': ca});
    const text = (await openssl(['x509', '-noout', '-text', '-in', paths['ca.pem']!])).stdout;
    assert.match(text, /CA:TRUE, pathlen:0/);
  } finally {
    await folder.cleanup();
  }
  const base = {subject: 'x', subjectKeyPem: key, validityDays: 1} as const;
  await assert.rejects(
    issueCertificate({...base, profile: 'identity', pathLength: 1}),
    /CA certificates only/,
  );
  await assert.rejects(
    issueCertificate({...base, profile: 'ca', validityDays: 0}),
    /positive number of days/,
  );
  await assert.rejects(
    issueCertificate({...base, profile: 'server', subjectAltNames: {ip: ['not-an-ip']}}),
    /"not-an-ip" is not an IP address/,
  );
  const otherKey = await generatePrivateKey('ec-p256');
  await assert.rejects(
    issueCertificate({
      ...base,
      profile: 'identity',
      issuer: {certificatePem: ca, privateKeyPem: otherKey},
    }),
    /does not match the issuer's certificate/,
  );
});
