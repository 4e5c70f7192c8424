import {update, type FlowUpdate, type OpenGroup, type SharedOutcome} from '../../shared/effect.js';
import {
  configScroll,
  saveStepSpecs,
  settingsStepSpecs,
} from '../../shared/enrollment-step-specs.js';
import {
  backHint,
  exitHint,
  pathFieldHints,
  type FlowContext,
  type FlowModule,
  type StepSpec,
  type StepTable,
} from '../../shared/flow.js';
import {withStep} from '../../shared/flow-step.js';
import {fieldLenses, pathFieldResult, type PathFieldLenses} from '../../shared/path-field.js';
import {configFileResult, saveResult} from '../../shared/save-request.js';
import {draftOf} from '../../shared/text-draft.js';
import {caChoices, canListCaCertificates, groupIdProblem} from './group.js';
import {groupInput} from './input.js';
import {
  editedGroupFlow,
  initialGroupFlow,
  type GroupEffect,
  type GroupField,
  type GroupFlow,
  type GroupOutcome,
} from './state.js';

/** The enrollment group flow as the router knows it: its steps, opening it, its keys and outcomes. */

type Update = FlowUpdate<GroupFlow, GroupEffect>;

/** A CA reference step: a list to choose from, or (no list) the name typed. */
const caReferenceStep: StepSpec<GroupFlow> = {
  busy: (flow) => flow.caCertificates.state === 'loading',
  // Waiting for the CA list can take until the request times out on a slow or dropped link.
  escapeActsAtOnce: (flow) => flow.caCertificates.state === 'loading',
  takesText: (flow, context) => caChoices(flow, context.info) === undefined,
  hints: (flow, context) =>
    caChoices(flow, context.info) === undefined
      ? ['Enter continue', backHint, exitHint]
      : ['↑↓ move', 'Enter choose', 'n add a CA', 'r reload', backHint, exitHint],
};

export const groupSteps: StepTable<GroupFlow> = {
  'group-id': {takesText: true, hints: () => ['Enter continue', backHint, exitHint]},
  attestation: {hints: () => ['↑↓ choose', 'Enter continue', backHint, exitHint]},
  'ca-primary': caReferenceStep,
  'ca-secondary': caReferenceStep,
  'signing-primary': {
    busy: (flow) => flow.signingPrimary.status.state === 'reading',
    takesText: true,
    hints: pathFieldHints,
  },
  'signing-secondary': {
    busy: (flow) => flow.signingSecondary.status.state === 'reading',
    takesText: true,
    hints: pathFieldHints,
  },
  ...settingsStepSpecs<GroupFlow>(),
  ...saveStepSpecs<GroupFlow>(),
  result: {
    hints: () => ['Enter device config', 'p pre-flight', 't test a device', 'Esc home', exitHint],
  },
  config: {
    hints: () => [
      // At most 80 columns: the footer is one line.
      'w write',
      'p check',
      't test',
      '↑↓ scroll',
      'Enter done',
      backHint,
      exitHint,
    ],
    scroll: configScroll<GroupFlow>(),
  },
  preflight: {
    busy: (flow) =>
      flow.deviceCertificate.status.state === 'reading' || flow.preflight?.state === 'checking',
    takesText: true,
    // Once read, Enter checks the file (again, after a check), until its path changes.
    hints: (flow) => [
      flow.deviceCertificate.status.state === 'loaded' ? 'Enter check' : 'Enter read',
      'Tab complete path',
      '~ = home',
      backHint,
      exitHint,
    ],
  },
};

const lens = fieldLenses<GroupFlow>();
const fields: PathFieldLenses<GroupFlow, GroupField> = {
  'group-signing-primary': lens.certificate('signingPrimary'),
  'group-signing-secondary': lens.certificate('signingSecondary'),
  'group-device': lens.certificate('deviceCertificate'),
  'group-config-file': lens.path('configFile'),
};

/** From the home screen: a saved group is done, so the next one starts clean. */
function openFromHome(flow: GroupFlow, context: FlowContext): GroupFlow {
  const {info} = context;
  const group = flow.saved
    ? {...initialGroupFlow(context.linkedHubs), caCertificates: flow.caCertificates}
    : flow;
  // Without Azure sign-in no CA can be listed or verified here: the uploaded certificate comes first.
  const untouched = group.step === 'group-id' && group.groupId.value === '';
  const attestation =
    untouched && info !== undefined && !canListCaCertificates(info)
      ? 'signing-certificate'
      : group.attestation;
  return {...group, attestation};
}

function open(flow: GroupFlow, handOff: OpenGroup, context: FlowContext): Update {
  switch (handOff.kind) {
    case 'home':
      return update(openFromHome(flow, context));
    case 'signing-certificate': {
      const opened = openFromHome(flow, context);
      // With a name given, the attestation step shows the choice made; otherwise the name comes first.
      const step = groupIdProblem(opened) === undefined ? 'attestation' : 'group-id';
      return update(withStep({...opened, attestation: 'signing-certificate'}, step));
    }
    case 'ca-verified': {
      const {slot} = handOff;
      const chosen: GroupFlow = withStep(
        {
          ...flow,
          attestation: 'ca-reference',
          caCursor: -1,
          [slot === 'primary' ? 'caPrimary' : 'caSecondary']: draftOf(handOff.name),
        },
        slot === 'primary' ? 'ca-primary' : 'ca-secondary',
      );
      if (!canListCaCertificates(context.info)) return update(chosen);
      // The list is read again, so the CA shows as verified; the cursor lands on it once it is there.
      return update(
        {...chosen, caCertificates: {state: 'loading'}},
        {kind: 'cancel', effect: 'list-ca-certificates'},
        {kind: 'list-ca-certificates'},
      );
    }
    case 'edit':
      return update({
        ...editedGroupFlow(handOff.group, context.linkedHubs),
        caCertificates: flow.caCertificates,
      });
    case 'ca-left':
      // A CA uploaded there but left unverified shows in the group's list too.
      return update(
        handOff.certificates.state === 'loaded'
          ? {...flow, caCertificates: handOff.certificates}
          : flow,
      );
  }
}

function result(
  flow: GroupFlow,
  effect: GroupEffect,
  outcome: GroupOutcome | SharedOutcome,
): Update {
  const pathField = pathFieldResult(fields, flow, effect, outcome);
  if (pathField) return update(pathField);
  switch (outcome.kind) {
    case 'file-written':
    case 'file-exists':
    case 'file-failed':
      return update(configFileResult(flow, outcome));
    case 'ca-certificates-listed':
      return update({
        ...flow,
        caCertificates: {state: 'loaded', certificates: outcome.certificates},
      });
    case 'ca-certificates-failed':
      return update({...flow, caCertificates: {state: 'failed', failure: outcome.failure}});
    case 'exists':
    case 'save-failed':
      return saveResult(flow, outcome);
    case 'saved': {
      const {preflight: _dropped, ...rest} = flow;
      return saveResult(rest, outcome);
    }
    case 'preflight':
      return update({...flow, preflight: {state: 'done', report: outcome.report}});
    default:
      // A path field's outcome (handled above) or a failure the router shows on the step.
      return update(flow);
  }
}

export const groupFlow: FlowModule<GroupFlow, GroupEffect, GroupOutcome, OpenGroup> = {
  steps: groupSteps,
  open,
  input: groupInput,
  result,
};
