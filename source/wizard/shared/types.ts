import type {Finding} from '../../certs/findings.js';
import type {CertificateSummary} from '../../certs/inspect.js';
import type {
  CaCertificate,
  CertificateInfo,
  ConnectionMode,
  DpsErrorKind,
  EnrollmentAllocationPolicy,
  LinkedHub,
  ProvisioningStatus,
  RetryWait,
} from '../../dps/index.js';
import type {TextDraft} from './text-draft.js';

export type {Finding};

/** The plain data the flows share: the connection, failures, files and certificates, settings and saving. */

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
  /** `waiting`: a first call to DPS waits before it is tried again. */
  | {status: 'connecting'; target: string; waiting?: RetryWait}
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
    /** Editing an enrollment: the certificate DPS has (its info only); typing a path replaces it. */
    | {state: 'in-dps'; info: CertificateInfo}
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

export type ReviewPanel = 'summary' | 'request' | 'az';
