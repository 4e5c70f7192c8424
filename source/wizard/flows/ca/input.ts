import {hasErrors} from '../../../certs/findings.js';
import {caNameProblem as dpsCaNameProblem, type CaCertificate} from '../../../dps/index.js';
import {update, type FlowUpdate} from '../../shared/effect.js';
import type {CaEffect, CaFlow, CaStep} from './state.js';
import {emptyCertificateField} from '../../shared/certificate-field.js';
import type {KeyEvent} from '../../shared/key-event.js';
import {
  completePath,
  emptyPathField,
  noPathProblem,
  writeFileEffect,
} from '../../shared/path-field.js';
import type {CertificateField, PathField} from '../../shared/types.js';
import {draftOf, editDraft, emptyDraft, type TextDraft} from '../../shared/text-draft.js';

/** What each key does on each step of the CA flow: a pure function of the flow, naming effects only. */

type Update = FlowUpdate<CaFlow, CaEffect>;
const at = (flow: CaFlow, ...effects: Update['effects']): Update => update(flow, ...effects);

/** Reads the list again; a reading still running is dropped, so only the last answer lands. */
export const listAgain = (flow: CaFlow): Update =>
  at(
    {...flow, certificates: {state: 'loading'}},
    {kind: 'cancel', effect: 'list-ca-certificates'},
    {kind: 'list-ca-certificates'},
  );

/** Back to the group flow that sent the user here, the CA left unverified. */
function backToGroup(flow: CaFlow): Update {
  const {returnTo: _r, ...rest} = flow;
  return at(rest, {
    kind: 'open',
    flow: 'group',
    with: {kind: 'ca-left', certificates: flow.certificates},
  });
}

/**
 * The name DPS lists the certificate under and groups reference it by, checked with DPS's rules; an empty
 * name gets an example.
 */
export function caNameProblem(name: string): string | undefined {
  const problem = dpsCaNameProblem(name);
  if (problem?.kind === 'empty') return 'type a name for the certificate, e.g. contoso-root-ca';
  return problem?.message;
}

export const listedCertificates = (flow: CaFlow): CaCertificate[] =>
  flow.certificates.state === 'loaded' ? flow.certificates.certificates : [];

/** The list's rows: each certificate, then "Add a CA certificate". */
export const listRowCount = (flow: CaFlow) => listedCertificates(flow).length + 1;

export function withStep(flow: CaFlow, step: CaStep): CaFlow {
  const {stepError: _e, notice: _n, ...rest} = flow;
  return {...rest, step};
}

export function withError(flow: CaFlow, stepError: string | undefined): CaFlow {
  const {stepError: _e, notice: _n, ...rest} = flow;
  return stepError === undefined ? rest : {...rest, stepError};
}

/** The PEM to check a key or a verification certificate against: what DPS stores, else the file uploaded. */
export function caPemOf(flow: CaFlow): string | undefined {
  if (flow.target?.certificatePem) return flow.target.certificatePem;
  const file = flow.certificateFile.status;
  if (
    file.state === 'loaded' &&
    flow.target?.thumbprint?.toUpperCase() === file.certificate.summary.thumbprintSha1
  ) {
    return file.certificate.pem;
  }
  return undefined;
}

/** The verified step for a certificate verified without this loop: nothing of an earlier proof is shown. */
export function shownVerified(flow: CaFlow, certificate: CaCertificate): CaFlow {
  const {verificationCode: _c, verificationPem: _p, savedPath: _s, ...rest} = flow;
  return withStep({...rest, target: certificate, signedHere: false}, 'verified');
}

