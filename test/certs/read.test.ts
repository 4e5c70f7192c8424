import {after, before, describe, test} from 'node:test';
import assert from 'node:assert/strict';
import {readFile, writeFile} from 'node:fs/promises';
import {join} from 'node:path';
import {
  maxFileBytes,
  parseCertificates,
  parsePrivateKey,
  readCertificateFile,
  readPrivateKeyFile,
} from '../../source/certs/read.js';
import {CertificateReadError} from '../../source/certs/read-errors.js';
import {openssl, temporaryFolder} from '../helpers/certs-openssl.js';

let folder: Awaited<ReturnType<typeof temporaryFolder>>;
const file = (name: string) => join(folder.path, name);

/** Runs openssl in the fixture folder and fails the setup loudly if it fails. */
async function run(...args: string[]) {
  const result = await openssl(args, folder.path);
  assert.equal(result.code, 0, `openssl ${args.join(' ')}: ${result.stderr}`);
}

before(async () => {
  folder = await temporaryFolder();
  await run(
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-keyout',
    'rsa.key',
    '-out',
    'rsa.pem',
    '-subj',
    '/CN=rsa-device',
  );
  await run(
    'req',
    '-x509',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:P-256',
    '-nodes',
    '-keyout',
    'ec.key',
    '-out',
    'ec.pem',
    '-subj',
    '/CN=ec-device',
  );
  await writeFile(
    file('both.pem'),
    Buffer.concat([await readFile(file('ec.pem')), await readFile(file('rsa.pem'))]),
  );
  await run('x509', '-in', 'ec.pem', '-outform', 'der', '-out', 'ec.cer');
  await writeFile(file('ec.b64.cer'), (await readFile(file('ec.cer'))).toString('base64'));
  await run('crl2pkcs7', '-nocrl', '-certfile', 'both.pem', '-outform', 'der', '-out', 'both.p7b');
  await run('crl2pkcs7', '-nocrl', '-certfile', 'both.pem', '-out', 'both.p7b.pem');
  await run(
    'pkcs12',
    '-export',
    '-in',
    'ec.pem',
    '-inkey',
    'ec.key',
    '-passout',
    'pass:secret',
    '-out',
    'ec.pfx',
  );
  await run(
    'pkcs12',
    '-export',
    '-in',
    'rsa.pem',
    '-inkey',
    'rsa.key',
    '-passout',
    'pass:',
    '-out',
    'rsa.pfx',
  );
  await run(
    'pkcs12',
    '-export',
    '-legacy',
    '-in',
    'rsa.pem',
    '-inkey',
    'rsa.key',
    '-passout',
    'pass:secret',
    '-out',
    'rsa-legacy.pfx',
  );
  await run('rsa', '-in', 'rsa.key', '-traditional', '-out', 'rsa.pkcs1.key');
  await run(
    'rsa',
    '-in',
    'rsa.key',
    '-traditional',
    '-aes256',
    '-passout',
    'pass:secret',
    '-out',
    'rsa.pkcs1-enc.key',
  );
  await run('ec', '-in', 'ec.key', '-out', 'ec.sec1.key');
  await run(
    'pkcs8',
    '-topk8',
    '-in',
    'ec.key',
    '-passout',
    'pass:secret',
    '-out',
    'ec.pkcs8-enc.key',
  );
  await run(
    'pkcs8',
    '-topk8',
    '-in',
    'ec.key',
    '-passout',
    'pass:secret',
    '-outform',
    'der',
    '-out',
    'ec.pkcs8-enc.der',
  );
  await run('req', '-new', '-key', 'ec.key', '-subj', '/CN=csr', '-out', 'ec.csr');
});
after(() => folder.cleanup());

async function readError(read: () => Promise<unknown>): Promise<CertificateReadError> {
  try {
    await read();
  } catch (error) {
    assert.ok(
      error instanceof CertificateReadError,
      `expected a CertificateReadError, got ${String(error)}`,
    );
    return error;
  }
  assert.fail('expected the read to fail');
}

