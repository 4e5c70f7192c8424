import {X509Certificate} from 'node:crypto';
import {certificateKeyType, decodeCertificate} from './certificate-decode.js';
import type {
  Attestation,
  BulkResult,
  CaCertificate,
  CertificatePair,
  EnrollmentGroup,
  EnrollmentSettings,
  IndividualEnrollment,
  RegistrationState,
  VerificationCode,
  X509Attestation,
} from './types.js';

/**
 * Conversions between the gateway's types and what the SDKs send and return. Reading keeps only known
 * fields and drops every key an enrollment may carry (symmetric-key attestation), so no secret reaches the
 * wizard's state.
 */

type Json = Record<string, unknown>;

const isObject = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const text = (value: unknown): string | undefined =>
  typeof value === 'string' ? value : undefined;

function copyDefined<T extends object>(target: T, source: Json, keys: ReadonlyArray<keyof T>): T {
  for (const key of keys) {
    const value = source[key as string];
    if (value !== undefined && value !== null) (target as Json)[key as string] = value;
  }
  return target;
}

function readCertificatePair(value: unknown): CertificatePair | undefined {
  if (!isObject(value)) return undefined;
  const pair: CertificatePair = {};
  for (const slot of ['primary', 'secondary'] as const) {
    const entry = value[slot];
    if (!isObject(entry)) continue;
    pair[slot] = {};
    if (typeof entry.certificate === 'string') pair[slot].certificate = entry.certificate;
    if (isObject(entry.info)) pair[slot].info = entry.info as never;
  }
  return pair;
}

export function readAttestation(value: unknown): Attestation {
  if (!isObject(value) || value.type !== 'x509') {
    const type = isObject(value) ? value.type : undefined;
    return {type: type === 'symmetricKey' || type === 'tpm' ? type : 'none'};
  }
  const attestation: X509Attestation = {type: 'x509'};
  const x509 = isObject(value.x509) ? value.x509 : {};
  const clientCertificates = readCertificatePair(x509.clientCertificates);
  if (clientCertificates) attestation.clientCertificates = clientCertificates;
  const signingCertificates = readCertificatePair(x509.signingCertificates);
  if (signingCertificates) attestation.signingCertificates = signingCertificates;
  if (isObject(x509.caReferences)) {
    attestation.caReferences = {};
    const primary = text(x509.caReferences.primary);
    const secondary = text(x509.caReferences.secondary);
    if (primary) attestation.caReferences.primary = primary;
    if (secondary) attestation.caReferences.secondary = secondary;
  }
  return attestation;
}

const settingKeys = [
  'capabilities',
  'provisioningStatus',
  'allocationPolicy',
  'iotHubs',
  'iotHubHostName',
  'initialTwin',
  'reprovisionPolicy',
  'customAllocationDefinition',
  'etag',
  'createdDateTimeUtc',
  'lastUpdatedDateTimeUtc',
] as const satisfies ReadonlyArray<keyof EnrollmentSettings>;

export function readRegistrationState(value: unknown): RegistrationState {
  const raw = isObject(value) ? value : {};
  return copyDefined({registrationId: text(raw.registrationId) ?? ''} as RegistrationState, raw, [
    'deviceId',
    'assignedHub',
    'status',
    'substatus',
    'errorCode',
    'errorMessage',
    'createdDateTimeUtc',
    'lastUpdatedDateTimeUtc',
    'etag',
  ]);
}

export function readIndividualEnrollment(value: unknown): IndividualEnrollment {
  const raw = isObject(value) ? value : {};
  const enrollment = copyDefined(
    {
      registrationId: text(raw.registrationId) ?? '',
      attestation: readAttestation(raw.attestation),
    } as IndividualEnrollment,
    raw,
    ['deviceId', ...settingKeys],
  );
  if (isObject(raw.registrationState)) {
    (enrollment as Json).registrationState = readRegistrationState(raw.registrationState);
  }
  return enrollment;
}

export function readEnrollmentGroup(value: unknown): EnrollmentGroup {
  const raw = isObject(value) ? value : {};
  return copyDefined(
    {
      enrollmentGroupId: text(raw.enrollmentGroupId) ?? '',
      attestation: readAttestation(raw.attestation),
    } as EnrollmentGroup,
    raw,
    settingKeys,
  );
}

