import {
  caNameProblem,
  enrollmentIdProblem,
  type DpsGateway,
  type EnrollmentGroup,
  type X509Attestation,
} from '../dps/index.js';
import {readIfPresent} from '../wizard/shared/dps-calls.js';
import {integerFlag, parseCommandArgs, UsageError} from './args.js';
import {readAll, write, writeList} from './dps-calls.js';
import {
  callOptions,
  dpsCommandFlags,
  InputError,
  runSubcommand,
  withGateway,
  type CommandIo,
  type Subcommand,
} from './dps-command.js';
import {groupRow, groupText, jsonText} from './dps-output.js';
import {
  applySettingChanges,
  readCertificatePair,
  readSettingFlags,
  settingFlags,
  type SettingChanges,
} from './enrollment-flags.js';

/**
 * `dps-enroll group list|show|create|update|delete`: enrollment groups (az iot dps enrollment-group), whose
 * devices prove themselves with a certificate chain up to a CA verified in DPS (--ca-name) or a CA
 * certificate uploaded into the group (--certificate-path).
 */

// az spells the group's ID --enrollment-id, with --group-id as its alias.
const idFlags = {'enrollment-id': {type: 'string'}, 'group-id': {type: 'string'}} as const;

function groupId(values: {'enrollment-id'?: string; 'group-id'?: string}): string {
  const given = [values['enrollment-id'], values['group-id']].filter((id) => id !== undefined);
  if (given.length === 0 || given[0]!.trim() === '') {
    throw new UsageError('--enrollment-id (or --group-id) is required: the enrollment group ID');
  }
  if (given.length > 1 && given[0] !== given[1]) {
    throw new UsageError('--enrollment-id and --group-id name different groups; give one');
  }
  const id = given[0]!;
  const problem = enrollmentIdProblem(id, 'enrollment group ID');
  if (problem) throw new UsageError(`--enrollment-id: ${problem.message}`);
  return id;
}

const list: Subcommand = async (argv, io) => {
  const {values} = parseCommandArgs(argv, {...dpsCommandFlags, top: {type: 'string'}});
  const top = integerFlag('top', values.top, 1, 100_000);
  const groups = await withGateway(values, io, (gateway) =>
    readAll((page) => gateway.queryEnrollmentGroups(page, callOptions(io)), top),
  );
  writeList(io, values.json, groups, {
    empty: 'No enrollment groups.',
    headers: ['GROUP ID', 'EDGE', 'STATUS', 'ATTESTATION'],
    row: groupRow,
  });
  return 0;
};

const show: Subcommand = async (argv, io) => {
  const {values} = parseCommandArgs(argv, {...dpsCommandFlags, ...idFlags});
  const id = groupId(values);
  const group = await withGateway(values, io, (gateway) =>
    gateway.getEnrollmentGroup(id, callOptions(io)),
  );
  write(io, values.json ? jsonText(group) : groupText(group));
  return 0;
};

const writeFlags = {
  ...dpsCommandFlags,
  ...idFlags,
  ...settingFlags,
  'ca-name': {type: 'string'},
  'secondary-ca-name': {type: 'string'},
} as const;

type AttestationValues = {
  'ca-name'?: string;
  'secondary-ca-name'?: string;
  'certificate-path'?: string;
  'secondary-certificate-path'?: string;
};

/** The group's attestation from the flags: CA names, or CA certificates read from files; none if not given. */
async function readAttestation(
  values: AttestationValues,
  io: CommandIo,
): Promise<X509Attestation | undefined> {
  const byName = values['ca-name'] !== undefined || values['secondary-ca-name'] !== undefined;
  const byFile =
    values['certificate-path'] !== undefined || values['secondary-certificate-path'] !== undefined;
  if (byName && byFile) {
    throw new UsageError(
      'a group uses either CA certificates verified in DPS (--ca-name) or certificates uploaded into it (--certificate-path), not both',
    );
  }
  if (byName) {
    const primary = values['ca-name'];
    if (primary === undefined) throw new UsageError('--secondary-ca-name needs --ca-name');
    const secondary = values['secondary-ca-name'];
    for (const [flag, name] of [
      ['ca-name', primary],
      ['secondary-ca-name', secondary],
    ] as const) {
      const problem = name === undefined ? undefined : caNameProblem(name);
      if (problem) throw new UsageError(`--${flag}: ${problem.message}`);
    }
    return {
      type: 'x509',
      caReferences: {primary, ...(secondary === undefined ? {} : {secondary})},
    };
  }
  if (byFile) {
    if (values['certificate-path'] === undefined) {
      throw new UsageError('--secondary-certificate-path needs --certificate-path');
    }
    const pair = await readCertificatePair(values, io.cwd, 'ca');
    return {type: 'x509', signingCertificates: pair};
  }
  return undefined;
}

