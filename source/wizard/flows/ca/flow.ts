import type {CaCertificate} from '../../../dps/types.js';
import {
  caKey,
  listRowCount,
  shownVerified,
  signRequest,
  startLoop,
  withError,
  withStep,
} from './input.js';
import {caCertificateCommands} from '../../../outputs/az-commands.js';
import {connectionInfoOf} from '../../shared/connection-info.js';
import {failureAdvice} from '../../shared/failure-text.js';
import {enterGroupWithSigningCertificate, returnToGroupWithCa} from '../group/flow.js';
import {emptyCertificateField} from '../../shared/certificate-field.js';
import type {KeyEvent} from '../../shared/key-event.js';
import {maxScroll} from '../../shared/layout.js';
import {azTarget, savedWhere} from '../../shared/outputs-view.js';
import {emptyPathField} from '../../shared/path-field.js';
import type {
  CaCertificateList,
  CertificateField,
  ConnectionInfo,
  Failure,
  LoadedCertificate,
  PathField,
  WizardState,
} from '../../core/state.js';
import {addTask, dropTask, findTask, listCaCertificates} from '../../core/task-list.js';
import {draftOf, emptyDraft, type TextDraft} from '../../shared/text-draft.js';

/** Verify a CA certificate: list, add, and the proof-of-possession loop, in one flow. */

export type CaStep =
  /** Only a connection string: CA certificates need ARM; the group path needs no verification. */
  | 'needs-arm'
  | 'list'
  | 'add-name'
  | 'add-file'
  | 'add-verified'
  | 'uploading'
  /** A certificate with that name is in DPS already: use it, or replace it with its etag. */
  | 'name-exists'
  | 'generating'
  /** The code is shown; the CA's key signs here, or the user picks a verification certificate. */
  | 'prove'
  | 'passphrase'
  | 'signing'
  | 'verifying'
  | 'verify-failed'
  | 'verified'
  | 'save'
  | 'commands';

export type CaFlow = {
  step: CaStep;
  certificates: CaCertificateList;
  listCursor: number;
  /** The name of a new upload. */
  name: TextDraft;
  /** The CA certificate file of a new upload. */
  certificateFile: CertificateField;
  /** Upload as verified, skipping proof of possession. */
  setVerifiedOnUpload: boolean;
  /** The certificate found in DPS under the name of a new upload. */
  existing?: CaCertificate;
  /** The user chose to replace `existing` before choosing the file: the upload replaces it with its etag. */
  replacing?: CaCertificate;
  /** The certificate of the loop as DPS last returned it: its etag goes into the next call. */
  target?: CaCertificate;
  /** How this flow put `target` into DPS: created, or replaced with its etag; unset when it was there already. */
  uploadedAs?: 'create' | 'update';
  verificationCode?: string;
  /** Sign here with the CA's private key, or pick a verification certificate signed elsewhere. */
  proveWith: 'key' | 'file';
  /** The CA's private key, to sign the verification certificate here (read only inside an effect). */
  keyFile: PathField;
  /** The key file is encrypted: the passphrase typed for it (shown masked). */
  passphraseAsked: boolean;
  passphrase: TextDraft;
  /** A verification certificate signed elsewhere (the manual path). */
  verificationFile: CertificateField;
  /** The verification certificate sent to DPS, PEM (public; its key is never kept). */
  verificationPem?: string;
  signedHere: boolean;
  /** After a failed verification: the next code is signed at once with the same key. */
  redo: boolean;
  /** Where to save the verification certificate signed here (optional). */
  saveFile: PathField;
  confirmOverwrite: boolean;
  savedPath?: string;
  commandsScroll: number;
  throttled?: {retryAfterSeconds: number; attempt: number};
  /** Set when the group flow sent the user here: where to go back once verified. */
  returnTo?: {slot: 'primary' | 'secondary'};
  failure?: Failure;
  /** The problem that keeps the current step from moving on, in one sentence. */
  stepError?: string;
  /** A remark that is not a problem (e.g. the certificate chosen is verified already). */
  notice?: string;
  /** Every certificate verified (or uploaded verified) since the wizard started, for the text printed at exit. */
  verifiedHere: CaCertificate[];
};

