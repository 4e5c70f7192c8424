import {
  update,
  type FlowUpdate,
  type OpenIndividual,
  type SharedOutcome,
} from '../../shared/effect.js';
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
  type StepTable,
} from '../../shared/flow.js';
import {fieldLenses, pathFieldResult, type PathFieldLenses} from '../../shared/path-field.js';
import {configFileResult, saveResult} from '../../shared/save-request.js';
import {draftOf} from '../../shared/text-draft.js';
import {editedIndividualFlow, initialIndividualFlow} from './enrollment.js';
import {individualInput} from './input.js';
import type {
  IndividualEffect,
  IndividualField,
  IndividualFlow,
  IndividualOutcome,
} from './state.js';

/** The individual enrollment flow as the router knows it: its steps, opening it, its keys and outcomes. */

type Update = FlowUpdate<IndividualFlow, IndividualEffect>;

export const individualSteps: StepTable<IndividualFlow> = {
  certificate: {
    busy: (flow) => flow.primary.status.state === 'reading',
    takesText: true,
    hints: pathFieldHints,
  },
  'secondary-certificate': {
    busy: (flow) => flow.secondary.status.state === 'reading',
    takesText: true,
    hints: pathFieldHints,
  },
  'registration-id': {takesText: true, hints: () => ['Enter continue', backHint, exitHint]},
  'device-id': {takesText: true, hints: () => ['Enter continue', backHint, exitHint]},
  ...settingsStepSpecs<IndividualFlow>(),
  ...saveStepSpecs<IndividualFlow>(),
  result: {hints: () => ['Enter device config', 'Esc home', exitHint]},
  config: {
    hints: () => ['w write to a file', '↑↓ scroll', 'Enter done', backHint, exitHint],
    scroll: configScroll<IndividualFlow>(),
  },
};

const lens = fieldLenses<IndividualFlow>();
const fields: PathFieldLenses<IndividualFlow, IndividualField> = {
  primary: lens.certificate('primary'),
  secondary: lens.certificate('secondary'),
  'config-file': lens.other(
    (flow) => ({path: flow.configFile, candidates: flow.configFileCandidates, moreCandidates: 0}),
    (flow, field) => ({
      ...flow,
      configFile: field.path,
      configFileCandidates: field.candidates,
      confirmOverwrite: false,
    }),
  ),
};

/**
 * Opens the flow. A saved enrollment is done, so the next one starts from a clean form; with
 * `certificatePath` (a device certificate just generated) the form starts over with that file being read.
 */
function open(flow: IndividualFlow, handOff: OpenIndividual, context: FlowContext): Update {
  if ('edit' in handOff) return update(editedIndividualFlow(handOff.edit, context.linkedHubs));
  const {certificatePath} = handOff;
  if (certificatePath === undefined) {
    return update(flow.saved ? initialIndividualFlow(context.linkedHubs) : flow);
  }
  const fresh = initialIndividualFlow(context.linkedHubs);
  return update(
    {
      ...fresh,
      primary: {...fresh.primary, path: draftOf(certificatePath), status: {state: 'reading'}},
    },
    {kind: 'read-certificate', field: 'primary', purpose: 'identity', path: certificatePath},
  );
}

function result(
  flow: IndividualFlow,
  effect: IndividualEffect,
  outcome: IndividualOutcome | SharedOutcome,
): Update {
  switch (effect.kind) {
    case 'read-certificate':
    case 'complete-path':
      return update(pathFieldResult(fields, flow, effect, outcome as SharedOutcome) ?? flow);
    case 'write-file':
      if (
        outcome.kind === 'file-written' ||
        outcome.kind === 'file-exists' ||
        outcome.kind === 'file-failed'
      ) {
        return update(configFileResult(flow, outcome));
      }
      return update(flow);
    case 'save-individual':
      if (outcome.kind === 'exists' || outcome.kind === 'saved' || outcome.kind === 'save-failed') {
        return saveResult(flow, outcome as IndividualOutcome);
      }
      return update(flow);
    case 'list-ca-certificates':
      return update(flow);
  }
}

export const individualFlow: FlowModule<
  IndividualFlow,
  IndividualEffect,
  IndividualOutcome,
  OpenIndividual
> = {
  steps: individualSteps,
  open,
  input: individualInput,
  result: (flow, effect, outcome) => result(flow, effect, outcome),
};