const create: Subcommand = async (argv, io) => {
  const {values} = parseCommandArgs(argv, writeFlags);
  if (values.etag !== undefined) {
    throw new UsageError('--etag is for update and delete: create makes a new group');
  }
  const id = groupId(values);
  const changes = readSettingFlags(values);
  const attestation = await readAttestation(values, io);
  if (!attestation) {
    throw new UsageError(
      'group create needs --ca-name (a CA certificate verified in DPS) or --certificate-path (a CA certificate uploaded into the group)',
    );
  }
  const group = applySettingChanges<EnrollmentGroup>(
    {
      enrollmentGroupId: id,
      attestation,
      capabilities: {iotEdge: true},
      provisioningStatus: 'enabled',
    },
    changes,
  );
  const created = await withGateway(values, io, async (gateway) => {
    await refuseExisting(gateway, id, io);
    return gateway.createOrUpdateEnrollmentGroup(group, callOptions(io));
  });
  write(
    io,
    values.json
      ? jsonText(created)
      : `Created enrollment group '${created.enrollmentGroupId}'.\n${groupText(created)}`,
  );
  return 0;
};

async function refuseExisting(gateway: DpsGateway, id: string, io: CommandIo) {
  if (!(await readIfPresent(() => gateway.getEnrollmentGroup(id, callOptions(io))))) return;
  throw new InputError(
    `enrollment group '${id}' exists already; nothing was changed`,
    `See it with: dps-enroll group show --enrollment-id ${id}; change it with: dps-enroll group update --enrollment-id ${id} ...`,
  );
}

const update: Subcommand = async (argv, io) => {
  const {values} = parseCommandArgs(argv, writeFlags);
  const id = groupId(values);
  const changes = readSettingFlags(values);
  const attestation = await readAttestation(values, io);
  const updated = await withGateway(values, io, async (gateway) => {
    const current = await gateway.getEnrollmentGroup(id, callOptions(io));
    const next = mergeGroup(current, changes, attestation, values.etag ?? current.etag);
    return gateway.createOrUpdateEnrollmentGroup(next, callOptions(io));
  });
  write(
    io,
    values.json
      ? jsonText(updated)
      : `Updated enrollment group '${updated.enrollmentGroupId}'.\n${groupText(updated)}`,
  );
  return 0;
};

/**
 * The group as DPS has it with what the flags change. New CA names or certificates replace the group's
 * attestation (a group has one kind); a secondary not given is kept when the kind stays the same.
 */
export function mergeGroup(
  current: EnrollmentGroup,
  changes: SettingChanges,
  attestation: X509Attestation | undefined,
  etag: string | undefined,
): EnrollmentGroup {
  const next = applySettingChanges(current, changes);
  if (etag !== undefined) next.etag = etag;
  if (!attestation) return next;
  const existing = current.attestation.type === 'x509' ? current.attestation : undefined;
  if (attestation.caReferences) {
    const kept = existing?.caReferences?.secondary;
    next.attestation = {
      type: 'x509',
      caReferences: {...(kept ? {secondary: kept} : {}), ...attestation.caReferences},
    };
  } else {
    const kept = existing?.signingCertificates?.secondary;
    next.attestation = {
      type: 'x509',
      signingCertificates: {...(kept ? {secondary: kept} : {}), ...attestation.signingCertificates},
    };
  }
  return next;
}

const remove: Subcommand = async (argv, io) => {
  const {values} = parseCommandArgs(argv, {
    ...dpsCommandFlags,
    ...idFlags,
    etag: {type: 'string'},
  });
  const id = groupId(values);
  await withGateway(values, io, (gateway) =>
    gateway.deleteEnrollmentGroup(id, values.etag, callOptions(io)),
  );
  write(
    io,
    values.json
      ? jsonText({deleted: {enrollmentGroupId: id}})
      : `Deleted enrollment group '${id}'.\n`,
  );
  return 0;
};

export function runGroupCommand(argv: string[], io?: CommandIo): Promise<number> {
  return runSubcommand('group', {list, show, create, update, delete: remove}, argv, io);
}