describe('reading certificates: the content decides, not the file name', () => {
  test('PEM with one and with several certificates', async () => {
    const one = await readCertificateFile(file('ec.pem'));
    assert.equal(one.format, 'pem');
    assert.equal(one.certificates[0]?.subject, 'CN=ec-device');
    const both = await readCertificateFile(file('both.pem'));
    assert.equal(both.certificates.length, 2);
    assert.equal(both.containsPrivateKey, false);
  });

  test('PEM with Windows line endings, a byte-order mark and text around the blocks', async () => {
    const pem = await readFile(file('ec.pem'), 'utf8');
    const windows = `\ufeffSubject: CN=ec-device\r\n${pem.replace(/\n/g, '\r\n')}trailing notes\r\n`;
    const bundle = parseCertificates(Buffer.from(windows, 'utf8'));
    assert.equal(bundle.format, 'pem');
    assert.equal(bundle.certificates[0]?.subject, 'CN=ec-device');
  });

  test('DER .cer, and a .cer holding base64 DER without PEM headers', async () => {
    const der = await readCertificateFile(file('ec.cer'));
    assert.equal(der.format, 'der');
    assert.equal(der.certificates[0]?.subject, 'CN=ec-device');
    const base64 = await readCertificateFile(file('ec.b64.cer'));
    assert.equal(base64.format, 'base64-der');
    assert.equal(base64.certificates[0]?.fingerprint256, der.certificates[0]?.fingerprint256);
  });

  test('PKCS#7 .p7b in DER and PEM', async () => {
    for (const name of ['both.p7b', 'both.p7b.pem']) {
      const bundle = await readCertificateFile(file(name));
      assert.deepEqual(
        bundle.certificates.map((certificate) => certificate.subject),
        ['CN=ec-device', (await readCertificateFile(file('rsa.pem'))).certificates[0]!.subject],
        name,
      );
      assert.equal(bundle.format, 'pkcs7', name);
    }
  });

  test('PKCS#12 with a passphrase (EC key, AES), without one, and in the legacy RC2/3DES encryption', async () => {
    const ec = await readCertificateFile(file('ec.pfx'), {passphrase: 'secret'});
    assert.equal(ec.format, 'pkcs12');
    assert.equal(ec.certificates[0]?.subject, 'CN=ec-device');
    assert.equal(ec.containsPrivateKey, true);
    assert.ok(ec.certificates[0]!.checkPrivateKey(ec.privateKey!));
    const open = await readCertificateFile(file('rsa.pfx'));
    assert.equal(open.certificates.length, 1);
    const legacy = await readCertificateFile(file('rsa-legacy.pfx'), {passphrase: 'secret'});
    assert.equal(legacy.certificates[0]?.fingerprint256, open.certificates[0]?.fingerprint256);
  });

  test('PKCS#12 without or with the wrong passphrase says so', async () => {
    assert.equal(
      (await readError(() => readCertificateFile(file('ec.pfx')))).reason,
      'passphrase-required',
    );
    const wrong = await readError(() => readCertificateFile(file('ec.pfx'), {passphrase: 'nope'}));
    assert.equal(wrong.reason, 'wrong-passphrase');
    assert.doesNotMatch(wrong.message, /nope/);
  });

  test('a private key where a certificate is expected: "this is a private key"', async () => {
    for (const name of [
      'ec.key',
      'rsa.pkcs1.key',
      'ec.sec1.key',
      'ec.pkcs8-enc.key',
      'ec.pkcs8-enc.der',
    ]) {
      const error = await readError(() => readCertificateFile(file(name)));
      assert.equal(error.reason, 'private-key', name);
      assert.match(error.message, /this is a private key/, name);
      assert.doesNotMatch(error.message, /MII|BEGIN/, name);
    }
  });

  test('a certificate with its key in one PEM is read and flagged', async () => {
    const combined = Buffer.concat([
      await readFile(file('ec.pem')),
      await readFile(file('ec.key')),
    ]);
    const bundle = parseCertificates(combined);
    assert.equal(bundle.certificates.length, 1);
    assert.equal(bundle.containsPrivateKey, true);
  });

  test('empty, oversized, CSR, text and missing files get specific errors', async () => {
    assert.equal(
      (await readError(async () => parseCertificates(Buffer.from(' \n')))).reason,
      'empty',
    );
    const big = file('big.pem');
    await writeFile(big, Buffer.alloc(maxFileBytes + 1, 0x41));
    assert.equal((await readError(() => readCertificateFile(big))).reason, 'too-large');
    const csr = await readError(() => readCertificateFile(file('ec.csr')));
    assert.match(csr.message, /certificate signing request/);
    const text = await readError(async () => parseCertificates(Buffer.from('hello, world\n')));
    assert.equal(text.reason, 'no-certificate');
    assert.equal(
      (await readError(() => readCertificateFile(file('absent.pem')))).reason,
      'not-found',
    );
    assert.equal((await readError(() => readCertificateFile(folder.path))).reason, 'not-a-file');
    const pem = (await readFile(file('ec.pem'), 'utf8')).replace(
      /-----END CERTIFICATE-----\s*$/,
      '',
    );
    assert.equal(
      (await readError(async () => parseCertificates(Buffer.from(pem)))).reason,
      'no-certificate',
    );
  });
});

