import type {CaCertificate, RetryWait} from '../../../dps/index.js';
import {emptyCertificateField} from '../../shared/certificate-field.js';
import type {SharedEffect} from '../../shared/effect.js';
import {emptyPathField} from '../../shared/path-field.js';
import {emptyDraft, type TextDraft} from '../../shared/text-draft.js';
import type {
  CaCertificateList,
  CertificateField,
  Failure,
  LoadedCertificate,
  PathField,
} from '../../shared/types.js';

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
  privateKeyFile: PathField;
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
  /** What a DPS call of the flow waits for before it tries again (throttled, a dropped link). */
  waiting?: RetryWait;
  /** A CA certificate named when the flow was opened (from Browse DPS): its loop starts once the list is read. */
  opening?: string;
  /** Set when the group flow sent the user here: where to go back once verified. */
  returnTo?: {slot: 'primary' | 'secondary'};
  failure?: Failure;
  /** The problem that keeps the current step from moving on, in one sentence. */
  stepError?: string;
  /** A remark that is not a problem (e.g. the certificate chosen is verified already). */
  notice?: string;
};

/** The CA flow's path fields. */
export type CaField = 'ca-certificate' | 'ca-key' | 'ca-verification' | 'ca-save';

export type CaEffect =
  | SharedEffect<CaField>
  | {
      kind: 'upload-ca-certificate';
      name: string;
      certificatePem: string;
      verified: boolean;
      /** Replace the certificate of that name, only if it is still this version. */
      replaceEtag?: string;
    }
  | {kind: 'generate-verification-code'; name: string; etag: string}
  | {
      kind: 'sign-verification-certificate';
      keyPath: string;
      passphrase?: string;
      caCertificatePem: string;
      caName: string;
      verificationCode: string;
    }
  | {
      kind: 'check-verification-certificate';
      path: string;
      caCertificatePem: string;
      verificationCode: string;
    }
  | {kind: 'verify-ca-certificate'; name: string; etag: string; certificatePem: string};

export type CaOutcome =
  | {kind: 'uploaded'; certificate: CaCertificate}
  /** A certificate with that name is in DPS already: nothing was uploaded. */
  | {kind: 'name-taken'; certificate: CaCertificate}
  | {kind: 'code'; etag: string; verificationCode: string}
  | {kind: 'signed'; certificatePem: string}
  | {kind: 'passphrase-required'}
  | {kind: 'wrong-passphrase'; message: string}
  | {kind: 'key-problem'; message: string}
  | {kind: 'verification-checked'; certificate: LoadedCertificate; problem?: string}
  | {kind: 'verified'; certificate: CaCertificate}
  /** The etag was stale and the retry with a fresh one failed too: the code changed elsewhere. */
  | {kind: 'code-changed'; certificate: CaCertificate; message: string}
  | {kind: 'ca-failed'; failure: Failure};

export function initialCaFlow(): CaFlow {
  return {
    step: 'list',
    certificates: {state: 'idle'},
    listCursor: 0,
    name: emptyDraft,
    certificateFile: emptyCertificateField,
    setVerifiedOnUpload: false,
    proveWith: 'key',
    privateKeyFile: emptyPathField,
    passphraseAsked: false,
    passphrase: emptyDraft,
    verificationFile: emptyCertificateField,
    signedHere: false,
    redo: false,
    saveFile: emptyPathField,
    confirmOverwrite: false,
    commandsScroll: 0,
  };
}
