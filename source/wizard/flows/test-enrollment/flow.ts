import {update, type FlowUpdate, type OpenTest, type SharedOutcome} from '../../shared/effect.js';
import {
  backHint,
  exitHint,
  pathFieldHints,
  type FlowContext,
  type FlowModule,
  type StepTable,
} from '../../shared/flow.js';
import {withError, withStep} from '../../shared/flow-step.js';
import {fieldLenses, pathFieldResult, type PathFieldLenses} from '../../shared/path-field.js';
import {draftOf} from '../../shared/text-draft.js';
import {configOffered} from './device.js';
import {testEnrollmentInput} from './input.js';
import {
  initialTestEnrollmentFlow,
  type TestEnrollmentEffect,
  type TestEnrollmentField,
  type TestEnrollmentFlow,
  type TestEnrollmentOutcome,
} from './state.js';

/** "Test an enrollment" as the router knows it: its steps, opening it, its keys and outcomes. */

type Update = FlowUpdate<TestEnrollmentFlow, TestEnrollmentEffect>;

const textStep = {takesText: true, hints: () => ['Enter continue', backHint, exitHint]};

export const testEnrollmentSteps: StepTable<TestEnrollmentFlow> = {
  certificate: {
    busy: (flow) => flow.certificate.status.state === 'reading',
    takesText: true,
    hints: pathFieldHints,
  },
  chain: {takesText: true, hints: pathFieldHints},
  key: {takesText: true, hints: pathFieldHints},
  'registration-id': textStep,
  'id-scope': textStep,
  transport: {hints: () => ['↑↓ choose', 'Enter check', backHint, exitHint]},
  preflight: {
    busy: (flow) => flow.checking === true,
    escapeActsAtOnce: (flow) => flow.checking === true,
    hints: (flow) => [
      // At most 80 columns: the footer is one line.
      'Enter register',
      ...(configOffered(flow) ? ['w config.toml'] : []),
      'i install',
      'r recheck',
      backHint,
      exitHint,
    ],
  },
  // One letter registers the device in IoT Hub: a pasted text never does.
  confirm: {
    decidesByLetter: true,
    hints: () => ['y register in IoT Hub', 'n or Esc back', exitHint],
  },
  registering: {
    busy: () => true,
    escapeActsAtOnce: () => true,
    hints: () => ['Esc cancel', exitHint],
  },
  assigned: {
    hints: (flow) => [
      'Enter home',
      ...(configOffered(flow) ? ['w config.toml'] : []),
      'i install on this device',
      exitHint,
    ],
  },
  refused: {hints: () => ['r retry', 'e edit', backHint, exitHint]},
  'write-config': {
    takesText: true,
    hints: () => ['Enter write', 'Tab complete path', backHint, exitHint],
  },
  'install-plan': {
    busy: (flow) => flow.install !== undefined,
    // Working out the plan changes nothing: Esc leaves at once. Installing is let finish.
    escapeActsAtOnce: (flow) => flow.install === 'planning',
    decidesByLetter: true,
    hints: (flow) => [...(flow.installPlan ? ['y apply'] : []), backHint, exitHint],
  },
  installed: {
    busy: (flow) => flow.applying === true,
    hints: (flow) => [
      ...(flow.installPlan?.iotedgeFound ? ['a run iotedge config apply'] : []),
      'Enter home',
      backHint,
      exitHint,
    ],
  },
};

const lens = fieldLenses<TestEnrollmentFlow>();
const fields: PathFieldLenses<TestEnrollmentFlow, TestEnrollmentField> = {
  'test-certificate': lens.certificate('certificate'),
  'test-chain': lens.path('chain'),
  'test-key': lens.path('key'),
  'test-config-file': lens.path('configFile'),
};

/**
 * Opens the test. From home, a test that ended starts clean; with what another flow knows (an
 * enrollment's registration ID, its certificate, its group), a fresh test starts from it.
 */
