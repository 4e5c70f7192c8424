import {enrollmentIdProblem} from '../../../dps/id-rules.js';
import type {CaCertificate, EnrollmentGroup, LinkedHub} from '../../../dps/types.js';
import {enterCaForGroup} from '../ca/flow.js';
import {
  certificatePair,
  emptyCertificateField,
  loadedCertificate,
} from '../../shared/certificate-field.js';
import {connectionInfoOf} from '../../shared/connection-info.js';
import {initialSaveSteps, previousEnrollmentStep, savingKeyHints} from '../../shared/save-steps.js';
import {withStep} from '../../shared/flow-step.js';
import {groupKey} from './input.js';
import {groupConfigToml, groupReviewMaxScroll} from './outputs.js';
import type {KeyEvent} from '../../shared/key-event.js';
import {maxScroll} from '../../shared/layout.js';
import {emptyPathField} from '../../shared/path-field.js';
import type {Action} from '../../core/reducer.js';
import {cancelledSave, notConnectedFailure, withoutSave} from '../../shared/save-request.js';
import {
  initialSettings,
  isSettingsStep,
  settingsForRequest,
  settingsFormSteps,
  settingsKeyHints,
} from '../../shared/settings-steps.js';
import type {
  CaCertificateList,
  CertificateField,
  ConnectionInfo,
  Failure,
  Finding,
  PathField,
  ReviewPanel,
  SaveStep,
  SettingsDraft,
  SettingsStep,
  WizardState,
} from '../../core/state.js';
import {addTask, dropTask, dropTasksOfKind, listCaCertificates} from '../../core/task-list.js';
import {draftOf, emptyDraft, type TextDraft} from '../../shared/text-draft.js';

/**
 * The enrollment group flow: its state and steps in order, entering it, its results, and what the app asks
 * of it; what each key does is in group-keys.ts.
 */

// The key function is imported from here by name, as it was before it had its own module.
export {groupKey};

export type GroupStep =
  | 'group-id'
  | 'attestation'
  | 'ca-primary'
  | 'ca-secondary'
  | 'signing-primary'
  | 'signing-secondary'
  | SettingsStep
  | SaveStep
  | 'preflight';

/**
 * How devices of the group prove who they are: their chain reaches a CA certificate verified in DPS
 * (`caReferences`), or a CA certificate uploaded into the group itself (`signingCertificates`).
 */
export type GroupAttestation = 'ca-reference' | 'signing-certificate';

/** What the pre-flight found for one device certificate, as plain data. */
export type PreflightReport = {
  /** The device certificate's CN: the registration ID (and IoT Hub device ID) it will use. */
  registrationId: string | undefined;
  /** What the chain was checked against (the group's certificate), or undefined when it is unknown. */
  anchor: string | undefined;
  links: {subject: string; signedBy: string | undefined; ok: boolean}[];
  findings: Finding[];
};

export type GroupFlow = {
  step: GroupStep;
  groupId: TextDraft;
  attestation: GroupAttestation;
  /** The names of the CA certificates in DPS the group references (chosen from the list, or typed). */
  caPrimary: TextDraft;
  caSecondary: TextDraft;
  /** The row under the cursor in the list of CA certificates. */
  caCursor: number;
  signingPrimary: CertificateField;
  signingSecondary: CertificateField;
  settings: SettingsDraft;
  /** The DPS's CA certificates, for choosing the group's CA references. */
  caCertificates: CaCertificateList;
  reviewPanel: ReviewPanel;
  reviewScroll: number;
  /** Set while saving, retrying after throttling. */
  throttled?: {retryAfterSeconds: number; attempt: number};
  /** The group that already has this ID (step 'exists'). */
  existing?: EnrollmentGroup;
  /** The etag to update with, once the user chose to update an existing group. */
  updateEtag?: string;
  failure?: Failure;
  saved?: EnrollmentGroup;
  deviceCertPath: TextDraft;
  deviceKeyPath: TextDraft;
  devicePathFocus: 'certificate' | 'key';
  configScroll: number;
  configFile: PathField;
  /** The file exists: the next Enter overwrites it. */
  confirmOverwrite: boolean;
  configWritten?: string;
  /** The device certificate (and chain) of the optional pre-flight check after saving. */
  deviceCertificate: CertificateField;
  preflight?: {state: 'checking'} | {state: 'done'; report: PreflightReport};
  /** The step the pre-flight was opened from, where Esc goes back to. */
  preflightFrom?: 'result' | 'config';
  /** The problem that keeps the current step from moving on, in one sentence. */
  stepError?: string;
};

