import {access} from 'node:fs/promises';
import {isAbsolute, resolve} from 'node:path';
import {
  deviceIdProblem,
  enrollmentIdProblem,
  type CertificatePair,
  type DpsGateway,
  type IndividualEnrollment,
  type X509Attestation,
} from '../dps/index.js';
import {readIfPresent} from '../wizard/shared/dps-calls.js';
import {integerFlag, parseCommandArgs, UsageError} from './args.js';
import {
  callOptions,
  dpsCommandFlags,
  InputError,
  runSubcommand,
  withGateway,
  type CommandIo,
  type Subcommand,
} from './dps-command.js';
import {readAll, requireFlag, write, writeList} from './dps-calls.js';
import {enrollmentRow, enrollmentText, jsonText} from './dps-output.js';
import {
  applySettingChanges,
  readCertificatePair,
  readSettingFlags,
  settingFlags,
  type SettingChanges,
} from './enrollment-flags.js';

/** `dps-enroll enrollment list|show|create|update|delete`: individual enrollments, as az names them. */

const idFlag = {'enrollment-id': {type: 'string'}} as const;

function enrollmentId(values: {'enrollment-id'?: string}): string {
  const id = requireFlag('enrollment-id', values['enrollment-id']);
  const problem = enrollmentIdProblem(id, 'registration ID');
  if (problem) throw new UsageError(`--enrollment-id: ${problem.message}`);
  return id;
}

const list: Subcommand = async (argv, io) => {
  const {values} = parseCommandArgs(argv, {...dpsCommandFlags, top: {type: 'string'}});
  const top = integerFlag('top', values.top, 1, 100_000);
  const enrollments = await withGateway(values, io, (gateway) =>
    readAll((page) => gateway.queryIndividualEnrollments(page, callOptions(io)), top),
  );
  writeList(io, values.json, enrollments, {
    empty: 'No individual enrollments.',
    headers: ['REGISTRATION ID', 'DEVICE ID', 'EDGE', 'STATUS', 'REGISTRATION'],
    row: enrollmentRow,
  });
  return 0;
};

const show: Subcommand = async (argv, io) => {
  const {values} = parseCommandArgs(argv, {...dpsCommandFlags, ...idFlag});
  const id = enrollmentId(values);
  const enrollment = await withGateway(values, io, (gateway) =>
    gateway.getIndividualEnrollment(id, callOptions(io)),
  );
  write(io, values.json ? jsonText(enrollment) : enrollmentText(enrollment));
  return 0;
};

const createFlags = {
  ...dpsCommandFlags,
  ...idFlag,
  ...settingFlags,
  'device-id': {type: 'string'},
  'from-folder': {type: 'string'},
  manifest: {type: 'string'},
  update: {type: 'boolean'},
} as const;

const create: Subcommand = async (argv, io) => {
  const {values} = parseCommandArgs(argv, createFlags);
  if (values['from-folder'] !== undefined || values.manifest !== undefined) {
    return bulkCreate(values, io);
  }
  if (values.update) throw new UsageError('--update goes with --from-folder or --manifest');
  if (values.etag !== undefined) {
    throw new UsageError('--etag is for update and delete: create makes a new enrollment');
  }
  const id = enrollmentId(values);
  const deviceId = readDeviceId(values['device-id']);
  const changes = readSettingFlags(values);
  requireFlag('certificate-path', values['certificate-path']);
  const certificates = await readCertificatePair(values, io.cwd, 'identity', id);
  const enrollment = applySettingChanges<IndividualEnrollment>(
    {
      registrationId: id,
      ...(deviceId === undefined ? {} : {deviceId}),
      attestation: {type: 'x509', clientCertificates: certificates},
      // An IoT Edge device unless --edge-enabled false: enrolling IoT Edge devices is what this tool is for.
      capabilities: {iotEdge: true},
      provisioningStatus: 'enabled',
    },
    changes,
  );
  const created = await withGateway(values, io, async (gateway) => {
    await refuseExisting(gateway, id, io);
    return gateway.createOrUpdateIndividualEnrollment(enrollment, callOptions(io));
  });
  write(
    io,
    values.json
      ? jsonText(created)
      : `Created individual enrollment '${created.registrationId}' (registration ID).\n${enrollmentText(created)}`,
  );
  return 0;
};

function readDeviceId(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const problem = deviceIdProblem(value);
  if (problem) throw new UsageError(`--device-id: ${problem.message}`);
  return value;
}

/** DPS replaces an enrollment that exists: create refuses instead, so nothing is overwritten unseen. */
async function refuseExisting(gateway: DpsGateway, id: string, io: CommandIo) {
  if (!(await readIfPresent(() => gateway.getIndividualEnrollment(id, callOptions(io))))) return;
  throw new InputError(
    `individual enrollment '${id}' exists already; nothing was changed`,
    `See it with: dps-enroll enrollment show --enrollment-id ${id}; change it with: dps-enroll enrollment update --enrollment-id ${id} ...`,
  );
}

