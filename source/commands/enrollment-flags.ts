import {isAbsolute, resolve} from 'node:path';
import {checkCaCertificate, checkIdentityCertificate} from '../certs/check.js';
import {formatFindings, hasErrors} from '../certs/findings.js';
import {readCertificateFile} from '../certs/read.js';
import {CertificateReadError} from '../certs/read-errors.js';
import {
  twinProblems,
  type CertificateEntry,
  type CertificatePair,
  type EnrollmentAllocationPolicy,
  type EnrollmentSettings,
  type InitialTwin,
  type ProvisioningStatus,
  type TwinCollection,
} from '../dps/index.js';
import {UsageError} from './args.js';
import {InputError} from './dps-command.js';

/**
 * The flags enrollment and group create/update share, spelt as `az iot dps enrollment` spells them, and
 * what they mean for an enrollment's settings.
 */
export const settingFlags = {
  'certificate-path': {type: 'string'},
  'secondary-certificate-path': {type: 'string'},
  'edge-enabled': {type: 'string'},
  'provisioning-status': {type: 'string'},
  'reprovision-policy': {type: 'string'},
  'allocation-policy': {type: 'string'},
  'iot-hubs': {type: 'string', multiple: true},
  'webhook-url': {type: 'string'},
  'api-version': {type: 'string'},
  'initial-twin-tags': {type: 'string'},
  'initial-twin-properties': {type: 'string'},
  etag: {type: 'string'},
} as const;

export type SettingValues = {
  'edge-enabled'?: string;
  'provisioning-status'?: string;
  'reprovision-policy'?: string;
  'allocation-policy'?: string;
  'iot-hubs'?: string[];
  'webhook-url'?: string;
  'api-version'?: string;
  'initial-twin-tags'?: string;
  'initial-twin-properties'?: string;
};

/** The settings the flags name; each is absent when its flag was not given (update keeps what DPS has). */
export type SettingChanges = {
  iotEdge?: boolean;
  provisioningStatus?: ProvisioningStatus;
  reprovisionPolicy?: EnrollmentSettings['reprovisionPolicy'];
  allocationPolicy?: EnrollmentAllocationPolicy;
  iotHubs?: string[];
  customAllocationDefinition?: EnrollmentSettings['customAllocationDefinition'];
  tags?: TwinCollection;
  desired?: TwinCollection;
};

const reprovisionPolicies = {
  reprovisionandmigratedata: {updateHubAssignment: true, migrateDeviceData: true},
  reprovisionandresetdata: {updateHubAssignment: true, migrateDeviceData: false},
  never: {updateHubAssignment: false, migrateDeviceData: false},
} as const;

const allocationPolicies: Record<string, EnrollmentAllocationPolicy> = {
  hashed: 'hashed',
  geolatency: 'geoLatency',
  static: 'static',
  custom: 'custom',
};

function oneOf<T extends string>(flag: string, value: string, choices: readonly T[]): T {
  const match = choices.find((choice) => choice.toLowerCase() === value.trim().toLowerCase());
  if (match === undefined) {
    throw new UsageError(`--${flag} must be one of ${choices.join(', ')}, got "${value}"`);
  }
  return match;
}

/** A twin section as JSON (an object), or a UsageError naming the flag and what is wrong. */
function twinSection(flag: string, text: string): TwinCollection {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new UsageError(
      `--${flag} must be a JSON object such as '{"environment": "test"}': ${(error as Error).message}`,
    );
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new UsageError(`--${flag} must be a JSON object such as '{"environment": "test"}'`);
  }
  return value as TwinCollection;
}

/** Reads the setting flags; a value DPS would refuse is a UsageError before anything is connected. */
export function readSettingFlags(values: SettingValues): SettingChanges {
  const changes: SettingChanges = {};
  const edge = values['edge-enabled'];
  if (edge !== undefined)
    changes.iotEdge = oneOf('edge-enabled', edge, ['true', 'false']) === 'true';
  const status = values['provisioning-status'];
  if (status !== undefined) {
    changes.provisioningStatus = oneOf('provisioning-status', status, [
      'enabled',
      'disabled',
    ] as const);
  }
  const reprovision = values['reprovision-policy'];
  if (reprovision !== undefined) {
    const name = oneOf(
      'reprovision-policy',
      reprovision,
      Object.keys(reprovisionPolicies),
    ) as keyof typeof reprovisionPolicies;
    changes.reprovisionPolicy = {...reprovisionPolicies[name]};
  }
  const allocation = values['allocation-policy'];
  if (allocation !== undefined) {
    changes.allocationPolicy =
      allocationPolicies[oneOf('allocation-policy', allocation, Object.keys(allocationPolicies))];
  }
  const webhookUrl = values['webhook-url'];
  const apiVersion = values['api-version'];
  if (changes.allocationPolicy === 'custom') {
    if (!webhookUrl || !apiVersion) {
      throw new UsageError(
        '--allocation-policy custom needs --webhook-url and --api-version (of the allocation function)',
      );
    }
    changes.customAllocationDefinition = {webhookUrl, apiVersion};
  } else if (webhookUrl !== undefined || apiVersion !== undefined) {
    throw new UsageError('--webhook-url and --api-version go with --allocation-policy custom');
  }
  const hubs = values['iot-hubs'];
  if (hubs !== undefined) {
    // az takes them space-separated; a comma works too.
    changes.iotHubs = hubs.flatMap((value) => value.split(/[\s,]+/)).filter((hub) => hub !== '');
  }
  const tags = values['initial-twin-tags'];
  if (tags !== undefined) changes.tags = twinSection('initial-twin-tags', tags);
  const desired = values['initial-twin-properties'];
  if (desired !== undefined) changes.desired = twinSection('initial-twin-properties', desired);
  const problems = twinProblems({
    ...(changes.tags ? {tags: changes.tags} : {}),
    ...(changes.desired ? {properties: {desired: changes.desired}} : {}),
  });
  if (problems.length > 0) throw new UsageError(`the initial twin: ${problems.join('; ')}`);
  return changes;
}

