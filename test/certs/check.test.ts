import {after, before, describe, test} from 'node:test';
import assert from 'node:assert/strict';
import {X509Certificate, createPrivateKey} from 'node:crypto';
import {readFile} from 'node:fs/promises';
import {join} from 'node:path';
import {
  checkCaCertificate,
  checkChain,
  checkIdentityCertificate,
  checkKeyMatches,
  checkRegistrationId,
} from '../../source/certs/check.js';
import {hasErrors, type Finding} from '../../source/certs/findings.js';
import {summarizeCertificate} from '../../source/certs/inspect.js';
import {ecChain, issue, type Issued} from '../helpers/test-certificates.js';
import {openssl, temporaryFolder} from '../helpers/certs-openssl.js';

const codes = (findings: Finding[]) => findings.map((finding) => finding.code);
const certificate = (issued: Issued) => new X509Certificate(issued.certificatePem);
const dayMs = 24 * 60 * 60 * 1000;

let chain: Awaited<ReturnType<typeof ecChain>>;
let folder: Awaited<ReturnType<typeof temporaryFolder>>;

/** A self-signed certificate made by the openssl CLI with the given extra arguments. */
async function opensslCertificate(name: string, ...args: string[]): Promise<X509Certificate> {
  const result = await openssl(
    [
      'req',
      '-x509',
      '-nodes',
      '-days',
      '365',
      '-keyout',
      `${name}.key`,
      '-out',
      `${name}.pem`,
      ...args,
    ],
    folder.path,
  );
  assert.equal(result.code, 0, result.stderr);
  return new X509Certificate(await readFile(join(folder.path, `${name}.pem`)));
}

before(async () => {
  chain = await ecChain('device-01');
  folder = await temporaryFolder();
});
after(() => folder.cleanup());

describe('registration IDs (the CN of an X.509 identity)', () => {
  test('valid IDs pass, and upper case only warns', () => {
    assert.deepEqual(checkRegistrationId('device-01'), []);
    assert.deepEqual(checkRegistrationId('a.b_c:d-'), []);
    assert.deepEqual(codes(checkRegistrationId('Device-01')), ['registration-id-upper-case']);
    assert.equal(hasErrors(checkRegistrationId('Device-01')), false);
  });

  test('bad characters, bad first or last character, over 64 characters and empty are errors', () => {
    assert.deepEqual(codes(checkRegistrationId('device 01')), ['registration-id-characters']);
    assert.match(checkRegistrationId('dev/ice#')[0]!.message, /'\/', '#'/);
    assert.deepEqual(codes(checkRegistrationId('-device')), ['registration-id-edges']);
    assert.deepEqual(codes(checkRegistrationId('device.')), ['registration-id-edges']);
    assert.deepEqual(codes(checkRegistrationId('d'.repeat(65))), ['registration-id-too-long']);
    assert.deepEqual(checkRegistrationId('d'.repeat(64)), []);
    assert.deepEqual(codes(checkRegistrationId('')), ['registration-id-empty']);
  });
});

