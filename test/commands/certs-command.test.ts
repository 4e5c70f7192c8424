import {after, before, describe, test} from 'node:test';
import assert from 'node:assert/strict';
import {stat, writeFile} from 'node:fs/promises';
import {join} from 'node:path';
import {runCli} from '../helpers/run-cli.js';
import {openssl, temporaryFolder} from '../helpers/certs-openssl.js';

let folder: Awaited<ReturnType<typeof temporaryFolder>>;
const out = () => join(folder.path, 'chain');
const at = (relative: string) => join(out(), relative);

before(async () => {
  folder = await temporaryFolder();
});
after(() => folder.cleanup());

describe('dps-enroll certs', () => {
  test('usage errors exit with code 2', async () => {
    for (const args of [
      ['certs'],
      ['certs', 'frobnicate'],
      ['certs', 'inspect'],
      ['certs', 'inspect', 'a.pem', 'b.pem'],
      ['certs', 'check'],
      ['certs', 'check', '--identity', 'x.pem', '--bogus'],
      ['certs', 'create-chain'],
      ['certs', 'create-chain', '--out', 'x', '--key-type', 'dsa'],
      ['certs', 'create-chain', '--out', 'x', '--days', 'ten'],
      ['certs', 'verification', '--ca-cert', 'x.pem'],
    ]) {
      const result = await runCli(args);
      assert.equal(result.code, 2, `${args.join(' ')}: ${result.stderr}`);
      assert.match(result.stderr, /dps-enroll: /);
    }
  });

  test('create-chain writes the chain, refuses to overwrite it, and --force overwrites', async () => {
    const args = [
      'certs',
      'create-chain',
      '--out',
      out(),
      '--device',
      'edge-01',
      '--edge-ca',
      'edge-01',
    ];
    const created = await runCli([...args, '--key-type', 'ec', '--days', '60', '--json']);
    assert.equal(created.code, 0, created.stderr);
    const report = JSON.parse(created.stdout) as {
      ok: boolean;
      files: {path: string; kind: string}[];
    };
    assert.equal(report.ok, true);
    assert.equal(report.files.length, 11);
    for (const file of report.files.filter((entry) => entry.kind === 'private-key')) {
      assert.equal((await stat(file.path)).mode & 0o777, 0o600);
    }
    const verified = await openssl([
      'verify',
      '-CAfile',
      at('certs/azure-iot-test-only.root.ca.cert.pem'),
      '-untrusted',
      at('certs/azure-iot-test-only.intermediate.cert.pem'),
      at('certs/iot-edge-device-identity-edge-01.cert.pem'),
    ]);
    assert.equal(verified.code, 0, verified.stderr);

    const refused = await runCli([...args, '--key-type', 'ec']);
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /already exist.*--force/s);
    const forced = await runCli([...args, '--key-type', 'ec', '--force']);
    assert.equal(forced.code, 0, forced.stderr);
    assert.match(forced.stdout, /iot-edge-device-identity-edge-01\.cert\.pem/);
  });

  test('create-chain into a path that is a file says so plainly and writes nothing', async () => {
    const blocker = join(folder.path, 'not-a-folder');
    await writeFile(blocker, 'a file');
    const result = await runCli(['certs', 'create-chain', '--out', blocker, '--key-type', 'ec']);
    assert.equal(result.code, 1);
    assert.match(result.stderr, /a file is in the way/);
    assert.match(result.stderr, /choose another --out folder/);
    assert.doesNotMatch(result.stderr, /ENOTDIR|\n\s+at /);
  });

  test('inspect reads a DER .cer and prints both thumbprints; --json is parseable', async () => {
    const der = join(folder.path, 'device.cer');
    const converted = await openssl([
      'x509',
      '-in',
      at('certs/iot-edge-device-identity-edge-01.cert.pem'),
      '-outform',
      'der',
      '-out',
      der,
    ]);
    assert.equal(converted.code, 0, converted.stderr);
    const plain = await runCli(['certs', 'inspect', der]);
    assert.equal(plain.code, 0, plain.stderr);
    assert.match(plain.stdout, /\(DER\)/);
    assert.match(plain.stdout, /Thumbprint SHA-1: +[0-9A-F]{40}\n/);
    assert.match(plain.stdout, /Thumbprint SHA-256: [0-9A-F]{64}\n/);
    const json = await runCli(['certs', 'inspect', der, '--json']);
    const parsed = JSON.parse(json.stdout) as {
      format: string;
      certificates: {commonName: string}[];
    };
    assert.equal(parsed.format, 'der');
    assert.equal(parsed.certificates[0]?.commonName, 'edge-01');
  });

  test('inspect refuses a private key with exit code 1 and never prints it', async () => {
    const result = await runCli([
      'certs',
      'inspect',
      at('private/iot-edge-device-identity-edge-01.key.pem'),
    ]);
    assert.equal(result.code, 1);
    assert.match(result.stderr, /this is a private key/);
    assert.doesNotMatch(result.stdout + result.stderr, /BEGIN|MI[GHIJ][A-Za-z0-9+/]{40}/);
  });

  test('check passes the identity full chain with its key up to the root', async () => {
    const result = await runCli([
      'certs',
      'check',
      '--identity',
      at('certs/iot-edge-device-identity-edge-01-full-chain.cert.pem'),
      '--key',
      at('private/iot-edge-device-identity-edge-01.key.pem'),
      '--ca',
      at('certs/azure-iot-test-only.root.ca.cert.pem'),
      '--registration-id',
      'edge-01',
    ]);
    assert.equal(result.code, 0, result.stdout + result.stderr);
    assert.match(
      result.stdout,
      /the chain reaches the CA "azure-iot-test-only\.root\.ca" in 2 links/,
    );
    assert.match(result.stdout, /the private key matches the certificate/);
  });

  test('check reads a PKCS#12 identity with its chain and key, using the passphrase file', async () => {
    const passphraseFile = join(folder.path, 'pfx-passphrase');
    await writeFile(passphraseFile, 'pfx pass\n');
    const pfx = join(folder.path, 'identity.pfx');
    const exported = await openssl([
      'pkcs12',
      '-export',
      '-in',
      at('certs/iot-edge-device-identity-edge-01.cert.pem'),
      '-inkey',
      at('private/iot-edge-device-identity-edge-01.key.pem'),
      '-certfile',
      at('certs/azure-iot-test-only.intermediate-full-chain.cert.pem'),
      '-passout',
      'pass:pfx pass',
      '-out',
      pfx,
    ]);
    assert.equal(exported.code, 0, exported.stderr);
    const args = ['certs', 'check', '--identity', pfx, '--json'];
    const result = await runCli([...args, '--passphrase-file', passphraseFile]);
    assert.equal(result.code, 0, result.stdout + result.stderr);
    const report = JSON.parse(result.stdout) as {
      identity: {commonName: string};
      findings: {code: string}[];
    };
    assert.equal(report.identity.commonName, 'edge-01');
    const codes = report.findings.map((finding) => finding.code);
    assert.ok(codes.includes('key-matches'), codes.join());
    assert.ok(codes.includes('chain-reaches-root'), codes.join());
    const withoutPassphrase = await runCli(args);
    assert.equal(withoutPassphrase.code, 1);
    assert.equal(
      (JSON.parse(withoutPassphrase.stdout) as {error: {reason: string}}).error.reason,
      'passphrase-required',
    );
  });

  test('check fails the IoT Edge device CA as identity, with findings in JSON', async () => {
    const result = await runCli([
      'certs',
      'check',
      '--identity',
      at('certs/iot-edge-device-ca-edge-01-full-chain.cert.pem'),
      '--key',
      at('private/iot-edge-device-identity-edge-01.key.pem'),
      '--json',
    ]);
    assert.equal(result.code, 1);
    const report = JSON.parse(result.stdout) as {ok: boolean; findings: {code: string}[]};
    assert.equal(report.ok, false);
    const codes = report.findings.map((finding) => finding.code);
    assert.ok(codes.includes('identity-is-ca'), codes.join());
    assert.ok(codes.includes('key-mismatch'), codes.join());
    assert.ok(codes.includes('chain-reaches-root'), codes.join());
  });

  test('verification signs with an encrypted intermediate key read from a passphrase file', async () => {
    const passphraseFile = join(folder.path, 'passphrase');
    await writeFile(passphraseFile, 'correct horse\n');
    const encryptedKey = join(folder.path, 'intermediate.enc.key');
    const encrypted = await openssl([
      'pkcs8',
      '-topk8',
      '-in',
      at('private/azure-iot-test-only.intermediate.key.pem'),
      '-passout',
      'pass:correct horse',
      '-out',
      encryptedKey,
    ]);
    assert.equal(encrypted.code, 0, encrypted.stderr);
    const verificationOut = join(folder.path, 'verification');
    const args = [
      'certs',
      'verification',
      '--ca-cert',
      at('certs/azure-iot-test-only.intermediate-full-chain.cert.pem'),
      '--ca-key',
      encryptedKey,
      '--code',
      'C0FFEE0123456789',
      '--out',
      verificationOut,
    ];
    const missingPassphrase = await runCli(args);
    assert.equal(missingPassphrase.code, 1);
    assert.match(missingPassphrase.stderr, /encrypted/);

    const result = await runCli([...args, '--passphrase-file', passphraseFile, '--json']);
    assert.equal(result.code, 0, result.stderr);
    const report = JSON.parse(result.stdout) as {
      certificate: string;
      privateKey: string;
      summary: {commonName: string; issuer: string};
    };
    assert.equal(report.summary.commonName, 'C0FFEE0123456789');
    assert.equal(report.summary.issuer, 'CN=azure-iot-test-only.intermediate.ca');
    assert.equal(
      report.certificate,
      join(verificationOut, 'certs/iot-device-verification-code.cert.pem'),
    );
    assert.equal((await stat(report.privateKey)).mode & 0o777, 0o600);
    assert.doesNotMatch(result.stdout + result.stderr, /correct horse/);
    const verified = await openssl([
      'verify',
      '-partial_chain',
      '-CAfile',
      at('certs/azure-iot-test-only.intermediate.cert.pem'),
      report.certificate,
    ]);
    assert.equal(verified.code, 0, verified.stderr);
  });
});
