import type {TestChainProgress} from '../../certs/test-chain.js';
import type {
  CaCertificate,
  EnrollmentGroup,
  IndividualEnrollment,
  RetryWait,
} from '../../dps/index.js';
import type {
  CaCertificateList,
  CertificatePurpose,
  Failure,
  LoadedCertificate,
  RegistrationStage,
} from './types.js';

/**
 * Effects are named by the flows and run by the runtime; each has one name, from the key or result that asks
 * for it to the outcome that comes back. This module holds the effects every flow may ask for, and what a flow
 * asks of the wizard around it (open another flow, go home, cancel what it started).
 */

export type FlowName =
  'individual' | 'group' | 'verify-ca' | 'test-certificates' | 'test-enrollment' | 'browse';

/**
 * Effects of the shared steps. `field` names the flow's own path field, so its outcome lands there; it is a
 * string here and each flow narrows it to its own field names.
 */
export type SharedEffect<Field extends string = string> =
  | {kind: 'read-certificate'; field: Field; purpose: CertificatePurpose; path: string}
  | {kind: 'complete-path'; field: Field; text: string; foldersOnly: boolean}
  | {kind: 'write-file'; path: string; content: string; overwrite: boolean}
  | {kind: 'list-ca-certificates'};

export type SharedOutcome =
  | {kind: 'certificate-read'; certificate: LoadedCertificate}
  | {kind: 'certificate-failed'; message: string}
  | {kind: 'path-completed'; value: string; candidates: string[]; matches: number}
  | {kind: 'file-written'; path: string}
  | {kind: 'file-exists'; path: string}
  | {kind: 'file-failed'; message: string}
  | {kind: 'ca-certificates-listed'; certificates: CaCertificate[]}
  | {kind: 'ca-certificates-failed'; failure: Failure}
  /** The effect failed in a way its step does not expect. */
  | {kind: 'task-failed'; message: string};

/** What a long effect reports before its outcome: the effect goes on. */
export type Progress =
  /** A DPS call waits before it is tried again (throttled, a dropped link): the screen says so. */
  | {kind: 'waiting'; wait: RetryWait}
  | {kind: 'making-chain'; progress: TestChainProgress}
  /** A device registration moved on (connecting, registering, waiting for its assignment, a retry wait). */
  | {kind: 'registration'; stage: RegistrationStage};

/** How a flow is opened, from the home screen or handed over from another flow. */
export type HandOff =
  | {flow: 'individual'; with: OpenIndividual}
  | {flow: 'group'; with: OpenGroup}
  | {flow: 'verify-ca'; with: OpenCa}
  | {flow: 'test-certificates'; with: {kind: 'home'}}
  | {flow: 'test-enrollment'; with: OpenTest}
  | {flow: 'browse'; with: {kind: 'home'}};

/**
 * With a device certificate just generated, the form starts over with that file being read; with `edit`, it
 * opens at its first step with every field of that enrollment (as DPS returned it) filled in.
 */
export type OpenIndividual = {certificatePath?: string} | {edit: IndividualEnrollment};

/**
 * "Test an enrollment": from home, or with what another flow knows of the enrollment (an individual's
 * registration ID and certificate; a group's ID, whose device certificate the user then picks).
 */
export type OpenTest =
  | {kind: 'home'}
  | {kind: 'enrollment'; registrationId?: string; certificatePath?: string; group?: string};

export type OpenGroup =
  | {kind: 'home'}
  /** With the CA certificate uploaded into the group (no verification needed). */
  | {kind: 'signing-certificate'}
  /** Back from verifying a CA for the group: that CA becomes its primary or secondary reference. */
  | {kind: 'ca-verified'; slot: 'primary' | 'secondary'; name: string}
  /** Back from the CA flow with the CA left unverified; the CA list as the CA flow last read it. */
  | {kind: 'ca-left'; certificates: CaCertificateList}
  /** Editing a group as DPS returned it: the form opens at its first step with every field filled in. */
  | {kind: 'edit'; group: EnrollmentGroup};

export type OpenCa =
  | {kind: 'home'}
  /** The loop for one CA the group wants to reference (name empty: add a new one), with the group's list. */
  | {
      kind: 'for-group';
      slot: 'primary' | 'secondary';
      name: string;
      certificates: CaCertificateList;
    }
  /** "Add a CA certificate" with the files of a test chain just made. */
  | {kind: 'files'; certificatePath: string; keyPath: string; name: string}
  /** The proof-of-possession loop of a CA certificate already in DPS (chosen while browsing). */
  | {kind: 'existing'; name: string};

/** What a flow asks of the wizard around it; the router applies these, nothing runs. */
export type RouterEffect =
  | ({kind: 'open'} & HandOff)
  | {kind: 'home'}
  /** Drops this flow's running effects of that kind: their outcomes will not land. */
  | {kind: 'cancel'; effect: string}
  /** Drops the keys typed ahead: they were meant for a screen that will not come. */
  | {kind: 'discard-type-ahead'};

/** A flow after a key or an outcome, and the effects it asks for. */
export type FlowUpdate<F, E> = {flow: F; effects: (E | RouterEffect)[]};

export const update = <F, E>(flow: F, ...effects: (E | RouterEffect)[]): FlowUpdate<F, E> => ({
  flow,
  effects,
});
