import {hasErrors} from '../../../certs/findings.js';
import {
  deviceIdProblem,
  enrollmentIdProblem,
  maxX509RegistrationIdLength,
} from '../../../dps/id-rules.js';
import type {IndividualEnrollment, LinkedHub} from '../../../dps/types.js';
import {defaultDevicePaths} from '../../../outputs/config-toml.js';
import {
  configViewKey,
  devicePathsStepKey,
  escapeKey,
  initialSaveSteps,
  openDevicePaths,
  previousEnrollmentStep,
  saveStepKey,
  settingsStepKey,
} from '../../shared/save-steps.js';
import {editTextField, withError, withStep} from '../../shared/flow-step.js';
import {
  certificatePair,
  editCertificatePath,
  emptyCertificateField,
  loadedCertificate,
  readingCertificate,
} from '../../shared/certificate-field.js';
import type {KeyEvent} from '../../shared/key-event.js';
import {
  initialSettings,
  isSettingsStep,
  settingsForRequest,
  settingsFormSteps,
} from '../../shared/settings-steps.js';
import type {IndividualFlow, IndividualStep} from '../../core/state.js';
import {draftOf, emptyDraft} from '../../shared/text-draft.js';

/** The individual enrollment flow: its steps in order, and what each key does on each step. */

// Tests import the empty field by name from here, where it was first written.
export {emptyCertificateField};

export function initialIndividualFlow(linkedHubs: readonly LinkedHub[]): IndividualFlow {
  return {
    step: 'certificate',
    primary: emptyCertificateField,
    secondary: emptyCertificateField,
    registrationId: emptyDraft,
    registrationIdEdited: false,
    deviceId: emptyDraft,
    settings: initialSettings(linkedHubs),
    ...initialSaveSteps,
    configFile: emptyDraft,
    configFileCandidates: [],
  };
}

/** The steps of the form, in order; custom allocation only when that policy is chosen. */
export function formSteps(flow: IndividualFlow): IndividualStep[] {
  return [
    'certificate',
    'secondary-certificate',
    'registration-id',
    'device-id',
    ...settingsFormSteps(flow.settings),
    'review',
  ];
}

/** Where Esc goes from each step; undefined means back to the home screen. */
export function previousStep(flow: IndividualFlow): IndividualStep | undefined {
  return previousEnrollmentStep(flow.step, formSteps(flow));
}

function nextFormStep(flow: IndividualFlow): IndividualStep {
  const steps = formSteps(flow);
  return steps[steps.indexOf(flow.step) + 1] ?? 'review';
}

/** The registration ID the enrollment will use: what the user typed, or the certificate's CN. */
export function registrationIdOf(flow: IndividualFlow): string {
  return flow.registrationId.value.trim();
}

export function deviceIdOf(flow: IndividualFlow): string {
  return flow.deviceId.value.trim() || registrationIdOf(flow);
}

export function registrationIdProblem(flow: IndividualFlow): string | undefined {
  const id = registrationIdOf(flow);
  const problem = enrollmentIdProblem(id, 'registration ID', maxX509RegistrationIdLength);
  if (problem) return problem.message;
  const commonName = loadedCertificate(flow.primary)?.summary.commonName;
  if (commonName !== undefined && commonName.toLowerCase() !== id.toLowerCase()) {
    return `the registration ID must be the certificate's CN '${commonName}': the device presents that name when it registers`;
  }
  return undefined;
}

export function buildIndividualEnrollment(
  flow: IndividualFlow,
  linkedHubs: readonly LinkedHub[],
): IndividualEnrollment {
  const deviceId = deviceIdOf(flow);
  return {
    registrationId: registrationIdOf(flow),
    ...(deviceId ? {deviceId} : {}),
    attestation: {type: 'x509', clientCertificates: certificatePair(flow.primary, flow.secondary)},
    ...settingsForRequest(flow.settings, linkedHubs),
    ...(flow.updateEtag ? {etag: flow.updateEtag} : {}),
  };
}

/** What a key on the individual flow asks of the app besides a new flow. */
export type FlowRequest =
  | {kind: 'none'}
  | {kind: 'home'}
  | {kind: 'read-certificate'; slot: 'primary' | 'secondary'; path: string}
  | {kind: 'complete-path'; field: 'primary' | 'secondary' | 'config-file'; text: string}
  | {kind: 'save'}
  | {kind: 'cancel-save'}
  | {kind: 'write-config'; path: string; overwrite: boolean};

export type FlowOutcome = {flow: IndividualFlow; request: FlowRequest};

const none: FlowRequest = {kind: 'none'};
const at = (flow: IndividualFlow, request: FlowRequest = none): FlowOutcome => ({flow, request});

