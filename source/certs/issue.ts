import {
  createHash,
  createPrivateKey,
  createPublicKey,
  randomBytes,
  sign,
  X509Certificate,
  type KeyObject,
} from 'node:crypto';
import {isIP} from 'node:net';
import {children, der, readElement, type DerElement} from './der.js';
import {describeKey, signingHashFor, type SigningHash} from './signing-key.js';

export type CertificateProfile = 'ca' | 'identity' | 'server' | 'verification';

export type IssueRequest = {
  /** The common name, e.g. 'azure-iot-test-only.root.ca'. */
  subject: string;
  /** The subject's private key (PEM); its public half goes into the certificate. */
  subjectKeyPem: string;
  /** Omitted: self-signed with subjectKeyPem. */
  issuer?: {certificatePem: string; privateKeyPem: string};
  /**
   * ca: critical CA:true, keyCertSign, cRLSign, digitalSignature;
   * identity and verification: CA:false, digitalSignature, keyEncipherment, clientAuth;
   * server: CA:false, digitalSignature, keyEncipherment, serverAuth.
   */
  profile: CertificateProfile;
  validityDays: number;
  /** Default: now minus 5 minutes (clock skew). */
  notBefore?: Date;
  /** ca only. */
  pathLength?: number;
  /** Server certificates. */
  subjectAltNames?: {dns?: string[]; ip?: string[]};
};

const clockSkewMs = 5 * 60 * 1000;
const dayMs = 24 * 60 * 60 * 1000;

/** Issues (signs) a certificate with RSA or EC issuer keys; returns PEM. */
export async function issueCertificate(request: IssueRequest): Promise<string> {
  if (!request.subject) throw new Error('the certificate subject (CN) must not be empty');
  if (!Number.isFinite(request.validityDays) || request.validityDays <= 0) {
    throw new Error(`validity must be a positive number of days, got ${request.validityDays}`);
  }
  if (request.pathLength !== undefined && request.profile !== 'ca') {
    throw new Error('a path length applies to CA certificates only');
  }

  const subjectKey = createPrivateKey(request.subjectKeyPem);
  const subjectPublicKey = createPublicKey(subjectKey).export({type: 'spki', format: 'der'});
  const issuerKey = request.issuer ? createPrivateKey(request.issuer.privateKeyPem) : subjectKey;
  const issuerCertificate = request.issuer
    ? new X509Certificate(request.issuer.certificatePem)
    : undefined;
  if (issuerCertificate && !issuerCertificate.checkPrivateKey(issuerKey)) {
    throw new Error("the issuer's private key does not match the issuer's certificate");
  }
  const hash = signingHashFor(issuerKey);
  if (!hash) {
    throw new Error(
      `certificates cannot be signed with this ${describeKey(issuerKey)} key: use an RSA or EC P-256/P-384/P-521 key`,
    );
  }
  const subjectKeyId = keyIdentifier(subjectPublicKey);
  const issuer = issuerCertificate ? issuerParts(issuerCertificate.raw) : undefined;
  const subjectName = distinguishedName(request.subject);
  const notBefore = request.notBefore ?? new Date(Date.now() - clockSkewMs);
  const notAfter = new Date(notBefore.getTime() + request.validityDays * dayMs);
  const signatureAlgorithm = signatureAlgorithmIdentifier(issuerKey, hash);

  const tbsCertificate = der.sequence(
    der.explicit(0, der.smallInteger(2)), // version 3
    der.unsignedInteger(randomSerialNumber()),
    signatureAlgorithm,
    issuer?.subjectName ?? subjectName,
    der.sequence(der.time(notBefore), der.time(notAfter)),
    subjectName,
    subjectPublicKey,
    der.explicit(
      3,
      der.sequence(
        ...profileExtensions(request),
        extension(oids.subjectKeyIdentifier, false, der.octetString(subjectKeyId)),
        extension(
          oids.authorityKeyIdentifier,
          false,
          der.sequence(der.implicit(0, issuer?.keyId ?? subjectKeyId)),
        ),
        ...subjectAltNameExtensions(request.subjectAltNames),
      ),
    ),
  );
  // Signed on the thread pool, as key generation is: the wizard stays responsive while a 4096-bit key signs.
  const signature = await new Promise<Buffer>((resolve, reject) =>
    sign(hash, tbsCertificate, issuerKey, (error, result) =>
      error ? reject(error) : resolve(result),
    ),
  );
  return toPem(der.sequence(tbsCertificate, signatureAlgorithm, der.bitString(signature)));
}

