import {randomBytes, randomUUID, type X509Certificate} from 'node:crypto';
import {chooseHub, reprovisionPolicy} from './allocation.js';
import type {StoredCertificate} from './arm-api.js';
import {certificateInfo} from './certificate-info.js';
import {attestX509, type AttestationMatch} from './device-attestation.js';
import {assignmentFailures, deviceRefusals, type DeviceRefusal} from './device-errors.js';
import {newEtag} from './etags.js';
import {
  isObject,
  nowUtc,
  presentRegistration,
  type JsonObject,
  type StoredRecord,
  type StoredRegistration,
} from './service-records.js';
import type {Store} from './store.js';

/** A device API answer, the same over HTTPS and MQTT: status code, JSON body, optional retry-after. */
export type DeviceAnswer = {status: number; body: JsonObject; retryAfterSeconds?: number};

export type DeviceRegistrationsOptions = {
  store: Store;
  idScope: string;
  linkedHubHostNames(): string[];
  /** How long an operation stays `assigning`, and the retry-after the device is told; default 1. */
  retryAfterSeconds?: number;
};

type Operation = {
  registrationId: string;
  readyAt: number;
  /** The final RegistrationOperationStatus body. */
  result: JsonObject;
};

/** Operations are kept in memory only; the oldest are dropped past this many. */
const maxOperations = 10_000;

/**
 * DPS's device registration API (CONTRACT 3), independent of the transport: register, operation status and
 * registration status lookup, each authenticated by the certificate chain the device presented.
 */
export class DeviceRegistrations {
  private readonly operations = new Map<string, Operation>();
  private readonly retryAfterSeconds: number;

  constructor(private readonly options: DeviceRegistrationsOptions) {
    this.retryAfterSeconds = options.retryAfterSeconds ?? 1;
  }

  async register(
    idScope: string,
    registrationId: string,
    body: unknown,
    chain: X509Certificate[],
  ): Promise<DeviceAnswer> {
    const checked = this.checkRequest(idScope, registrationId, body, chain);
    if ('refusal' in checked) return refused(checked.refusal);
    const registration = this.assign(checked.match, registrationId, body);
    await this.options.store.put('registrations', registrationId, registration);

    const operationId = `4.${randomBytes(8).toString('hex')}.${randomUUID()}`;
    this.remember(operationId, {
      registrationId: registrationId.toLowerCase(),
      readyAt: Date.now() + this.retryAfterSeconds * 1000,
      result: {
        operationId,
        status: registration.status,
        registrationState: presentRegistration(registration),
      },
    });
    return this.assigning(operationId, registrationId);
  }

  operationStatus(
    idScope: string,
    registrationId: string,
    operationId: string,
    chain: X509Certificate[],
  ): DeviceAnswer {
    const checked = this.checkRequest(idScope, registrationId, undefined, chain);
    if ('refusal' in checked) return refused(checked.refusal);
    const operation = this.operations.get(operationId);
    if (!operation || operation.registrationId !== registrationId.toLowerCase()) {
      return refused(deviceRefusals.operationNotFound(operationId));
    }
    if (Date.now() < operation.readyAt) return this.assigning(operationId, registrationId);
    return {status: 200, body: operation.result};
  }

  statusLookup(
    idScope: string,
    registrationId: string,
    body: unknown,
    chain: X509Certificate[],
  ): DeviceAnswer {
    const checked = this.checkRequest(idScope, registrationId, body, chain);
    if ('refusal' in checked) return refused(checked.refusal);
    const stored = this.options.store.get<StoredRegistration>('registrations', registrationId);
    if (!stored) return refused(deviceRefusals.registrationNotFound(registrationId));
    return {status: 200, body: presentRegistration(stored)};
  }

