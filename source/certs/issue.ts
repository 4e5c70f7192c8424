import {createPrivateKey, randomBytes, X509Certificate} from 'node:crypto';
import {isIP} from 'node:net';
import {x509} from './x509-provider.js';
import {importSigningKey, publicKeyDer} from './signing-key.js';

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
  const subjectPublicKey = publicKeyDer(subjectKey);
  const issuerKey = request.issuer ? createPrivateKey(request.issuer.privateKeyPem) : subjectKey;
  const issuerCertificate = request.issuer
    ? new x509.X509Certificate(request.issuer.certificatePem)
    : undefined;
  if (
    request.issuer &&
    !new X509Certificate(request.issuer.certificatePem).checkPrivateKey(issuerKey)
  ) {
    throw new Error("the issuer's private key does not match the issuer's certificate");
  }

  const {signingKey, signingAlgorithm} = await importSigningKey(issuerKey);
  const notBefore = request.notBefore ?? new Date(Date.now() - clockSkewMs);
  const notAfter = new Date(notBefore.getTime() + request.validityDays * dayMs);
  const subjectName: x509.JsonName = [{CN: [request.subject]}];

  const subjectKeyId = await x509.SubjectKeyIdentifierExtension.create(subjectPublicKey);
  const authorityKeyId = issuerCertificate
    ? authorityKeyIdFrom(issuerCertificate)
    : new x509.AuthorityKeyIdentifierExtension(subjectKeyId.keyId);

  const certificate = await x509.X509CertificateGenerator.create({
    serialNumber: randomSerialNumber(),
    subject: subjectName,
    issuer: issuerCertificate ? issuerCertificate.subjectName : subjectName,
    notBefore,
    notAfter,
    publicKey: subjectPublicKey,
    signingKey,
    signingAlgorithm,
    extensions: [
      ...profileExtensions(request),
      subjectKeyId,
      await authorityKeyId,
      ...subjectAltNameExtensions(request.subjectAltNames),
    ],
  });
  return certificate.toString('pem') + '\n';
}

function profileExtensions(request: IssueRequest): x509.Extension[] {
  const leafUsages = x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment;
  switch (request.profile) {
    case 'ca':
      return [
        new x509.BasicConstraintsExtension(true, request.pathLength, true),
        new x509.KeyUsagesExtension(
          x509.KeyUsageFlags.keyCertSign |
            x509.KeyUsageFlags.cRLSign |
            x509.KeyUsageFlags.digitalSignature,
          true,
        ),
      ];
    case 'identity':
    case 'verification':
      return [
        new x509.BasicConstraintsExtension(false, undefined, false),
        new x509.KeyUsagesExtension(leafUsages, true),
        new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.clientAuth], false),
      ];
    case 'server':
      return [
        new x509.BasicConstraintsExtension(false, undefined, false),
        new x509.KeyUsagesExtension(leafUsages, true),
        new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth], false),
      ];
    default:
      throw new Error(`unknown certificate profile "${String(request.profile)}"`);
  }
}

function subjectAltNameExtensions(names: IssueRequest['subjectAltNames']): x509.Extension[] {
  const badAddress = names?.ip?.find((address) => isIP(address) === 0);
  if (badAddress !== undefined) {
    throw new Error(`"${badAddress}" is not an IP address (subject alternative name)`);
  }
  const entries: x509.JsonGeneralNames = [
    ...(names?.dns ?? []).map((value) => ({type: 'dns' as const, value})),
    ...(names?.ip ?? []).map((value) => ({type: 'ip' as const, value})),
  ];
  return entries.length > 0 ? [new x509.SubjectAlternativeNameExtension(entries, false)] : [];
}

/** Uses the issuer's own subject key identifier when it has one, so chains link up as the issuer declared. */
async function authorityKeyIdFrom(issuer: x509.X509Certificate) {
  const declared = issuer.getExtension(x509.SubjectKeyIdentifierExtension);
  if (declared) return new x509.AuthorityKeyIdentifierExtension(declared.keyId);
  return x509.AuthorityKeyIdentifierExtension.create(issuer.publicKey);
}

/** A random positive 128-bit serial number (RFC 5280 allows up to 20 octets). */
function randomSerialNumber(): string {
  const bytes = randomBytes(16);
  bytes[0] = (bytes[0]! & 0x7f) | 0x01;
  return bytes.toString('hex');
}
