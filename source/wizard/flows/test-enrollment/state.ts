import {emptyCertificateField} from '../../shared/certificate-field.js';
import type {SharedEffect} from '../../shared/effect.js';
import {emptyPathField} from '../../shared/path-field.js';
import type {
  DeviceFiles,
  DeviceRegistrationOutcome,
  DeviceTransport,
  EdgeInstallPlan,
  EdgeInstallRequest,
} from '../../shared/services.js';
import {emptyDraft, type TextDraft} from '../../shared/text-draft.js';
import type {
  CertificateField,
  DeviceEndpoint,
  Failure,
  Finding,
  PathField,
  RegistrationStage,
} from '../../shared/types.js';
import type {RetryWait} from '../../../dps/index.js';

/**
 * "Test an enrollment": register as the device, with its certificate and key, against the sandbox or DPS,
 * and show where it was assigned or why DPS refused it. On a gateway, install what IoT Edge needs.
 */

export type TestEnrollmentStep =
  | 'certificate'
  | 'chain'
  | 'key'
  | 'registration-id'
  | 'id-scope'
  | 'transport'
  | 'preflight'
  | 'confirm'
  | 'registering'
  | 'assigned'
  | 'refused'
  | 'write-config'
  | 'install-plan'
  | 'installed';

export type Refusal = {status?: number; errorCode?: number; cause: string; fix: string};
export type Assignment = Extract<DeviceRegistrationOutcome, {outcome: 'assigned'}>;

export type TestEnrollmentFlow = {
  step: TestEnrollmentStep;
  /** The enrollment group the device belongs to, when the test was opened for a group. */
  group?: string;
  /** Opened for an individual enrollment: its config.toml is the individual flow's, none is offered here. */
  individual?: boolean;
  /** The device certificate: its full chain, or the leaf alone. */
  certificate: CertificateField;
  /** The chain file, when the certificate file holds the leaf alone (empty: none). */
  chain: PathField;
  /** The private key's path: the key itself is read only by the service that registers. */
  key: PathField;
  registrationId: TextDraft;
  /** False until the user edits it: until then it follows the certificate's CN. */
  registrationIdEdited: boolean;
  /** Typed when the connection does not say (a connection string). */
  idScope: TextDraft;
  transport: DeviceTransport;
  /** The pre-flight's findings (step 'preflight'); undefined while checking. */
  findings?: Finding[];
  checking?: boolean;
  stage?: RegistrationStage;
  assignment?: Assignment;
  refusal?: Refusal;
  /** The config.toml file to write, and whether the next Enter replaces it. */
  configFile: PathField;
  confirmOverwrite: boolean;
  configWritten?: string;
  /** The step `w` was pressed on, where writing the file returns. */
  configFrom?: 'preflight' | 'assigned';
  /** The IoT Edge install: what it would do, then what it did, then `iotedge config apply`. */
  installPlan?: EdgeInstallPlan;
  /** What of the install runs: working out the plan, or doing it. */
  install?: 'planning' | 'installing';
  installed?: string[];
  applying?: boolean;
  applyResult?: {exitCode: number; output: string};
  failure?: Failure;
  stepError?: string;
  waiting?: RetryWait;
};

/** The flow's path fields. */
export type TestEnrollmentField =
  'test-certificate' | 'test-chain' | 'test-key' | 'test-config-file';

/** What the registration is asked for, as plain data (paths as typed; the key read by the service). */
export type RegisterDevice = DeviceFiles & {
  registrationId: string;
  idScope: string;
  transport: DeviceTransport;
  /** Where the device registers, from the connection; undefined until connected. */
  endpoint?: DeviceEndpoint;
};

export type TestEnrollmentEffect =
  | SharedEffect<TestEnrollmentField>
  | ({kind: 'check-device'} & DeviceFiles & {registrationId: string})
  | ({kind: 'register-device'} & RegisterDevice)
  | {kind: 'plan-edge-install'; request: EdgeInstallRequest}
  | {kind: 'apply-edge-install'; planId: number}
  | {kind: 'run-config-apply'};

export type TestEnrollmentOutcome =
  | {kind: 'device-checked'; findings: Finding[]}
  | {kind: 'device-registered'; outcome: DeviceRegistrationOutcome}
  | {kind: 'registration-failed'; failure: Failure}
  | {kind: 'edge-planned'; plan: EdgeInstallPlan}
  | {kind: 'edge-installed'; done: string[]}
  | {kind: 'edge-failed'; failure: Failure}
  | {kind: 'config-applied'; exitCode: number; output: string};

export function initialTestEnrollmentFlow(): TestEnrollmentFlow {
  return {
    step: 'certificate',
    certificate: emptyCertificateField,
    chain: emptyPathField,
    key: emptyPathField,
    registrationId: emptyDraft,
    registrationIdEdited: false,
    idScope: emptyDraft,
    transport: 'https',
    configFile: emptyPathField,
    confirmOverwrite: false,
  };
}