/** Effects of this flow; their results come back as {type: 'ca', taskId, result}. */
export type CaTask =
  | {
      id: number;
      kind: 'upload-ca-certificate';
      name: string;
      certificatePem: string;
      verified: boolean;
      /** Replace the certificate of that name, only if it is still this version. */
      replaceEtag?: string;
    }
  | {id: number; kind: 'generate-verification-code'; name: string; etag: string}
  | {
      id: number;
      kind: 'sign-verification-certificate';
      keyPath: string;
      passphrase?: string;
      caCertificatePem: string;
      caName: string;
      verificationCode: string;
    }
  | {
      id: number;
      kind: 'check-verification-certificate';
      path: string;
      caCertificatePem: string;
      verificationCode: string;
    }
  | {id: number; kind: 'verify-ca-certificate'; name: string; etag: string; certificatePem: string}
  | {
      id: number;
      kind: 'save-verification-certificate';
      path: string;
      content: string;
      overwrite: boolean;
    };

export type CaResult =
  | {kind: 'uploaded'; certificate: CaCertificate}
  | {kind: 'exists'; certificate: CaCertificate}
  | {kind: 'code'; etag: string; verificationCode: string}
  | {kind: 'signed'; certificatePem: string}
  | {kind: 'passphrase-required'}
  | {kind: 'wrong-passphrase'; message: string}
  | {kind: 'key-problem'; message: string}
  | {kind: 'verification-checked'; certificate: LoadedCertificate; problem?: string}
  | {kind: 'verified'; certificate: CaCertificate}
  /** The etag was stale and the retry with a fresh one failed too: the code changed elsewhere. */
  | {kind: 'code-changed'; certificate: CaCertificate; message: string}
  | {kind: 'throttled'; retryAfterSeconds: number; attempt: number}
  | {kind: 'file-written'; path: string}
  | {kind: 'file-exists'; path: string}
  | {kind: 'failed'; failure: Failure};

/** What a key on the CA flow asks of the app besides a new flow. */
export type CaRequest =
  | {kind: 'none'}
  | {kind: 'home'}
  | {kind: 'list'}
  | {kind: 'group-signing'}
  /** Back to the group flow that sent the user here, the CA left unverified. */
  | {kind: 'group'}
  | {kind: 'back-to-group'; slot: 'primary' | 'secondary'; name: string}
  | {kind: 'read-certificate'; path: string}
  | {
      kind: 'complete-path';
      field: 'ca-certificate' | 'ca-key' | 'ca-verification' | 'ca-save';
      text: string;
    }
  | {kind: 'upload'; name: string; certificatePem: string; verified: boolean; replaceEtag?: string}
  | {kind: 'generate'; name: string; etag: string}
  | {
      kind: 'sign';
      keyPath: string;
      passphrase?: string;
      caCertificatePem: string;
      caName: string;
      verificationCode: string;
    }
  | {kind: 'check-verification'; path: string; caCertificatePem: string; verificationCode: string}
  | {kind: 'save'; path: string; content: string; overwrite: boolean};

export function initialCaFlow(): CaFlow {
  return {
    step: 'list',
    certificates: {state: 'idle'},
    listCursor: 0,
    name: emptyDraft,
    certificateFile: emptyCertificateField,
    setVerifiedOnUpload: false,
    proveWith: 'key',
    keyFile: emptyPathField,
    passphraseAsked: false,
    passphrase: emptyDraft,
    verificationFile: emptyCertificateField,
    signedHere: false,
    redo: false,
    saveFile: emptyPathField,
    confirmOverwrite: false,
    commandsScroll: 0,
    verifiedHere: [],
  };
}

const armAvailable = (state: WizardState) =>
  state.connection.status !== 'connected' || state.connection.info.armAvailable;

function listing(state: WizardState): WizardState {
  return listCaCertificates(
    {...state, ca: {...state.ca, certificates: {state: 'loading'}}},
    'verify-ca',
  );
}

/** Opens the flow from the home screen: the list of the DPS's CA certificates (values typed before kept). */
export function enterCa(state: WizardState): WizardState {
  // Opened from home, a verified certificate no longer leads back to a group.
  const {returnTo: _r, ...flow} = state.ca;
  const opened: WizardState = {...state, screen: {name: 'verify-ca'}};
  if (!armAvailable(state)) return {...opened, ca: withStep(flow, 'needs-arm')};
  return listing({...opened, ca: withStep(flow, 'list')});
}