describe('identity certificates', () => {
  test('a good identity certificate has no findings', () => {
    assert.deepEqual(checkIdentityCertificate(certificate(chain.leaf)), []);
    assert.deepEqual(
      checkIdentityCertificate(certificate(chain.leaf), {registrationId: 'DEVICE-01'}),
      [],
    );
  });

  test('a CA (such as the IoT Edge device CA) used as the identity certificate is an error', () => {
    const findings = checkIdentityCertificate(certificate(chain.intermediate));
    assert.ok(codes(findings).includes('identity-is-ca'));
    assert.ok(hasErrors(findings));
  });

  test('a registration ID that is not the CN is an error naming both', () => {
    const [finding] = checkIdentityCertificate(certificate(chain.leaf), {
      registrationId: 'device-02',
    });
    assert.equal(finding?.code, 'registration-id-mismatch');
    assert.match(finding!.message, /device-02.*device-01/);
  });

  test('expired, not yet valid and expiring within 30 days', async () => {
    const expired = await issue('old', 'identity', chain.intermediate, {
      notBefore: new Date(Date.now() - 40 * dayMs),
      validityDays: 10,
    });
    assert.ok(codes(checkIdentityCertificate(certificate(expired))).includes('expired'));
    const future = await issue('future', 'identity', chain.intermediate, {
      notBefore: new Date(Date.now() + 2 * dayMs),
    });
    assert.ok(codes(checkIdentityCertificate(certificate(future))).includes('not-yet-valid'));
    const soon = await issue('soon', 'identity', chain.intermediate, {validityDays: 10});
    const findings = checkIdentityCertificate(certificate(soon));
    assert.deepEqual(codes(findings), ['expires-soon']);
    assert.equal(findings[0]?.severity, 'warning');
    const now = new Date(Date.now() + 20 * dayMs);
    assert.deepEqual(codes(checkIdentityCertificate(certificate(soon), {now})), ['expired']);
  });

  test('EKU: absent warns, serverAuth only is an error (openssl-made certificates)', async () => {
    const noEku = await opensslCertificate(
      'no-eku',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:P-256',
      '-subj',
      '/CN=no-eku',
      '-addext',
      'basicConstraints=CA:FALSE',
    );
    const noEkuFindings = checkIdentityCertificate(noEku);
    assert.deepEqual(codes(noEkuFindings), ['identity-no-eku']);
    assert.equal(noEkuFindings[0]?.severity, 'warning');
    const server = await opensslCertificate(
      'server',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:P-256',
      '-subj',
      '/CN=server',
      '-addext',
      'basicConstraints=CA:FALSE',
      '-addext',
      'extendedKeyUsage=serverAuth',
      '-addext',
      'keyUsage=keyEncipherment',
    );
    assert.deepEqual(codes(checkIdentityCertificate(server)), [
      'identity-no-client-auth',
      'identity-no-digital-signature',
    ]);
  });

  test('no CN, an invalid CN, secp256k1 and small RSA keys are errors', async () => {
    const noCn = await opensslCertificate(
      'no-cn',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:P-256',
      '-subj',
      '/O=Contoso',
      '-addext',
      'basicConstraints=CA:FALSE',
      '-addext',
      'extendedKeyUsage=clientAuth',
    );
    assert.deepEqual(codes(checkIdentityCertificate(noCn)), ['identity-no-cn']);
    const spaced = await issue('my device', 'identity', chain.intermediate);
    assert.deepEqual(codes(checkIdentityCertificate(certificate(spaced))), [
      'registration-id-characters',
    ]);
    const k1 = await opensslCertificate(
      'k1',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:secp256k1',
      '-subj',
      '/CN=k1',
      '-addext',
      'basicConstraints=CA:FALSE',
      '-addext',
      'extendedKeyUsage=clientAuth',
    );
    assert.deepEqual(codes(checkIdentityCertificate(k1)), ['key-secp256k1']);
    const small = await opensslCertificate(
      'small',
      '-newkey',
      'rsa:1024',
      '-subj',
      '/CN=small',
      '-addext',
      'basicConstraints=CA:FALSE',
      '-addext',
      'extendedKeyUsage=clientAuth',
    );
    assert.deepEqual(codes(checkIdentityCertificate(small)), ['key-too-small']);
  });
});

describe('CA certificates and keys', () => {
  test('a CA passes; a leaf as CA and a CA without keyCertSign fail', async () => {
    assert.deepEqual(checkCaCertificate(certificate(chain.root)), []);
    assert.deepEqual(codes(checkCaCertificate(certificate(chain.leaf))), [
      'ca-not-ca',
      'ca-no-key-cert-sign',
    ]);
    const noSign = await opensslCertificate(
      'ca-no-sign',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:P-256',
      '-subj',
      '/CN=ca',
      '-addext',
      'basicConstraints=critical,CA:TRUE',
      '-addext',
      'keyUsage=critical,digitalSignature',
    );
    assert.deepEqual(codes(checkCaCertificate(noSign)), ['ca-no-key-cert-sign']);
  });

  test('key match and mismatch', () => {
    const leaf = certificate(chain.leaf);
    assert.deepEqual(codes(checkKeyMatches(leaf, createPrivateKey(chain.leaf.privateKeyPem))), [
      'key-matches',
    ]);
    const mismatch = checkKeyMatches(leaf, createPrivateKey(chain.root.privateKeyPem));
    assert.deepEqual(codes(mismatch), ['key-mismatch']);
    assert.equal(mismatch[0]?.severity, 'error');
  });
});

