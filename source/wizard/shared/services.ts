import type {ChainKeyType, TestChainProgress, WrittenFile} from '../../certs/test-chain.js';
import type {DpsGateway, RetryWait} from '../../dps/index.js';
import type {Progress} from './effect.js';
import type {
  CertificatePurpose,
  ConnectionInfo,
  DeviceCodePrompt,
  LoadedCertificate,
} from './types.js';

/**
 * What the wizard needs from the outside world, handed in by the runtime (cli.tsx the real ones, tests their
 * own set), and what an effect is given to run with.
 */

/** An open connection to DPS, as the effects use it. */
export type OpenConnection = {gateway: DpsGateway; info: ConnectionInfo; close(): Promise<void>};

/** What the test chain service is asked for: the folder as typed (relative to the working folder, or ~/…). */
export type TestChainRequest = {
  folder: string;
  devices: string[];
  keyType: ChainKeyType;
  days: number;
  overwrite: boolean;
  onProgress(progress: TestChainProgress): void;
  signal: AbortSignal;
};

/** Absolute paths, under `outDir`; 'exists' when files are in the way and nothing was written. */
export type TestChainOutcome =
  | {outcome: 'written'; outDir: string; files: WrittenFile[]}
  | {outcome: 'exists'; outDir: string; paths: string[]};

export type SigningOutcome =
  | {outcome: 'signed'; certificatePem: string}
  | {outcome: 'passphrase-required'}
  | {outcome: 'wrong-passphrase'; message: string}
  /** The key file cannot be used (not a key, the wrong key): the message says which and why. */
  | {outcome: 'key-problem'; message: string};

export type SigningRequest = {
  keyPath: string;
  passphrase?: string;
  caCertificatePem: string;
  caName: string;
  verificationCode: string;
};
export type WizardServices = {
  /** The folder relative paths start from. */
  cwd: string;
  /** One line naming what the wizard connects to, shown while it connects (no secrets). */
  target: string;
  connect(hooks: {
    onDeviceCode(prompt: DeviceCodePrompt): void;
    /** A first call to DPS waits before it is tried again. */
    onWait(wait: RetryWait): void;
    signal: AbortSignal;
  }): Promise<OpenConnection>;
  /** Throws an Error whose message the user can act on. */
  readCertificate(typedPath: string, purpose: CertificatePurpose): Promise<LoadedCertificate>;
  completePath(
    text: string,
    options: {foldersOnly: boolean},
  ): Promise<{value: string; candidates: string[]; matches: number}>;
  writeTextFile(path: string, content: string, overwrite: boolean): Promise<'written' | 'exists'>;
  /** Makes a test chain (root, intermediate, device certificates) under the folder; never overwrites unasked. */
  generateTestChain(request: TestChainRequest): Promise<TestChainOutcome>;
  /** Proof of possession: reads the CA's key, checks it matches, signs CN=<code>; the key stays inside. */
  signVerificationCertificate(request: SigningRequest): Promise<SigningOutcome>;
  /** Reads a verification certificate signed elsewhere and checks its CN and issuer against the CA. */
  checkVerificationCertificate(request: {
    path: string;
    caCertificatePem: string;
    verificationCode: string;
  }): Promise<{certificate: LoadedCertificate; problem?: string}>;
};

/** What one effect runs with: the services, the connection once open, its cancellation, its progress. */
export type EffectContext = {
  services: WizardServices;
  /** The gateway once connected; undefined before. */
  gateway(): DpsGateway | undefined;
  /** Aborted when the user leaves the step that waits for the effect. */
  signal: AbortSignal;
  progress(news: Progress): void;
};