/**
 * The settings with the changes applied: a flag replaces what it names; a twin section given replaces
 * that section and keeps the other.
 */
export function applySettingChanges<T extends EnrollmentSettings>(
  settings: T,
  changes: SettingChanges,
): T {
  const next: T = {...settings};
  if (changes.iotEdge !== undefined) next.capabilities = {iotEdge: changes.iotEdge};
  if (changes.provisioningStatus) next.provisioningStatus = changes.provisioningStatus;
  if (changes.reprovisionPolicy) next.reprovisionPolicy = changes.reprovisionPolicy;
  if (changes.allocationPolicy) {
    next.allocationPolicy = changes.allocationPolicy;
    if (changes.customAllocationDefinition) {
      next.customAllocationDefinition = changes.customAllocationDefinition;
    } else {
      delete next.customAllocationDefinition;
    }
  }
  if (changes.iotHubs) next.iotHubs = changes.iotHubs;
  if (changes.tags || changes.desired) {
    const twin: InitialTwin = {...settings.initialTwin};
    if (changes.tags) twin.tags = changes.tags;
    if (changes.desired) twin.properties = {...twin.properties, desired: changes.desired};
    next.initialTwin = twin;
  }
  return next;
}

/**
 * Reads a certificate file given with `flag` and checks it for its purpose: a device identity (individual
 * enrollments) or a CA (groups, CA upload). Only the public certificate is returned; a problem names the
 * file, says what is wrong and how to fix it.
 */
export async function readCertificateFlag(
  flag: string,
  path: string,
  cwd: string,
  purpose: 'identity' | 'ca',
  registrationId?: string,
): Promise<CertificateEntry & {certificate: string}> {
  const absolute = isAbsolute(path) ? path : resolve(cwd, path);
  let bundle;
  try {
    bundle = await readCertificateFile(absolute);
  } catch (error) {
    if (error instanceof CertificateReadError) {
      const named = error.message.includes(path) || error.message.includes(absolute);
      throw new InputError(
        named ? `--${flag}: ${error.message}` : `--${flag} ${path}: ${error.message}`,
        'Give the certificate file in PEM or DER (.cer) form, the public certificate only (dps-enroll certs inspect FILE shows what a file holds).',
      );
    }
    throw error;
  }
  const [leaf] = bundle.certificates;
  if (!leaf) throw new InputError(`--${flag} ${path} holds no certificate`);
  if (bundle.containsPrivateKey && purpose === 'ca') {
    throw new InputError(
      `--${flag} ${path} also holds a private key: a CA's key is never uploaded`,
      'Give the file with the CA certificate only (e.g. certs/...root.ca.cert.pem, not a .pfx or a combined PEM).',
    );
  }
  const findings =
    purpose === 'identity'
      ? checkIdentityCertificate(leaf, registrationId === undefined ? {} : {registrationId})
      : checkCaCertificate(leaf);
  if (hasErrors(findings)) {
    throw new InputError(
      `--${flag} ${path} cannot be used:\n${formatFindings(findings.filter((finding) => finding.severity === 'error'))}`,
      'Nothing was sent to DPS; dps-enroll certs check explains each finding.',
    );
  }
  return {certificate: leaf.toString()};
}

/** The certificates --certificate-path and --secondary-certificate-path name, each read and checked when given. */
export async function readCertificatePair(
  values: {'certificate-path'?: string; 'secondary-certificate-path'?: string},
  cwd: string,
  purpose: 'identity' | 'ca',
  registrationId?: string,
): Promise<CertificatePair> {
  const pair: CertificatePair = {};
  const primary = values['certificate-path'];
  if (primary !== undefined) {
    pair.primary = await readCertificateFlag(
      'certificate-path',
      primary,
      cwd,
      purpose,
      registrationId,
    );
  }
  const secondary = values['secondary-certificate-path'];
  if (secondary !== undefined) {
    pair.secondary = await readCertificateFlag(
      'secondary-certificate-path',
      secondary,
      cwd,
      purpose,
      registrationId,
    );
  }
  return pair;
}