/** Starts the proof of possession for a certificate DPS has: a verification code first. */
export function startLoop(flow: CaFlow, certificate: CaCertificate): Update {
  const {verificationCode: _c, verificationPem: _p, savedPath: _s, ...rest} = flow;
  // The key and proof files chosen for another CA would only fail against this one.
  const anotherCa = flow.target !== undefined && flow.target.name !== certificate.name;
  const files: Partial<CaFlow> = anotherCa
    ? {
        uploadedAs: undefined,
        privateKeyFile: emptyPathField,
        verificationFile: emptyCertificateField,
        passphrase: emptyDraft,
        passphraseAsked: false,
      }
    : {};
  return at(
    withStep(
      {...rest, ...files, target: certificate, redo: false, confirmOverwrite: false},
      'generating',
    ),
    {kind: 'generate-verification-code', name: certificate.name, etag: certificate.etag},
  );
}

function listKey(flow: CaFlow, event: KeyEvent): Update {
  const count = listRowCount(flow);
  const cursor = Math.min(flow.listCursor, count - 1);
  switch (event.kind) {
    case 'up':
    case 'down': {
      const delta = event.kind === 'up' ? -1 : 1;
      return at(withError({...flow, listCursor: (cursor + delta + count) % count}, undefined));
    }
    case 'text':
      if (event.text === 'r') return listAgain(withError(flow, undefined));
      return at(flow);
    case 'enter': {
      if (flow.certificates.state === 'failed') return listAgain(withError(flow, undefined));
      const certificate = listedCertificates(flow)[cursor];
      if (!certificate) return at(withStep(addForm({...flow, listCursor: cursor}), 'add-name'));
      if (certificate.isVerified) {
        if (flow.returnTo) {
          return at(shownVerified({...flow, listCursor: cursor}, certificate));
        }
        return at({
          ...withError({...flow, listCursor: cursor}, undefined),
          notice: `'${certificate.name}' is verified already: enrollment groups can reference it`,
        });
      }
      return startLoop({...flow, listCursor: cursor}, certificate);
    }
    case 'escape':
      // Sent here by the group flow, Esc goes back to it, its values as they were.
      return flow.returnTo
        ? backToGroup(withError(flow, undefined))
        : at(withError(flow, undefined), {kind: 'home'});
    default:
      return at(flow);
  }
}

/** The add form, emptied once its certificate is in DPS: the next one starts from a blank name and file. */
function addForm(flow: CaFlow): CaFlow {
  const name = flow.name.value.trim().toLowerCase();
  if (name === '' || flow.target?.name.toLowerCase() !== name) return flow;
  return {
    ...flow,
    name: emptyDraft,
    certificateFile: emptyCertificateField,
    setVerifiedOnUpload: false,
  };
}

function editPath<F extends PathField>(field: F, event: KeyEvent): F | undefined {
  const edited = editDraft(field.path, event);
  if (edited === undefined || edited === field.path) return undefined;
  return {...field, path: edited, candidates: [], moreCandidates: 0};
}

/** An edited certificate path forgets what was read from the old one (moving the cursor keeps it). */
function editCertificatePath(
  field: CertificateField,
  event: KeyEvent,
): CertificateField | undefined {
  const edited = editPath(field, event);
  if (!edited) return undefined;
  return edited.path.value === field.path.value ? edited : {...edited, status: {state: 'empty'}};
}

function nameKey(flow: CaFlow, event: KeyEvent): Update {
  if (event.kind === 'escape') return listAgain(withStep(flow, 'list'));
  if (event.kind === 'enter') {
    const name = flow.name.value.trim();
    const problem = caNameProblem(name);
    if (problem) return at(withError(flow, problem));
    // A replacement chosen for the name entered before does not carry over to this one.
    const {replacing: _r, ...named} = flow;
    const existing = listedCertificates(flow).find(
      (certificate) => certificate.name.toLowerCase() === name.toLowerCase(),
    );
    if (existing) return at(withStep({...named, existing}, 'name-exists'));
    return at(withStep(named, 'add-file'));
  }
  const edited = editDraft(flow.name, event);
  if (edited === undefined || edited === flow.name) return at(flow);
  return at(withError({...flow, name: edited}, undefined));
}

