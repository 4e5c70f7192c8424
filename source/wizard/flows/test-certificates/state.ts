import type {ChainKeyType, TestChainProgress, WrittenFile} from '../../../certs/test-chain.js';
import {emptyPathField} from '../../shared/path-field.js';
import {draftOf, type TextDraft} from '../../shared/text-draft.js';
import type {Failure, PathField} from '../../shared/types.js';
import type {SharedEffect} from '../../shared/effect.js';

/** Generate test certificates: a form over the certificate toolkit's test chain, then where to go next. */

export type TestCertificatesStep =
  'folder' | 'devices' | 'key-type' | 'days' | 'summary' | 'generating' | 'exists' | 'done';

export type TestCertificatesFlow = {
  step: TestCertificatesStep;
  /** The folder that receives certs/ and private/; empty means the working folder. */
  folder: PathField;
  /** Device names as typed, separated by commas or spaces. */
  devices: TextDraft;
  keyType: ChainKeyType;
  days: TextDraft;
  /** How far the generation is (step 'generating'). */
  progress?: TestChainProgress;
  /** The files in the way (step 'exists'), as paths the user reads. */
  existing?: string[];
  failure?: Failure;
  /** The files written (step 'done'), as paths the user reads: under the folder as it was typed. */
  written?: WrittenFile[];
  doneCursor: number;
  filesScroll: number;
  /** The problem that keeps the current step from moving on, in one sentence. */
  stepError?: string;
};

/** The flow's one path field: the folder that receives the chain. */
export type TestCertificatesField = 'test-folder';

export type TestCertificatesEffect =
  | SharedEffect<TestCertificatesField>
  | {
      kind: 'generate-test-chain';
      /** As typed ('.' for the working folder); the service resolves it. */
      folder: string;
      devices: string[];
      keyType: 'rsa' | 'ec';
      days: number;
      overwrite: boolean;
    };

/** Paths in outcomes are absolute; `outDir` is the folder they were written under. */
export type TestCertificatesOutcome =
  | {kind: 'chain-written'; outDir: string; files: WrittenFile[]}
  | {kind: 'chain-exists'; outDir: string; paths: string[]}
  | {kind: 'chain-failed'; failure: Failure};

export const defaultDays = 90;
export const maxDays = 3650;
export const rootCaName = 'azure-iot-test-only-root';

export const keyTypeChoices: {keyType: ChainKeyType; label: string; detail: string}[] = [
  {
    keyType: 'rsa',
    label: 'RSA: 4096-bit CAs, 2048-bit devices',
    detail: 'What the IoT Edge docs and certGen use; works with every device. Keys take seconds.',
  },
  {
    keyType: 'ec',
    label: 'EC P-256 throughout',
    detail: 'Smaller and made at once; pick it only if every device supports ECDSA.',
  },
];

export function initialTestCertificatesFlow(): TestCertificatesFlow {
  return {
    step: 'folder',
    folder: emptyPathField,
    devices: draftOf(''),
    keyType: 'rsa',
    days: draftOf(String(defaultDays)),
    doneCursor: 0,
    filesScroll: 0,
  };
}

export type {TestChainProgress};