  private checkRequest(
    idScope: string,
    registrationId: string,
    body: unknown,
    chain: X509Certificate[],
  ): {match: AttestationMatch} | {refusal: DeviceRefusal} {
    if (idScope.toLowerCase() !== this.options.idScope.toLowerCase()) {
      return {refusal: deviceRefusals.unknownIdScope(idScope)};
    }
    if (body !== undefined) {
      if (!isObject(body))
        return {refusal: deviceRefusals.badBody('the body must be a JSON object')};
      if (body.registrationId !== undefined && body.registrationId !== registrationId) {
        return {
          refusal: deviceRefusals.registrationIdMismatch(
            String(body.registrationId),
            registrationId,
          ),
        };
      }
    }
    const {store} = this.options;
    const result = attestX509(chain, registrationId, {
      enrollment: (id) => store.get<StoredRecord>('enrollments', id),
      groups: () => store.list<StoredRecord>('enrollmentGroups'),
      caCertificate: (name) => store.get<StoredCertificate>('certificates', name),
    });
    return result.ok ? {match: result.match} : {refusal: result.refusal};
  }

  /** The registration state this attempt leaves: assigned, disabled or failed. */
  private assign(
    match: AttestationMatch,
    registrationId: string,
    body: unknown,
  ): StoredRegistration {
    const {enrollment} = match;
    const previous = this.options.store.get<StoredRegistration>('registrations', registrationId);
    const now = nowUtc();
    const groupId = match.kind === 'group' ? String(enrollment.enrollmentGroupId) : undefined;
    const x509: JsonObject = {certificateInfo: certificateInfo(match.leaf)};
    if (match.kind === 'group') {
      x509.enrollmentGroupId = groupId;
      x509.signingCertificateInfo = certificateInfo(match.signingCertificate);
    }
    const base: StoredRegistration = {
      registrationId,
      createdDateTimeUtc:
        typeof previous?.createdDateTimeUtc === 'string' ? previous.createdDateTimeUtc : now,
      lastUpdatedDateTimeUtc: now,
      etag: newEtag(),
      x509,
      ...(groupId === undefined ? {} : {enrollmentGroupId: groupId}),
    };
    if (enrollment.provisioningStatus === 'disabled') return {...base, status: 'disabled'};

    const name = groupId ?? registrationId;
    const previousHub =
      previous?.status === 'assigned' && typeof previous.assignedHub === 'string'
        ? previous.assignedHub
        : undefined;
    const policy = reprovisionPolicy(enrollment);
    let hub = previousHub;
    if (!previousHub || policy.updateHubAssignment) {
      const choice = chooseHub(enrollment, registrationId, this.options.linkedHubHostNames());
      if (!choice.ok) {
        const failure =
          choice.reason === 'custom'
            ? assignmentFailures.customAllocation(name)
            : assignmentFailures.noHub(name);
        return {...base, status: 'failed', ...failure};
      }
      hub = choice.hub;
    }
    const deviceId =
      match.kind === 'individual' && typeof enrollment.deviceId === 'string'
        ? enrollment.deviceId
        : registrationId;
    const substatus = !previousHub
      ? 'initialAssignment'
      : policy.migrateDeviceData
        ? 'deviceDataMigrated'
        : 'deviceDataReset';
    const payload = isObject(body) && isObject(body.payload) ? {payload: body.payload} : {};
    return {...base, assignedHub: hub, deviceId, status: 'assigned', substatus, ...payload};
  }

  private assigning(operationId: string, registrationId: string): DeviceAnswer {
    return {
      status: 202,
      body: {
        operationId,
        status: 'assigning',
        registrationState: {registrationId, status: 'assigning'},
      },
      retryAfterSeconds: this.retryAfterSeconds,
    };
  }

  private remember(operationId: string, operation: Operation) {
    this.operations.set(operationId, operation);
    if (this.operations.size > maxOperations) {
      const oldest = this.operations.keys().next().value;
      if (oldest !== undefined) this.operations.delete(oldest);
    }
  }
}

/** A refusal as the device API answers it (ProvisioningServiceErrorDetails). */
export function refused(refusal: DeviceRefusal): DeviceAnswer {
  return {
    status: refusal.status,
    body: {
      errorCode: refusal.errorCode,
      trackingId: randomUUID(),
      message: refusal.message,
      timestampUtc: new Date().toISOString(),
    },
  };
}