const update: Subcommand = async (argv, io) => {
  const {values} = parseCommandArgs(argv, {
    ...dpsCommandFlags,
    ...idFlag,
    ...settingFlags,
    'device-id': {type: 'string'},
    'remove-secondary-certificate': {type: 'boolean'},
  });
  const id = enrollmentId(values);
  const deviceId = readDeviceId(values['device-id']);
  const changes = readSettingFlags(values);
  const replaced = await readCertificatePair(values, io.cwd, 'identity', id);
  if (values['remove-secondary-certificate'] && replaced.secondary) {
    throw new UsageError(
      '--remove-secondary-certificate and --secondary-certificate-path contradict each other',
    );
  }
  const updated = await withGateway(values, io, async (gateway) => {
    const current = await gateway.getIndividualEnrollment(id, callOptions(io));
    const next = mergeEnrollment(current, changes, replaced, {
      ...(deviceId === undefined ? {} : {deviceId}),
      removeSecondary: values['remove-secondary-certificate'] === true,
      etag: values.etag ?? current.etag,
    });
    return gateway.createOrUpdateIndividualEnrollment(next, callOptions(io));
  });
  write(
    io,
    values.json
      ? jsonText(updated)
      : `Updated individual enrollment '${updated.registrationId}'.\n${enrollmentText(updated)}`,
  );
  return 0;
};

/** The enrollment as DPS has it, with what the flags change; untouched certificates are kept as they are. */
export function mergeEnrollment(
  current: IndividualEnrollment,
  changes: SettingChanges,
  certificates: CertificatePair,
  other: {deviceId?: string; removeSecondary: boolean; etag?: string},
): IndividualEnrollment {
  // What DPS computed (registration state, dates) is not written: the wire writer leaves it out.
  const next = applySettingChanges(current, changes);
  if (other.deviceId !== undefined) next.deviceId = other.deviceId;
  if (other.etag !== undefined) next.etag = other.etag;
  if (certificates.primary || certificates.secondary || other.removeSecondary) {
    if (current.attestation.type !== 'x509') {
      throw new InputError(
        `individual enrollment '${current.registrationId}' uses ${current.attestation.type} attestation, not X.509 certificates`,
        'Only X.509 enrollments take --certificate-path; delete and create it again to change its attestation.',
      );
    }
    const pair: CertificatePair = {...current.attestation.clientCertificates};
    if (certificates.primary) pair.primary = certificates.primary;
    if (certificates.secondary) pair.secondary = certificates.secondary;
    if (other.removeSecondary) pair.secondary = null;
    const attestation: X509Attestation = {...current.attestation, clientCertificates: pair};
    next.attestation = attestation;
  }
  return next;
}

const remove: Subcommand = async (argv, io) => {
  const {values} = parseCommandArgs(argv, {...dpsCommandFlags, ...idFlag, etag: {type: 'string'}});
  const id = enrollmentId(values);
  await withGateway(values, io, (gateway) =>
    gateway.deleteIndividualEnrollment(id, values.etag, callOptions(io)),
  );
  write(
    io,
    values.json
      ? jsonText({deleted: {registrationId: id}})
      : `Deleted individual enrollment '${id}'.\n`,
  );
  return 0;
};

/**
 * `create --from-folder DIR | --manifest FILE [--update]`: many enrollments at once, with the settings
 * the other flags give to each. The bulk code is loaded only here.
 */
async function bulkCreate(
  values: {
    'from-folder'?: string;
    manifest?: string;
    update?: boolean;
    json?: boolean;
    'enrollment-id'?: string;
    'device-id'?: string;
    'certificate-path'?: string;
    'secondary-certificate-path'?: string;
    etag?: string;
  } & Parameters<typeof readSettingFlags>[0] &
    Parameters<typeof withGateway>[0],
  io: CommandIo,
): Promise<number> {
  const folder = values['from-folder'];
  const manifest = values.manifest;
  if (folder !== undefined && manifest !== undefined) {
    throw new UsageError('use either --from-folder or --manifest, not both');
  }
  const single = (
    [
      'enrollment-id',
      'device-id',
      'certificate-path',
      'secondary-certificate-path',
      'etag',
    ] as const
  ).find((flag) => values[flag] !== undefined);
  if (single) {
    throw new UsageError(
      `--${single} is for one enrollment; with ${folder !== undefined ? '--from-folder' : '--manifest'} each certificate names its own`,
    );
  }
  const path = folder ?? manifest!;
  const from = folder !== undefined ? {folder} : {manifest: path};
  try {
    await access(isAbsolute(path) ? path : resolve(io.cwd, path));
  } catch {
    throw new UsageError(
      `${folder !== undefined ? '--from-folder' : '--manifest'} ${path} does not exist`,
    );
  }
  const changes = readSettingFlags(values);
  const settings = {
    iotEdge: changes.iotEdge ?? true,
    provisioningStatus: changes.provisioningStatus ?? 'enabled',
    ...(changes.reprovisionPolicy ? {reprovisionPolicy: changes.reprovisionPolicy} : {}),
    ...(changes.allocationPolicy ? {allocationPolicy: changes.allocationPolicy} : {}),
    ...(changes.customAllocationDefinition
      ? {customAllocationDefinition: changes.customAllocationDefinition}
      : {}),
    ...(changes.iotHubs ? {iotHubs: changes.iotHubs} : {}),
    ...(changes.tags || changes.desired
      ? {
          initialTwin: {
            ...(changes.tags ? {tags: changes.tags} : {}),
            ...(changes.desired ? {properties: {desired: changes.desired}} : {}),
          },
        }
      : {}),
  };
  const {bulkCreateEnrollments} = await import('../bulk/bulk-create.js');
  return withGateway(values, io, (gateway: DpsGateway) =>
    bulkCreateEnrollments({
      gateway,
      from,
      cwd: io.cwd,
      settings,
      update: values.update === true,
      json: values.json === true,
      stdout: io.stdout,
      stderr: io.stderr,
      isTty: io.isTty,
      signal: io.signal,
    }),
  );
}

export function runEnrollmentCommand(argv: string[], io?: CommandIo): Promise<number> {
  return runSubcommand('enrollment', {list, show, create, update, delete: remove}, argv, io);
}
