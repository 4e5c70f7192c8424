import type {Finding} from '../../certs/findings.js';
import type {CertificateSummary} from '../../certs/inspect.js';
import type {DpsErrorKind} from '../../dps/errors.js';
import type {
  CaCertificate,
  ConnectionMode,
  EnrollmentAllocationPolicy,
  IndividualEnrollment,
  LinkedHub,
  ProvisioningStatus,
} from '../../dps/types.js';
import type {KeyEvent} from '../shared/key-event.js';
import type {Viewport} from '../shared/layout.js';
import type {TextDraft} from '../shared/text-draft.js';
import type {CaFlow, CaTask} from '../flows/ca/flow.js';
import type {GroupFlow, GroupTask} from '../flows/group/flow.js';
import type {TestCertificatesFlow, TestCertificatesTask} from '../flows/test-certificates/flow.js';

export type {Finding};

/** Plain data only: the gateway and the emulator live outside the state, with the effect runner. */

export type DeviceCodePrompt = {verificationUri: string; userCode: string; expiresOn: string};

/** What the header shows and what the flows need to know about the DPS they write to. */
export type ConnectionInfo = {
  mode: ConnectionMode;
  serviceHostName: string;
  armAvailable: boolean;
  dpsName?: string;
  resourceGroup?: string;
  idScope?: string;
  /** Device endpoint host, e.g. global.azure-devices-provisioning.net. */
  deviceHostName?: string;
  /** Empty when unknown (a connection string gives no access to the DPS resource). */
  linkedHubs: LinkedHub[];
  sandboxStateDir?: string;
};

export type ConnectionState =
  | {status: 'connecting'; target: string}
  | {status: 'signing-in'; target: string; prompt: DeviceCodePrompt}
  | {status: 'connected'; info: ConnectionInfo}
  | {status: 'failed'; target: string; failure: Failure};

/** A failed operation, as plain data for the reducer. */
export type Failure = {
  kind: DpsErrorKind | 'file' | 'cancelled' | 'other';
  message: string;
  retryAfterSeconds?: number;
};

/** A certificate file as the wizard read it: public part only, with its inspection and checks. */
export type LoadedCertificate = {
  /** The path as typed (Enter on an unchanged path moves on instead of reading it again). */
  path: string;
  absolutePath: string;
  /** The leaf certificate, PEM, as it will be sent. */
  pem: string;
  summary: CertificateSummary;
  findings: Finding[];
  /** How many more certificates the file holds after the first (a full chain file). */
  moreCertificates: number;
  /** Those further certificates, PEM, in file order (a full chain: intermediate, then root). */
  chainPems: string[];
  format: string;
};

/** A file path being typed, with what the last Tab offered when it was ambiguous. */
export type PathField = {
  path: TextDraft;
  candidates: string[];
  /** How many more names matched than `candidates` lists. */
  moreCandidates: number;
};

/**
 * What a certificate file is read for, which decides the checks: a device identity (leaf) certificate, a CA
 * certificate (CA:true, valid; a private key in the file is refused), or any certificate (read and
 * summarised only; the flow checks what it needs, e.g. a verification certificate's CN).
 */
export type CertificatePurpose = 'identity' | 'ca' | 'any';

export type CertificateField = PathField & {
  status:
    | {state: 'empty'}
    | {state: 'reading'}
    | {state: 'loaded'; certificate: LoadedCertificate; warningsAccepted: boolean}
    | {state: 'failed'; message: string};
};

/** The DPS's CA certificates as last listed (each with its certificate, PEM, when DPS returned it). */
export type CaCertificateList =
  | {state: 'idle'}
  | {state: 'loading'}
  | {state: 'loaded'; certificates: CaCertificate[]}
  | {state: 'failed'; failure: Failure};

export type ReprovisionChoice = 'migrate' | 'reset' | 'never';

/** The settings an individual enrollment and an enrollment group share; one set of steps edits them. */
export type SettingsDraft = {
  iotEdge: boolean;
  /** Host names chosen among the linked hubs. */
  selectedHubs: string[];
  hubCursor: number;
  /** Host names typed by the user when the linked hubs are unknown. */
  typedHubs: TextDraft;
  allocationPolicy: EnrollmentAllocationPolicy;
  webhookUrl: TextDraft;
  apiVersion: TextDraft;
  customFocus: 'webhook' | 'api-version';
  twinMode: 'pairs' | 'json';
  twinFocus: 'tags' | 'desired';
  tags: TextDraft;
  desired: TextDraft;
  twinJson: TextDraft;
  advancedOpen: boolean;
  advancedRow: 'status' | 'reprovision';
  provisioningStatus: ProvisioningStatus;
  reprovision: ReprovisionChoice;
};

export type SettingsStep =
  'edge' | 'hubs' | 'allocation' | 'custom-allocation' | 'twin' | 'advanced';

/** The steps from the review on, shared by individual enrollments and groups. */
export type SaveStep =
  | 'review'
  | 'saving'
  | 'exists'
  | 'save-failed'
  | 'result'
  | 'device-paths'
  | 'config'
  | 'write-config';

export type IndividualStep =
  | 'certificate'
  | 'secondary-certificate'
  | 'registration-id'
  | 'device-id'
  | SettingsStep
  | SaveStep;

export type ReviewPanel = 'summary' | 'request' | 'az';

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
  /** Set while saving, retrying after throttling. */
  throttled?: {retryAfterSeconds: number; attempt: number};
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

export type HomeItem = 'individual' | 'group' | 'verify-ca' | 'test-certificates' | 'quit';

export type Screen =
  | {name: 'home'; cursor: number; notice?: string}
  | {name: 'individual'}
  | {name: 'group'}
  | {name: 'verify-ca'}
  | {name: 'test-certificates'}
  | {name: 'quit'};

/** Every path field of every flow, by name: Tab completion and certificate reads address them so. */
export type PathFieldKey =
  | 'primary'
  | 'secondary'
  | 'config-file'
  | 'group-signing-primary'
  | 'group-signing-secondary'
  | 'group-device'
  | 'group-config-file'
  | 'ca-certificate'
  | 'ca-key'
  | 'ca-verification'
  | 'ca-save'
  | 'test-folder';

/** Effects, named by the reducer and run by the effect runner with the services handed to the app. */
export type Task =
  | {id: number; kind: 'connect'}
  | {
      id: number;
      kind: 'read-certificate';
      field: PathFieldKey;
      purpose: CertificatePurpose;
      path: string;
    }
  | {id: number; kind: 'complete-path'; field: PathFieldKey; text: string}
  | {id: number; kind: 'save-individual'; enrollment: IndividualEnrollment}
  /** Both the CA flow and the group flow (choosing a CA reference) list the CA certificates. */
  | {id: number; kind: 'list-ca-certificates'; for: 'verify-ca' | 'group'}
  | {
      id: number;
      kind: 'write-file';
      /** The path field the file was named in; its flow gets the result. */
      field: 'config-file' | 'group-config-file';
      path: string;
      content: string;
      overwrite: boolean;
    }
  | CaTask
  | GroupTask
  | TestCertificatesTask;

export type WizardState = {
  /** The folder relative paths start from. */
  cwd: string;
  viewport: Viewport;
  connection: ConnectionState;
  screen: Screen;
  individual: IndividualFlow;
  group: GroupFlow;
  ca: CaFlow;
  testCertificates: TestCertificatesFlow;
  /** Effects to run; one leaves the list when its result arrives or when the user leaves it behind. */
  tasks: Task[];
  nextTaskId: number;
  /** Keys that arrived while a step was busy; they are replayed, in order, when it is done. */
  typeAhead: KeyEvent[];
};