/** Effects of this flow; their results come back as {type: 'group', taskId, result}. */
export type GroupTask =
  | {id: number; kind: 'save-group'; group: EnrollmentGroup}
  | {
      id: number;
      kind: 'check-group-device';
      leafPem: string;
      chainPems: string[];
      /** The group's certificates (PEM; primary, then secondary) the chain must reach; empty when unknown. */
      anchorPems: string[];
    };

export type GroupResult =
  | {kind: 'throttled'; retryAfterSeconds: number; attempt: number}
  | {kind: 'exists'; existing: EnrollmentGroup}
  | {kind: 'saved'; group: EnrollmentGroup}
  | {kind: 'failed'; failure: Failure}
  | {kind: 'preflight'; report: PreflightReport}
  /** The config template file was written, exists already, or could not be written. */
  | {kind: 'file'; action: Extract<Action, {type: 'file-written' | 'file-exists' | 'file-failed'}>};

/** Device file paths for the config template: a group's devices each have their own name. */
export const groupDevicePaths = {
  identityCertPath: '/var/aziot/certs/iot-edge-device-identity-full-chain.cert.pem',
  identityKeyPath: '/var/aziot/secrets/iot-edge-device-identity.key.pem',
};

export function initialGroupFlow(linkedHubs: readonly LinkedHub[]): GroupFlow {
  return {
    step: 'group-id',
    groupId: emptyDraft,
    attestation: 'ca-reference',
    caPrimary: emptyDraft,
    caSecondary: emptyDraft,
    caCursor: 0,
    signingPrimary: emptyCertificateField,
    signingSecondary: emptyCertificateField,
    settings: initialSettings(linkedHubs),
    caCertificates: {state: 'idle'},
    ...initialSaveSteps,
    configFile: emptyPathField,
    deviceCertificate: emptyCertificateField,
  };
}

/** The steps of the form, in order: the attestation's own steps, then the settings shared with individuals. */
export function groupFormSteps(flow: GroupFlow): GroupStep[] {
  return [
    'group-id',
    'attestation',
    ...(flow.attestation === 'ca-reference'
      ? (['ca-primary', 'ca-secondary'] as const)
      : (['signing-primary', 'signing-secondary'] as const)),
    ...settingsFormSteps(flow.settings),
    'review',
  ];
}

/** Where Esc goes from each step; undefined means back to the home screen. */
export function previousGroupStep(flow: GroupFlow): GroupStep | undefined {
  if (flow.step === 'preflight') return flow.preflightFrom ?? 'result';
  return previousEnrollmentStep(flow.step, groupFormSteps(flow));
}

export const groupIdOf = (flow: GroupFlow): string => flow.groupId.value.trim();

export function groupIdProblem(flow: GroupFlow): string | undefined {
  return enrollmentIdProblem(groupIdOf(flow), 'group name')?.message;
}

/** The CA reference names the group will send (an empty secondary is none). */
export function caReferencesOf(flow: GroupFlow): {primary: string; secondary?: string} {
  const secondary = flow.caSecondary.value.trim();
  return {primary: flow.caPrimary.value.trim(), ...(secondary ? {secondary} : {})};
}

export function buildEnrollmentGroup(
  flow: GroupFlow,
  linkedHubs: readonly LinkedHub[],
): EnrollmentGroup {
  return {
    enrollmentGroupId: groupIdOf(flow),
    attestation:
      flow.attestation === 'ca-reference'
        ? {type: 'x509', caReferences: caReferencesOf(flow)}
        : {
            type: 'x509',
            signingCertificates: certificatePair(flow.signingPrimary, flow.signingSecondary),
          },
    ...settingsForRequest(flow.settings, linkedHubs),
    ...(flow.updateEtag ? {etag: flow.updateEtag} : {}),
  };
}

