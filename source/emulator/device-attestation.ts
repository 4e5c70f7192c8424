import {X509Certificate} from 'node:crypto';
import {formatDistinguishedName, thumbprints} from '../certs/inspect.js';
import type {StoredCertificate} from './arm-api.js';
import {deviceRefusals, type DeviceRefusal} from './device-errors.js';
import {isObject, type StoredRecord} from './service-records.js';

/** What the device API needs to read: enrollments, groups and the DPS's CA certificates. */
export type AttestationSource = {
  enrollment(registrationId: string): StoredRecord | undefined;
  groups(): StoredRecord[];
  caCertificate(name: string): StoredCertificate | undefined;
};

/** The enrollment that admits a device, and the certificates that decided it. */
export type AttestationMatch =
  | {kind: 'individual'; enrollment: StoredRecord; leaf: X509Certificate}
  | {
      kind: 'group';
      enrollment: StoredRecord;
      leaf: X509Certificate;
      /** The group's certificate the chain reached (uploaded or referenced). */
      signingCertificate: X509Certificate;
    };

export type AttestationResult =
  {ok: true; match: AttestationMatch} | {ok: false; refusal: DeviceRefusal};

type GroupCertificate = {
  group: StoredRecord;
  certificate: X509Certificate;
  /** Set for caReferences: the DPS certificate's name and whether it passed proof of possession. */
  reference?: {name: string; isVerified: boolean};
};

/**
 * Decides, as DPS does for X.509 (CONTRACT 3.3), which enrollment a device presenting `chain` (leaf first, as
 * sent in the TLS handshake) may register through: every presented certificate valid now and signed by the
 * next, the leaf's CN equal to the registration ID, then the individual enrollment by the leaf's thumbprint,
 * else the most specific enrollment group the chain reaches, walking up from the leaf's issuer.
 */
export function attestX509(
  chain: X509Certificate[],
  registrationId: string,
  source: AttestationSource,
  now = new Date(),
): AttestationResult {
  const refuse = (refusal: DeviceRefusal): AttestationResult => ({ok: false, refusal});
  const leaf = chain[0];
  if (!leaf) return refuse(deviceRefusals.noClientCertificate());
  for (const certificate of chain) {
    const problem = validityProblem(certificate, now);
    if (problem) return refuse(problem);
  }
  for (let index = 0; index + 1 < chain.length; index++) {
    if (!signs(chain[index + 1]!, chain[index]!)) {
      return refuse(deviceRefusals.brokenChain(subjectOf(chain[index]!)));
    }
  }
  const commonName = commonNameOf(leaf);
  if (commonName.toLowerCase() !== registrationId.toLowerCase()) {
    return refuse(deviceRefusals.commonNameMismatch(commonName, registrationId));
  }

  const enrollment = source.enrollment(registrationId);
  if (enrollment) {
    const leafThumbprint = thumbprints(leaf).sha256;
    const enrolled = certificatePair(enrollment, 'clientCertificates');
    if (!enrolled.some((certificate) => thumbprints(certificate).sha256 === leafThumbprint)) {
      return refuse(deviceRefusals.thumbprintMismatch(registrationId));
    }
    return {ok: true, match: {kind: 'individual', enrollment, leaf}};
  }

  const candidates = groupCertificates(source);
  const top = chain[chain.length - 1]!;
  // Bottom-up: the groups of each presented issuer in turn, then those whose CA issued the top certificate.
  const levels: Array<(candidate: GroupCertificate) => boolean> = [
    ...chain
      .slice(1)
      .map(
        (presented) => (candidate: GroupCertificate) =>
          sameCertificate(candidate.certificate, presented),
      ),
    (candidate) =>
      !sameCertificate(candidate.certificate, top) && signs(candidate.certificate, top),
  ];
  for (const matches of levels) {
    const found = candidates.find(matches);
    if (!found) continue;
    const problem = validityProblem(found.certificate, now);
    if (problem) return refuse(problem);
    if (found.reference && !found.reference.isVerified) {
      return refuse(deviceRefusals.unverifiedCa(found.reference.name));
    }
    return {
      ok: true,
      match: {kind: 'group', enrollment: found.group, leaf, signingCertificate: found.certificate},
    };
  }
  return refuse(deviceRefusals.noEnrollment(registrationId));
}

/** The certificate's CN (the last one, as OpenSSL reports multi-valued names), or '' when it has none. */
export function commonNameOf(certificate: X509Certificate): string {
  const names = certificate.subject
    .split('\n')
    .filter((line) => line.startsWith('CN='))
    .map((line) => line.slice(3));
  return names[names.length - 1] ?? '';
}

function validityProblem(certificate: X509Certificate, now: Date): DeviceRefusal | undefined {
  if (Date.parse(certificate.validFrom) > now.getTime()) {
    return deviceRefusals.certificateNotYetValid(subjectOf(certificate), certificate.validFrom);
  }
  if (Date.parse(certificate.validTo) < now.getTime()) {
    return deviceRefusals.certificateExpired(subjectOf(certificate), certificate.validTo);
  }
  return undefined;
}

function signs(issuer: X509Certificate, subject: X509Certificate): boolean {
  try {
    return subject.checkIssued(issuer) && subject.verify(issuer.publicKey);
  } catch {
    return false;
  }
}

function sameCertificate(a: X509Certificate, b: X509Certificate): boolean {
  return a.raw.equals(b.raw);
}

function subjectOf(certificate: X509Certificate): string {
  return formatDistinguishedName(certificate.subject);
}

/** The certificates of an enrollment's x509 pair (`clientCertificates` or `signingCertificates`). */
function certificatePair(record: StoredRecord, field: string): X509Certificate[] {
  const attestation = record.attestation;
  if (!isObject(attestation) || !isObject(attestation.x509)) return [];
  const pair = attestation.x509[field];
  if (!isObject(pair)) return [];
  const certificates: X509Certificate[] = [];
  for (const slot of ['primary', 'secondary']) {
    const entry = pair[slot];
    if (isObject(entry) && typeof entry.certificate === 'string') {
      certificates.push(new X509Certificate(entry.certificate));
    }
  }
  return certificates;
}

/** Every X.509 group's certificates: uploaded signing certificates and resolved CA references. */
function groupCertificates(source: AttestationSource): GroupCertificate[] {
  const list: GroupCertificate[] = [];
  for (const group of source.groups()) {
    for (const certificate of certificatePair(group, 'signingCertificates')) {
      list.push({group, certificate});
    }
    const attestation = group.attestation;
    if (!isObject(attestation) || !isObject(attestation.x509)) continue;
    const references = attestation.x509.caReferences;
    if (!isObject(references)) continue;
    for (const slot of ['primary', 'secondary']) {
      const name = references[slot];
      if (typeof name !== 'string' || name === '') continue;
      const stored = source.caCertificate(name);
      if (!stored) continue; // a dangling reference matches no chain
      list.push({
        group,
        certificate: new X509Certificate(Buffer.from(stored.der, 'base64')),
        reference: {name: stored.name, isVerified: stored.isVerified},
      });
    }
  }
  return list;
}
