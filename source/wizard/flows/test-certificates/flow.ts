import {join, relative} from 'node:path';
import type {ChainKeyType, TestChainProgress, WrittenFile} from '../../../certs/test-chain.js';
import {enrollmentIdProblem, maxX509RegistrationIdLength} from '../../../dps/id-rules.js';
import {enterCaWithFiles} from '../ca/flow.js';
import {enterIndividual} from '../individual/open.js';
import {editTextField, withError, withStep} from '../../shared/flow-step.js';
import type {KeyEvent} from '../../shared/key-event.js';
import {bodySize, wrapLines, type Viewport} from '../../shared/layout.js';
import {emptyPathField} from '../../shared/path-field.js';
import type {Failure, PathField, WizardState} from '../../core/state.js';
import {addTask, dropTask, dropTasksOfKind, findTask} from '../../core/task-list.js';
import {draftOf, editDraft, type TextDraft} from '../../shared/text-draft.js';

/** Generate test certificates: a form over the certificate toolkit's test chain, then where to go next. */

export type TestCertificatesStep =
  'folder' | 'devices' | 'key-type' | 'days' | 'summary' | 'generating' | 'exists' | 'done';

export type TestCertificatesFlow = {
  step: TestCertificatesStep;
  /** The folder that receives certs/ and private/; empty means the working folder. */
  folder: PathField;
  /** Device names as typed, separated by commas or spaces. */
  devices: TextDraft;
  keyType: ChainKeyType;
  days: TextDraft;
  /** How far the generation is (step 'generating'). */
  progress?: TestChainProgress;
  /** The files in the way (step 'exists'), as paths the user reads. */
  existing?: string[];
  failure?: Failure;
  /** The files written (step 'done'), as paths the user reads: under the folder as it was typed. */
  written?: WrittenFile[];
  doneCursor: number;
  filesScroll: number;
  /** The problem that keeps the current step from moving on, in one sentence. */
  stepError?: string;
};

/** Effects of this flow; their results come back as {type: 'test-certificates', taskId, result}. */
export type TestCertificatesTask = {
  id: number;
  kind: 'generate-test-chain';
  /** As typed ('.' for the working folder); the service resolves it. */
  folder: string;
  devices: string[];
  keyType: 'rsa' | 'ec';
  days: number;
  overwrite: boolean;
};

/** Paths in results are absolute; `outDir` is the folder they were written under. */
export type TestCertificatesResult =
  | {kind: 'progress'; progress: TestChainProgress}
  | {kind: 'written'; outDir: string; files: WrittenFile[]}
  | {kind: 'exists'; outDir: string; paths: string[]}
  | {kind: 'failed'; failure: Failure};

export const defaultDays = 90;
export const maxDays = 3650;
export const rootCaName = 'azure-iot-test-only-root';

export const keyTypeChoices: {keyType: ChainKeyType; label: string; detail: string}[] = [
  {
    keyType: 'rsa',
    label: 'RSA: 4096-bit CAs, 2048-bit devices',
    detail: 'What the IoT Edge docs and certGen use; works with every device. Keys take seconds.',
  },
  {
    keyType: 'ec',
    label: 'EC P-256 throughout',
    detail: 'Smaller and made at once; pick it only if every device supports ECDSA.',
  },
];

export function initialTestCertificatesFlow(): TestCertificatesFlow {
  return {
    step: 'folder',
    folder: emptyPathField,
    devices: draftOf(''),
    keyType: 'rsa',
    days: draftOf(String(defaultDays)),
    doneCursor: 0,
    filesScroll: 0,
  };
}

/** Opens the flow; after a chain was made, the form starts again with the same values. */
export function enterTestCertificates(state: WizardState): WizardState {
  const flow = state.testCertificates;
  const testCertificates =
    flow.step === 'done' ? restFlow(withStep(flow, 'folder'), ['written', 'existing']) : flow;
  return {...state, screen: {name: 'test-certificates'}, testCertificates};
}

