import {createPrivateKey} from 'node:crypto';
import {join} from 'node:path';
import {generatePrivateKey, type KeyAlgorithm} from './key-pairs.js';
import {issueCertificate} from './issue.js';
import {checkFolderPath, existingPaths, writeOutputFiles, type OutputFile} from './write-files.js';
import {enrollmentIdProblem, maxX509RegistrationIdLength} from '../dps/index.js';

export type ChainKeyType = 'rsa' | 'ec';

export type TestChainOptions = {
  /** The folder that receives certs/ and private/ (the layout of the IoT Edge docs' certGen scripts). */
  outDir: string;
  /** Device names: each gets an identity certificate with CN = the name (= the registration ID). */
  devices: string[];
  /** Device names that also get an IoT Edge device CA (CN = "<name>.ca"). */
  edgeCas?: string[];
  /** rsa: RSA 4096 CAs and RSA 2048 leaves (default); ec: EC P-256 throughout. */
  keyType?: ChainKeyType;
  /** Validity of every certificate, in days (default 90; certGen's 30 days expire mid-project). */
  days?: number;
  /** Overwrite existing files; without it an existing file stops the run before anything is written. */
  force?: boolean;
  /** Encrypts the private keys written (PKCS#8, AES-256-CBC). */
  passphrase?: string;
  /** Told after each key made and each certificate signed, and once before the files are written. */
  onProgress?: (progress: TestChainProgress) => void;
  /** Aborting it stops the run before any file is written (keys being made still finish in the background). */
  signal?: AbortSignal;
};

/** How far a run is: `done` of `total` keys made or certificates signed, or the files being written. */
export type TestChainProgress = {
  stage: 'keys' | 'certificates' | 'files';
  done: number;
  total: number;
};

export type WrittenFile = {path: string; kind: 'certificate' | 'private-key'};

export const rootCommonName = 'azure-iot-test-only.root.ca';
export const intermediateCommonName = 'azure-iot-test-only.intermediate.ca';
export const defaultChainDays = 90;

/** A refusal that names the files in the way, so the operator can move them or pass --force. */
export class FilesExistError extends Error {
  override name = 'FilesExistError';
  constructor(readonly paths: string[]) {
    super(
      `${paths.length} file${paths.length === 1 ? '' : 's'} already exist${paths.length === 1 ? 's' : ''} ` +
        `(${paths.slice(0, 3).join(', ')}${paths.length > 3 ? ', …' : ''}): ` +
        'nothing was written; move them away or pass --force to overwrite',
    );
  }
}

/** The paths certGen uses, relative to the output folder. */
export const chainPaths = {
  rootCertificate: 'certs/azure-iot-test-only.root.ca.cert.pem',
  rootKey: 'private/azure-iot-test-only.root.ca.key.pem',
  intermediateCertificate: 'certs/azure-iot-test-only.intermediate.cert.pem',
  intermediateFullChain: 'certs/azure-iot-test-only.intermediate-full-chain.cert.pem',
  intermediateKey: 'private/azure-iot-test-only.intermediate.key.pem',
  deviceCertificate: (name: string) => `certs/iot-edge-device-identity-${name}.cert.pem`,
  deviceFullChain: (name: string) => `certs/iot-edge-device-identity-${name}-full-chain.cert.pem`,
  deviceKey: (name: string) => `private/iot-edge-device-identity-${name}.key.pem`,
  edgeCaCertificate: (name: string) => `certs/iot-edge-device-ca-${name}.cert.pem`,
  edgeCaFullChain: (name: string) => `certs/iot-edge-device-ca-${name}-full-chain.cert.pem`,
  edgeCaKey: (name: string) => `private/iot-edge-device-ca-${name}.key.pem`,
};

/**
 * Generates a test chain like the IoT Edge docs' certGen scripts: root CA → intermediate CA → device identity
 * certificates (and optional IoT Edge device CAs), with full-chain files. All keys are generated in parallel.
 */
