import type {EnrollmentGroup, LinkedHub} from '../dps/types.js';
import {emptyCertificateField} from './individual-flow.js';
import type {KeyEvent} from './keys.js';
import type {Action} from './reducer.js';
import {initialSettings} from './settings-steps.js';
import type {
  CaCertificateList,
  CertificateField,
  Failure,
  PathField,
  SettingsDraft,
  WizardState,
} from './state.js';
import {emptyPathField} from './path-fields.js';

/** The enrollment group flow: its steps in order, and what each key does on each step. */

export type GroupStep = 'group-id';

export type GroupFlow = {
  step: GroupStep;
  signingPrimary: CertificateField;
  signingSecondary: CertificateField;
  /** The device certificate (and chain) of the optional pre-flight check after saving. */
  deviceCertificate: CertificateField;
  configFile: PathField;
  settings: SettingsDraft;
  /** The DPS's CA certificates, for choosing the group's CA references. */
  caCertificates: CaCertificateList;
  failure?: Failure;
  saved?: EnrollmentGroup;
  /** The problem that keeps the current step from moving on, in one sentence. */
  stepError?: string;
};

/** Effects of this flow; their results come back as {type: 'group', taskId, result}. */
export type GroupTask = {id: number; kind: 'save-group'; group: EnrollmentGroup};

export type GroupResult =
  | {kind: 'throttled'; retryAfterSeconds: number; attempt: number}
  | {kind: 'exists'; existing: EnrollmentGroup}
  | {kind: 'saved'; group: EnrollmentGroup}
  | {kind: 'failed'; failure: Failure}
  /** The config template file was written, exists already, or could not be written. */
  | {kind: 'file'; action: Extract<Action, {type: 'file-written' | 'file-exists' | 'file-failed'}>};

export function initialGroupFlow(linkedHubs: readonly LinkedHub[]): GroupFlow {
  return {
    step: 'group-id',
    signingPrimary: emptyCertificateField,
    signingSecondary: emptyCertificateField,
    deviceCertificate: emptyCertificateField,
    configFile: emptyPathField,
    settings: initialSettings(linkedHubs),
    caCertificates: {state: 'idle'},
  };
}

/** Opens the group flow from the home screen. */
export function enterGroup(state: WizardState): WizardState {
  return {...state, screen: {name: 'group'}};
}

/** Comes back from verifying a CA inline: that CA becomes the group's primary or secondary reference. */
export function returnToGroupWithCa(
  state: WizardState,
  _slot: 'primary' | 'secondary',
  _certificateName: string,
): WizardState {
  return {...state, screen: {name: 'group'}};
}

/** Opens the group flow on the attestation that needs no verification (a certificate uploaded into it). */
export function enterGroupWithSigningCertificate(state: WizardState): WizardState {
  return {...state, screen: {name: 'group'}};
}

export function groupKeyInState(state: WizardState, event: KeyEvent): WizardState {
  if (event.kind === 'escape') return {...state, screen: {name: 'home', cursor: 0}};
  return state;
}

export function groupResult(
  state: WizardState,
  _taskId: number,
  _result: GroupResult,
): WizardState {
  return state;
}

/** The step waits for a result: keys typed meanwhile wait too. */
export function groupBusy(_state: WizardState): boolean {
  return false;
}

/** Letters are text to type on this step, rather than one-letter commands. */
export function groupTakesText(_state: WizardState): boolean {
  return true;
}

export function groupKeyHints(_state: WizardState): string[] {
  return ['Esc back', 'Ctrl+C exit'];
}
