import {
  enrollmentIdProblem,
  type IndividualEnrollment,
  type LinkedHub,
  maxX509RegistrationIdLength,
} from '../../../dps/index.js';
import {
  certificateInDps,
  certificatePair,
  emptyCertificateField,
  loadedCertificate,
} from '../../shared/certificate-field.js';
import {initialSaveSteps, previousEnrollmentStep} from '../../shared/save-steps.js';
import {
  initialSettings,
  settingsForRequest,
  settingsFromEnrollment,
  settingsFormSteps,
} from '../../shared/settings-steps.js';
import {draftOf, emptyDraft} from '../../shared/text-draft.js';
import type {IndividualFlow, IndividualStep} from './state.js';

/** The individual enrollment the form builds: its steps in order, its IDs, the request. */

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

/**
 * The form filled in from an enrollment DPS has, at its first step. Saving it reads the enrollment again
 * and shows what would change before u replaces it (with the etag then read).
 */
export function editedIndividualFlow(
  enrollment: IndividualEnrollment,
  linkedHubs: readonly LinkedHub[],
): IndividualFlow {
  const attestation = enrollment.attestation.type === 'x509' ? enrollment.attestation : undefined;
  const deviceId = enrollment.deviceId ?? '';
  return {
    ...initialIndividualFlow(linkedHubs),
    primary: certificateInDps(attestation?.clientCertificates?.primary),
    secondary: certificateInDps(attestation?.clientCertificates?.secondary),
    registrationId: draftOf(enrollment.registrationId),
    registrationIdEdited: true,
    deviceId: draftOf(deviceId === enrollment.registrationId ? '' : deviceId),
    settings: settingsFromEnrollment(enrollment, linkedHubs),
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

export function nextFormStep(flow: IndividualFlow): IndividualStep {
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
