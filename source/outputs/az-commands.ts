import type {
  CertificatePair,
  EnrollmentGroup,
  EnrollmentSettings,
  IndividualEnrollment,
} from '../dps/index.js';
import {shellQuote} from './shell-quote.js';

/** Who the az command talks to: az has no way to reach the sandbox, so for it the commands are for reference. */
export type AzTarget =
  | {mode: 'azure'; dpsName: string; resourceGroup: string}
  /** Rendered as --login "$DPS_CONNECTION_STRING": the connection string itself is never printed. */
  | {mode: 'connection-string'}
  | {mode: 'sandbox'; dpsName: string; resourceGroup: string};

/** Local paths of the certificate files the user picked; unknown ones become placeholders. */
export type CertificateFiles = {primary?: string; secondary?: string};

export const certificateFilePlaceholders = {
  primary: '<primary certificate file>',
  secondary: '<secondary certificate file>',
  verification: '<verification certificate file>',
} as const;

/** A flag and its value, the value already written as shell text; no value for a bare flag. */
type Option = [flag: string, value?: string];

const sandboxNote = '# For reference only: az cannot reach the local sandbox DPS.';
const currentEtagNote =
  "# ETAG: the certificate's current etag (az iot dps certificate show prints it).";

/** `az iot dps enrollment create` (or `update`) for an individual enrollment. */
export function individualEnrollmentCommand(
  enrollment: IndividualEnrollment,
  target: AzTarget,
  files: CertificateFiles,
  options: {update?: boolean} = {},
): string {
  const update = options.update === true;
  const command = `az iot dps enrollment ${update ? 'update' : 'create'}`;
  const lines: Option[] = [
    ...serviceTarget(target),
    ['--enrollment-id', shellQuote(enrollment.registrationId)],
  ];
  const {attestation} = enrollment;
  if (!update) lines.push(['--attestation-type', shellQuote(attestation.type)]);
  if (attestation.type === 'x509') {
    const certificates = certificateOptions(attestation.clientCertificates, files, update);
    if (!update && !certificates.some(([flag]) => flag.endsWith('certificate-path'))) {
      // az refuses an X.509 enrollment without a certificate file.
      certificates.push(['--certificate-path', shellQuote(certificateFilePlaceholders.primary)]);
    }
    lines.push(...certificates);
  }
  if (enrollment.deviceId !== undefined) {
    lines.push(['--device-id', shellQuote(enrollment.deviceId)]);
  }
  lines.push(...settingOptions(enrollment, update));
  return render(targetNotes(target), command, lines);
}

/** `az iot dps enrollment-group create` (or `update`) for an enrollment group. */
export function enrollmentGroupCommand(
  group: EnrollmentGroup,
  target: AzTarget,
  files: CertificateFiles,
  options: {update?: boolean} = {},
): string {
  const update = options.update === true;
  const command = `az iot dps enrollment-group ${update ? 'update' : 'create'}`;
  const lines: Option[] = [
    ...serviceTarget(target),
    ['--enrollment-id', shellQuote(group.enrollmentGroupId)],
  ];
  const {attestation} = group;
  if (attestation.type === 'x509') {
    const certificates = certificateOptions(attestation.signingCertificates, files, update);
    const references = attestation.caReferences ?? {};
    if (references.primary) certificates.push(['--ca-name', shellQuote(references.primary)]);
    if (references.secondary) {
      certificates.push(['--secondary-ca-name', shellQuote(references.secondary)]);
    }
    if (!update && certificates.length === 0) {
      // Without a certificate or a CA name, az silently creates a symmetric-key group.
      certificates.push(['--certificate-path', shellQuote(certificateFilePlaceholders.primary)]);
    }
    lines.push(...certificates);
  }
  lines.push(...settingOptions(group, update));
  return render(targetNotes(target), command, lines);
}

/**
 * The `az iot dps certificate` commands that upload a CA certificate (`create`, or `update` to replace one
 * of that name, or nothing for one already in DPS) and, unless it is uploaded as verified, prove possession
 * of its private key. Each command is one string; the notes on where they apply come once, before the first.
 */
export function caCertificateCommands(
  input: {
    name: string;
    certificatePath: string;
    upload?: 'create' | 'update' | 'none';
    verified?: boolean;
    verificationCertificatePath?: string;
  },
  target: AzTarget,
): string[] {
  const notes = certificateTargetNotes(target);
  const upload = input.upload ?? 'create';
  const resource: Option[] = [
    ...managementTarget(target),
    ['--certificate-name', shellQuote(input.name)],
  ];
  const uploadOptions: Option[] = [...resource, ['--path', shellQuote(input.certificatePath)]];
  if (upload === 'update') uploadOptions.push(['--etag', '"$ETAG"']);
  if (input.verified) uploadOptions.push(['--verified', 'true']);
  const commands: string[] = [];
  if (upload === 'create') {
    commands.push(render(notes, 'az iot dps certificate create', uploadOptions));
  } else if (upload === 'update') {
    commands.push(
      render([...notes, currentEtagNote], 'az iot dps certificate update', uploadOptions),
    );
  }
  if (input.verified) return commands;

  const uploadedHere = commands.length > 0;
  commands.push(
    render(
      [
        ...(uploadedHere ? [] : notes),
        uploadedHere ? `# ETAG: the etag the ${upload} command printed.` : currentEtagNote,
        "# It prints a verificationCode: sign a certificate whose subject CN is that code with this CA's key.",
      ],
      'az iot dps certificate generate-verification-code',
      [...resource, ['--etag', '"$ETAG"']],
    ),
    render(
      ['# ETAG: the new etag generate-verification-code printed.'],
      'az iot dps certificate verify',
      [
        ...resource,
        [
          '--path',
          shellQuote(input.verificationCertificatePath ?? certificateFilePlaceholders.verification),
        ],
        ['--etag', '"$ETAG"'],
      ],
    ),
  );
  return commands;
}

