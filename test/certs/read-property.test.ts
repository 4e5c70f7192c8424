import {before, describe, test} from 'node:test';
import assert from 'node:assert/strict';
import {readFile, writeFile} from 'node:fs/promises';
import {join} from 'node:path';
import fc from 'fast-check';
import {parseCertificates, parsePrivateKey} from '../../source/certs/read.js';
import {CertificateReadError} from '../../source/certs/read-errors.js';
import {summarizeCertificate} from '../../source/certs/inspect.js';
import {
  checkCaCertificate,
  checkChain,
  checkIdentityCertificate,
} from '../../source/certs/check.js';
import {openssl, temporaryFolder} from '../helpers/certs-openssl.js';
import {ecChain} from '../helpers/test-certificates.js';

const passphrases = fc.constantFrom(undefined, 'secret', '');
const samples: Record<string, Buffer> = {};

before(async () => {
  const folder = await temporaryFolder();
  try {
    const {root, intermediate, leaf} = await ecChain();
    const chainPem = leaf.certificatePem + intermediate.certificatePem + root.certificatePem;
    await writeFile(join(folder.path, 'chain.pem'), chainPem);
    await writeFile(join(folder.path, 'leaf.key'), leaf.privateKeyPem);
    await writeFile(join(folder.path, 'ca.pem'), intermediate.certificatePem);
    const steps = [
      ['x509', '-in', 'chain.pem', '-outform', 'der', '-out', 'leaf.der'],
      ['x509', '-in', 'ca.pem', '-outform', 'der', '-out', 'ca.der'],
      ['crl2pkcs7', '-nocrl', '-certfile', 'chain.pem', '-outform', 'der', '-out', 'chain.p7b'],
      [
        'pkcs12',
        '-export',
        '-in',
        'chain.pem',
        '-inkey',
        'leaf.key',
        '-passout',
        'pass:secret',
        '-out',
        'leaf.pfx',
      ],
      ['pkcs8', '-topk8', '-in', 'leaf.key', '-passout', 'pass:secret', '-out', 'leaf-enc.key'],
      ['ec', '-in', 'leaf.key', '-out', 'leaf-sec1.key'],
    ];
    for (const args of steps) {
      const result = await openssl(args, folder.path);
      assert.equal(result.code, 0, result.stderr);
    }
    for (const name of [
      'ca.der',
      'chain.pem',
      'leaf.key',
      'leaf.der',
      'chain.p7b',
      'leaf.pfx',
      'leaf-enc.key',
      'leaf-sec1.key',
    ]) {
      samples[name] = await readFile(join(folder.path, name));
    }
  } finally {
    await folder.cleanup();
  }
});

/** Every reader either returns a result or throws a CertificateReadError; whatever it returns can be inspected. */
function assertReadersAreTotal(bytes: Uint8Array, passphrase: string | undefined) {
  try {
    const bundle = parseCertificates(bytes, {passphrase});
    assert.ok(bundle.certificates.length > 0);
    for (const certificate of bundle.certificates) {
      assert.equal(typeof summarizeCertificate(certificate).thumbprintSha256, 'string');
      checkIdentityCertificate(certificate);
      checkCaCertificate(certificate);
    }
    checkChain(bundle.certificates[0]!, bundle.certificates.slice(1));
  } catch (error) {
    if (!(error instanceof CertificateReadError)) throw error;
  }
  try {
    assert.equal(parsePrivateKey(bytes, {passphrase}).type, 'private');
  } catch (error) {
    if (!(error instanceof CertificateReadError)) throw error;
  }
}

const sampleName = fc.constantFrom(
  'chain.pem',
  'leaf.key',
  'leaf.der',
  'chain.p7b',
  'leaf.pfx',
  'leaf-enc.key',
  'leaf-sec1.key',
);

describe('readers never crash, whatever the input', () => {
  test('random bytes', () => {
    fc.assert(fc.property(fc.uint8Array({maxLength: 4096}), passphrases, assertReadersAreTotal), {
      numRuns: 400,
    });
  });

  test('random text inside PEM armour, and random DER-looking sequences', () => {
    const label = fc.constantFrom(
      'CERTIFICATE',
      'PKCS7',
      'PRIVATE KEY',
      'ENCRYPTED PRIVATE KEY',
      'RSA PRIVATE KEY',
      'EC PRIVATE KEY',
      'CERTIFICATE REQUEST',
    );
    const armoured = fc
      .tuple(label, fc.uint8Array({maxLength: 1024}))
      .map(([name, body]) =>
        Buffer.from(
          `-----BEGIN ${name}-----\n${Buffer.from(body).toString('base64')}\n-----END ${name}-----\n`,
        ),
      );
    const derLike = fc
      .uint8Array({minLength: 2, maxLength: 1024})
      .map((body) =>
        Buffer.concat([Buffer.from([0x30, 0x82, body.length >> 8, body.length & 0xff]), body]),
      );
    fc.assert(fc.property(fc.oneof(armoured, derLike), passphrases, assertReadersAreTotal), {
      numRuns: 400,
    });
  });

  test('truncated real files (PEM chain, DER, PKCS#7, PKCS#12, keys)', () => {
    fc.assert(
      fc.property(
        sampleName,
        fc.double({min: 0, max: 1, noNaN: true}),
        passphrases,
        (name, fraction, pass) => {
          const sample = samples[name]!;
          assertReadersAreTotal(sample.subarray(0, Math.floor(sample.length * fraction)), pass);
        },
      ),
      {numRuns: 400},
    );
  });

  test('real files with random bytes changed', () => {
    fc.assert(
      fc.property(
        sampleName,
        fc.array(
          fc.tuple(
            fc.double({min: 0, max: 1, noNaN: true, maxExcluded: true}),
            fc.integer({min: 0, max: 255}),
          ),
          {
            minLength: 1,
            maxLength: 8,
          },
        ),
        passphrases,
        (name, edits, pass) => {
          const mutated = Buffer.from(samples[name]!);
          for (const [where, value] of edits) mutated[Math.floor(where * mutated.length)] = value;
          assertReadersAreTotal(mutated, pass);
        },
      ),
      {numRuns: 600},
    );
  });

  test('DER certificates with each single byte replaced (damaged dates and keys included)', () => {
    for (const der of [samples['leaf.der']!, samples['ca.der']!]) {
      for (let index = 0; index < der.length; index += 1) {
        for (const value of [0x00, 0xff, 0x05]) {
          const mutated = Buffer.from(der);
          mutated[index] = value;
          assertReadersAreTotal(mutated, undefined);
        }
      }
    }
  });

  test('the unmodified samples read back (so the properties above start from valid files)', () => {
    assert.equal(parseCertificates(samples['chain.pem']!).certificates.length, 3);
    assert.equal(parseCertificates(samples['chain.p7b']!).certificates.length, 3);
    assert.equal(
      parseCertificates(samples['leaf.pfx']!, {passphrase: 'secret'}).certificates.length,
      3,
    );
    assert.equal(parsePrivateKey(samples['leaf-enc.key']!, {passphrase: 'secret'}).type, 'private');
  });
});
