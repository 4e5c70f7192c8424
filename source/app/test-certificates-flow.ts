import type {WrittenFile} from '../certs/test-chain.js';
import type {KeyEvent} from './keys.js';
import type {Failure, PathField, WizardState} from './state.js';
import {emptyPathField} from './path-fields.js';

/** Generate test certificates: a form over the certificate toolkit's test chain, then where to go next. */

export type TestCertificatesStep = 'folder';

export type TestCertificatesFlow = {
  step: TestCertificatesStep;
  folder: PathField;
  failure?: Failure;
  written?: WrittenFile[];
  /** The problem that keeps the current step from moving on, in one sentence. */
  stepError?: string;
};

/** Effects of this flow; their results come back as {type: 'test-certificates', taskId, result}. */
export type TestCertificatesTask = {
  id: number;
  kind: 'generate-test-chain';
  folder: string;
  devices: string[];
  keyType: 'rsa' | 'ec';
  days: number;
  overwrite: boolean;
};

export type TestCertificatesResult =
  | {kind: 'written'; files: WrittenFile[]}
  | {kind: 'exists'; paths: string[]}
  | {kind: 'failed'; failure: Failure};

export function initialTestCertificatesFlow(): TestCertificatesFlow {
  return {step: 'folder', folder: emptyPathField};
}

export function enterTestCertificates(state: WizardState): WizardState {
  return {...state, screen: {name: 'test-certificates'}};
}

export function testCertificatesKeyInState(state: WizardState, event: KeyEvent): WizardState {
  if (event.kind === 'escape') return {...state, screen: {name: 'home', cursor: 0}};
  return state;
}

export function testCertificatesResult(
  state: WizardState,
  _taskId: number,
  _result: TestCertificatesResult,
): WizardState {
  return state;
}

/** The step waits for a result: keys typed meanwhile wait too. */
export function testCertificatesBusy(_state: WizardState): boolean {
  return false;
}

/** Letters are text to type on this step, rather than one-letter commands. */
export function testCertificatesTakesText(_state: WizardState): boolean {
  return true;
}

export function testCertificatesKeyHints(_state: WizardState): string[] {
  return ['Esc back', 'Ctrl+C exit'];
}
