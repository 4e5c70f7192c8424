import type {CertificateEntry, CertificatePair} from '../../dps/index.js';
import type {KeyEvent} from './key-event.js';
import type {CertificateField, LoadedCertificate} from './types.js';
import {editDraft, emptyDraft} from './text-draft.js';

/** A certificate file field of any flow: its path, its Tab completions and what was read from it. */

export const emptyCertificateField: CertificateField = {
  path: emptyDraft,
  candidates: [],
  moreCandidates: 0,
  status: {state: 'empty'},
};

export const loadedCertificate = (field: CertificateField): LoadedCertificate | undefined =>
  field.status.state === 'loaded' ? field.status.certificate : undefined;

/** A primary and an optional secondary certificate, as an X.509 attestation sends them. */
export function certificatePair(
  primaryField: CertificateField,
  secondaryField: CertificateField,
): CertificatePair {
  const primary = loadedCertificate(primaryField);
  const secondary = loadedCertificate(secondaryField);
  return {
    ...entryOf('primary', primaryField, primary),
    ...entryOf('secondary', secondaryField, secondary),
  };
}

/** A file read is sent as PEM; the certificate DPS has (editing) is sent back as its info, which keeps it. */
function entryOf(
  slot: 'primary' | 'secondary',
  field: CertificateField,
  loaded: LoadedCertificate | undefined,
): CertificatePair {
  if (loaded) return {[slot]: {certificate: loaded.pem}};
  if (field.status.state === 'in-dps') return {[slot]: {info: field.status.info}};
  return {};
}

/** The field of a certificate DPS has, when editing what DPS returned (no file, no path). */
export function certificateInDps(entry: CertificateEntry | null | undefined): CertificateField {
  return entry?.info
    ? {...emptyCertificateField, status: {state: 'in-dps', info: entry.info}}
    : emptyCertificateField;
}

/** The field while its file is read: the completions listed for the path go. */
export const readingCertificate = (field: CertificateField): CertificateField => ({
  ...field,
  candidates: [],
  moreCandidates: 0,
  status: {state: 'reading'},
});

/**
 * An editing key on the path: moving the cursor keeps what was read, a changed path forgets the
 * certificate read from the old one. Undefined for keys that do not edit the path.
 */
export function editCertificatePath(
  field: CertificateField,
  event: KeyEvent,
): CertificateField | undefined {
  const edited = editDraft(field.path, event);
  if (edited === undefined || edited === field.path) return undefined;
  if (edited.value === field.path.value) return {...field, path: edited};
  return {path: edited, candidates: [], moreCandidates: 0, status: {state: 'empty'}};
}