function fileKey(flow: CaFlow, event: KeyEvent): Update {
  const field = flow.certificateFile;
  if (event.kind === 'escape') return at(withStep(flow, 'add-name'));
  if (event.kind === 'tab') {
    return at(flow, completePath('ca-certificate', field.path.value));
  }
  if (event.kind === 'enter') {
    const path = field.path.value.trim();
    if (path === '') {
      return at(withError(flow, 'type the path of the CA certificate file (Tab completes)'));
    }
    const status = field.status;
    if (status.state === 'loaded' && status.certificate.path === path) {
      if (hasErrors(status.certificate.findings)) {
        return at(
          withError(
            flow,
            'this certificate cannot be uploaded: fix the errors above or choose another file',
          ),
        );
      }
      const warned = status.certificate.findings.some((finding) => finding.severity === 'warning');
      if (warned && !status.warningsAccepted) {
        const accepted: CertificateField = {...field, status: {...status, warningsAccepted: true}};
        return at(withStep({...flow, certificateFile: accepted}, 'add-verified'));
      }
      return at(withStep(flow, 'add-verified'));
    }
    const reading: CertificateField = {
      ...field,
      candidates: [],
      moreCandidates: 0,
      status: {state: 'reading'},
    };
    return at(withError({...flow, certificateFile: reading}, undefined), {
      kind: 'read-certificate',
      field: 'ca-certificate',
      purpose: 'ca',
      path,
    });
  }
  const edited = editCertificatePath(field, event);
  return edited ? at(withError({...flow, certificateFile: edited}, undefined)) : at(flow);
}

function uploadRequest(flow: CaFlow, replaceEtag?: string): Update {
  const file = flow.certificateFile.status;
  if (file.state !== 'loaded') return at(withStep(flow, 'add-file'));
  const name = flow.name.value.trim();
  const problem = caNameProblem(name);
  if (problem) return at(withError(withStep(flow, 'add-name'), problem));
  return at(withStep(flow, 'uploading'), {
    kind: 'upload-ca-certificate',
    name,
    certificatePem: file.certificate.pem,
    verified: flow.setVerifiedOnUpload,
    ...(replaceEtag ? {replaceEtag} : {}),
  });
}

function verifiedChoiceKey(flow: CaFlow, event: KeyEvent): Update {
  switch (event.kind) {
    case 'up':
    case 'down':
      return at(withError({...flow, setVerifiedOnUpload: !flow.setVerifiedOnUpload}, undefined));
    case 'enter':
      return uploadRequest(flow, flow.replacing?.etag);
    case 'escape':
      return at(withStep(flow, 'add-file'));
    default:
      return at(flow);
  }
}

function existsKey(flow: CaFlow, event: KeyEvent): Update {
  const existing = flow.existing;
  if (event.kind === 'escape' || !existing) return at(withStep(flow, 'add-name'));
  if (event.kind === 'enter') {
    if (existing.isVerified) return at(shownVerified(flow, existing));
    return startLoop(flow, existing);
  }
  // Only a single r replaces it: a pasted text that happens to hold an r does not.
  if (event.kind === 'text' && event.text === 'r') {
    if (flow.certificateFile.status.state !== 'loaded') {
      return at(withStep({...flow, replacing: existing}, 'add-file'));
    }
    return uploadRequest(flow, existing.etag);
  }
  return at(flow);
}

