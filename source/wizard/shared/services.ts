import type {ChainKeyType, TestChainProgress, WrittenFile} from '../../certs/test-chain.js';
import type {DpsGateway, RetryWait} from '../../dps/index.js';
import type {Progress} from './effect.js';
import type {
  CertificatePurpose,
  ConnectionInfo,
  DeviceCodePrompt,
  DeviceEndpoint,
  Finding,
  LoadedCertificate,
  RegistrationStage,
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
/** How a device talks to DPS when it registers. */
export type DeviceTransport = 'https' | 'mqtt';

/** A device's files as typed (relative to the working folder, or ~/…): the services read them. */
export type DeviceFiles = {
  /** The device certificate: its full chain, or the leaf alone when `chainPath` is given. */
  certificatePath: string;
  /** The intermediate CA certificates, when the certificate file holds the leaf only. */
  chainPath?: string;
  /** The private key: read only by the service that registers, never shown, never sent. */
  keyPath: string;
};

export type DeviceRegistrationRequest = DeviceFiles & {
  endpoint: DeviceEndpoint;
  idScope: string;
  registrationId: string;
  transport: DeviceTransport;
  onStage(stage: RegistrationStage): void;
  signal: AbortSignal;
};

/** DPS's answer: the hub the device was assigned to, or its refusal as a cause and a fix. */
export type DeviceRegistrationOutcome =
  | {outcome: 'assigned'; assignedHub: string; deviceId: string; substatus?: string}
  | {outcome: 'refused'; status?: number; errorCode?: number; cause: string; fix: string};

/**
 * IoT Edge on this machine (a technician on the gateway): /etc/aziot/config.toml written with a backup of
 * the old one, the chain and the key placed where it names them, with the owners and modes IoT Edge expects.
 */
export type EdgeInstallRequest = DeviceFiles & {
  idScope: string;
  registrationId: string;
  /** The device endpoint config.toml names, e.g. https://global.azure-devices-provisioning.net */
  globalEndpoint: string;
  /** The ID scope is the local sandbox's: config.toml says so. */
  sandbox: boolean;
};

/**
 * What an install would do, one line each (paths, owners, modes, the backup), and whether iotedge exists.
 * The plan itself (it holds the key) stays with the services; `id` names it for applying exactly that plan.
 */
export type EdgeInstallPlan = {id: number; actions: string[]; iotedgeFound: boolean};

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
  /** Checks a device's files before it registers: chain, key match, CN against the registration ID. */
  checkDevice(request: DeviceFiles & {registrationId: string}): Promise<Finding[]>;
  /** Registers as the device (the device SDK over HTTPS or MQTT); the key is read here and stays here. */
  registerDevice(request: DeviceRegistrationRequest): Promise<DeviceRegistrationOutcome>;
  /** What installing the device's files and config.toml on this machine would do; nothing is changed. */
  planEdgeInstall(request: EdgeInstallRequest): Promise<EdgeInstallPlan>;
  /**
   * Does what the plan `id` said, and nothing else (the old config.toml kept as a backup; refused when
   * config.toml changed since the plan); returns what was done, one line each.
   */
  applyEdgeInstall(id: number): Promise<string[]>;
  /** Runs `iotedge config apply` (sudo -n unless root); its exit code and output. */
  runIotedgeConfigApply(): Promise<{exitCode: number; output: string}>;
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
