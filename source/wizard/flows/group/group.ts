import {
  type CaCertificate,
  type EnrollmentGroup,
  enrollmentIdProblem,
  type LinkedHub,
} from '../../../dps/index.js';
import {certificatePair, loadedCertificate} from '../../shared/certificate-field.js';
import {previousEnrollmentStep} from '../../shared/save-steps.js';
import {settingsForRequest, settingsFormSteps} from '../../shared/settings-steps.js';
import type {ConnectionInfo} from '../../shared/types.js';
import type {GroupFlow, GroupStep} from './state.js';

/** The enrollment group the form builds: its steps in order, its ID, its CA and the request. */

/** Device file paths for the config template: a group's devices each have their own name. */
export const groupDevicePaths = {
  identityCertPath: '/var/aziot/certs/iot-edge-device-identity-full-chain.cert.pem',
  identityKeyPath: '/var/aziot/secrets/iot-edge-device-identity.key.pem',
};

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