/** Opens the loop for one CA certificate the group flow wants to reference; verified, it goes back there. */
export function enterCaForGroup(
  state: WizardState,
  slot: 'primary' | 'secondary',
  certificateName: string,
): WizardState {
  const flow: CaFlow = {
    ...initialCaFlow(),
    returnTo: {slot},
    verifiedHere: state.ca.verifiedHere,
  };
  const opened: WizardState = {...state, screen: {name: 'verify-ca'}, ca: flow};
  if (!armAvailable(state)) return {...opened, ca: withStep(flow, 'needs-arm')};
  // No name: the group asked to add a CA, so its name comes first (the list it shows is known already).
  if (certificateName === '' && state.group.caCertificates.state === 'loaded') {
    return {
      ...opened,
      ca: withStep({...flow, certificates: state.group.caCertificates}, 'add-name'),
    };
  }
  const listed = [state.group.caCertificates, state.ca.certificates]
    .flatMap((list) => (list.state === 'loaded' ? list.certificates : []))
    .find((certificate) => certificate.name === certificateName);
  if (!listed) return listing(opened);
  const withList: CaFlow = {
    ...flow,
    certificates:
      state.group.caCertificates.state === 'loaded'
        ? state.group.caCertificates
        : state.ca.certificates,
  };
  if (listed.isVerified)
    return {...opened, ca: withStep({...withList, target: listed}, 'verified')};
  return applyRequest({...opened, ca: withList}, startLoop(withList, listed));
}

/** Opens "add a CA certificate" with files already chosen (from the test certificates screen). */
export function enterCaWithFiles(
  state: WizardState,
  files: {certificatePath: string; keyPath: string; name: string},
): WizardState {
  const flow: CaFlow = {
    ...initialCaFlow(),
    verifiedHere: state.ca.verifiedHere,
    step: 'add-file',
    name: draftOf(files.name),
    certificateFile: {
      ...emptyCertificateField,
      path: draftOf(files.certificatePath),
      status: {state: 'reading'},
    },
    keyFile: {...emptyPathField, path: draftOf(files.keyPath)},
  };
  const opened: WizardState = {...state, screen: {name: 'verify-ca'}, ca: flow};
  if (!armAvailable(state)) {
    // Nothing is read without ARM: the file is kept unread, not shown as read by a task that never runs.
    const unread: CertificateField = {...flow.certificateFile, status: {state: 'empty'}};
    return {...opened, ca: withStep({...flow, certificateFile: unread}, 'needs-arm')};
  }
  // The list tells the name step whether the name is taken; the file is read at once.
  return addTask(listing(opened), {
    kind: 'read-certificate',
    field: 'ca-certificate',
    purpose: 'ca',
    path: files.certificatePath,
  });
}

function applyRequest(
  state: WizardState,
  outcome: {flow: CaFlow; request: CaRequest},
): WizardState {
  const next: WizardState = outcome.flow === state.ca ? state : {...state, ca: outcome.flow};
  const {request} = outcome;
  switch (request.kind) {
    case 'none':
      return next;
    case 'home':
      return {...next, screen: {name: 'home', cursor: 0}};
    case 'list':
      return listing(next);
    case 'group-signing':
      return enterGroupWithSigningCertificate(next);
    case 'group': {
      const {returnTo: _r, ...flow} = next.ca;
      // A CA uploaded here but left unverified shows in the group's list too.
      const group =
        flow.certificates.state === 'loaded'
          ? {...next.group, caCertificates: flow.certificates}
          : next.group;
      return {...next, screen: {name: 'group'}, ca: flow, group};
    }
    case 'back-to-group':
      return returnToGroupWithCa(next, request.slot, request.name);
    case 'read-certificate':
      return addTask(next, {
        kind: 'read-certificate',
        field: 'ca-certificate',
        purpose: 'ca',
        path: request.path,
      });
    case 'complete-path':
      return addTask(next, {kind: 'complete-path', field: request.field, text: request.text});
    case 'upload': {
      const {kind: _k, ...upload} = request;
      return addTask(next, {kind: 'upload-ca-certificate', ...upload});
    }
    case 'generate':
      return addTask(next, {
        kind: 'generate-verification-code',
        name: request.name,
        etag: request.etag,
      });
    case 'sign': {
      const {kind: _k, ...sign} = request;
      return addTask(next, {kind: 'sign-verification-certificate', ...sign});
    }
    case 'check-verification': {
      const {kind: _k, ...check} = request;
      return addTask(next, {kind: 'check-verification-certificate', ...check});
    }
    case 'save': {
      const {kind: _k, ...save} = request;
      return addTask(next, {kind: 'save-verification-certificate', ...save});
    }
  }
}

