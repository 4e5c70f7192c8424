import type {EnrollmentGroup, LinkedHub, RetryWait} from '../../../dps/index.js';
import {certificateInDps, emptyCertificateField} from '../../shared/certificate-field.js';
import type {SharedEffect} from '../../shared/effect.js';
import {emptyPathField} from '../../shared/path-field.js';
import {initialSaveSteps} from '../../shared/save-steps.js';
import type {SaveOutcome} from '../../shared/save-request.js';
import {initialSettings, settingsFromEnrollment} from '../../shared/settings-steps.js';
import {draftOf, emptyDraft, type TextDraft} from '../../shared/text-draft.js';
import type {
  CaCertificateList,
  CertificateField,
  Failure,
  Finding,
  PathField,
  ReviewPanel,
  SaveStep,
  SettingsDraft,
  SettingsStep,
} from '../../shared/types.js';

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
  /** What a DPS call of the flow waits for before it tries again (throttled, a dropped link). */
  waiting?: RetryWait;
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

/** The group flow's path fields. */
export type GroupField =
  'group-signing-primary' | 'group-signing-secondary' | 'group-device' | 'group-config-file';

export type GroupEffect =
  | SharedEffect<GroupField>
  | {kind: 'save-group'; group: EnrollmentGroup}
  | {
      kind: 'check-group-device';
      leafPem: string;
      chainPems: string[];
      /** The group's certificates (PEM; primary, then secondary) the chain must reach; empty when unknown. */
      anchorPems: string[];
    };

export type GroupOutcome =
  SaveOutcome<EnrollmentGroup> | {kind: 'preflight'; report: PreflightReport};

/**
 * The form filled in from a group DPS has, at its first step. Saving it reads the group again and shows
 * what would change before u replaces it (with the etag then read).
 */
export function editedGroupFlow(
  group: EnrollmentGroup,
  linkedHubs: readonly LinkedHub[],
): GroupFlow {
  const attestation = group.attestation.type === 'x509' ? group.attestation : undefined;
  const signing = attestation?.signingCertificates;
  const references = attestation?.caReferences;
  return {
    ...initialGroupFlow(linkedHubs),
    groupId: draftOf(group.enrollmentGroupId),
    attestation: signing?.primary ? 'signing-certificate' : 'ca-reference',
    caPrimary: draftOf(references?.primary ?? ''),
    caSecondary: draftOf(references?.secondary ?? ''),
    // The CA list's cursor lands on the referenced name once the list is read.
    caCursor: -1,
    signingPrimary: certificateInDps(signing?.primary),
    signingSecondary: certificateInDps(signing?.secondary),
    settings: settingsFromEnrollment(group, linkedHubs),
  };
}

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