function certificateKey(
  flow: IndividualFlow,
  slot: 'primary' | 'secondary',
  event: KeyEvent,
): FlowOutcome {
  const field = flow[slot];
  const loaded = field.status.state === 'loaded' ? field.status : undefined;
  if (event.kind === 'enter') {
    const path = field.path.value.trim();
    if (path === '') {
      if (slot === 'secondary') return at(withStep(flow, nextFormStep(flow)));
      return at(
        withError(flow, 'type the path of the device identity certificate file (Tab completes)'),
      );
    }
    if (loaded && loaded.certificate.path === path) {
      if (hasErrors(loaded.certificate.findings)) {
        return at(
          withError(
            flow,
            'this certificate cannot be enrolled: fix the errors above or choose another file',
          ),
        );
      }
      const mismatch = slot === 'secondary' ? secondaryCommonNameProblem(flow) : undefined;
      if (mismatch) return at(withError(flow, mismatch));
      const hasWarnings = loaded.certificate.findings.some(
        (finding) => finding.severity === 'warning',
      );
      // The screen says "Press Enter to use it anyway": that Enter accepts the warnings and moves on.
      const accepted =
        hasWarnings && !loaded.warningsAccepted
          ? {...flow, [slot]: {...field, status: {...loaded, warningsAccepted: true}}}
          : flow;
      return at(advanceFromCertificate(accepted, slot));
    }
    return at(withError({...flow, [slot]: readingCertificate(field)}, undefined), {
      kind: 'read-certificate',
      slot,
      path,
    });
  }
  if (event.kind === 'tab') {
    return at(flow, {kind: 'complete-path', field: slot, text: field.path.value});
  }
  const edited = editCertificatePath(field, event);
  if (!edited) return at(flow);
  // Moving the cursor is not an edit: the step's problem stays.
  if (edited.path.value === field.path.value) return at({...flow, [slot]: edited});
  return at(withError({...flow, [slot]: edited}, undefined));
}

/**
 * A device presents one certificate and registers with its CN, so a secondary certificate with another CN
 * could never match this enrollment.
 */
function secondaryCommonNameProblem(flow: IndividualFlow): string | undefined {
  const primary = loadedCertificate(flow.primary)?.summary.commonName;
  const secondary = loadedCertificate(flow.secondary)?.summary.commonName;
  if (primary === undefined || secondary === undefined) return undefined;
  if (primary.toLowerCase() === secondary.toLowerCase()) return undefined;
  return `the secondary certificate's CN '${secondary}' is not the device certificate's CN '${primary}': a device registers with its certificate's CN, so both must have the same CN`;
}

/** An update etag belongs to the registration ID it was read for: another ID drops it. */
function dropEtagOfOtherId(before: IndividualFlow, after: IndividualFlow): IndividualFlow {
  if (after.updateEtag === undefined || registrationIdOf(after) === registrationIdOf(before)) {
    return after;
  }
  const {updateEtag: _dropped, ...rest} = after;
  return rest;
}

function advanceFromCertificate(
  flow: IndividualFlow,
  slot: 'primary' | 'secondary',
): IndividualFlow {
  if (slot === 'secondary') return withStep(flow, nextFormStep(flow));
  const commonName = loadedCertificate(flow.primary)?.summary.commonName ?? '';
  // Until the user edits it, the registration ID follows the certificate's CN.
  const registrationId = flow.registrationIdEdited ? flow.registrationId : draftOf(commonName);
  return withStep(dropEtagOfOtherId(flow, {...flow, registrationId}), 'secondary-certificate');
}

/** Handles one key on the individual flow (Esc included). */
export function individualKey(
  flow: IndividualFlow,
  event: KeyEvent,
  linkedHubs: readonly LinkedHub[],
  cwd: string,
): FlowOutcome {
  if (event.kind === 'escape') return escapeKey(flow, previousStep(flow));
  if (isSettingsStep(flow.step)) {
    return at(settingsStepKey(flow, flow.step, event, linkedHubs, nextFormStep));
  }
  const saveOutcome = saveStepKey(flow, event, 'certificate');
  if (saveOutcome) return saveOutcome;

  switch (flow.step) {
    case 'certificate':
      return certificateKey(flow, 'primary', event);
    case 'secondary-certificate':
      return certificateKey(flow, 'secondary', event);
    case 'registration-id': {
      if (event.kind === 'enter') {
        const problem = registrationIdProblem(flow);
        return problem ? at(withError(flow, problem)) : at(withStep(flow, 'device-id'));
      }
      const edited = editTextField(flow, 'registrationId', event);
      // Moving the cursor is not editing: the ID keeps following the certificate's CN.
      if (edited.registrationId.value === flow.registrationId.value) return at(edited);
      return at(dropEtagOfOtherId(flow, {...edited, registrationIdEdited: true}));
    }
    case 'device-id': {
      if (event.kind === 'enter') {
        const problem = deviceIdProblem(deviceIdOf(flow));
        return problem ? at(withError(flow, problem.message)) : at(withStep(flow, 'edge'));
      }
      return at(editTextField(flow, 'deviceId', event));
    }
    case 'result':
      if (event.kind === 'enter') {
        return at(openDevicePaths(flow, defaultDevicePaths(registrationIdOf(flow))));
      }
      return at(flow);
    case 'device-paths':
      return at(devicePathsStepKey(flow, event));
    case 'config': {
      const viewed = configViewKey(flow, event);
      if (viewed) return viewed;
      if (event.kind === 'text' && event.text === 'w') {
        const configFile =
          flow.configFile.value === ''
            ? draftOf(`${cwd}/${registrationIdOf(flow)}.config.toml`)
            : flow.configFile;
        return at(withStep({...flow, configFile, confirmOverwrite: false}, 'write-config'));
      }
      return at(flow);
    }
    case 'write-config': {
      if (event.kind === 'enter') {
        const path = flow.configFile.value.trim();
        if (path === '') return at(withError(flow, 'type the path of the file to write'));
        return at(flow, {kind: 'write-config', path, overwrite: flow.confirmOverwrite});
      }
      if (event.kind === 'tab') {
        return at(flow, {kind: 'complete-path', field: 'config-file', text: flow.configFile.value});
      }
      const edited = editTextField(flow, 'configFile', event);
      return at(
        edited === flow ? flow : {...edited, confirmOverwrite: false, configFileCandidates: []},
      );
    }
    default:
      return at(flow);
  }
}