export function caKeyInState(state: WizardState, event: KeyEvent): WizardState {
  // Opened while connecting, the list learns only now that the connection has no ARM.
  const flow =
    state.ca.step === 'list' && !armAvailable(state) ? withStep(state.ca, 'needs-arm') : state.ca;
  const next = applyRequest(state, caKey(flow, event));
  if (next.screen.name !== 'verify-ca' || next.ca.step !== 'commands') return next;
  // Scrolling stops at the last line.
  const info = connectionInfoOf(next);
  const limit = maxScroll(caAzCommands(next.ca, info), next.viewport);
  return next.ca.commandsScroll > limit ? {...next, ca: {...next.ca, commandsScroll: limit}} : next;
}

function rememberVerified(flow: CaFlow, certificate: CaCertificate): CaFlow {
  const others = flow.verifiedHere.filter((known) => known.name !== certificate.name);
  return {...flow, verifiedHere: [...others, certificate]};
}

/** What stays in the terminal after exit: the CA certificates verified while the wizard ran. */
export function caClosingReport(flow: CaFlow, info: ConnectionInfo | undefined): string {
  if (flow.verifiedHere.length === 0) return '';
  return [
    `CA certificates verified in ${savedWhere(info)}:`,
    ...flow.verifiedHere.map(
      (certificate) =>
        `  ${certificate.name}: ${certificate.subject ?? ''}, SHA-1 ${certificate.thumbprint ?? ''}`,
    ),
    '',
  ].join('\n');
}

/** The az commands that do what this loop did: upload, then (unless verified on upload) the proof. */
export function caAzCommands(flow: CaFlow, info: ConnectionInfo | undefined): string {
  const loaded =
    flow.certificateFile.status.state === 'loaded'
      ? flow.certificateFile.status.certificate
      : undefined;
  // The file added last is this certificate's only if it is the one DPS holds (not one chosen from the list).
  const ownFile =
    loaded &&
    (!flow.target?.thumbprint ||
      flow.target.thumbprint.toUpperCase() === loaded.summary.thumbprintSha1.toUpperCase());
  const file = loaded && ownFile ? loaded.absolutePath : '<CA certificate file>';
  // The verification certificate sent: the file saved from here, or the one picked on the manual path.
  const picked = flow.verificationFile.status;
  const manualProof =
    !flow.signedHere && picked.state === 'loaded' && picked.certificate.pem === flow.verificationPem
      ? picked.certificate.absolutePath
      : undefined;
  const proofPath = flow.savedPath ?? manualProof;
  if (flow.uploadedAs === undefined && !flow.verificationPem && flow.target?.isVerified) {
    return `# '${flow.target.name}' was verified in DPS before: there is nothing to run.`;
  }
  const verifiedOnUpload =
    flow.uploadedAs !== undefined && flow.target?.isVerified === true && !flow.verificationPem;
  const commands = caCertificateCommands(
    {
      name: flow.target?.name ?? flow.name.value.trim(),
      certificatePath: file,
      upload: flow.uploadedAs ?? 'none',
      ...(verifiedOnUpload ? {verified: true} : {}),
      ...(proofPath ? {verificationCertificatePath: proofPath} : {}),
    },
    azTarget(info),
  );
  return commands.join('\n\n');
}

function verifyTask(state: WizardState, flow: CaFlow, certificatePem: string): WizardState {
  const target = flow.target;
  if (!target) return {...state, ca: withStep(flow, 'list')};
  return addTask(
    {...state, ca: withStep({...flow, verificationPem: certificatePem}, 'verifying')},
    {kind: 'verify-ca-certificate', name: target.name, etag: target.etag, certificatePem},
  );
}

function failureText(failure: Failure): string {
  return `${failure.message}. ${caFailureAdvice(failure)}`;
}

