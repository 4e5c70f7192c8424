import {enrollmentIdProblem} from '../dps/index.js';
import {integerFlag, parseCommandArgs, UsageError} from './args.js';
import {readAll, requireFlag, write, writeList} from './dps-calls.js';
import {
  callOptions,
  dpsCommandFlags,
  runSubcommand,
  withGateway,
  type CommandIo,
  type Subcommand,
} from './dps-command.js';
import {jsonText, registrationRow, registrationText} from './dps-output.js';

/**
 * `dps-enroll registration list|show|delete`: the registration states DPS keeps for devices that have
 * registered (az iot dps enrollment registration / enrollment-group registration).
 */

function checkedId(flag: string, value: string | undefined, what: string): string {
  const id = requireFlag(flag, value);
  const problem = enrollmentIdProblem(id, what);
  if (problem) throw new UsageError(`--${flag}: ${problem.message}`);
  return id;
}

const list: Subcommand = async (argv, io) => {
  const {values} = parseCommandArgs(argv, {
    ...dpsCommandFlags,
    'group-id': {type: 'string'},
    top: {type: 'string'},
  });
  const group = checkedId('group-id', values['group-id'], 'enrollment group ID');
  const top = integerFlag('top', values.top, 1, 100_000);
  const states = await withGateway(values, io, (gateway) =>
    readAll((page) => gateway.queryRegistrationStates(group, page, callOptions(io)), top),
  );
  writeList(io, values.json, states, {
    empty: `No device of group '${group}' has registered.`,
    headers: ['REGISTRATION ID', 'DEVICE ID', 'STATUS', 'ASSIGNED HUB'],
    row: registrationRow,
  });
  return 0;
};

const show: Subcommand = async (argv, io) => {
  const {values} = parseCommandArgs(argv, {
    ...dpsCommandFlags,
    'registration-id': {type: 'string'},
  });
  const id = checkedId('registration-id', values['registration-id'], 'registration ID');
  const state = await withGateway(values, io, (gateway) =>
    gateway.getRegistrationState(id, callOptions(io)),
  );
  write(io, values.json ? jsonText(state) : registrationText(state));
  return 0;
};

const remove: Subcommand = async (argv, io) => {
  const {values} = parseCommandArgs(argv, {
    ...dpsCommandFlags,
    'registration-id': {type: 'string'},
    etag: {type: 'string'},
  });
  const id = checkedId('registration-id', values['registration-id'], 'registration ID');
  await withGateway(values, io, (gateway) =>
    gateway.deleteRegistrationState(id, values.etag, callOptions(io)),
  );
  write(
    io,
    values.json
      ? jsonText({deleted: {registrationId: id}})
      : `Deleted the registration state of '${id}': the device registers anew next time.\n`,
  );
  return 0;
};

export function runRegistrationCommand(argv: string[], io?: CommandIo): Promise<number> {
  return runSubcommand('registration', {list, show, delete: remove}, argv, io);
}
