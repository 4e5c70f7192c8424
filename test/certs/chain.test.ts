import {describe, test} from 'node:test';
import assert from 'node:assert/strict';
import {X509Certificate, createPrivateKey} from 'node:crypto';
import {chmod, readFile, stat, writeFile} from 'node:fs/promises';
import {join} from 'node:path';
import {chainPaths, createTestChain, FilesExistError} from '../../source/certs/test-chain.js';
import {readPrivateKeyFile} from '../../source/certs/read.js';
import {openssl, temporaryFolder} from '../helpers/certs-openssl.js';

async function text(path: string) {
  return (await openssl(['x509', '-noout', '-text', '-in', path])).stdout;
}

async function verify(out: string, leaf: string) {
  return openssl([
    'verify',
    '-CAfile',
    join(out, chainPaths.rootCertificate),
    '-untrusted',
    join(out, chainPaths.intermediateCertificate),
    join(out, leaf),
  ]);
}

/** Checks the files of a generated chain with openssl and Node; returns nothing, fails on any difference. */
async function assertChain(
  out: string,
  device: string,
  edgeCa: string | undefined,
  curve: string | undefined,
) {
  for (const leaf of [chainPaths.deviceCertificate(device), chainPaths.intermediateCertificate]) {
    const result = await verify(out, leaf);
    assert.equal(result.code, 0, result.stderr);
  }
  const fullChain = await openssl([
    'verify',
    '-CAfile',
    join(out, chainPaths.rootCertificate),
    '-untrusted',
    join(out, chainPaths.deviceFullChain(device)),
    join(out, chainPaths.deviceFullChain(device)),
  ]);
  assert.equal(fullChain.code, 0, fullChain.stderr);
  const chainCount = (await readFile(join(out, chainPaths.deviceFullChain(device)), 'utf8')).match(
    /BEGIN CERTIFICATE/g,
  )?.length;
  assert.equal(chainCount, 3);

  const root = await text(join(out, chainPaths.rootCertificate));
  const intermediate = await text(join(out, chainPaths.intermediateCertificate));
  for (const ca of [root, intermediate]) {
    assert.match(ca, /X509v3 Basic Constraints: critical\s+CA:TRUE/);
    assert.match(ca, /X509v3 Key Usage: critical\s+Digital Signature, Certificate Sign, CRL Sign/);
  }
  assert.match(root, /Subject: CN ?= ?azure-iot-test-only\.root\.ca/);
  assert.match(intermediate, /Issuer: CN ?= ?azure-iot-test-only\.root\.ca/);

  const identity = await text(join(out, chainPaths.deviceCertificate(device)));
  assert.match(identity, new RegExp(`Subject: CN ?= ?${device}\\n`));
  assert.match(identity, /X509v3 Basic Constraints: \n\s+CA:FALSE/);
  assert.match(identity, /X509v3 Key Usage: critical\s+Digital Signature, Key Encipherment/);
  assert.match(identity, /X509v3 Extended Key Usage: \n\s+TLS Web Client Authentication\n/);
  assert.match(identity, /X509v3 Authority Key Identifier/);
  assert.match(identity, /Signature Algorithm: (sha256WithRSAEncryption|ecdsa-with-SHA256)/);
  if (curve) {
    for (const pem of [root, intermediate, identity])
      assert.match(pem, new RegExp(`NIST CURVE: ${curve}`));
  }

  if (edgeCa) {
    const result = await verify(out, chainPaths.edgeCaCertificate(edgeCa));
    assert.equal(result.code, 0, result.stderr);
    const edge = await text(join(out, chainPaths.edgeCaCertificate(edgeCa)));
    assert.match(edge, new RegExp(`Subject: CN ?= ?${edgeCa}\\.ca\\n`));
    assert.match(edge, /CA:TRUE/);
  }
}

