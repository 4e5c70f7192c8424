import {randomBytes} from 'node:crypto';
import type {CertificateInfo} from '../dps/index.js';
import {certificateInfo, decodeCertificate} from './certificate-info.js';
import {badRequest} from './service-errors.js';
import {isObject, type JsonObject, type RecordKind} from './service-records.js';

/** A certificate as stored in an enrollment: the PEM text and the info DPS computed from it. */
export type StoredCertificate = {certificate: string; info: CertificateInfo};

const attestationTypes = ['x509', 'symmetricKey', 'tpm'];
const slots = ['primary', 'secondary'] as const;
const symmetricKeyBytes = 64;

/**
 * Checks an attestation mechanism and returns it as stored: x509 certificates decoded (any accepted encoding)
 * with their info computed; certificate entries sent back as `{info}` only resolved against `previous`, the
 * stored attestation of the same record. Throws a 400 ServiceApiError that names the offending field.
 */
export function normalizeAttestation(
  kind: RecordKind,
  attestation: unknown,
  previous: unknown,
): JsonObject {
  if (attestation === undefined || attestation === null) {
    throw badRequest(`The ${kind.noun} has no attestation mechanism; 'attestation' is required.`);
  }
  if (!isObject(attestation)) throw badRequest("'attestation' must be an object.");
  const type = canonicalType(attestation.type);
  switch (type) {
    case 'x509':
      return {type, x509: normalizeX509(kind, attestation.x509, previous)};
    case 'symmetricKey':
      return {type, symmetricKey: normalizeSymmetricKey(attestation.symmetricKey)};
    case 'tpm':
      return {type, tpm: normalizeTpm(kind, attestation.tpm)};
  }
}

function canonicalType(type: unknown): 'x509' | 'symmetricKey' | 'tpm' {
  if (typeof type !== 'string' || type === '') {
    throw badRequest(
      `'attestation.type' is required: one of ${attestationTypes.join(', ')} (this product uses x509).`,
    );
  }
  const found = attestationTypes.find((known) => known.toLowerCase() === type.toLowerCase());
  if (!found) {
    throw badRequest(
      `'attestation.type' '${type}' is not supported: use one of ${attestationTypes.join(', ')}.`,
    );
  }
  return found as 'x509' | 'symmetricKey' | 'tpm';
}

function normalizeX509(kind: RecordKind, x509: unknown, previous: unknown): JsonObject {
  if (!isObject(x509)) {
    throw badRequest("'attestation.x509' is required when 'attestation.type' is x509.");
  }
  const has = (field: string) => x509[field] !== undefined && x509[field] !== null;
  const storedCertificates = certificatesOf(previous);
  if (kind.individual) {
    if (has('signingCertificates') || hasCaReference(x509.caReferences)) {
      throw badRequest(
        "An individual enrollment's X.509 attestation takes 'clientCertificates' (the device certificate); 'signingCertificates' and 'caReferences' are for enrollment groups.",
      );
    }
    const clientCertificates = normalizeCertificatePair(
      'attestation.x509.clientCertificates',
      x509.clientCertificates,
      storedCertificates,
    );
    if (!clientCertificates) {
      throw badRequest(
        "An individual X.509 enrollment needs the device certificate in 'attestation.x509.clientCertificates.primary' (or '.secondary').",
      );
    }
    return {clientCertificates};
  }
  if (has('clientCertificates')) {
    throw badRequest(
      "An enrollment group's X.509 attestation takes 'signingCertificates' or 'caReferences'; 'clientCertificates' is for individual enrollments.",
    );
  }
  const signingCertificates = normalizeCertificatePair(
    'attestation.x509.signingCertificates',
    x509.signingCertificates,
    storedCertificates,
  );
  const caReferences = normalizeCaReferences(x509.caReferences);
  if (signingCertificates && caReferences) {
    throw badRequest(
      "An enrollment group's X.509 attestation takes either 'signingCertificates' (a certificate uploaded into the group) or 'caReferences' (a verified CA certificate in DPS), not both.",
    );
  }
  if (signingCertificates) return {signingCertificates};
  if (caReferences) return {caReferences};
  throw badRequest(
    "An X.509 enrollment group needs 'attestation.x509.signingCertificates.primary' (a CA or intermediate certificate) or 'attestation.x509.caReferences.primary' (the name of a CA certificate in DPS).",
  );
}

function normalizeCertificatePair(
  path: string,
  pair: unknown,
  stored: StoredCertificate[],
): JsonObject | undefined {
  if (pair === undefined || pair === null) return undefined;
  if (!isObject(pair))
    throw badRequest(`'${path}' must be an object with 'primary' and 'secondary'.`);
  const result: JsonObject = {};
  for (const slot of slots) {
    const entry = normalizeCertificate(`${path}.${slot}`, pair[slot], stored);
    if (entry) result[slot] = entry;
  }
  return Object.keys(result).length > 0 ? result : undefined;
}

