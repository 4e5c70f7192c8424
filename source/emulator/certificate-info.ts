import {X509Certificate} from 'node:crypto';
import {formatDistinguishedName, thumbprints} from '../certs/inspect.js';
export {decodeCertificate} from '../certs/decode.js';
import type {CertificateInfo} from '../dps/index.js';

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
