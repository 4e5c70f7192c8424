import type {CaCertificate} from '../dps/types.js';
import {emptyCertificateField} from './individual-flow.js';
import type {KeyEvent} from './keys.js';
import type {
  CaCertificateList,
  CertificateField,
  Failure,
  PathField,
  WizardState,
} from './state.js';
import {emptyPathField} from './path-fields.js';

/** Verify a CA certificate: list, add, and the proof-of-possession loop, in one flow. */

export type CaStep = 'list';

export type CaFlow = {
  step: CaStep;
  certificates: CaCertificateList;
  /** The CA certificate file of a new upload. */
  certificateFile: CertificateField;
  /** The CA's private key, to sign the verification certificate here. */
  keyFile: PathField;
  /** A verification certificate signed elsewhere (the manual path). */
  verificationFile: CertificateField;
  /** Where to save the verification certificate signed here (optional). */
  saveFile: PathField;
  /** Set when the group flow sent the user here: where to go back once verified. */
  returnTo?: {slot: 'primary' | 'secondary'};
  failure?: Failure;
  /** The problem that keeps the current step from moving on, in one sentence. */
  stepError?: string;
};

/** Effects of this flow; their results come back as {type: 'ca', taskId, result}. */
export type CaTask = {id: number; kind: 'generate-verification-code'; name: string; etag: string};

export type CaResult =
  | {kind: 'code'; certificate: CaCertificate; verificationCode: string}
  | {kind: 'failed'; failure: Failure};

export function initialCaFlow(): CaFlow {
  return {
    step: 'list',
    certificates: {state: 'idle'},
    certificateFile: emptyCertificateField,
    keyFile: emptyPathField,
    verificationFile: emptyCertificateField,
    saveFile: emptyPathField,
  };
}

/** Opens the flow from the home screen: the list of the DPS's CA certificates. */
export function enterCa(state: WizardState): WizardState {
  return {...state, screen: {name: 'verify-ca'}};
}

/** Opens the loop for one CA certificate the group flow wants to reference; verified, it goes back there. */
export function enterCaForGroup(
  state: WizardState,
  slot: 'primary' | 'secondary',
  _certificateName: string,
): WizardState {
  return {...state, screen: {name: 'verify-ca'}, ca: {...initialCaFlow(), returnTo: {slot}}};
}

/** Opens "add a CA certificate" with files already chosen (from the test certificates screen). */
export function enterCaWithFiles(
  state: WizardState,
  _files: {certificatePath: string; keyPath: string; name: string},
): WizardState {
  return {...state, screen: {name: 'verify-ca'}};
}

export function caKeyInState(state: WizardState, event: KeyEvent): WizardState {
  if (event.kind === 'escape') return {...state, screen: {name: 'home', cursor: 0}};
  return state;
}

export function caResult(state: WizardState, _taskId: number, _result: CaResult): WizardState {
  return state;
}

/** The step waits for a result: keys typed meanwhile wait too. */
export function caBusy(_state: WizardState): boolean {
  return false;
}

/** Letters are text to type on this step, rather than one-letter commands. */
export function caTakesText(_state: WizardState): boolean {
  return false;
}

export function caKeyHints(_state: WizardState): string[] {
  return ['Esc back', 'Ctrl+C exit'];
}