function normalizeCertificate(
  path: string,
  entry: unknown,
  stored: StoredCertificate[],
): StoredCertificate | undefined {
  if (entry === undefined || entry === null) return undefined;
  if (!isObject(entry)) throw badRequest(`'${path}' must be an object with a 'certificate'.`);
  const text = entry.certificate;
  if (text !== undefined && text !== null && text !== '') {
    if (typeof text !== 'string') throw badRequest(`'${path}.certificate' must be a string.`);
    try {
      const certificate = decodeCertificate(text);
      return {certificate: certificate.toString(), info: certificateInfo(certificate)};
    } catch (error) {
      throw badRequest(
        `'${path}.certificate' is not a readable X.509 certificate (PEM, base64 of PEM or base64 of DER): ${(error as Error).message}`,
      );
    }
  }
  if (isObject(entry.info)) {
    const kept = findStored(entry.info, stored);
    if (kept) return kept;
    throw badRequest(
      `'${path}' has only an 'info' block that matches no certificate stored in this enrollment; send the certificate itself in '${path}.certificate'.`,
    );
  }
  throw badRequest(`'${path}' has no 'certificate'.`);
}

/** The stored certificate whose thumbprint the info block names. */
function findStored(info: JsonObject, stored: StoredCertificate[]): StoredCertificate | undefined {
  const sha256 =
    typeof info.sha256Thumbprint === 'string' ? info.sha256Thumbprint.toUpperCase() : '';
  const sha1 = typeof info.sha1Thumbprint === 'string' ? info.sha1Thumbprint.toUpperCase() : '';
  if (!sha256 && !sha1) return undefined;
  return stored.find(
    (candidate) =>
      (!sha256 || candidate.info.sha256Thumbprint === sha256) &&
      (!sha1 || candidate.info.sha1Thumbprint === sha1),
  );
}

/** Every certificate stored in an attestation (client and signing, both slots). */
function certificatesOf(attestation: unknown): StoredCertificate[] {
  if (!isObject(attestation) || !isObject(attestation.x509)) return [];
  const found: StoredCertificate[] = [];
  for (const field of ['clientCertificates', 'signingCertificates']) {
    const pair = attestation.x509[field];
    if (!isObject(pair)) continue;
    for (const slot of slots) {
      const entry = pair[slot];
      if (isObject(entry) && typeof entry.certificate === 'string' && isObject(entry.info)) {
        found.push(entry as StoredCertificate);
      }
    }
  }
  return found;
}

function hasCaReference(references: unknown): boolean {
  return (
    isObject(references) &&
    slots.some((slot) => references[slot] !== undefined && references[slot] !== null)
  );
}

function normalizeCaReferences(references: unknown): JsonObject | undefined {
  if (references === undefined || references === null) return undefined;
  if (!isObject(references)) {
    throw badRequest(
      "'attestation.x509.caReferences' must be an object with 'primary' and 'secondary'.",
    );
  }
  const result: JsonObject = {};
  for (const slot of slots) {
    const name = references[slot];
    if (name === undefined || name === null || name === '') continue;
    if (typeof name !== 'string' || name.trim() === '') {
      throw badRequest(
        `'attestation.x509.caReferences.${slot}' must be the name of a CA certificate in DPS (a string).`,
      );
    }
    result[slot] = name;
  }
  return Object.keys(result).length > 0 ? result : undefined;
}

function normalizeSymmetricKey(symmetricKey: unknown): JsonObject {
  if (symmetricKey !== undefined && symmetricKey !== null && !isObject(symmetricKey)) {
    throw badRequest("'attestation.symmetricKey' must be an object.");
  }
  const given: JsonObject = isObject(symmetricKey) ? symmetricKey : {};
  const key = (slot: string): string => {
    const value = given[slot];
    if (value === undefined || value === null || value === '') {
      return randomBytes(symmetricKeyBytes).toString('base64');
    }
    if (typeof value !== 'string' || !/^[A-Za-z0-9+/]+={0,2}$/.test(value)) {
      throw badRequest(`'attestation.symmetricKey.${slot}' must be a base64 key.`);
    }
    return value;
  };
  return {primaryKey: key('primaryKey'), secondaryKey: key('secondaryKey')};
}

function normalizeTpm(kind: RecordKind, tpm: unknown): JsonObject {
  if (!kind.individual) {
    throw badRequest(
      'TPM attestation is for individual enrollments only; enrollment groups use x509 or symmetricKey.',
    );
  }
  if (!isObject(tpm) || typeof tpm.endorsementKey !== 'string' || tpm.endorsementKey === '') {
    throw badRequest("TPM attestation needs 'attestation.tpm.endorsementKey'.");
  }
  const result: JsonObject = {endorsementKey: tpm.endorsementKey};
  if (typeof tpm.storageRootKey === 'string') result.storageRootKey = tpm.storageRootKey;
  return result;
}
