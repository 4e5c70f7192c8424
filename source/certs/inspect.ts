import {X509Certificate as NodeCertificate} from 'node:crypto';
import {x509} from './x509-provider.js';
import {describeKey} from './signing-key.js';

/** What an operator needs to know about one certificate, in plain values (JSON-friendly). */
export type CertificateSummary = {
  subject: string;
  commonName: string | undefined;
  issuer: string;
  serialNumber: string;
  notBefore: string;
  notAfter: string;
  /** SHA-1 thumbprint, upper-case hex without separators (what the DPS portal shows). */
  thumbprintSha1: string;
  /** SHA-256 thumbprint, upper-case hex without separators (what IoT Hub shows). */
  thumbprintSha256: string;
  /** "RSA 2048", "EC P-256 (prime256v1)". */
  keyType: string;
  isCa: boolean;
  /** Present only when the basic constraints extension sets one. */
  pathLength: number | undefined;
  /** Undefined when the certificate has no key usage extension (any usage allowed). */
  keyUsage: string[] | undefined;
  /** Undefined when the certificate has no extended key usage extension (any purpose allowed). */
  extendedKeyUsage: string[] | undefined;
  subjectAltNames: string[];
  selfSigned: boolean;
};

const keyUsageNames: [x509.KeyUsageFlags, string][] = [
  [x509.KeyUsageFlags.digitalSignature, 'digitalSignature'],
  [x509.KeyUsageFlags.nonRepudiation, 'nonRepudiation'],
  [x509.KeyUsageFlags.keyEncipherment, 'keyEncipherment'],
  [x509.KeyUsageFlags.dataEncipherment, 'dataEncipherment'],
  [x509.KeyUsageFlags.keyAgreement, 'keyAgreement'],
  [x509.KeyUsageFlags.keyCertSign, 'keyCertSign'],
  [x509.KeyUsageFlags.cRLSign, 'cRLSign'],
  [x509.KeyUsageFlags.encipherOnly, 'encipherOnly'],
  [x509.KeyUsageFlags.decipherOnly, 'decipherOnly'],
];

const extendedKeyUsageNames: Record<string, string> = {
  [x509.ExtendedKeyUsage.serverAuth]: 'serverAuth',
  [x509.ExtendedKeyUsage.clientAuth]: 'clientAuth',
  [x509.ExtendedKeyUsage.codeSigning]: 'codeSigning',
  [x509.ExtendedKeyUsage.emailProtection]: 'emailProtection',
  [x509.ExtendedKeyUsage.timeStamping]: 'timeStamping',
  [x509.ExtendedKeyUsage.ocspSigning]: 'ocspSigning',
  '2.5.29.37.0': 'anyExtendedKeyUsage',
};

/** The extensions that decide what a certificate may be used for. */
export type CertificateUsage = Pick<
  CertificateSummary,
  'isCa' | 'pathLength' | 'keyUsage' | 'extendedKeyUsage' | 'subjectAltNames'
>;

/** Reads basic constraints, key usage, extended key usage and subject alternative names. */
export function certificateUsage(certificate: NodeCertificate): CertificateUsage {
  let parsed: x509.X509Certificate | undefined;
  try {
    parsed = new x509.X509Certificate(certificate.raw);
  } catch {
    // Node accepted the certificate but the extension parser did not: report what Node knows.
  }
  const basic = extension(() => parsed?.getExtension(x509.BasicConstraintsExtension));
  const keyUsage = extension(() => parsed?.getExtension(x509.KeyUsagesExtension));
  const extended = extension(() => parsed?.getExtension(x509.ExtendedKeyUsageExtension));
  return {
    isCa: basic?.ca ?? certificate.ca,
    pathLength: basic?.ca ? basic.pathLength : undefined,
    keyUsage: keyUsage
      ? keyUsageNames.filter(([flag]) => (keyUsage.usages & flag) !== 0).map(([, name]) => name)
      : undefined,
    extendedKeyUsage:
      extended &&
      Array.from(extended.usages, (oid) => extendedKeyUsageNames[String(oid)] ?? String(oid)),
    subjectAltNames: certificate.subjectAltName ? certificate.subjectAltName.split(/,\s*/) : [],
  };
}