/** The folder as the task gets it: what was typed, or '.' for the working folder. */
export function folderOf(flow: TestCertificatesFlow): string {
  return flow.folder.path.value.trim() || '.';
}

/** The device names typed, in order, each once. */
export function deviceNamesOf(flow: TestCertificatesFlow): string[] {
  return [
    ...new Set(
      flow.devices.value
        .split(/[\s,]+/)
        .map((name) => name.trim())
        .filter((name) => name !== ''),
    ),
  ];
}

/** The first device name that cannot be used, said with the name; undefined when all can. */
export function deviceNamesProblem(names: readonly string[]): string | undefined {
  if (names.length === 0) return 'type at least one device name';
  for (const name of names) {
    // ':' is allowed in a registration ID but not here, so the rules said are the ones for file names too.
    if (name.includes(':')) {
      return `the device name '${name}' contains ':', which is not allowed here: the name is part of the file names`;
    }
    const problem = enrollmentIdProblem(name, 'device name', maxX509RegistrationIdLength);
    if (problem) return problem.message.replace(", '_' and ':'", " and '_'");
  }
  const seen = new Map<string, string>();
  for (const name of names) {
    const same = seen.get(name.toLowerCase());
    if (same !== undefined) {
      return `'${same}' and '${name}' are the same registration ID to DPS, which ignores case: keep one of them`;
    }
    seen.set(name.toLowerCase(), name);
  }
  return undefined;
}

/** Names that work but that older devices and samples may trip over. */
export function deviceNamesWarning(names: readonly string[]): string | undefined {
  const upper = names.filter((name) => /[A-Z]/.test(name));
  if (upper.length === 0) return undefined;
  return `${upper.map((name) => `'${name}'`).join(', ')} ${upper.length === 1 ? 'has' : 'have'} upper-case letters: DPS compares registration IDs ignoring case, but older devices and samples expect lower case`;
}

export function daysProblem(text: string): string | undefined {
  const value = text.trim();
  if (!/^\d+$/.test(value))
    return `the validity must be a whole number of days, from 1 to ${maxDays}`;
  const days = Number(value);
  if (days < 1 || days > maxDays) {
    return `the validity must be from 1 to ${maxDays} days (10 years), not ${value}`;
  }
  return undefined;
}

/** What a key asks of the app besides a new flow. */
export type TestCertificatesRequest =
  | {kind: 'none'}
  | {kind: 'home'}
  | {kind: 'complete-path'; text: string}
  | {kind: 'generate'; overwrite: boolean}
  | {kind: 'cancel'}
  | {kind: 'verify-ca'}
  | {kind: 'individual'; certificatePath: string};

export type TestCertificatesOutcome = {
  flow: TestCertificatesFlow;
  request: TestCertificatesRequest;
};

const none: TestCertificatesRequest = {kind: 'none'};
const at = (
  flow: TestCertificatesFlow,
  request: TestCertificatesRequest = none,
): TestCertificatesOutcome => ({flow, request});

function restFlow(
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

/** The choices of the last step: the root CA, one individual enrollment per device, home. */
export function doneChoices(flow: TestCertificatesFlow): {label: string; detail?: string}[] {
  return [
    {label: 'Verify the root CA in DPS', detail: '(for group enrollments)'},
    ...deviceNamesOf(flow).map((name) => ({label: `Individual enrollment for ${name}`})),
    {label: 'Home'},
  ];
}

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
      if (flow.doneCursor === 0) return at(flow, {kind: 'verify-ca'});
      const name = names[flow.doneCursor - 1];
      if (name === undefined) return at(flow, {kind: 'home'});
      const certificatePath = writtenPath(flow, `/iot-edge-device-identity-${name}.cert.pem`);
      return certificatePath ? at(flow, {kind: 'individual', certificatePath}) : at(flow);
    }
    default:
      return at(flow);
  }
}