function serviceTarget(target: AzTarget): Option[] {
  if (target.mode === 'connection-string') return [['--login', '"$DPS_CONNECTION_STRING"']];
  return [
    ['--dps-name', shellQuote(target.dpsName)],
    ['--resource-group', shellQuote(target.resourceGroup)],
  ];
}

function targetNotes(target: AzTarget): string[] {
  if (target.mode === 'sandbox') return [sandboxNote];
  if (target.mode === 'connection-string') {
    return [
      '# First set DPS_CONNECTION_STRING to the service connection string: read -rs DPS_CONNECTION_STRING',
    ];
  }
  return [];
}

/** The certificate commands are management-plane only: they take no connection string. */
function managementTarget(target: AzTarget): Option[] {
  if (target.mode === 'connection-string') {
    return [
      ['--dps-name', '"$DPS_NAME"'],
      ['--resource-group', '"$RESOURCE_GROUP"'],
    ];
  }
  return serviceTarget(target);
}

function certificateTargetNotes(target: AzTarget): string[] {
  if (target.mode === 'sandbox') return [sandboxNote];
  if (target.mode === 'connection-string') {
    return [
      '# Certificate commands take no connection string: they need az login and the DPS name.',
      '# First set DPS_NAME and RESOURCE_GROUP to the DPS name and its resource group.',
    ];
  }
  return [];
}

/**
 * Certificate file options for a primary/secondary pair. On update, an entry holding only the stored
 * certificate's info keeps that certificate (no option), and a null entry removes it.
 */
function certificateOptions(
  pair: CertificatePair | undefined,
  files: CertificateFiles,
  update: boolean,
): Option[] {
  const flags = {
    primary: {path: '--certificate-path', remove: '--remove-certificate'},
    secondary: {path: '--secondary-certificate-path', remove: '--remove-secondary-certificate'},
  };
  const options: Option[] = [];
  for (const slot of ['primary', 'secondary'] as const) {
    const entry = pair?.[slot];
    if (entry === null) {
      if (update) options.push([flags[slot].remove]);
    } else if (entry !== undefined && (!update || entry.certificate !== undefined)) {
      const path = files[slot] ?? certificateFilePlaceholders[slot];
      options.push([flags[slot].path, shellQuote(path)]);
    }
  }
  return options;
}

function settingOptions(settings: EnrollmentSettings, update: boolean): Option[] {
  const options: Option[] = [];
  if (settings.capabilities !== undefined) {
    options.push(['--edge-enabled', String(settings.capabilities.iotEdge)]);
  }
  if (settings.provisioningStatus !== undefined) {
    options.push(['--provisioning-status', settings.provisioningStatus]);
  }
  if (settings.reprovisionPolicy !== undefined) {
    options.push(['--reprovision-policy', reprovisionPolicy(settings.reprovisionPolicy)]);
  }
  if (settings.allocationPolicy !== undefined) {
    options.push(['--allocation-policy', settings.allocationPolicy]);
  }
  if (settings.iotHubs !== undefined && settings.iotHubs.length > 0) {
    options.push(['--iot-hubs', shellQuote(settings.iotHubs.join(' '))]);
  }
  const custom = settings.customAllocationDefinition;
  if (settings.allocationPolicy === 'custom' && custom !== undefined) {
    options.push(['--webhook-url', shellQuote(custom.webhookUrl)]);
    options.push(['--api-version', shellQuote(custom.apiVersion)]);
  }
  const twin = settings.initialTwin;
  // An empty collection changes nothing on create; on update it clears what is stored.
  if (twin?.tags !== undefined && (update || Object.keys(twin.tags).length > 0)) {
    options.push(['--initial-twin-tags', shellQuote(JSON.stringify(twin.tags))]);
  }
  const desired = twin?.properties?.desired;
  if (desired !== undefined && (update || Object.keys(desired).length > 0)) {
    options.push(['--initial-twin-properties', shellQuote(JSON.stringify(desired))]);
  }
  if (update && settings.etag !== undefined) options.push(['--etag', shellQuote(settings.etag)]);
  return options;
}

function reprovisionPolicy(policy: {updateHubAssignment: boolean; migrateDeviceData: boolean}) {
  if (!policy.updateHubAssignment) return 'never';
  return policy.migrateDeviceData ? 'reprovisionandmigratedata' : 'reprovisionandresetdata';
}

/** Comment lines, then the command with one option per line, joined by ` \` continuations. */
function render(notes: string[], command: string, options: Option[]): string {
  const parts = [
    command,
    ...options.map(([flag, value]) => (value === undefined ? `  ${flag}` : `  ${flag} ${value}`)),
  ];
  return [...notes, parts.join(' \\\n')].join('\n');
}

/** What a save created, for the command that shows it: an enrollment, a group, or a CA certificate. */
export type SavedKind = 'enrollment' | 'enrollment-group' | 'certificate';

/** `az iot dps enrollment show` (or `enrollment-group show`, `certificate show`): is it in DPS, and how. */
export function showCommand(kind: SavedKind, id: string, target: AzTarget): string {
  if (kind === 'certificate') {
    return render(certificateTargetNotes(target), 'az iot dps certificate show', [
      ...managementTarget(target),
      ['--certificate-name', shellQuote(id)],
    ]);
  }
  return render(targetNotes(target), `az iot dps ${kind} show`, [
    ...serviceTarget(target),
    ['--enrollment-id', shellQuote(id)],
  ]);
}
