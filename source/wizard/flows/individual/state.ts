import type {IndividualEnrollment, RetryWait} from '../../../dps/index.js';
import type {SharedEffect} from '../../shared/effect.js';
import type {SaveOutcome} from '../../shared/save-request.js';
import type {
  CertificateField,
  Failure,
  ReviewPanel,
  SaveStep,
  SettingsDraft,
  SettingsStep,
} from '../../shared/types.js';
import type {TextDraft} from '../../shared/text-draft.js';

export type IndividualStep =
  | 'certificate'
  | 'secondary-certificate'
  | 'registration-id'
  | 'device-id'
  | SettingsStep
  | SaveStep;

export type IndividualFlow = {
  step: IndividualStep;
  primary: CertificateField;
  secondary: CertificateField;
  registrationId: TextDraft;
  /** False until the user edits it: until then it follows the certificate's CN. */
  registrationIdEdited: boolean;
  deviceId: TextDraft;
  settings: SettingsDraft;
  /** The problem that keeps the current step from moving on, in one sentence. */
  stepError?: string;
  reviewPanel: ReviewPanel;
  reviewScroll: number;
  /** What a DPS call of the flow waits for before it tries again (throttled, a dropped link). */
  waiting?: RetryWait;
  /** The enrollment that already has this registration ID (step 'exists'). */
  existing?: IndividualEnrollment;
  /** The etag to update with, once the user chose to update an existing enrollment. */
  updateEtag?: string;
  failure?: Failure;
  saved?: IndividualEnrollment;
  deviceCertPath: TextDraft;
  deviceKeyPath: TextDraft;
  devicePathFocus: 'certificate' | 'key';
  configScroll: number;
  configFile: CertificateField['path'];
  configFileCandidates: string[];
  /** The file exists: the next Enter overwrites it. */
  confirmOverwrite: boolean;
  configWritten?: string;
};

/** The individual flow's path fields: the two certificates and the config file to write. */
export type IndividualField = 'primary' | 'secondary' | 'config-file';

export type IndividualEffect =
  SharedEffect<IndividualField> | {kind: 'save-individual'; enrollment: IndividualEnrollment};

export type IndividualOutcome = SaveOutcome<IndividualEnrollment>;