function proveKey(flow: CaFlow, event: KeyEvent): Update {
  if (event.kind === 'escape') {
    // The passphrase is kept only while this loop needs it.
    const left: CaFlow = {...flow, passphrase: emptyDraft, passphraseAsked: false};
    return listAgain(withStep(left, 'list'));
  }
  if (event.kind === 'up' || event.kind === 'down') {
    return at(
      withError({...flow, proveWith: flow.proveWith === 'key' ? 'file' : 'key'}, undefined),
    );
  }
  if (flow.proveWith === 'key') {
    if (event.kind === 'tab') {
      return at(flow, completePath('ca-key', flow.privateKeyFile.path.value));
    }
    if (event.kind === 'enter') return signRequest(flow);
    const edited = editPath(flow.privateKeyFile, event);
    if (!edited) return at(flow);
    // Another key file may not be encrypted, or not with the same passphrase.
    return at(
      withError(
        {...flow, privateKeyFile: edited, passphrase: emptyDraft, passphraseAsked: false},
        undefined,
      ),
    );
  }
  const field = flow.verificationFile;
  if (event.kind === 'tab') {
    return at(flow, completePath('ca-verification', field.path.value));
  }
  if (event.kind === 'enter') {
    const path = field.path.value.trim();
    if (path === '') {
      return at(withError(flow, 'type the path of the verification certificate you signed'));
    }
    const caCertificatePem = caPemOf(flow);
    if (!caCertificatePem || !flow.verificationCode) return at(missingCa(flow));
    const reading: CertificateField = {
      ...field,
      candidates: [],
      moreCandidates: 0,
      status: {state: 'reading'},
    };
    return at(withError({...flow, verificationFile: reading}, undefined), {
      kind: 'check-verification-certificate',
      path,
      caCertificatePem,
      verificationCode: flow.verificationCode,
    });
  }
  const edited = editCertificatePath(field, event);
  return edited ? at(withError({...flow, verificationFile: edited}, undefined)) : at(flow);
}

function missingCa(flow: CaFlow): CaFlow {
  return withError(
    flow,
    'DPS did not return the CA certificate itself: add it again from its file (Esc, then "Add a CA certificate")',
  );
}

/** Signs the verification certificate with the key file (and the passphrase, once asked for). */
export function signRequest(flow: CaFlow): Update {
  const keyPath = flow.privateKeyFile.path.value.trim();
  if (keyPath === '') {
    return at(withError(flow, "type the path of the CA's private key file (Tab completes)"));
  }
  const caCertificatePem = caPemOf(flow);
  if (!caCertificatePem || !flow.verificationCode || !flow.target) return at(missingCa(flow));
  return at(withStep({...flow, proveWith: 'key'}, 'signing'), {
    kind: 'sign-verification-certificate',
    keyPath,
    ...(flow.passphraseAsked ? {passphrase: flow.passphrase.value} : {}),
    caCertificatePem,
    caName: flow.target.name,
    verificationCode: flow.verificationCode,
  });
}

function passphraseKey(flow: CaFlow, event: KeyEvent): Update {
  if (event.kind === 'escape') {
    return at(withStep({...flow, passphrase: emptyDraft, passphraseAsked: false}, 'prove'));
  }
  if (event.kind === 'enter') {
    if (flow.passphrase.value === '') return at(withError(flow, 'type the passphrase of the key'));
    return signRequest({...flow, passphraseAsked: true});
  }
  const edited: TextDraft | undefined = editDraft(flow.passphrase, event);
  if (edited === undefined || edited === flow.passphrase) return at(flow);
  return at(withError({...flow, passphrase: edited}, undefined));
}

function verifyFailedKey(flow: CaFlow, event: KeyEvent): Update {
  // Deleted in DPS meanwhile: a new code cannot be had, the list (read again) shows what is there.
  if (flow.failure?.kind === 'not-found') {
    if (event.kind !== 'enter' && event.kind !== 'escape') return at(flow);
    const {failure: _f, ...rest} = flow;
    return listAgain(withStep(rest, 'list'));
  }
  // Back to the code while it still holds; a code replaced elsewhere leaves only the list.
  if (event.kind === 'escape') {
    return flow.verificationCode ? at(withStep(flow, 'prove')) : listAgain(withStep(flow, 'list'));
  }
  if (event.kind === 'enter' && flow.target) {
    // A fresh code; signed here before, the same key signs again at once.
    const redo = flow.signedHere && flow.privateKeyFile.path.value.trim() !== '';
    const outcome = startLoop(flow, flow.target);
    return {...outcome, flow: {...outcome.flow, redo}};
  }
  return at(flow);
}

