import type {
  CaCertificate,
  CertificatePair,
  EnrollmentGroup,
  EnrollmentSettings,
  IndividualEnrollment,
  RegistrationState,
} from '../dps/index.js';

/** How the DPS commands print: JSON for scripts, compact tables and "name: value" lines for people. */

export function jsonText(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}

/** Columns padded to their widest cell; the last column is not padded. */
export function table(headers: string[], rows: string[][]): string {
  const widths = headers.map((header, column) =>
    Math.max(header.length, ...rows.map((row) => (row[column] ?? '').length)),
  );
  const line = (cells: string[]) =>
    cells
      .map((cell, column) => (column === cells.length - 1 ? cell : cell.padEnd(widths[column]!)))
      .join('  ')
      .trimEnd();
  return [line(headers), ...rows.map(line)].join('\n') + '\n';
}

/** "name: value" lines with the values aligned; undefined values are left out. */
export function fields(entries: Array<[string, string | undefined]>): string {
  const shown = entries.filter((entry): entry is [string, string] => entry[1] !== undefined);
  const width = Math.max(...shown.map(([name]) => name.length)) + 1;
  return shown.map(([name, value]) => `${`${name}:`.padEnd(width)} ${value}`).join('\n') + '\n';
}

const yesNo = (value: boolean | undefined) =>
  value === undefined ? undefined : value ? 'yes' : 'no';

function certificateLines(label: string, pair: CertificatePair | undefined) {
  const lines: Array<[string, string | undefined]> = [];
  for (const slot of ['primary', 'secondary'] as const) {
    const info = pair?.[slot]?.info;
    if (!info) continue;
    lines.push(
      [`${label} (${slot})`, info.subjectName],
      ['  SHA-1 thumbprint', info.sha1Thumbprint],
      ['  SHA-256 thumbprint', info.sha256Thumbprint],
      ['  valid', `${info.notBeforeUtc} to ${info.notAfterUtc}`],
    );
  }
  return lines;
}

function attestationLines(settings: EnrollmentSettings): Array<[string, string | undefined]> {
  const {attestation} = settings;
  if (attestation.type !== 'x509') return [['attestation', attestation.type]];
  const references = attestation.caReferences;
  return [
    ['attestation', 'X.509'],
    ...certificateLines('certificate', attestation.clientCertificates),
    ...certificateLines('signing certificate', attestation.signingCertificates),
    ['CA certificate', references?.primary ?? undefined],
    ['secondary CA certificate', references?.secondary ?? undefined],
  ];
}

function reprovisionText(settings: EnrollmentSettings): string | undefined {
  const policy = settings.reprovisionPolicy;
  if (!policy) return undefined;
  if (!policy.updateHubAssignment) return 'never';
  return policy.migrateDeviceData ? 'reprovisionandmigratedata' : 'reprovisionandresetdata';
}

function settingLines(settings: EnrollmentSettings): Array<[string, string | undefined]> {
  const twin = settings.initialTwin;
  return [
    ['IoT Edge', yesNo(settings.capabilities?.iotEdge) ?? 'no'],
    ['provisioning status', settings.provisioningStatus],
    ['allocation policy', settings.allocationPolicy],
    ['IoT hubs', settings.iotHubs?.length ? settings.iotHubs.join(', ') : undefined],
    ['webhook URL', settings.customAllocationDefinition?.webhookUrl],
    ['reprovision policy', reprovisionText(settings)],
    ['twin tags', twin?.tags ? JSON.stringify(twin.tags) : undefined],
    [
      'twin desired properties',
      twin?.properties?.desired ? JSON.stringify(twin.properties.desired) : undefined,
    ],
    ['etag', settings.etag],
    ['created', settings.createdDateTimeUtc],
    ['last updated', settings.lastUpdatedDateTimeUtc],
  ];
}

export function enrollmentText(enrollment: IndividualEnrollment): string {
  const state = enrollment.registrationState;
  return fields([
    ['registration ID', enrollment.registrationId],
    ['device ID', enrollment.deviceId],
    ...attestationLines(enrollment),
    ...settingLines(enrollment),
    ['registration', state ? registrationSummary(state) : 'the device has not registered'],
  ]);
}

export function groupText(group: EnrollmentGroup): string {
  return fields([
    ['enrollment group ID', group.enrollmentGroupId],
    ...attestationLines(group),
    ...settingLines(group),
  ]);
}

function registrationSummary(state: RegistrationState): string {
  const hub = state.assignedHub ? ` to ${state.assignedHub}` : '';
  return `${state.status ?? 'unknown'}${hub}`;
}

export function registrationText(state: RegistrationState): string {
  return fields([
    ['registration ID', state.registrationId],
    ['device ID', state.deviceId],
    ['status', state.status],
    ['substatus', state.substatus],
    ['assigned hub', state.assignedHub],
    [
      'error',
      state.errorCode === undefined
        ? undefined
        : `${state.errorCode} ${state.errorMessage ?? ''}`.trim(),
    ],
    ['etag', state.etag],
    ['created', state.createdDateTimeUtc],
    ['last updated', state.lastUpdatedDateTimeUtc],
  ]);
}

export function caText(certificate: CaCertificate): string {
  return fields([
    ['name', certificate.name],
    ['subject', certificate.subject],
    ['SHA-1 thumbprint', certificate.thumbprint],
    ['verified', yesNo(certificate.isVerified)],
    ['expires', certificate.expiry?.toISOString()],
    ['etag', certificate.etag],
    ['created', certificate.created?.toISOString()],
    ['updated', certificate.updated?.toISOString()],
  ]);
}

/** The attestation in a few words, for a table cell. */
export function attestationCell(settings: EnrollmentSettings): string {
  const {attestation} = settings;
  if (attestation.type !== 'x509') return attestation.type;
  if (attestation.caReferences?.primary) return `CA ${attestation.caReferences.primary}`;
  const pair = attestation.clientCertificates ?? attestation.signingCertificates;
  const subject = pair?.primary?.info?.subjectName;
  return subject ? `X.509 ${subject}` : 'X.509';
}

export function enrollmentRow(enrollment: IndividualEnrollment): string[] {
  const state = enrollment.registrationState;
  return [
    enrollment.registrationId,
    enrollment.deviceId ?? '',
    yesNo(enrollment.capabilities?.iotEdge) ?? 'no',
    enrollment.provisioningStatus ?? '',
    state ? registrationSummary(state) : '-',
  ];
}

export function groupRow(group: EnrollmentGroup): string[] {
  return [
    group.enrollmentGroupId,
    yesNo(group.capabilities?.iotEdge) ?? 'no',
    group.provisioningStatus ?? '',
    attestationCell(group),
  ];
}

export function registrationRow(state: RegistrationState): string[] {
  return [state.registrationId, state.deviceId ?? '', state.status ?? '', state.assignedHub ?? ''];
}

export function caRow(certificate: CaCertificate): string[] {
  return [
    certificate.name,
    certificate.isVerified ? 'yes' : 'no',
    certificate.subject ?? '',
    certificate.expiry?.toISOString().slice(0, 10) ?? '',
  ];
}