/** Whether the CA certificates can be listed here: that needs the DPS resource (ARM), not a connection string. */
export const canListCaCertificates = (info: ConnectionInfo | undefined): boolean =>
  info?.armAvailable === true;

/** The list shown on a CA reference step, or undefined when the name is typed instead. */
export function caChoices(
  flow: GroupFlow,
  info: ConnectionInfo | undefined,
): CaCertificate[] | undefined {
  if (!canListCaCertificates(info)) return undefined;
  const list = flow.caCertificates;
  if (list.state === 'failed') return undefined;
  return list.state === 'loaded' ? list.certificates : [];
}

/**
 * The CA certificate named as a reference, when the list knows it: DPS takes any name on save, so the
 * wizard warns about a name it cannot find or a CA that is not verified.
 */
export function referencedCa(
  flow: GroupFlow,
  name = caReferencesOf(flow).primary,
): CaCertificate | undefined {
  if (flow.caCertificates.state !== 'loaded') return undefined;
  return flow.caCertificates.certificates.find((certificate) => certificate.name === name);
}

/** What the review says about the group's CA before saving: DPS accepts a reference it cannot use. */
export function caReferenceWarning(flow: GroupFlow): string | undefined {
  if (flow.attestation !== 'ca-reference') return undefined;
  const names = Object.values(caReferencesOf(flow));
  for (const name of names) {
    if (flow.caCertificates.state !== 'loaded') {
      return `DPS does not check the CA name when saving: make sure a verified CA certificate named '${name}' exists in this DPS, or its devices will be refused`;
    }
    const certificate = referencedCa(flow, name);
    if (!certificate) {
      return `this DPS has no CA certificate named '${name}': devices will be refused until one is uploaded and verified`;
    }
    if (!certificate.isVerified) {
      return `the CA certificate '${name}' is not verified: DPS saves the group but refuses its devices until you verify it (Verify a CA certificate on the home screen)`;
    }
  }
  return undefined;
}

/** What a key on the group flow asks of the app besides a new flow. */
export type GroupRequest =
  | {kind: 'none'}
  | {kind: 'home'}
  | {
      kind: 'read-certificate';
      field: 'group-signing-primary' | 'group-signing-secondary' | 'group-device';
      path: string;
    }
  | {
      kind: 'complete-path';
      field:
        'group-signing-primary' | 'group-signing-secondary' | 'group-device' | 'group-config-file';
      text: string;
    }
  | {kind: 'list-ca-certificates'}
  /** Opens the proof-of-possession loop for an unverified CA (or a new one, name empty). */
  | {kind: 'verify-ca'; slot: 'primary' | 'secondary'; name: string}
  | {kind: 'save'}
  | {kind: 'cancel-save'}
  | {kind: 'write-config'; path: string; overwrite: boolean}
  | {kind: 'check-device'};

/** What the key handlers need to know about the connection and the machine. */
export type GroupContext = {
  linkedHubs: readonly LinkedHub[];
  info: ConnectionInfo | undefined;
  cwd: string;
};

/**
 * The row under the cursor on a CA list. A negative cursor follows the name already chosen for that slot
 * (the list may still be loading when the step opens), or the first row when that name is not listed.
 */
export function caCursorOf(flow: GroupFlow, slot: 'primary' | 'secondary'): number {
  if (flow.caCertificates.state !== 'loaded') return Math.max(0, flow.caCursor);
  const offset = slot === 'secondary' ? 1 : 0;
  // The list may have been read again, shorter, since the cursor moved: the cursor stays on a row.
  const last = flow.caCertificates.certificates.length + offset - 1;
  if (flow.caCursor >= 0) return Math.max(0, Math.min(flow.caCursor, last));
  const name = (slot === 'primary' ? flow.caPrimary : flow.caSecondary).value.trim();
  const index = flow.caCertificates.certificates.findIndex((item) => item.name === name);
  return index < 0 ? 0 : index + offset;
}