function verifiedKey(flow: CaFlow, event: KeyEvent): Update {
  switch (event.kind) {
    case 'enter':
      if (flow.returnTo && flow.target) {
        return at(flow, {
          kind: 'open',
          flow: 'group',
          with: {kind: 'ca-verified', slot: flow.returnTo.slot, name: flow.target.name},
        });
      }
      return listAgain(withStep(flow, 'list'));
    case 'escape':
      return listAgain(withStep(flow, 'list'));
    case 'text':
      if (event.text === 's' && flow.signedHere && flow.verificationPem) {
        // A name that says what the file is, in the folder the wizard started in.
        const saveFile =
          flow.saveFile.path.value === '' && flow.target
            ? {...flow.saveFile, path: draftOf(`${flow.target.name}.verification.cert.pem`)}
            : flow.saveFile;
        return at(withStep({...flow, saveFile, confirmOverwrite: false}, 'save'));
      }
      if (event.text === 'a') return at(withStep({...flow, commandsScroll: 0}, 'commands'));
      return at(flow);
    default:
      return at(flow);
  }
}

function saveKey(flow: CaFlow, event: KeyEvent): Update {
  if (event.kind === 'escape') {
    return at(withStep({...flow, confirmOverwrite: false}, 'verified'));
  }
  if (event.kind === 'tab') {
    return at(flow, completePath('ca-save', flow.saveFile.path.value));
  }
  if (event.kind === 'enter') {
    const write = writeFileEffect(
      flow.saveFile.path.value,
      flow.verificationPem ?? '',
      flow.confirmOverwrite,
    );
    if (!write) return at(withError(flow, noPathProblem));
    if (!flow.verificationPem) return at(withStep(flow, 'verified'));
    return at(withError(flow, undefined), write);
  }
  const edited = editPath(flow.saveFile, event);
  return edited
    ? at(withError({...flow, saveFile: edited, confirmOverwrite: false}, undefined))
    : at(flow);
}

function commandsKey(flow: CaFlow, event: KeyEvent): Update {
  switch (event.kind) {
    case 'up':
      return at({...flow, commandsScroll: Math.max(0, flow.commandsScroll - 1)});
    case 'down':
      return at({...flow, commandsScroll: flow.commandsScroll + 1});
    case 'enter':
    case 'escape':
      return at(withStep(flow, 'verified'));
    default:
      return at(flow);
  }
}

/** Handles one key on the CA flow (Esc included). */
export function caInput(flow: CaFlow, event: KeyEvent): Update {
  switch (flow.step) {
    case 'needs-arm':
      if (event.kind === 'enter') {
        return at(flow, {kind: 'open', flow: 'group', with: {kind: 'signing-certificate'}});
      }
      if (event.kind === 'escape')
        return flow.returnTo ? backToGroup(flow) : at(flow, {kind: 'home'});
      return at(flow);
    case 'list':
      return listKey(flow, event);
    case 'add-name':
      return nameKey(flow, event);
    case 'add-file':
      return fileKey(flow, event);
    case 'add-verified':
      return verifiedChoiceKey(flow, event);
    case 'name-exists':
      return existsKey(flow, event);
    case 'prove':
      return proveKey(flow, event);
    case 'passphrase':
      return passphraseKey(flow, event);
    case 'verify-failed':
      return verifyFailedKey(flow, event);
    case 'verified':
      return verifiedKey(flow, event);
    case 'save':
      return saveKey(flow, event);
    case 'commands':
      return commandsKey(flow, event);
    case 'uploading':
    case 'generating':
    case 'signing':
    case 'verifying':
      return at(flow);
  }
}
export const listCursorOf = (flow: CaFlow) => Math.min(flow.listCursor, listRowCount(flow) - 1);