function writeAttestation(attestation: Attestation): Json {
  if (attestation.type !== 'x509') return {type: attestation.type};
  const {type, ...x509} = attestation;
  return {type, x509};
}

function writeSettings(settings: EnrollmentSettings): Json {
  const wire: Json = {};
  for (const key of settingKeys) {
    if (key === 'createdDateTimeUtc' || key === 'lastUpdatedDateTimeUtc') continue;
    if (settings[key] !== undefined) wire[key] = settings[key];
  }
  wire.attestation = writeAttestation(settings.attestation);
  return wire;
}

/** The body the service SDK sends; it also turns `etag` into If-Match. */
export function writeIndividualEnrollment(enrollment: IndividualEnrollment): Json {
  const wire = writeSettings(enrollment);
  wire.registrationId = enrollment.registrationId;
  if (enrollment.deviceId !== undefined) wire.deviceId = enrollment.deviceId;
  return wire;
}

export function writeEnrollmentGroup(group: EnrollmentGroup): Json {
  const wire = writeSettings(group);
  wire.enrollmentGroupId = group.enrollmentGroupId;
  return wire;
}

export function readBulkResult(value: unknown, idField: string): BulkResult {
  const raw = isObject(value) ? value : {};
  const errors = Array.isArray(raw.errors) ? raw.errors.filter(isObject) : [];
  return {
    isSuccessful: raw.isSuccessful === true,
    errors: errors.map((error) => ({
      id: text(error[idField]) ?? '',
      errorCode: typeof error.errorCode === 'number' ? error.errorCode : Number(error.errorCode),
      errorStatus: text(error.errorStatus) ?? '',
    })),
  };
}

/** ARM's CertificateResponse (as the ARM SDK deserialises it: dates as Date). */
export type ArmCertificate = {
  name?: string;
  etag?: string;
  properties?: {
    subject?: string;
    thumbprint?: string;
    isVerified?: boolean;
    /** The bytes ARM returned (DER, or PEM text, as they were uploaded). */
    certificate?: Uint8Array | string;
    expiry?: Date;
    created?: Date;
    updated?: Date;
  };
};

function validDate(value: unknown): Date | undefined {
  if (value instanceof Date && !Number.isNaN(value.getTime())) return value;
  if (typeof value === 'string') {
    const date = new Date(value);
    return Number.isNaN(date.getTime()) ? undefined : date;
  }
  return undefined;
}

export function readCaCertificate(value: ArmCertificate, fallbackName: string): CaCertificate {
  const properties = value.properties ?? {};
  const certificate: CaCertificate = {
    name: value.name ?? fallbackName,
    etag: value.etag ?? '',
    isVerified: properties.isVerified === true,
  };
  if (properties.subject) certificate.subject = properties.subject;
  if (properties.thumbprint) certificate.thumbprint = properties.thumbprint;
  const pem = certificatePemOf(properties.certificate);
  if (pem) {
    certificate.certificatePem = pem;
    const keyType = certificateKeyType(pem);
    if (keyType) certificate.keyType = keyType;
  }
  const expiry = validDate(properties.expiry);
  if (expiry) certificate.expiry = expiry;
  const created = validDate(properties.created);
  if (created) certificate.created = created;
  const updated = validDate(properties.updated);
  if (updated) certificate.updated = updated;
  return certificate;
}

export function readVerificationCode(
  value: {name?: string; etag?: string; properties?: {verificationCode?: string}},
  fallbackName: string,
): VerificationCode {
  return {
    name: value.name ?? fallbackName,
    etag: value.etag ?? '',
    verificationCode: value.properties?.verificationCode ?? '',
  };
}

/** The certificate ARM returned, as PEM; undefined when it is missing or unreadable. */
function certificatePemOf(value: Uint8Array | string | undefined): string | undefined {
  if (value === undefined) return undefined;
  try {
    if (typeof value === 'string') return decodeCertificate(value).toString();
    const bytes = Buffer.from(value);
    // DER, or the text that was uploaded (PEM, or base64 of either).
    if (bytes[0] === 0x30) return new X509Certificate(bytes).toString();
    return decodeCertificate(bytes.toString('utf8')).toString();
  } catch {
    return undefined;
  }
}
