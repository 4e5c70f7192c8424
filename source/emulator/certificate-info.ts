import {X509Certificate} from 'node:crypto';
import {formatDistinguishedName, thumbprints} from '../certs/inspect.js';
import type {CertificateInfo} from '../dps/types.js';

const pemMarker = '-----BEGIN CERTIFICATE-----';
const base64Text = /^[A-Za-z0-9+/=\s]+$/;
/** PEM → certificate, or base64 → (DER | PEM | base64 again); the base64 step is taken at most twice. */
const maxBase64Steps = 2;

/**
 * Decodes a certificate as DPS and ARM accept it: PEM text, base64 of PEM text, base64 of DER, repeating the
 * base64 step at most twice. Throws an Error with a clear message on anything else.
 */
export function decodeCertificate(text: string): X509Certificate {
  if (typeof text !== 'string' || text.trim() === '') {
    throw new Error('The certificate is empty.');
  }
  let current = text.trim();
  for (let step = 0; ; step++) {
    if (current.includes(pemMarker)) return parsePem(current);
    if (!base64Text.test(current)) {
      throw new Error(
        step === 0
          ? 'The certificate is neither PEM text nor base64.'
          : 'The certificate decodes from base64 to something that is neither a certificate nor base64.',
      );
    }
    if (step === maxBase64Steps) {
      throw new Error(`The certificate is still base64 after ${maxBase64Steps} decoding steps.`);
    }
    const bytes = Buffer.from(current.replace(/\s+/g, ''), 'base64');
    if (bytes.length === 0) throw new Error('The certificate is empty after base64 decoding.');
    const decodedText = bytes.toString('utf8').trim();
    if (bytes[0] === 0x30) {
      // An ASN.1 SEQUENCE: DER, unless it is base64 text that happens to start with '0'.
      try {
        return new X509Certificate(bytes);
      } catch {
        if (!base64Text.test(decodedText)) {
          throw new Error(
            'The certificate decodes from base64 to DER that is not a valid X.509 certificate.',
          );
        }
      }
    }
    current = decodedText;
  }
}

function parsePem(text: string): X509Certificate {
  try {
    return new X509Certificate(text);
  } catch {
    throw new Error('The certificate PEM text does not hold a valid X.509 certificate.');
  }
}

/** The `info` block DPS computes for every X.509 certificate in an enrollment. */
export function certificateInfo(certificate: X509Certificate): CertificateInfo {
  return {
    subjectName: formatDistinguishedName(certificate.subject),
    sha1Thumbprint: thumbprints(certificate).sha1,
    sha256Thumbprint: thumbprints(certificate).sha256,
    issuerName: formatDistinguishedName(certificate.issuer),
    notBeforeUtc: utcTime(certificate.validFrom),
    notAfterUtc: utcTime(certificate.validTo),
    serialNumber: certificate.serialNumber.toUpperCase(),
    version: certificateVersion(certificate.raw),
  };
}

/** 'Nov 26 21:49:05 2026 GMT' → '2026-11-26T21:49:05Z'. */
function utcTime(nodeTime: string): string {
  const date = new Date(nodeTime);
  if (Number.isNaN(date.getTime())) throw new Error(`Unreadable certificate date: ${nodeTime}`);
  return date.toISOString().replace(/\.\d+Z$/, 'Z');
}

/**
 * The X.509 version (1–3) from the DER: Certificate ::= SEQUENCE { tbsCertificate SEQUENCE { [0] EXPLICIT
 * version INTEGER DEFAULT v1, ... } }. Node does not expose it.
 */
function certificateVersion(der: Buffer): number {
  let offset = 0;
  const readHeader = () => {
    const tag = der[offset++];
    let length = der[offset++] ?? 0;
    if (length & 0x80) {
      const lengthBytes = length & 0x7f;
      length = 0;
      for (let index = 0; index < lengthBytes; index++)
        length = length * 256 + (der[offset++] ?? 0);
    }
    return {tag, length};
  };
  readHeader(); // Certificate SEQUENCE
  readHeader(); // TBSCertificate SEQUENCE
  const first = readHeader();
  if (first.tag !== 0xa0) return 1; // version absent: v1
  const integer = readHeader();
  if (integer.tag !== 0x02 || integer.length !== 1) return 1;
  return (der[offset] ?? 0) + 1;
}