const oids = {
  commonName: '2.5.4.3',
  subjectKeyIdentifier: '2.5.29.14',
  keyUsage: '2.5.29.15',
  subjectAltName: '2.5.29.17',
  basicConstraints: '2.5.29.19',
  authorityKeyIdentifier: '2.5.29.35',
  extendedKeyUsage: '2.5.29.37',
  serverAuth: '1.3.6.1.5.5.7.3.1',
  clientAuth: '1.3.6.1.5.5.7.3.2',
  sha256WithRsa: '1.2.840.113549.1.1.11',
  ecdsaWithSha256: '1.2.840.10045.4.3.2',
  ecdsaWithSha384: '1.2.840.10045.4.3.3',
  ecdsaWithSha512: '1.2.840.10045.4.3.4',
};

/** KeyUsage bits (RFC 5280 4.2.1.3). */
const keyUsage = {digitalSignature: 0, keyEncipherment: 2, keyCertSign: 5, cRLSign: 6};

function extension(oid: string, critical: boolean, value: Buffer): Buffer {
  return der.sequence(
    der.oid(oid),
    ...(critical ? [der.boolean(true)] : []),
    der.octetString(value),
  );
}

function profileExtensions(request: IssueRequest): Buffer[] {
  const leafUsages = der.namedBits([keyUsage.digitalSignature, keyUsage.keyEncipherment]);
  const leafConstraints = extension(oids.basicConstraints, false, der.sequence());
  switch (request.profile) {
    case 'ca':
      return [
        extension(
          oids.basicConstraints,
          true,
          der.sequence(
            der.boolean(true),
            ...(request.pathLength === undefined ? [] : [der.smallInteger(request.pathLength)]),
          ),
        ),
        extension(
          oids.keyUsage,
          true,
          der.namedBits([keyUsage.digitalSignature, keyUsage.keyCertSign, keyUsage.cRLSign]),
        ),
      ];
    case 'identity':
    case 'verification':
      return [
        leafConstraints,
        extension(oids.keyUsage, true, leafUsages),
        extension(oids.extendedKeyUsage, false, der.sequence(der.oid(oids.clientAuth))),
      ];
    case 'server':
      return [
        leafConstraints,
        extension(oids.keyUsage, true, leafUsages),
        extension(oids.extendedKeyUsage, false, der.sequence(der.oid(oids.serverAuth))),
      ];
    default:
      throw new Error(`unknown certificate profile "${String(request.profile)}"`);
  }
}

function subjectAltNameExtensions(names: IssueRequest['subjectAltNames']): Buffer[] {
  const badAddress = names?.ip?.find((address) => isIP(address) === 0);
  if (badAddress !== undefined) {
    throw new Error(`"${badAddress}" is not an IP address (subject alternative name)`);
  }
  const entries = [
    ...(names?.dns ?? []).map((name) => der.implicit(2, Buffer.from(name, 'latin1'))),
    ...(names?.ip ?? []).map((address) => der.implicit(7, ipAddressBytes(address))),
  ];
  return entries.length > 0
    ? [extension(oids.subjectAltName, false, der.sequence(...entries))]
    : [];
}