/** The group's certificates a device's chain may reach (primary, then secondary), as far as they are known. */
export function groupAnchorPems(flow: GroupFlow): string[] {
  if (flow.attestation === 'signing-certificate') {
    return [flow.signingPrimary, flow.signingSecondary].flatMap((field) => {
      const pem = loadedCertificate(field)?.pem;
      return pem ? [pem] : [];
    });
  }
  return Object.values(caReferencesOf(flow)).flatMap((name) => {
    const pem = referencedCa(flow, name)?.certificatePem;
    return pem ? [pem] : [];
  });
}

/** Waiting for the CA list: on a slow or dropped link that can take until the request times out. */
const readingCaList = (flow: GroupFlow): boolean =>
  (flow.step === 'ca-primary' || flow.step === 'ca-secondary') &&
  flow.caCertificates.state === 'loading';

/** Esc acts at once on these busy steps rather than after their result: a save, or a CA list being read. */
export function groupEscapeActsAtOnce(flow: GroupFlow): boolean {
  return flow.step === 'saving' || readingCaList(flow);
}

/** The step waits for a result: keys typed meanwhile wait too. */
export function groupStepBusy(flow: GroupFlow): boolean {
  switch (flow.step) {
    case 'signing-primary':
      return flow.signingPrimary.status.state === 'reading';
    case 'signing-secondary':
      return flow.signingSecondary.status.state === 'reading';
    case 'preflight':
      return (
        flow.deviceCertificate.status.state === 'reading' || flow.preflight?.state === 'checking'
      );
    case 'ca-primary':
    case 'ca-secondary':
      return flow.caCertificates.state === 'loading';
    case 'saving':
      return true;
    default:
      return false;
  }
}

/** Steps where letters are text to type, rather than one-letter commands. */
export function groupStepTakesText(flow: GroupFlow, info: ConnectionInfo | undefined): boolean {
  switch (flow.step) {
    case 'group-id':
    case 'signing-primary':
    case 'signing-secondary':
    case 'custom-allocation':
    case 'twin':
    case 'device-paths':
    case 'write-config':
    case 'preflight':
      return true;
    case 'ca-primary':
    case 'ca-secondary':
      return caChoices(flow, info) === undefined;
    case 'hubs':
      return (info?.linkedHubs ?? []).length === 0;
    default:
      return false;
  }
}

// ---------------------------------------------------------------------------------------------------------
// The flow inside the wizard's state: entering it, its keys and results, and what the app asks of it.

const contextOf = (state: WizardState): GroupContext => {
  const info = connectionInfoOf(state);
  return {linkedHubs: info?.linkedHubs ?? [], info, cwd: state.cwd};
};

function withGroup(state: WizardState, group: GroupFlow): WizardState {
  return {...state, group};
}

/** Opens the group flow from the home screen; a saved group is done, so the next one starts clean. */
export function enterGroup(state: WizardState): WizardState {
  const info = connectionInfoOf(state);
  const group = state.group.saved
    ? {...initialGroupFlow(info?.linkedHubs ?? []), caCertificates: state.group.caCertificates}
    : state.group;
  // Without Azure sign-in no CA can be listed or verified here: the uploaded certificate comes first.
  const untouched = group.step === 'group-id' && group.groupId.value === '';
  const attestation =
    untouched && info !== undefined && !canListCaCertificates(info)
      ? 'signing-certificate'
      : group.attestation;
  return {...state, screen: {name: 'group'}, group: {...group, attestation}};
}