function open(flow: TestEnrollmentFlow, handOff: OpenTest): Update {
  if (handOff.kind === 'home') {
    return update(flow.assignment ? initialTestEnrollmentFlow() : flow);
  }
  const {registrationId, certificatePath, group} = handOff;
  const fresh: TestEnrollmentFlow = {
    ...initialTestEnrollmentFlow(),
    ...(group !== undefined ? {group} : {individual: true}),
    ...(registrationId !== undefined
      ? {registrationId: draftOf(registrationId), registrationIdEdited: true}
      : {}),
  };
  if (certificatePath === undefined || certificatePath.trim() === '') return update(fresh);
  return update(
    {
      ...fresh,
      certificate: {
        ...fresh.certificate,
        path: draftOf(certificatePath),
        status: {state: 'reading'},
      },
    },
    {
      kind: 'read-certificate',
      field: 'test-certificate',
      purpose: 'identity',
      path: certificatePath,
    },
  );
}

function withoutInstall(flow: TestEnrollmentFlow): TestEnrollmentFlow {
  const {install: _done, ...rest} = flow;
  return rest;
}

function result(
  flow: TestEnrollmentFlow,
  effect: TestEnrollmentEffect,
  outcome: TestEnrollmentOutcome | SharedOutcome,
): Update {
  const pathField = pathFieldResult(fields, flow, effect, outcome);
  if (pathField) return update(pathField);
  switch (outcome.kind) {
    case 'file-written':
      return update({
        ...withStep(flow, flow.configFrom ?? 'preflight'),
        confirmOverwrite: false,
        configWritten: outcome.path,
      });
    case 'file-exists':
      return update(
        withError(
          {...flow, confirmOverwrite: true},
          `${outcome.path} already exists: press Enter again to replace it, or Esc to keep it`,
        ),
        {kind: 'discard-type-ahead'},
      );
    case 'file-failed':
      return update(withError(flow, outcome.message));
    case 'device-checked': {
      const {checking: _done, ...rest} = flow;
      return update({...rest, findings: outcome.findings});
    }
    case 'device-registered': {
      const {stage: _stage, ...rest} = flow;
      const answer = outcome.outcome;
      if (answer.outcome === 'assigned') {
        return update({...withStep(rest, 'assigned'), assignment: answer});
      }
      const {outcome: _kind, ...refusal} = answer;
      // Keys typed while registering never retry or edit a refusal the user has not read.
      return update({...withStep(rest, 'refused'), refusal}, {kind: 'discard-type-ahead'});
    }
    case 'registration-failed': {
      const {stage: _stage, ...rest} = flow;
      const refusal = {
        cause: outcome.failure.message,
        fix: 'check the files and the connection named above, then press r to try again',
      };
      return update({...withStep(rest, 'refused'), refusal}, {kind: 'discard-type-ahead'});
    }
    case 'edge-planned':
      return update({
        ...withoutInstall(flow),
        installPlan: outcome.plan,
      });
    case 'edge-installed':
      return update({...withStep(withoutInstall(flow), 'installed'), installed: outcome.done});
    case 'edge-failed': {
      return update(withError(withoutInstall(flow), outcome.failure.message), {
        kind: 'discard-type-ahead',
      });
    }
    case 'config-applied':
      return update({
        ...flow,
        applying: false,
        applyResult: {exitCode: outcome.exitCode, output: outcome.output},
      });
    default:
      return update(flow);
  }
}

export const testEnrollmentFlow: FlowModule<
  TestEnrollmentFlow,
  TestEnrollmentEffect,
  TestEnrollmentOutcome,
  OpenTest
> = {
  steps: testEnrollmentSteps,
  open: (flow, handOff: OpenTest, _context: FlowContext) => open(flow, handOff),
  input: testEnrollmentInput,
  result,
  progress: (flow, _effect, news) =>
    news.kind === 'registration' && flow.step === 'registering'
      ? {...flow, stage: news.stage}
      : flow,
};
