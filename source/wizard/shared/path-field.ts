import {emptyDraft} from './text-draft.js';
import type {CertificateField, PathField, PathFieldKey, WizardState} from '../core/state.js';

export const emptyPathField: PathField = {path: emptyDraft, candidates: [], moreCandidates: 0};

/** Finds and replaces a path field of any flow by its key, so completion and file reads work for all. */

const certificateFieldKeys = [
  'primary',
  'secondary',
  'group-signing-primary',
  'group-signing-secondary',
  'group-device',
  'ca-certificate',
  'ca-verification',
] as const satisfies readonly PathFieldKey[];

export type CertificateFieldKey = (typeof certificateFieldKeys)[number];

/** Fields that name a folder: Tab offers folders only. */
export const namesFolder = (key: PathFieldKey): boolean => key === 'test-folder';

export function isCertificateFieldKey(key: PathFieldKey): key is CertificateFieldKey {
  return (certificateFieldKeys as readonly PathFieldKey[]).includes(key);
}

export function getCertificateField(
  state: WizardState,
  key: CertificateFieldKey,
): CertificateField {
  switch (key) {
    case 'primary':
    case 'secondary':
      return state.individual[key];
    case 'group-signing-primary':
      return state.group.signingPrimary;
    case 'group-signing-secondary':
      return state.group.signingSecondary;
    case 'group-device':
      return state.group.deviceCertificate;
    case 'ca-certificate':
      return state.ca.certificateFile;
    case 'ca-verification':
      return state.ca.verificationFile;
  }
}

export function setCertificateField(
  state: WizardState,
  key: CertificateFieldKey,
  field: CertificateField,
): WizardState {
  switch (key) {
    case 'primary':
    case 'secondary':
      return {...state, individual: {...state.individual, [key]: field}};
    case 'group-signing-primary':
      return {...state, group: {...state.group, signingPrimary: field}};
    case 'group-signing-secondary':
      return {...state, group: {...state.group, signingSecondary: field}};
    case 'group-device':
      return {...state, group: {...state.group, deviceCertificate: field}};
    case 'ca-certificate':
      return {...state, ca: {...state.ca, certificateFile: field}};
    case 'ca-verification':
      return {...state, ca: {...state.ca, verificationFile: field}};
  }
}

export function getPathField(state: WizardState, key: PathFieldKey): PathField {
  switch (key) {
    case 'config-file':
      return {
        path: state.individual.configFile,
        candidates: state.individual.configFileCandidates,
        moreCandidates: 0,
      };
    case 'group-config-file':
      return state.group.configFile;
    case 'ca-key':
      return state.ca.keyFile;
    case 'ca-save':
      return state.ca.saveFile;
    case 'test-folder':
      return state.testCertificates.folder;
    default:
      return getCertificateField(state, key);
  }
}

/**
 * Sets a path field from a completion. A certificate field whose path changed forgets the certificate read
 * from the old path.
 */
export function setPathField(state: WizardState, key: PathFieldKey, field: PathField): WizardState {
  switch (key) {
    case 'config-file':
      return {
        ...state,
        individual: {
          ...state.individual,
          configFile: field.path,
          configFileCandidates: field.candidates,
          confirmOverwrite: false,
        },
      };
    case 'group-config-file':
      return {...state, group: {...state.group, configFile: field}};
    case 'ca-key':
      return {...state, ca: {...state.ca, keyFile: field}};
    case 'ca-save':
      return {...state, ca: {...state.ca, saveFile: field}};
    case 'test-folder':
      return {...state, testCertificates: {...state.testCertificates, folder: field}};
    default: {
      const current = getCertificateField(state, key);
      const status = current.path.value === field.path.value ? current.status : {state: 'empty'};
      return setCertificateField(state, key, {...field, status} as CertificateField);
    }
  }
}