/** Comes back from verifying a CA inline: that CA becomes the group's primary or secondary reference. */
export function returnToGroupWithCa(
  state: WizardState,
  slot: 'primary' | 'secondary',
  certificateName: string,
): WizardState {
  const step = slot === 'primary' ? 'ca-primary' : 'ca-secondary';
  const flow: GroupFlow = withStep(
    {
      ...state.group,
      attestation: 'ca-reference',
      caCursor: -1,
      [slot === 'primary' ? 'caPrimary' : 'caSecondary']: draftOf(certificateName),
    },
    step,
  );
  const opened = {...state, screen: {name: 'group'} as const};
  if (!canListCaCertificates(connectionInfoOf(state))) return withGroup(opened, flow);
  // The list is read again, so the CA shows as verified; the cursor lands on it once it is there.
  return listCaCertificates(
    withGroup(opened, {...flow, caCertificates: {state: 'loading'}}),
    'group',
  );
}

/** Opens the group flow on the attestation that needs no verification (a certificate uploaded into it). */
export function enterGroupWithSigningCertificate(state: WizardState): WizardState {
  const entered = enterGroup(state);
  const flow = entered.group;
  // With a name given, the attestation step shows the choice made; otherwise the name comes first.
  const step = groupIdProblem(flow) === undefined ? 'attestation' : 'group-id';
  return withGroup(entered, withStep({...flow, attestation: 'signing-certificate'}, step));
}

function applyGroupRequest(state: WizardState, request: GroupRequest): WizardState {
  switch (request.kind) {
    case 'none':
      return state;
    case 'home':
      return {...state, screen: {name: 'home', cursor: 0}};
    case 'read-certificate':
      return addTask(state, {
        kind: 'read-certificate',
        field: request.field,
        purpose: request.field === 'group-device' ? 'identity' : 'ca',
        path: request.path,
      });
    case 'complete-path':
      return addTask(state, {kind: 'complete-path', field: request.field, text: request.text});
    case 'list-ca-certificates':
      return listCaCertificates(state, 'group');
    case 'verify-ca':
      return enterCaForGroup(state, request.slot, request.name);
    case 'save': {
      const failure = notConnectedFailure(state.connection);
      if (failure) return withGroup(state, {...state.group, step: 'save-failed', failure});
      return addTask(dropTasksOfKind(state, 'save-group'), {
        kind: 'save-group',
        group: buildEnrollmentGroup(state.group, connectionInfoOf(state)?.linkedHubs ?? []),
      });
    }
    case 'cancel-save':
      return withGroup(withoutSave(state, 'save-group'), cancelledSave(state.group, 'group'));
    case 'write-config':
      return addTask(state, {
        kind: 'write-file',
        field: 'group-config-file',
        path: request.path,
        content: groupConfigToml(state.group, connectionInfoOf(state)),
        overwrite: request.overwrite,
      });
    case 'check-device': {
      const device = loadedCertificate(state.group.deviceCertificate);
      if (!device) return state;
      return addTask(dropTasksOfKind(state, 'check-group-device'), {
        kind: 'check-group-device',
        leafPem: device.pem,
        chainPems: device.chainPems,
        anchorPems: groupAnchorPems(state.group),
      });
    }
  }
}

export function groupKeyInState(state: WizardState, event: KeyEvent): WizardState {
  const {flow, request} = groupKey(state.group, event, contextOf(state));
  const next = applyGroupRequest(flow === state.group ? state : withGroup(state, flow), request);
  // Left while the CA list was read: keys typed meanwhile were meant for the list, which is not on screen.
  const left = event.kind === 'escape' && readingCaList(state.group);
  return clampGroupScroll(left ? {...next, typeAhead: []} : next);
}

/** Keeps the review and config screens from scrolling past their last line. */
export function clampGroupScroll(state: WizardState): WizardState {
  if (state.screen.name !== 'group') return state;
  const flow = state.group;
  const info = connectionInfoOf(state);
  if (flow.step === 'review') {
    const limit = groupReviewMaxScroll(flow, info, state.viewport);
    return flow.reviewScroll > limit ? withGroup(state, {...flow, reviewScroll: limit}) : state;
  }
  if (flow.step === 'config') {
    const limit = maxScroll(groupConfigToml(flow, info), state.viewport);
    return flow.configScroll > limit ? withGroup(state, {...flow, configScroll: limit}) : state;
  }
  return state;
}