/** What to do about a failed call on CA certificates (ARM), in plain words. */
export function caFailureAdvice(failure: Failure): string {
  switch (failure.kind) {
    case 'unauthorized':
      return 'Azure did not accept the sign-in: sign in again (az login, or --device-code), then retry.';
    case 'forbidden':
      return "Your Azure role does not allow managing this DPS's certificates: ask for the Contributor role on the DPS, then retry.";
    case 'stale-etag':
      return 'The certificate changed in DPS meanwhile: retry to use its current version.';
    case 'not-found':
      return 'DPS does not have this certificate (deleted meanwhile?): go back to the list and refresh it with r.';
    case 'bad-request':
      return 'DPS refused the request (see above); a refused proof is fixed by a new code and a new verification certificate.';
    default:
      return failureAdvice(failure);
  }
}

/** Where a failed task leaves the flow: the step that retries it on Enter, with the reason. */
function failedAt(flow: CaFlow, kind: CaTask['kind'], failure: Failure): CaFlow {
  if (failure.kind === 'needs-arm') return withStep(flow, 'needs-arm');
  switch (kind) {
    case 'upload-ca-certificate':
      return withError(withStep(flow, 'add-verified'), failureText(failure));
    case 'generate-verification-code':
    case 'verify-ca-certificate':
      return {...withStep(flow, 'verify-failed'), failure};
    case 'sign-verification-certificate':
      return withError(withStep(flow, 'prove'), failure.message);
    case 'check-verification-certificate':
      return withError(
        {
          ...withStep(flow, 'prove'),
          verificationFile: {
            ...flow.verificationFile,
            status: {state: 'failed', message: failure.message},
          },
        },
        undefined,
      );
    case 'save-verification-certificate':
      return withError(flow, `could not write the file: ${failure.message}`);
  }
}

export function caResult(state: WizardState, taskId: number, result: CaResult): WizardState {
  const task = findTask(state, taskId);
  if (!task) return state;
  const flow = state.ca;
  if (result.kind === 'throttled') {
    return {
      ...state,
      ca: {
        ...flow,
        throttled: {retryAfterSeconds: result.retryAfterSeconds, attempt: result.attempt},
      },
    };
  }
  const {throttled: _t, failure: _f, ...rest} = flow;
  const settled: CaFlow = rest;
  const next = dropTask(state, taskId);
  switch (result.kind) {
    case 'uploaded': {
      const uploadedAs =
        task.kind === 'upload-ca-certificate' && task.replaceEtag ? 'update' : 'create';
      if (result.certificate.isVerified) {
        return {
          ...next,
          ca: shownVerified(
            rememberVerified({...settled, uploadedAs}, result.certificate),
            result.certificate,
          ),
        };
      }
      const loop = startLoop({...settled, signedHere: false}, result.certificate);
      return applyRequest(next, {...loop, flow: {...loop.flow, uploadedAs}});
    }
    case 'exists':
      // Keys typed while uploading never decide what happens to the certificate already there.
      return {
        ...next,
        typeAhead: [],
        ca: withStep({...settled, existing: result.certificate}, 'name-exists'),
      };
    case 'code': {
      const target = settled.target && {...settled.target, etag: result.etag};
      const coded: CaFlow = withStep(
        {...settled, ...(target ? {target} : {}), verificationCode: result.verificationCode},
        'prove',
      );
      if (coded.redo && coded.keyFile.path.value.trim() !== '') {
        return applyRequest(next, signRequest({...coded, redo: false}));
      }
      return {...next, ca: coded};
    }
    case 'signed':
      return verifyTask(next, {...settled, signedHere: true}, result.certificatePem);
    case 'passphrase-required':
      return {
        ...next,
        ca: withStep({...settled, passphraseAsked: true, passphrase: emptyDraft}, 'passphrase'),
      };
    case 'wrong-passphrase':
      return {
        ...next,
        typeAhead: [],
        ca: withError(withStep({...settled, passphrase: emptyDraft}, 'passphrase'), result.message),
      };
    case 'key-problem':
      return {...next, typeAhead: [], ca: withError(withStep(settled, 'prove'), result.message)};
    case 'verification-checked': {
      const verificationFile: CertificateField = {
        ...settled.verificationFile,
        status: {state: 'loaded', certificate: result.certificate, warningsAccepted: true},
      };
      const checked: CaFlow = {...settled, verificationFile, signedHere: false};
      if (result.problem) return {...next, typeAhead: [], ca: withError(checked, result.problem)};
      return verifyTask(next, checked, result.certificate.pem);
    }
    case 'verified': {
      const {verificationCode: _c, ...verified} = rememberVerified(settled, result.certificate);
      // The success is seen before any key acts on it: keys typed while verifying are dropped.
      return {
        ...next,
        typeAhead: [],
        ca: withStep(
          {...verified, target: result.certificate, passphrase: emptyDraft, passphraseAsked: false},
          'verified',
        ),
      };
    }
    case 'code-changed': {
      const {verificationCode: _c, ...changed} = settled;
      return {
        ...next,
        typeAhead: [],
        ca: {
          ...withStep({...changed, target: result.certificate}, 'verify-failed'),
          failure: {kind: 'stale-etag', message: result.message},
        },
      };
    }
    case 'file-written':
      return {
        ...next,
        ca: withStep({...settled, savedPath: result.path, confirmOverwrite: false}, 'verified'),
      };
    case 'file-exists':
      return {
        ...next,
        ca: withError(
          {...settled, confirmOverwrite: true},
          `${result.path} already exists: press Enter again to replace it, or Esc to keep it`,
        ),
      };
    case 'failed':
      return {
        ...next,
        typeAhead: [],
        ca: failedAt(settled, task.kind as CaTask['kind'], result.failure),
      };
  }
}