describe('reading private keys', () => {
  test('PKCS#8, PKCS#1 and SEC1 PEM, unencrypted', async () => {
    assert.equal((await readPrivateKeyFile(file('rsa.key'))).asymmetricKeyType, 'rsa');
    assert.equal((await readPrivateKeyFile(file('rsa.pkcs1.key'))).asymmetricKeyType, 'rsa');
    const sec1 = await readPrivateKeyFile(file('ec.sec1.key'));
    assert.equal(sec1.asymmetricKeyDetails?.namedCurve, 'prime256v1');
  });

  test('encrypted PKCS#8 (PEM and DER) and encrypted PKCS#1, with the passphrase', async () => {
    for (const name of ['ec.pkcs8-enc.key', 'ec.pkcs8-enc.der', 'rsa.pkcs1-enc.key']) {
      const key = await readPrivateKeyFile(file(name), {passphrase: 'secret'});
      assert.equal(key.type, 'private', name);
      assert.equal(
        (await readError(() => readPrivateKeyFile(file(name)))).reason,
        'passphrase-required',
        name,
      );
      const wrong = await readError(() => readPrivateKeyFile(file(name), {passphrase: 'wrong'}));
      assert.equal(wrong.reason, 'wrong-passphrase', name);
    }
  });

  test('the key inside a PKCS#12 file', async () => {
    const key = await readPrivateKeyFile(file('ec.pfx'), {passphrase: 'secret'});
    const certificate = (await readCertificateFile(file('ec.pem'))).certificates[0]!;
    assert.ok(certificate.checkPrivateKey(key));
  });

  test('a certificate where a key is expected is refused', async () => {
    for (const name of ['ec.pem', 'ec.cer', 'both.p7b']) {
      const error = await readError(() => readPrivateKeyFile(file(name)));
      assert.equal(error.reason, 'no-private-key', name);
      assert.match(error.message, /this is a certificate, not a private key/, name);
    }
    assert.equal(
      (await readError(async () => parsePrivateKey(Buffer.from('x')))).reason,
      'no-private-key',
    );
  });
});

describe('PEM blocks are found in one pass', () => {
  const unterminated = '-----BEGIN CERTIFICATE-----\n';
  /** `line` repeated to exactly `bytes` bytes (the last copy cut short). */
  const filled = (line: string, bytes: number) =>
    line.repeat(Math.ceil(bytes / line.length)).slice(0, bytes);

  test('a 1 MB file of BEGIN CERTIFICATE lines that never end gets the clear error', () => {
    const text = filled(unterminated, maxFileBytes);
    assert.equal(Buffer.byteLength(text), maxFileBytes);
    assert.throws(
      () => parseCertificates(Buffer.from(text)),
      (error: unknown) =>
        error instanceof CertificateReadError &&
        error.reason === 'no-certificate' &&
        /the PEM block is not complete \(missing its -----END line\?\)/.test(error.message),
    );
  });

  test('1 MB of unterminated BEGIN lines before a certificate: the first BEGIN runs to its END', async () => {
    const pem = await readFile(file('rsa.pem'), 'utf8');
    const text = filled(unterminated, maxFileBytes - pem.length - 1) + '\n' + pem;
    assert.equal(Buffer.byteLength(text), maxFileBytes);
    assert.throws(
      () => parseCertificates(Buffer.from(text)),
      (error: unknown) =>
        error instanceof CertificateReadError &&
        error.reason === 'malformed' &&
        error.message ===
          'PEM block 1 (CERTIFICATE) is not a valid certificate (damaged or truncated)',
    );
  });

  test('each BEGIN takes the first END of its own label; a BEGIN that never ends is skipped', async () => {
    const pem = await readFile(file('rsa.pem'), 'utf8');
    const body = pem.replace(/-----(BEGIN|END) CERTIFICATE-----/g, '').trim();
    const text = [
      '-----BEGIN PRIVATE KEY-----', // never ends: not a key
      'junk between blocks',
      '-----BEGIN CERTIFICATE REQUEST-----', // ends with another label: not a block
      '-----END CERTIFICATE-----',
      pem.trim(),
      '-----BEGIN CERTIFICATE-----',
      body,
      '-----END CERTIFICATE-----',
      '-----BEGIN lower case-----',
    ].join('\n');
    const bundle = parseCertificates(Buffer.from(text));
    assert.equal(bundle.format, 'pem');
    assert.equal(bundle.certificates.length, 2);
    assert.equal(bundle.containsPrivateKey, false);
  });
});