export function groupResult(state: WizardState, taskId: number, result: GroupResult): WizardState {
  const flow = state.group;
  switch (result.kind) {
    case 'throttled':
      // The save goes on after the wait: its task stays.
      return withGroup(state, {
        ...flow,
        throttled: {retryAfterSeconds: result.retryAfterSeconds, attempt: result.attempt},
      });
    case 'exists': {
      const {throttled: _t, ...rest} = flow;
      // Keys typed before the existing group was on screen never decide to replace it.
      return withGroup(
        {...dropTask(state, taskId), typeAhead: []},
        {...withStep(rest, 'exists'), existing: result.existing},
      );
    }
    case 'saved': {
      const {throttled: _t, failure: _f, preflight: _p, ...rest} = flow;
      return withGroup(dropTask(state, taskId), {...withStep(rest, 'result'), saved: result.group});
    }
    case 'failed': {
      // A stale etag means the group changed meanwhile: the next save reads it again first.
      const {throttled: _t, updateEtag, ...rest} = flow;
      const keepEtag =
        result.failure.kind === 'stale-etag' || updateEtag === undefined ? {} : {updateEtag};
      return withGroup(dropTask(state, taskId), {
        ...withStep(rest, 'save-failed'),
        ...keepEtag,
        failure: result.failure,
      });
    }
    case 'preflight':
      return withGroup(dropTask(state, taskId), {
        ...flow,
        preflight: {state: 'done', report: result.report},
      });
    case 'file': {
      const {action} = result;
      const next = dropTask(state, taskId);
      switch (action.type) {
        case 'file-written':
          return withGroup(next, {
            ...withStep(flow, 'config'),
            confirmOverwrite: false,
            configWritten: action.path,
          });
        case 'file-exists':
          return withGroup(next, {
            ...flow,
            confirmOverwrite: true,
            stepError: `${action.path} already exists: press Enter again to replace it, or Esc to keep it`,
          });
        case 'file-failed':
          return withGroup(next, {...flow, stepError: action.message});
      }
    }
  }
}

/** The step waits for a result: keys typed meanwhile wait too. */
export function groupBusy(state: WizardState): boolean {
  return groupStepBusy(state.group);
}

/** Letters are text to type on this step, rather than one-letter commands. */
export function groupTakesText(state: WizardState): boolean {
  return groupStepTakesText(state.group, connectionInfoOf(state));
}

export function groupKeyHints(state: WizardState): string[] {
  const flow = state.group;
  const info = connectionInfoOf(state);
  const back = 'Esc back';
  const exit = 'Ctrl+C exit';
  if (isSettingsStep(flow.step)) {
    return settingsKeyHints(flow.step, flow.settings, (info?.linkedHubs ?? []).length > 0);
  }
  switch (flow.step) {
    case 'group-id':
      return ['Enter continue', back, exit];
    case 'attestation':
      return ['↑↓ choose', 'Enter continue', back, exit];
    case 'ca-primary':
    case 'ca-secondary':
      return caChoices(flow, info) === undefined
        ? ['Enter continue', back, exit]
        : ['↑↓ move', 'Enter choose', 'n add a CA', 'r reload', back, exit];
    case 'preflight': {
      // Once read, Enter checks the file (again, after a check), until its path changes.
      const ready = flow.deviceCertificate.status.state === 'loaded';
      return [ready ? 'Enter check' : 'Enter read', 'Tab complete path', '~ = home', back, exit];
    }
    case 'signing-primary':
    case 'signing-secondary':
    case 'write-config':
      return ['Enter continue', 'Tab complete path', '~ = home', back, exit];
    case 'review':
    case 'saving':
    case 'exists':
    case 'save-failed':
    case 'device-paths':
      return savingKeyHints(flow.step);
    case 'result':
      return ['Enter device config', 'p pre-flight', 'Esc home', exit];
    case 'config':
      return ['w write file', 'p pre-flight', '↑↓ scroll', 'Enter done', back, exit];
  }
}
