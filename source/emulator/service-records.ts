import type {Collection} from './store.js';
import {subCodes} from './service-errors.js';

/** What differs between individual enrollments and enrollment groups. */
export type RecordKind = {
  collection: Extract<Collection, 'enrollments' | 'enrollmentGroups'>;
  individual: boolean;
  idField: 'registrationId' | 'enrollmentGroupId';
  /** For messages: 'enrollment', 'enrollment group'. */
  noun: string;
  /** The label of the id in messages. */
  idLabel: string;
  notFoundSubCode: number;
  /** x-ms-item-type of query responses. */
  itemType: string;
  /** The array field of a bulk operation body. */
  bulkField: 'enrollments' | 'enrollmentGroups';
};

export const individualEnrollments: RecordKind = {
  collection: 'enrollments',
  individual: true,
  idField: 'registrationId',
  noun: 'enrollment',
  idLabel: 'registration ID',
  notFoundSubCode: subCodes.enrollmentNotFound,
  itemType: 'enrollment',
  bulkField: 'enrollments',
};

export const enrollmentGroups: RecordKind = {
  collection: 'enrollmentGroups',
  individual: false,
  idField: 'enrollmentGroupId',
  noun: 'enrollment group',
  idLabel: 'enrollment group ID',
  notFoundSubCode: subCodes.enrollmentGroupNotFound,
  itemType: 'enrollmentGroup',
  bulkField: 'enrollmentGroups',
};

/** A JSON object. */
export type JsonObject = Record<string, unknown>;

/** An enrollment or group as stored: the validated fields, certificates with their PEM, and the server fields. */
export type StoredRecord = JsonObject & {
  etag: string;
  createdDateTimeUtc: string;
  lastUpdatedDateTimeUtc: string;
};

/**
 * A registration state as stored. `enrollmentGroupId` (not part of the wire shape) names the group the device
 * registered through; it is absent for individual enrollments.
 */
export type StoredRegistration = JsonObject & {
  registrationId: string;
  etag?: string;
  enrollmentGroupId?: string;
};

export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The record as the API returns it: certificates as `{info}` only. */
export function presentRecord(record: JsonObject): JsonObject {
  const attestation = record.attestation;
  if (!isObject(attestation) || !isObject(attestation.x509)) return {...record};
  const x509: JsonObject = {...attestation.x509};
  for (const field of ['clientCertificates', 'signingCertificates']) {
    const certificates = x509[field];
    if (!isObject(certificates)) continue;
    const shown: JsonObject = {};
    for (const slot of ['primary', 'secondary']) {
      const entry = certificates[slot];
      if (isObject(entry)) shown[slot] = {info: entry.info};
    }
    x509[field] = shown;
  }
  return {...record, attestation: {...attestation, x509}};
}

/** A registration state as the API returns it. */
export function presentRegistration(registration: StoredRegistration): JsonObject {
  const {enrollmentGroupId: _group, ...shown} = registration;
  return shown;
}

export function nowUtc(): string {
  return new Date().toISOString();
}
