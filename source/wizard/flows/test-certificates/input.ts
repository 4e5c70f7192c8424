import {update, type FlowUpdate} from '../../shared/effect.js';
import {editTextField, withError, withStep} from '../../shared/flow-step.js';
import type {KeyEvent} from '../../shared/key-event.js';
import {completePath} from '../../shared/path-field.js';
import type {Viewport} from '../../shared/layout.js';
import {editDraft} from '../../shared/text-draft.js';
import {
  daysProblem,
  deviceNamesOf,
  deviceNamesProblem,
  doneChoices,
  doneLayout,
  folderOf,
} from './chain.js';
import {
  rootCaName,
  type TestCertificatesEffect,
  type TestCertificatesFlow,
  type TestCertificatesStep,
} from './state.js';

/** What each key does on each step of the test certificates flow. */

type Update = FlowUpdate<TestCertificatesFlow, TestCertificatesEffect>;
const at = (flow: TestCertificatesFlow, ...effects: Update['effects']): Update =>
  update(flow, ...effects);

export function restFlow(
  flow: TestCertificatesFlow,
  keys: readonly ('stepError' | 'progress' | 'existing' | 'written' | 'failure')[],
): TestCertificatesFlow {
  const rest = {...flow};
  for (const key of keys) delete rest[key];
  return rest;
}

/** Where Esc goes from each step of the form; undefined means the home screen. */
const previousSteps: Partial<Record<TestCertificatesStep, TestCertificatesStep>> = {
  devices: 'folder',
  'key-type': 'devices',
  days: 'key-type',
  summary: 'days',
  exists: 'folder',
};

function writtenPath(flow: TestCertificatesFlow, suffix: string): string | undefined {
  return flow.written?.find((file) => file.path.endsWith(suffix))?.path;
}

function doneKey(flow: TestCertificatesFlow, event: KeyEvent, viewport: Viewport) {
  const count = doneChoices(flow).length;
  switch (event.kind) {
    case 'up':
    case 'down': {
      const delta = event.kind === 'up' ? -1 : 1;
      return at({...flow, doneCursor: (flow.doneCursor + delta + count) % count});
    }
    case 'page-up':
    case 'page-down': {
      const {fileLines, fileRows} = doneLayout(flow, viewport);
      const limit = Math.max(0, fileLines.length - fileRows);
      const delta = event.kind === 'page-up' ? -fileRows : fileRows;
      return at({...flow, filesScroll: Math.max(0, Math.min(limit, flow.filesScroll + delta))});
    }
    case 'enter': {
      const names = deviceNamesOf(flow);
      if (flow.doneCursor === 0) return verifyRootCa(flow);
      const name = names[flow.doneCursor - 1];
      if (name === undefined) return at(flow, {kind: 'home'});
      const certificatePath = writtenPath(flow, `/iot-edge-device-identity-${name}.cert.pem`);
      return certificatePath
        ? at(flow, {kind: 'open', flow: 'individual', with: {certificatePath}})
        : at(flow);
    }
    default:
      return at(flow);
  }
}

/** Handles one key on the test certificates flow (Esc included). */
export function testCertificatesInput(
  flow: TestCertificatesFlow,
  event: KeyEvent,
  {viewport}: {viewport: Viewport},
): Update {
  if (flow.step === 'generating') {
    // Only Esc gets here while generating (the step is busy: other keys wait for the result).
    return event.kind === 'escape' ? cancelGenerating(flow) : at(flow);
  }
  if (event.kind === 'escape') {
    if (flow.step === 'done') return at(flow, {kind: 'home'});
    const previous = previousSteps[flow.step];
    if (previous === undefined) return at(withError(flow, undefined), {kind: 'home'});
    return at(restFlow(withStep(flow, previous), ['existing']));
  }
  switch (flow.step) {
    case 'folder': {
      if (event.kind === 'tab')
        return at(flow, completePath('test-folder', flow.folder.path.value, true));
      if (event.kind === 'enter') {
        return at(
          withStep(
            {...flow, folder: {...flow.folder, candidates: [], moreCandidates: 0}},
            'devices',
          ),
        );
      }
      const edited = editDraft(flow.folder.path, event);
      if (edited === undefined || edited === flow.folder.path) return at(flow);
      return at(
        withError({...flow, folder: {path: edited, candidates: [], moreCandidates: 0}}, undefined),
      );
    }
    case 'devices': {
      if (event.kind !== 'enter') return at(editTextField(flow, 'devices', event));
      const problem = deviceNamesProblem(deviceNamesOf(flow));
      return problem ? at(withError(flow, problem)) : at(withStep(flow, 'key-type'));
    }
    case 'key-type': {
      if (event.kind === 'up' || event.kind === 'down') {
        return at({...flow, keyType: flow.keyType === 'rsa' ? 'ec' : 'rsa'});
      }
      return event.kind === 'enter' ? at(withStep(flow, 'days')) : at(flow);
    }
    case 'days': {
      if (event.kind !== 'enter') return at(editTextField(flow, 'days', event));
      const problem = daysProblem(flow.days.value);
      return problem ? at(withError(flow, problem)) : at(withStep(flow, 'summary'));
    }
    case 'summary':
      return event.kind === 'enter' ? startGenerating(flow, false) : at(flow);
    case 'exists':
      // Only o overwrites, as the screen says; a pasted text arrives whole and is ignored.
      return event.kind === 'text' && event.text.toLowerCase() === 'o'
        ? startGenerating(flow, true)
        : at(flow);
    case 'done':
      return doneKey(flow, event, viewport);
  }
}

function startGenerating(flow: TestCertificatesFlow, overwrite: boolean): Update {
  const started = restFlow(withStep(flow, 'generating'), ['existing', 'failure', 'progress']);
  return at(
    started,
    {kind: 'cancel', effect: 'generate-test-chain'},
    {
      kind: 'generate-test-chain',
      folder: folderOf(flow),
      devices: deviceNamesOf(flow),
      keyType: flow.keyType,
      days: Number(flow.days.value.trim()),
      overwrite,
    },
  );
}

/** Esc while the chain is made: dropping the effect aborts it; keys typed meanwhile go with it. */
function cancelGenerating(flow: TestCertificatesFlow): Update {
  const summary = withError(withStep(flow, 'summary'), cancelledText(flow));
  return at(
    restFlow(summary, ['progress']),
    {kind: 'cancel', effect: 'generate-test-chain'},
    {kind: 'discard-type-ahead'},
  );
}

/** On to verifying the root CA just made, its certificate and key chosen. */
function verifyRootCa(flow: TestCertificatesFlow): Update {
  const certificatePath = writtenPath(flow, '/azure-iot-test-only.root.ca.cert.pem');
  const keyPath = writtenPath(flow, '/azure-iot-test-only.root.ca.key.pem');
  if (certificatePath === undefined || keyPath === undefined) return at(flow);
  return at(flow, {
    kind: 'open',
    flow: 'verify-ca',
    with: {kind: 'files', certificatePath, keyPath, name: rootCaName},
  });
}

function cancelledText(flow: TestCertificatesFlow): string {
  return flow.progress?.stage === 'files'
    ? `cancelled while the files were being written: they may be in ${folderOf(flow)}; generating again lists any that exist`
    : 'cancelled: no file was written';
}