const busySteps: readonly CaStep[] = ['uploading', 'generating', 'signing', 'verifying'];

/** The step waits for a result: keys typed meanwhile wait too. */
export function caBusy(state: WizardState): boolean {
  const flow = state.ca;
  if (busySteps.includes(flow.step)) return true;
  if (flow.step === 'list' && flow.certificates.state === 'loading') return true;
  if (flow.step === 'add-file' && flow.certificateFile.status.state === 'reading') return true;
  if (flow.step === 'prove' && flow.verificationFile.status.state === 'reading') return true;
  return state.tasks.some((task) => task.kind === 'save-verification-certificate');
}

/** Steps where letters are text (a path, a name, a passphrase), or must not be split into commands. */
const textSteps: readonly CaStep[] = [
  'add-name',
  'add-file',
  'prove',
  'passphrase',
  'save',
  'name-exists',
];

/** Letters are text to type on this step, rather than one-letter commands. */
export function caTakesText(state: WizardState): boolean {
  return textSteps.includes(state.ca.step);
}

export function caKeyHints(state: WizardState): string[] {
  const flow = state.ca;
  const back = 'Esc back';
  const exit = 'Ctrl+C exit';
  switch (flow.step) {
    case 'needs-arm':
      return [
        'Enter group with an uploaded certificate',
        flow.returnTo ? 'Esc group' : 'Esc home',
        exit,
      ];
    case 'list':
      return [
        '↑↓ move',
        'Enter choose',
        'r refresh',
        flow.returnTo ? 'Esc group' : 'Esc home',
        exit,
      ];
    case 'add-name':
      return ['Enter continue', back, exit];
    case 'add-file':
    case 'save':
      return ['Enter continue', 'Tab complete path', back, exit];
    case 'add-verified':
      return ['↑↓ choose', 'Enter upload', back, exit];
    case 'name-exists':
      return ['Enter use it', 'r replace it', back, exit];
    case 'prove':
      return ['Enter continue', '↑↓ key or file', 'Tab complete path', back, exit];
    case 'passphrase':
      return ['Enter sign', back, exit];
    case 'verify-failed':
      if (flow.failure?.kind === 'not-found') return ['Enter back to the list', exit];
      return ['Enter new code and retry', back, exit];
    case 'verified': {
      // Short enough for one 80-column line with all four.
      const hints = [flow.returnTo ? 'Enter back to group' : 'Enter list'];
      if (flow.signedHere && flow.verificationPem) hints.push('s save verification cert');
      return [...hints, 'a az commands', exit];
    }
    case 'commands':
      return ['↑↓ scroll', 'Enter/Esc back', exit];
    case 'uploading':
    case 'generating':
    case 'signing':
    case 'verifying':
      return [exit];
  }
}

/** The row the list's cursor is on, kept inside the list as it changes. */
export const listCursorOf = (flow: CaFlow) => Math.min(flow.listCursor, listRowCount(flow) - 1);
