import {isDeepStrictEqual} from 'node:util';
import type {
  EnrollmentSettings,
  IndividualEnrollment,
  InitialTwin,
  TwinCollection,
} from '../dps/index.js';
import type {PlannedEnrollment} from './preflight.js';

/** The settings the flags give every enrollment of a bulk run. */
export type BulkEnrollmentSettings = Partial<
  Pick<
    EnrollmentSettings,
    | 'iotHubs'
    | 'allocationPolicy'
    | 'customAllocationDefinition'
    | 'provisioningStatus'
    | 'reprovisionPolicy'
    | 'initialTwin'
  >
> & {iotEdge: boolean};

/** The request for one planned enrollment; `etag` replaces exactly the version that was read. */
export function enrollmentRequest(
  planned: PlannedEnrollment,
  settings: BulkEnrollmentSettings,
  etag?: string,
): IndividualEnrollment {
  const {iotEdge, ...rest} = settings;
  return {
    registrationId: planned.registrationId,
    deviceId: planned.deviceId,
    attestation: {
      type: 'x509',
      clientCertificates: {
        primary: {certificate: planned.primary.pem},
        ...(planned.secondary ? {secondary: {certificate: planned.secondary.pem}} : {}),
      },
    },
    capabilities: {iotEdge},
    ...rest,
    ...(etag ? {etag} : {}),
  };
}

/**
 * The fields in which an enrollment in DPS differs from what the run would create, by their wire names.
 * What the run leaves unset compares with what DPS fills in when it is not sent (enabled, IoT Edge off,
 * re-provision and migrate, no hubs, no twin).
 */
export function differingFields(
  planned: PlannedEnrollment,
  settings: BulkEnrollmentSettings,
  existing: IndividualEnrollment,
): string[] {
  const fields: string[] = [];
  const x509 = existing.attestation.type === 'x509' ? existing.attestation : undefined;
  if (!x509) {
    fields.push(`attestation (${existing.attestation.type}, not X.509)`);
  } else {
    const certificates = x509.clientCertificates;
    if (!sameCertificate(planned.primary.sha256, certificates?.primary?.info?.sha256Thumbprint)) {
      fields.push('primary certificate');
    }
    if (
      !sameCertificate(planned.secondary?.sha256, certificates?.secondary?.info?.sha256Thumbprint)
    ) {
      fields.push('secondary certificate');
    }
  }
  if ((existing.deviceId ?? existing.registrationId) !== planned.deviceId) fields.push('deviceId');
  if ((existing.capabilities?.iotEdge ?? false) !== settings.iotEdge) fields.push('iotEdge');
  if ((existing.provisioningStatus ?? 'enabled') !== (settings.provisioningStatus ?? 'enabled')) {
    fields.push('provisioningStatus');
  }
  if (existing.allocationPolicy !== settings.allocationPolicy) fields.push('allocationPolicy');
  if (
    !isDeepStrictEqual(
      existing.customAllocationDefinition ?? undefined,
      settings.customAllocationDefinition,
    )
  ) {
    fields.push('customAllocationDefinition');
  }
  if (!isDeepStrictEqual(hubSet(existing.iotHubs), hubSet(settings.iotHubs))) {
    fields.push('iotHubs');
  }
  const reprovision = {updateHubAssignment: true, migrateDeviceData: true};
  if (
    !isDeepStrictEqual(
      {...reprovision, ...existing.reprovisionPolicy},
      {...reprovision, ...settings.reprovisionPolicy},
    )
  ) {
    fields.push('reprovisionPolicy');
  }
  const twin = normalTwin(existing.initialTwin);
  const wanted = normalTwin(settings.initialTwin);
  if (!isDeepStrictEqual(twin.tags, wanted.tags)) fields.push('initialTwin.tags');
  if (!isDeepStrictEqual(twin.desired, wanted.desired)) {
    fields.push('initialTwin.properties.desired');
  }
  return fields;
}

const sameCertificate = (wanted: string | undefined, stored: string | undefined) =>
  (wanted ?? '').toUpperCase() === (stored ?? '').toUpperCase();

const hubSet = (hubs: readonly string[] | undefined) =>
  [...new Set((hubs ?? []).map((hub) => hub.toLowerCase()))].sort();

/** An empty collection is the same as none; DPS adds metadata such as $version, which is not compared. */
function normalTwin(twin: InitialTwin | undefined): {
  tags: TwinCollection;
  desired: TwinCollection;
} {
  const withoutMetadata = (collection: TwinCollection | undefined) =>
    Object.fromEntries(Object.entries(collection ?? {}).filter(([key]) => !key.startsWith('$')));
  return {
    tags: withoutMetadata(twin?.tags),
    desired: withoutMetadata(twin?.properties?.desired),
  };
}