describe('create-chain', () => {
  test('RSA (default): 4096-bit CAs, 2048-bit leaves, certGen names, extensions and 0600 keys', async () => {
    const folder = await temporaryFolder();
    try {
      const written = await createTestChain({
        outDir: folder.path,
        devices: ['edge-01'],
        edgeCas: ['edge-01'],
        days: 10,
      });
      assert.equal(written.length, 11);
      await assertChain(folder.path, 'edge-01', 'edge-01', undefined);
      const rootKey = createPrivateKey(await readFile(join(folder.path, chainPaths.rootKey)));
      assert.equal(rootKey.asymmetricKeyDetails?.modulusLength, 4096);
      const leafKey = createPrivateKey(
        await readFile(join(folder.path, chainPaths.deviceKey('edge-01'))),
      );
      assert.equal(leafKey.asymmetricKeyDetails?.modulusLength, 2048);
      const leaf = new X509Certificate(
        await readFile(join(folder.path, chainPaths.deviceCertificate('edge-01'))),
      );
      assert.ok(leaf.checkPrivateKey(leafKey));
      const days = (Date.parse(leaf.validTo) - Date.parse(leaf.validFrom)) / 86_400_000;
      assert.equal(days, 10);
      for (const file of written) {
        const mode = (await stat(file.path)).mode & 0o777;
        assert.equal(mode, file.kind === 'private-key' ? 0o600 : 0o644, file.path);
      }
    } finally {
      await folder.cleanup();
    }
  });

  test('EC: P-256 (prime256v1) throughout, never secp256k1', async () => {
    const folder = await temporaryFolder();
    try {
      await createTestChain({outDir: folder.path, devices: ['dev-a', 'dev-b'], keyType: 'ec'});
      await assertChain(folder.path, 'dev-a', undefined, 'P-256');
      await assertChain(folder.path, 'dev-b', undefined, 'P-256');
    } finally {
      await folder.cleanup();
    }
  });

  test('refuses to overwrite existing files without force, and writes nothing', async () => {
    const folder = await temporaryFolder();
    try {
      await createTestChain({outDir: folder.path, devices: ['dev-a'], keyType: 'ec'});
      const rootPath = join(folder.path, chainPaths.rootCertificate);
      const before = await readFile(rootPath, 'utf8');
      await assert.rejects(
        createTestChain({outDir: folder.path, devices: ['dev-b'], keyType: 'ec'}),
        (error: unknown) => error instanceof FilesExistError && error.paths.includes(rootPath),
      );
      assert.equal(await readFile(rootPath, 'utf8'), before);
      await assert.rejects(
        stat(join(folder.path, chainPaths.deviceCertificate('dev-b'))),
        /ENOENT/,
      );

      const keyPath = join(folder.path, chainPaths.rootKey);
      await chmod(keyPath, 0o644);
      await writeFile(join(folder.path, 'certs', 'notes.txt'), 'keep me');
      await createTestChain({outDir: folder.path, devices: ['dev-a'], keyType: 'ec', force: true});
      assert.notEqual(await readFile(rootPath, 'utf8'), before);
      assert.equal((await stat(keyPath)).mode & 0o777, 0o600);
      assert.equal(await readFile(join(folder.path, 'certs', 'notes.txt'), 'utf8'), 'keep me');
    } finally {
      await folder.cleanup();
    }
  });

  test('a file where the folder should be is refused before any key is made', async () => {
    const {path: folder, cleanup} = await temporaryFolder();
    try {
      await writeFile(join(folder, 'not-a-folder'), 'x');
      const progress: string[] = [];
      for (const outDir of [join(folder, 'not-a-folder'), join(folder, 'not-a-folder', 'chain')]) {
        await assert.rejects(
          createTestChain({
            outDir,
            devices: ['d1'],
            keyType: 'ec',
            onProgress: ({stage}) => progress.push(stage),
          }),
          /a file is in the way/,
        );
      }
      assert.deepEqual(progress, [], 'no key was made');
      // A folder that does not exist yet is made.
      const made = await createTestChain({
        outDir: join(folder, 'new', 'chain'),
        devices: ['d1'],
        keyType: 'ec',
      });
      assert.ok(made.length > 0);
    } finally {
      await cleanup();
    }
  });

  test('keys can be written encrypted with a passphrase', async () => {
    const folder = await temporaryFolder();
    try {
      await createTestChain({
        outDir: folder.path,
        devices: ['dev-a'],
        keyType: 'ec',
        passphrase: 'pw 1',
      });
      const path = join(folder.path, chainPaths.deviceKey('dev-a'));
      assert.match(await readFile(path, 'utf8'), /BEGIN ENCRYPTED PRIVATE KEY/);
      const key = await readPrivateKeyFile(path, {passphrase: 'pw 1'});
      const leaf = new X509Certificate(
        await readFile(join(folder.path, chainPaths.deviceCertificate('dev-a'))),
      );
      assert.ok(leaf.checkPrivateKey(key));
      const decrypted = await openssl(['pkey', '-in', path, '-passin', 'pass:pw 1', '-noout']);
      assert.equal(decrypted.code, 0, decrypted.stderr);
    } finally {
      await folder.cleanup();
    }
  });

  test('device names that are not valid registration IDs or file names are refused', async () => {
    const folder = await temporaryFolder();
    try {
      for (const name of ['../evil', 'a b', '', 'x'.repeat(65), 'a:b']) {
        await assert.rejects(
          createTestChain({outDir: folder.path, devices: [name], keyType: 'ec'}),
          /device name/,
          name,
        );
      }
      await assert.rejects(stat(join(folder.path, 'certs')), /ENOENT/);
    } finally {
      await folder.cleanup();
    }
  });
});