export async function createTestChain(options: TestChainOptions): Promise<WrittenFile[]> {
  const devices = unique(options.devices);
  const edgeCas = unique(options.edgeCas ?? []);
  for (const name of [...devices, ...edgeCas]) validateDeviceName(name);
  const days = options.days ?? defaultChainDays;
  if (!Number.isInteger(days) || days < 1)
    throw new Error(`--days must be a whole number of days, got ${days}`);
  const caAlgorithm: KeyAlgorithm = options.keyType === 'ec' ? 'ec-p256' : 'rsa-4096';
  const leafAlgorithm: KeyAlgorithm = options.keyType === 'ec' ? 'ec-p256' : 'rsa-2048';

  const at = (relative: string) => join(options.outDir, relative);
  const plannedPaths = [
    chainPaths.rootCertificate,
    chainPaths.rootKey,
    chainPaths.intermediateCertificate,
    chainPaths.intermediateFullChain,
    chainPaths.intermediateKey,
    ...devices.flatMap((name) => [
      chainPaths.deviceCertificate(name),
      chainPaths.deviceFullChain(name),
      chainPaths.deviceKey(name),
    ]),
    ...edgeCas.flatMap((name) => [
      chainPaths.edgeCaCertificate(name),
      chainPaths.edgeCaFullChain(name),
      chainPaths.edgeCaKey(name),
    ]),
  ].map(at);
  await checkFolderPath(options.outDir);
  if (!options.force) {
    const existing = await existingPaths(plannedPaths);
    if (existing.length > 0) throw new FilesExistError(existing);
  }

  const {signal} = options;
  signal?.throwIfAborted();
  const total = 2 + devices.length + edgeCas.length;
  const counter = (stage: TestChainProgress['stage']) => {
    let done = 0;
    options.onProgress?.({stage, done, total});
    return async (pending: Promise<string>) => {
      const made = await pending;
      done += 1;
      options.onProgress?.({stage, done, total});
      return made;
    };
  };

  const keyMade = counter('keys');
  const [rootKey, intermediateKey, deviceKeys, edgeCaKeys] = await Promise.all([
    keyMade(generatePrivateKey(caAlgorithm)),
    keyMade(generatePrivateKey(caAlgorithm)),
    Promise.all(devices.map(() => keyMade(generatePrivateKey(leafAlgorithm)))),
    Promise.all(edgeCas.map(() => keyMade(generatePrivateKey(caAlgorithm)))),
  ]);
  signal?.throwIfAborted();

  const signed = counter('certificates');

  const rootCertificate = await signed(
    issueCertificate({
      subject: rootCommonName,
      subjectKeyPem: rootKey,
      profile: 'ca',
      validityDays: days,
    }),
  );
  const intermediateCertificate = await signed(
    issueCertificate({
      subject: intermediateCommonName,
      subjectKeyPem: intermediateKey,
      issuer: {certificatePem: rootCertificate, privateKeyPem: rootKey},
      profile: 'ca',
      validityDays: days,
    }),
  );
  const intermediate = {certificatePem: intermediateCertificate, privateKeyPem: intermediateKey};
  const intermediateFullChain = intermediateCertificate + rootCertificate;

  const deviceCertificates = await Promise.all(
    devices.map((name, index) =>
      signed(
        issueCertificate({
          subject: name,
          subjectKeyPem: deviceKeys[index]!,
          issuer: intermediate,
          profile: 'identity',
          validityDays: days,
        }),
      ),
    ),
  );
  const edgeCaCertificates = await Promise.all(
    edgeCas.map((name, index) =>
      signed(
        issueCertificate({
          subject: `${name}.ca`,
          subjectKeyPem: edgeCaKeys[index]!,
          issuer: intermediate,
          profile: 'ca',
          validityDays: days,
        }),
      ),
    ),
  );

  const key = (pem: string) => protectKey(pem, options.passphrase);
  const files: OutputFile[] = [
    {path: at(chainPaths.rootCertificate), contents: rootCertificate, secret: false},
    {path: at(chainPaths.rootKey), contents: key(rootKey), secret: true},
    {
      path: at(chainPaths.intermediateCertificate),
      contents: intermediateCertificate,
      secret: false,
    },
    {path: at(chainPaths.intermediateFullChain), contents: intermediateFullChain, secret: false},
    {path: at(chainPaths.intermediateKey), contents: key(intermediateKey), secret: true},
    ...devices.flatMap((name, index) => [
      {
        path: at(chainPaths.deviceCertificate(name)),
        contents: deviceCertificates[index]!,
        secret: false,
      },
      {
        path: at(chainPaths.deviceFullChain(name)),
        contents: deviceCertificates[index]! + intermediateFullChain,
        secret: false,
      },
      {path: at(chainPaths.deviceKey(name)), contents: key(deviceKeys[index]!), secret: true},
    ]),
    ...edgeCas.flatMap((name, index) => [
      {
        path: at(chainPaths.edgeCaCertificate(name)),
        contents: edgeCaCertificates[index]!,
        secret: false,
      },
      {
        path: at(chainPaths.edgeCaFullChain(name)),
        contents: edgeCaCertificates[index]! + intermediateFullChain,
        secret: false,
      },
      {path: at(chainPaths.edgeCaKey(name)), contents: key(edgeCaKeys[index]!), secret: true},
    ]),
  ];
  // Past this point the run is not cancelled: stopping between files would leave half a chain behind.
  signal?.throwIfAborted();
  options.onProgress?.({stage: 'files', done: 0, total: files.length});
  await writeOutputFiles(files, {overwrite: options.force === true});
  return files.map((file) => ({
    path: file.path,
    kind: file.secret ? 'private-key' : 'certificate',
  }));
}

/** Re-encodes a PKCS#8 key encrypted with the passphrase, or returns it as is without one. */
export function protectKey(pem: string, passphrase: string | undefined): string {
  if (passphrase === undefined) return pem;
  return createPrivateKey(pem)
    .export({type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase})
    .toString();
}

/** Device names become file names and CNs (= registration IDs), so they must be valid as both. */
function validateDeviceName(name: string) {
  // The rules of checkRegistrationId in check.ts, without loading the certificate parser that module needs.
  const problem = enrollmentIdProblem(name, 'registration ID', maxX509RegistrationIdLength);
  if (problem) throw new Error(`device name "${name}": ${problem.message}`);
  if (name.includes(':'))
    throw new Error(`device name "${name}" cannot contain ":" (it is part of file names)`);
}

function unique(names: readonly string[]): string[] {
  return [...new Set(names)];
}
