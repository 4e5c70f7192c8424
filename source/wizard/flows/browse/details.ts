import type {
  CertificateEntry,
  CertificateInfo,
  EnrollmentSettings,
  RegistrationState,
} from '../../../dps/index.js';
import type {BrowseItem} from './state.js';

/** The details of one item as text lines, "Label   value": what DPS holds, certificates and twin included. */

const row = (label: string, value: string | number | boolean | undefined): string[] =>
  value === undefined || value === '' ? [] : [`${label.padEnd(16)}${String(value)}`];

const when = (value: string | Date | undefined): string | undefined => {
  if (value === undefined) return undefined;
  const date = value instanceof Date ? value : new Date(value);
  return Number.isNaN(date.getTime()) ? String(value) : date.toISOString();
};

/** What a certificate is, as DPS computed it from the PEM it was given. */
function certificateLines(title: string, entry: CertificateEntry | null | undefined): string[] {
  const info: CertificateInfo | undefined = entry?.info;
  if (!info) return entry?.certificate ? [title, '  (certificate sent, not read back yet)'] : [];
  const expired = Date.parse(info.notAfterUtc) < Date.now() ? ' (expired)' : '';
  return [
    title,
    ...row('  Subject', info.subjectName),
    ...row('  Issuer', info.issuerName),
    ...row('  Valid from', when(info.notBeforeUtc)),
    ...row('  Valid until', `${when(info.notAfterUtc) ?? ''}${expired}`),
    ...row('  SHA-1', info.sha1Thumbprint),
    ...row('  SHA-256', info.sha256Thumbprint),
    ...row('  Serial number', info.serialNumber),
  ];
}

function attestationLines(settings: EnrollmentSettings): string[] {
  const {attestation} = settings;
  if (attestation.type !== 'x509') return row('Attestation', `${attestation.type} (not shown)`);
  return [
    ...row('Attestation', 'X.509'),
    ...certificateLines('Primary certificate', attestation.clientCertificates?.primary),
    ...certificateLines('Secondary certificate', attestation.clientCertificates?.secondary),
    ...certificateLines('Primary signing certificate', attestation.signingCertificates?.primary),
    ...certificateLines(
      'Secondary signing certificate',
      attestation.signingCertificates?.secondary,
    ),
    ...row('Primary CA', attestation.caReferences?.primary ?? undefined),
    ...row('Secondary CA', attestation.caReferences?.secondary ?? undefined),
  ];
}

function settingsLines(settings: EnrollmentSettings): string[] {
  const twin = settings.initialTwin;
  const twinText =
    twin && (twin.tags || twin.properties?.desired)
      ? JSON.stringify(twin, undefined, 2).split('\n')
      : ['(none)'];
  return [
    ...row('Status', settings.provisioningStatus ?? 'enabled'),
    ...row('IoT Edge', settings.capabilities?.iotEdge ? 'yes' : 'no'),
    ...row('Allocation', settings.allocationPolicy ?? 'the DPS default'),
    ...row(
      'IoT hubs',
      settings.iotHubs && settings.iotHubs.length > 0
        ? settings.iotHubs.join(', ')
        : 'every linked hub',
    ),
    ...row('Webhook', settings.customAllocationDefinition?.webhookUrl),
    ...row(
      'Reprovisioning',
      settings.reprovisionPolicy &&
        `update hub ${settings.reprovisionPolicy.updateHubAssignment ? 'yes' : 'no'}, migrate data ${settings.reprovisionPolicy.migrateDeviceData ? 'yes' : 'no'}`,
    ),
    ...row('Created', when(settings.createdDateTimeUtc)),
    ...row('Updated', when(settings.lastUpdatedDateTimeUtc)),
    ...row('Etag', settings.etag),
    ...attestationLines(settings),
    'Initial twin',
    ...twinText.map((line) => `  ${line}`),
  ];
}

function registrationLines(state: RegistrationState, indent = ''): string[] {
  return [
    ...row(`${indent}Status`, state.status),
    ...row(`${indent}Substatus`, state.substatus),
    ...row(`${indent}Device ID`, state.deviceId),
    ...row(`${indent}Assigned hub`, state.assignedHub),
    ...row(`${indent}Error`, state.errorCode === undefined ? undefined : String(state.errorCode)),
    ...row(`${indent}Error message`, state.errorMessage),
    ...row(`${indent}Created`, when(state.createdDateTimeUtc)),
    ...row(`${indent}Updated`, when(state.lastUpdatedDateTimeUtc)),
    ...row(`${indent}Etag`, state.etag),
  ];
}

export function detailsText(entry: BrowseItem): string {
  switch (entry.tab) {
    case 'enrollments': {
      const {item} = entry;
      const registration = item.registrationState
        ? ['Registration', ...registrationLines(item.registrationState, '  ')]
        : ['Registration    the device has not registered yet'];
      return [
        ...row('Registration ID', item.registrationId),
        ...row('Device ID', item.deviceId ?? `${item.registrationId} (the registration ID)`),
        ...settingsLines(item),
        ...registration,
      ].join('\n');
    }
    case 'groups':
      return [...row('Group ID', entry.item.enrollmentGroupId), ...settingsLines(entry.item)].join(
        '\n',
      );
    case 'registrations':
      return [
        ...row('Registration ID', entry.item.registrationId),
        ...registrationLines(entry.item),
      ].join('\n');
    case 'ca': {
      const {item} = entry;
      return [
        ...row('Name', item.name),
        ...row('Verified', item.isVerified ? 'yes' : 'no: prove possession of its key with v'),
        ...row('Subject', item.subject),
        ...row('SHA-1', item.thumbprint),
        ...row('Expires', when(item.expiry)),
        ...row('Created', when(item.created)),
        ...row('Updated', when(item.updated)),
        ...row('Etag', item.etag),
      ].join('\n');
    }
  }
}
