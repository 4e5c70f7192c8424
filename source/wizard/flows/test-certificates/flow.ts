import {join, relative} from 'node:path';
import {update, type FlowUpdate, type SharedOutcome} from '../../shared/effect.js';
import {
  backHint,
  exitHint,
  pathFieldHints,
  type FlowModule,
  type StepTable,
} from '../../shared/flow.js';
import {withError, withStep} from '../../shared/flow-step.js';
import {fieldLenses, pathFieldResult, type PathFieldLenses} from '../../shared/path-field.js';
import {doneLayout} from './chain.js';
import {restFlow, testCertificatesInput} from './input.js';
import type {
  TestCertificatesEffect,
  TestCertificatesField,
  TestCertificatesFlow,
  TestCertificatesOutcome,
} from './state.js';

/** The test certificates flow as the router knows it: its steps, opening it, its keys and outcomes. */

type Update = FlowUpdate<TestCertificatesFlow, TestCertificatesEffect>;

export const testCertificatesSteps: StepTable<TestCertificatesFlow> = {
  folder: {
    takesText: true,
    hints: pathFieldHints,
  },
  devices: {takesText: true, hints: () => ['Enter continue', backHint, exitHint]},
  'key-type': {hints: () => ['↑↓ choose', 'Enter continue', backHint, exitHint]},
  days: {takesText: true, hints: () => ['Enter continue', backHint, exitHint]},
  summary: {hints: () => ['Enter generate', backHint, exitHint]},
  // Keys typed while the chain is made wait for it; Esc cancels at once.
  generating: {
    busy: () => true,
    escapeActsAtOnce: () => true,
    hints: () => ['Esc cancel', exitHint],
  },
  // A pasted text must stay whole here, so that it never overwrites letter by letter.
  exists: {takesText: true, hints: () => ['o overwrite them', 'Esc change the folder', exitHint]},
  done: {
    hints: (flow, context) => {
      const {fileLines, fileRows} = doneLayout(flow, context.viewport);
      const scroll = fileLines.length > fileRows ? ['PgUp/PgDn files'] : [];
      return ['↑↓ choose', 'Enter go', ...scroll, 'Esc home', exitHint];
    },
  },
};

const lens = fieldLenses<TestCertificatesFlow>();
const fields: PathFieldLenses<TestCertificatesFlow, TestCertificatesField> = {
  'test-folder': lens.path('folder'),
};

/** Opens the flow; after a chain was made, the form starts again with the same values. */
function open(flow: TestCertificatesFlow): Update {
  return update(
    flow.step === 'done' ? restFlow(withStep(flow, 'folder'), ['written', 'existing']) : flow,
  );
}

function result(
  flow: TestCertificatesFlow,
  effect: TestCertificatesEffect,
  outcome: TestCertificatesOutcome | SharedOutcome,
): Update {
  if (effect.kind === 'complete-path' || effect.kind === 'read-certificate') {
    return update(pathFieldResult(fields, flow, effect, outcome as SharedOutcome) ?? flow);
  }
  if (effect.kind !== 'generate-test-chain') return update(flow);
  // A path under the folder as the user typed it, so a relative folder gives relative paths.
  const shown = (outDir: string, path: string) => join(effect.folder, relative(outDir, path));
  switch (outcome.kind) {
    case 'chain-written': {
      const written = outcome.files.map((file) => ({
        ...file,
        path: shown(outcome.outDir, file.path),
      }));
      const finished = restFlow(withStep(flow, 'done'), ['progress', 'existing']);
      return update({...finished, written, doneCursor: 0, filesScroll: 0});
    }
    case 'chain-exists': {
      const existing = outcome.paths.map((path) => shown(outcome.outDir, path));
      // Keys typed while generating never decide to overwrite files the user has not seen.
      return update(
        {...restFlow(withStep(flow, 'exists'), ['progress']), existing},
        {kind: 'discard-type-ahead'},
      );
    }
    case 'chain-failed': {
      const summary = withError(
        withStep(flow, 'summary'),
        `could not write the test chain: ${outcome.failure.message}`,
      );
      return update(
        {...restFlow(summary, ['progress']), failure: outcome.failure},
        {kind: 'discard-type-ahead'},
      );
    }
    default:
      return update(flow);
  }
}

export const testCertificatesFlow: FlowModule<
  TestCertificatesFlow,
  TestCertificatesEffect,
  TestCertificatesOutcome,
  {kind: 'home'}
> = {
  steps: testCertificatesSteps,
  open,
  input: testCertificatesInput,
  result,
  progress: (flow, _effect, news) =>
    news.kind === 'making-chain' ? {...flow, progress: news.progress} : flow,
};