/** Handles one key on the test certificates flow (Esc included). */
export function testCertificatesKey(
  flow: TestCertificatesFlow,
  event: KeyEvent,
  viewport: Viewport,
): TestCertificatesOutcome {
  if (flow.step === 'generating') {
    // Only Esc gets here while generating (the step is busy: other keys wait for the result).
    return event.kind === 'escape' ? at(flow, {kind: 'cancel'}) : at(flow);
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
        return at(flow, {kind: 'complete-path', text: flow.folder.path.value});
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

function startGenerating(flow: TestCertificatesFlow, overwrite: boolean): TestCertificatesOutcome {
  const started = restFlow(withStep(flow, 'generating'), ['existing', 'failure', 'progress']);
  return at(started, {kind: 'generate', overwrite});
}

function cancelledText(flow: TestCertificatesFlow): string {
  return flow.progress?.stage === 'files'
    ? `cancelled while the files were being written: they may be in ${folderOf(flow)}; generating again lists any that exist`
    : 'cancelled: no file was written';
}

export function testCertificatesKeyInState(state: WizardState, event: KeyEvent): WizardState {
  const before = state.testCertificates;
  const {flow, request} = testCertificatesKey(before, event, state.viewport);
  const next = flow === before ? state : {...state, testCertificates: flow};
  switch (request.kind) {
    case 'none':
      return next;
    case 'home':
      return {...next, screen: {name: 'home', cursor: 0}};
    case 'complete-path':
      return addTask(next, {kind: 'complete-path', field: 'test-folder', text: request.text});
    case 'generate': {
      const task = {
        kind: 'generate-test-chain',
        folder: folderOf(flow),
        devices: deviceNamesOf(flow),
        keyType: flow.keyType,
        days: Number(flow.days.value.trim()),
        overwrite: request.overwrite,
      } as const;
      return addTask(dropTasksOfKind(next, 'generate-test-chain'), task);
    }
    case 'cancel': {
      // Dropping the task aborts it; keys typed meanwhile were meant for a screen that will not come.
      const summary = withError(withStep(flow, 'summary'), cancelledText(flow));
      return {
        ...dropTasksOfKind(next, 'generate-test-chain'),
        typeAhead: [],
        testCertificates: restFlow(summary, ['progress']),
      };
    }
    case 'verify-ca': {
      const certificatePath = writtenPath(flow, '/azure-iot-test-only.root.ca.cert.pem');
      const keyPath = writtenPath(flow, '/azure-iot-test-only.root.ca.key.pem');
      if (certificatePath === undefined || keyPath === undefined) return next;
      return enterCaWithFiles(next, {certificatePath, keyPath, name: rootCaName});
    }
    case 'individual':
      return enterIndividual(next, {certificatePath: request.certificatePath});
  }
}

export function testCertificatesResult(
  state: WizardState,
  taskId: number,
  result: TestCertificatesResult,
): WizardState {
  const task = findTask(state, taskId);
  if (task?.kind !== 'generate-test-chain') return state;
  const flow = state.testCertificates;
  if (result.kind === 'progress') {
    return {...state, testCertificates: {...flow, progress: result.progress}};
  }
  const done = dropTask(state, taskId);
  // A path under the folder as the user typed it, so a relative folder gives relative paths.
  const shown = (outDir: string, path: string) => join(task.folder, relative(outDir, path));
  switch (result.kind) {
    case 'written': {
      const written = result.files.map((file) => ({
        ...file,
        path: shown(result.outDir, file.path),
      }));
      const finished = restFlow(withStep(flow, 'done'), ['progress', 'existing']);
      return {...done, testCertificates: {...finished, written, doneCursor: 0, filesScroll: 0}};
    }
    case 'exists': {
      const existing = result.paths.map((path) => shown(result.outDir, path));
      // Keys typed while generating never decide to overwrite files the user has not seen.
      return {
        ...done,
        typeAhead: [],
        testCertificates: {...restFlow(withStep(flow, 'exists'), ['progress']), existing},
      };
    }
    case 'failed': {
      const summary = withError(
        withStep(flow, 'summary'),
        `could not write the test chain: ${result.failure.message}`,
      );
      return {
        ...done,
        typeAhead: [],
        testCertificates: {...restFlow(summary, ['progress']), failure: result.failure},
      };
    }
  }
}

/**
 * Never busy: while the chain is made the flow itself holds the keys typed (they replay once it is done), so
 * that Esc still reaches it and cancels.
 */
export function testCertificatesBusy(state: WizardState): boolean {
  return state.testCertificates.step === 'generating';
}

/** Letters are text to type on this step, rather than one-letter commands. */
export function testCertificatesTakesText(state: WizardState): boolean {
  const {step} = state.testCertificates;
  // On 'exists' a pasted text must stay whole, so that it never overwrites letter by letter.
  return step === 'folder' || step === 'devices' || step === 'days' || step === 'exists';
}

export function testCertificatesKeyHints(state: WizardState): string[] {
  const back = 'Esc back';
  const exit = 'Ctrl+C exit';
  const flow = state.testCertificates;
  switch (flow.step) {
    case 'folder':
      return ['Enter continue', 'Tab complete path', '~ = home', back, exit];
    case 'devices':
    case 'days':
      return ['Enter continue', back, exit];
    case 'key-type':
      return ['↑↓ choose', 'Enter continue', back, exit];
    case 'summary':
      return ['Enter generate', back, exit];
    case 'generating':
      return ['Esc cancel', exit];
    case 'exists':
      return ['o overwrite them', 'Esc change the folder', exit];
    case 'done': {
      const {fileLines, fileRows} = doneLayout(flow, state.viewport);
      const scroll = fileLines.length > fileRows ? ['PgUp/PgDn files'] : [];
      return ['↑↓ choose', 'Enter go', ...scroll, 'Esc home', exit];
    }
  }
}

/** The files written, grouped: the root CA, the intermediate CA, then each device. */
export function writtenFilesText(flow: TestCertificatesFlow): string {
  const files = flow.written ?? [];
  const folder = folderOf(flow);
  const under = (path: string) => (folder === '.' ? path : relative(folder, path));
  const label = (path: string) => {
    if (path.includes('azure-iot-test-only.root.')) return 'Root CA';
    if (path.includes('azure-iot-test-only.intermediate')) return 'Intermediate';
    return 'Device';
  };
  let previous = '';
  const lines = files.flatMap((file) => {
    const group = label(file.path);
    const name =
      group === 'Device'
        ? (/identity-(.+?)(-full-chain)?\.(cert|key)\.pem$/.exec(file.path)?.[1] ?? '')
        : '';
    const heading = group === 'Device' ? `Device ${name}` : group;
    const shownLabel = heading === previous ? '' : heading;
    previous = heading;
    const key = file.kind === 'private-key' ? '  (key, 0600)' : '';
    const row = (label: string) => `${label.padEnd(14)}  ${under(file.path)}${key}`;
    // A long device name has a line of its own, so its files line up under the others.
    return shownLabel.length > 14 ? [shownLabel, row('')] : [row(shownLabel)];
  });
  return lines.join('\n');
}

/**
 * How the done step shares the screen: the files' lines, how many of them are shown at once (with one row more
 * under them when they scroll), and the rows of the choices.
 */
export function doneLayout(
  flow: TestCertificatesFlow,
  viewport: Viewport,
): {fileLines: string[]; fileRows: number; choiceRows: number} {
  const {width, height} = bodySize(viewport);
  const choiceRows = Math.min(doneChoices(flow).length, Math.max(3, Math.floor(height / 3)));
  const fileLines = wrapLines(writtenFilesText(flow), width);
  // The title, the note about the keys (two lines), the gap above the choices.
  const room = Math.max(3, height - 4 - choiceRows);
  // Files that do not fit scroll, and a row under them says how many lines are above or below.
  const fileRows = fileLines.length > room ? room - 1 : room;
  return {fileLines, fileRows, choiceRows};
}