function ipAddressBytes(address: string): Buffer {
  if (isIP(address) === 4) return Buffer.from(address.split('.').map(Number));
  // IPv6: expand "::" to the missing groups of zeros, then 8 groups of 16 bits.
  const [head = '', tail] = address.split('::');
  const groups = (part: string) => (part === '' ? [] : part.split(':'));
  const missing = 8 - groups(head).length - (tail === undefined ? 0 : groups(tail).length);
  const all = [
    ...groups(head),
    ...Array<string>(tail === undefined ? 0 : missing).fill('0'),
    ...groups(tail ?? ''),
  ];
  return Buffer.from(
    all.flatMap((group) => {
      const value = parseInt(group, 16);
      return [value >> 8, value & 0xff];
    }),
  );
}

/** CN=<name>, as a PrintableString when the name fits its characters, else UTF8String. */
function distinguishedName(commonName: string): Buffer {
  const value = /^[A-Za-z0-9 '()+,\-./:=?]*$/.test(commonName)
    ? der.printableString(commonName)
    : der.utf8String(commonName);
  return der.sequence(der.set(der.sequence(der.oid(oids.commonName), value)));
}

function signatureAlgorithmIdentifier(key: KeyObject, hash: SigningHash): Buffer {
  if (key.asymmetricKeyType === 'rsa') return der.sequence(der.oid(oids.sha256WithRsa), der.null());
  const ecdsa = {
    sha256: oids.ecdsaWithSha256,
    sha384: oids.ecdsaWithSha384,
    sha512: oids.ecdsaWithSha512,
  };
  return der.sequence(der.oid(ecdsa[hash]));
}

/** The key identifier of a public key: SHA-1 of its subjectPublicKey bits (RFC 5280 4.2.1.2, method 1). */
function keyIdentifier(subjectPublicKeyInfo: Buffer): Buffer {
  const [, subjectPublicKey] = children(readElement(subjectPublicKeyInfo));
  if (!subjectPublicKey) throw new Error('malformed public key');
  return createHash('sha1').update(subjectPublicKey.contents.subarray(1)).digest();
}

/**
 * What a certificate it issues takes from the issuer: its subject name, byte for byte, and its key identifier:
 * the one it declares, so chains link up as the issuer said, or else one computed from its public key.
 */
function issuerParts(certificateDer: Buffer): {subjectName: Buffer; keyId: Buffer} {
  const [tbs] = children(readElement(certificateDer));
  if (!tbs) throw new Error("the issuer's certificate is malformed");
  const fields = children(tbs);
  // [0] version, serial, signature, issuer, validity, subject, subjectPublicKeyInfo, ..., [3] extensions
  const offset = fields[0]?.tag === 0xa0 ? 1 : 0;
  const subjectName = fields[offset + 4];
  const publicKey = fields[offset + 5];
  if (!subjectName || !publicKey) throw new Error("the issuer's certificate is malformed");
  return {
    subjectName: subjectName.encoded,
    keyId: declaredKeyId(fields) ?? keyIdentifier(publicKey.encoded),
  };
}

function declaredKeyId(tbsFields: DerElement[]): Buffer | undefined {
  const extensions = tbsFields.find((field) => field.tag === 0xa3);
  if (!extensions) return undefined;
  const skiOid = der.oid(oids.subjectKeyIdentifier);
  for (const item of children(children(extensions)[0]!)) {
    const [oid, ...rest] = children(item);
    if (oid?.encoded.equals(skiOid)) {
      const value = rest.at(-1);
      return value ? readElement(value.contents).contents : undefined;
    }
  }
  return undefined;
}

/** A random positive 128-bit serial number (RFC 5280 allows up to 20 octets). */
function randomSerialNumber(): Buffer {
  const bytes = randomBytes(16);
  bytes[0] = (bytes[0]! & 0x7f) | 0x01;
  return bytes;
}

function toPem(certificateDer: Buffer): string {
  const lines = certificateDer.toString('base64').match(/.{1,64}/g) ?? [];
  return `-----BEGIN CERTIFICATE-----\n${lines.join('\n')}\n-----END CERTIFICATE-----\n`;
}