describe('chains, link by link', () => {
  test('leaf → intermediate → root verifies, to the root or to an enrolled intermediate', () => {
    const leaf = certificate(chain.leaf);
    const intermediate = certificate(chain.intermediate);
    const root = certificate(chain.root);
    const toRoot = checkChain(leaf, [intermediate], {trustAnchor: root});
    assert.deepEqual(codes(toRoot.findings), ['chain-reaches-ca']);
    assert.equal(toRoot.links.length, 2);
    assert.ok(toRoot.links.every((link) => link.ok));
    const toIntermediate = checkChain(leaf, [], {trustAnchor: intermediate});
    assert.deepEqual(codes(toIntermediate.findings), ['chain-reaches-ca']);
    assert.deepEqual(codes(checkChain(leaf, [intermediate, root]).findings), [
      'chain-reaches-root',
    ]);
  });

  test('a missing intermediate is named', () => {
    const result = checkChain(certificate(chain.leaf), [], {trustAnchor: certificate(chain.root)});
    assert.deepEqual(codes(result.findings), ['chain-incomplete']);
    assert.match(
      result.findings[0]!.message,
      /link 1: "device-01" was issued by "test-intermediate"/,
    );
  });

  test('a re-issued intermediate with the same name but another key breaks the signature link', async () => {
    const impostor = await issue('test-intermediate', 'ca', chain.root);
    const result = checkChain(certificate(chain.leaf), [certificate(impostor)], {
      trustAnchor: certificate(chain.root),
    });
    assert.deepEqual(codes(result.findings), ['chain-bad-signature']);
    assert.match(result.findings[0]!.message, /link 1/);
  });

  test('a chain under another root never reaches the enrolled CA', async () => {
    const other = await ecChain('device-01');
    const result = checkChain(
      certificate(chain.leaf),
      [certificate(chain.intermediate), certificate(chain.root)],
      {
        trustAnchor: certificate(other.root),
      },
    );
    assert.deepEqual(codes(result.findings), ['chain-misses-ca']);
  });

  test('a certificate signed by a leaf (not a CA) breaks at that link', async () => {
    const rogue = await issue('device-03', 'identity', chain.leaf);
    const result = checkChain(
      certificate(rogue),
      [certificate(chain.leaf), certificate(chain.intermediate)],
      {trustAnchor: certificate(chain.root)},
    );
    const finding = result.findings.find((f) => f.code === 'chain-issuer-not-ca');
    assert.equal(finding?.severity, 'error');
    assert.match(finding.message, /^link 1: "device-01" signed "device-03"/);
  });

  test('an expired intermediate is reported at its link', async () => {
    const old = await issue('old-intermediate', 'ca', chain.root, {
      notBefore: new Date(Date.now() - 40 * dayMs),
      validityDays: 10,
    });
    const leaf = await issue('device-02', 'identity', old, {
      notBefore: new Date(Date.now() - 39 * dayMs),
    });
    const result = checkChain(certificate(leaf), [certificate(old)], {
      trustAnchor: certificate(chain.root),
    });
    assert.ok(
      result.findings.some(
        (f) => f.code === 'expired' && /^link 2: "old-intermediate"/.test(f.message),
      ),
    );
    assert.ok(hasErrors(result.findings));
  });
});

describe('summaries', () => {
  test('thumbprints are labelled, upper-case hex and match openssl', async () => {
    const summary = summarizeCertificate(certificate(chain.root));
    const path = join(folder.path, 'root.pem');
    await import('node:fs/promises').then((fs) => fs.writeFile(path, chain.root.certificatePem));
    const sha1 = await openssl(['x509', '-in', path, '-noout', '-fingerprint', '-sha1']);
    const sha256 = await openssl(['x509', '-in', path, '-noout', '-fingerprint', '-sha256']);
    assert.equal(summary.thumbprintSha1, sha1.stdout.trim().split('=')[1]!.replace(/:/g, ''));
    assert.equal(summary.thumbprintSha256, sha256.stdout.trim().split('=')[1]!.replace(/:/g, ''));
    assert.match(summary.thumbprintSha1, /^[0-9A-F]{40}$/);
    assert.equal(summary.keyType, 'EC P-256 (prime256v1)');
    assert.equal(summary.isCa, true);
    assert.equal(summary.selfSigned, true);
    assert.deepEqual(summary.keyUsage, ['digitalSignature', 'keyCertSign', 'cRLSign']);
    assert.equal(summary.extendedKeyUsage, undefined);
  });

  test('a leaf summary shows its usages, issuer and path length absence', () => {
    const summary = summarizeCertificate(certificate(chain.leaf));
    assert.equal(summary.commonName, 'device-01');
    assert.equal(summary.issuer, 'CN=test-intermediate');
    assert.equal(summary.isCa, false);
    assert.equal(summary.selfSigned, false);
    assert.deepEqual(summary.keyUsage, ['digitalSignature', 'keyEncipherment']);
    assert.deepEqual(summary.extendedKeyUsage, ['clientAuth']);
  });
});