/** An extension's parsed value, or undefined when it is absent or cannot be parsed. */
function extension<T>(read: () => T | null | undefined): T | undefined {
  try {
    return read() ?? undefined;
  } catch {
    return undefined;
  }
}

/** The CN of a distinguished name as Node prints it ("CN=device-01\nO=..."). */
export function commonNameOf(distinguishedName: string): string | undefined {
  for (const line of distinguishedName.split('\n')) {
    if (line.startsWith('CN=')) return line.slice(3);
  }
  return undefined;
}

/**
 * A distinguished name as Azure shows it: Node lists the relative names one per line in certificate order
 * (C first); the portal, az and DPS show them most specific first, joined with ', ' (`CN=device, O=Contoso, C=US`).
 */
export function formatDistinguishedName(nodeName: string): string {
  return nodeName
    .split('\n')
    .filter((part) => part !== '')
    .reverse()
    .join(', ');
}

/** SHA-1 and SHA-256 thumbprints as Azure shows them: upper-case hex without separators. */
export function thumbprints(certificate: NodeCertificate): {sha1: string; sha256: string} {
  const hex = (fingerprint: string) => fingerprint.replace(/:/g, '').toUpperCase();
  return {sha1: hex(certificate.fingerprint), sha256: hex(certificate.fingerprint256)};
}

/** True when the certificate names itself as issuer and its signature verifies with its own key. */
export function isSelfSigned(certificate: NodeCertificate): boolean {
  try {
    return certificate.checkIssued(certificate) && certificate.verify(certificate.publicKey);
  } catch {
    return false;
  }
}

/** A certificate date as ISO 8601, or as Node printed it when it cannot be parsed (a damaged certificate). */
function isoDate(value: string): string {
  const time = Date.parse(value);
  return Number.isNaN(time) ? value : new Date(time).toISOString();
}

/** Summarizes a certificate: names, serial, validity, thumbprints, key, constraints and usages. */
export function summarizeCertificate(certificate: NodeCertificate): CertificateSummary {
  const {sha1, sha256} = thumbprints(certificate);
  return {
    subject: formatDistinguishedName(certificate.subject),
    commonName: commonNameOf(certificate.subject),
    issuer: formatDistinguishedName(certificate.issuer),
    serialNumber: certificate.serialNumber.toUpperCase(),
    notBefore: isoDate(certificate.validFrom),
    notAfter: isoDate(certificate.validTo),
    thumbprintSha1: sha1,
    thumbprintSha256: sha256,
    keyType: describeKey(certificate.publicKey),
    ...certificateUsage(certificate),
    selfSigned: isSelfSigned(certificate),
  };
}

/** The summary as aligned "label: value" lines for a terminal. */
export function formatSummary(summary: CertificateSummary): string {
  const rows: [string, string][] = [
    ['Subject', summary.subject],
    ['Common name (CN)', summary.commonName ?? '(none)'],
    ['Issuer', summary.issuer],
    ['Serial number', summary.serialNumber],
    ['Valid from', summary.notBefore],
    ['Valid to', summary.notAfter],
    ['Thumbprint SHA-1', summary.thumbprintSha1],
    ['Thumbprint SHA-256', summary.thumbprintSha256],
    ['Key', summary.keyType],
    [
      'CA',
      summary.isCa
        ? `yes${summary.pathLength === undefined ? '' : `, path length ${summary.pathLength}`}`
        : 'no',
    ],
    ['Key usage', summary.keyUsage?.join(', ') ?? '(not restricted)'],
    ['Extended key usage', summary.extendedKeyUsage?.join(', ') ?? '(not restricted)'],
    ['Self-signed', summary.selfSigned ? 'yes' : 'no'],
  ];
  if (summary.subjectAltNames.length > 0) {
    rows.push(['Subject alt names', summary.subjectAltNames.join(', ')]);
  }
  const width = Math.max(...rows.map(([label]) => label.length));
  return rows.map(([label, value]) => `${`${label}:`.padEnd(width + 2)}${value}`).join('\n');
}
