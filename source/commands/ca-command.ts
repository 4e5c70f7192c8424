import {X509Certificate} from 'node:crypto';
import {isAbsolute, resolve} from 'node:path';
import {checkKeyMatches} from '../certs/check.js';
import {hasErrors} from '../certs/findings.js';
import {readPrivateKeyFile} from '../certs/read.js';
import {CertificateReadError} from '../certs/read-errors.js';
import {describeKey} from '../certs/signing-key.js';
import {signVerificationCertificate} from '../certs/verification.js';
import {caNameProblem, isDpsError, type CaCertificate, type DpsGateway} from '../dps/index.js';
import {parseCommandArgs, UsageError} from './args.js';
import {readPassphrase} from './certs-output.js';
import {requireFlag, write, writeList} from './dps-calls.js';
import {
  callOptions,
  dpsCommandFlags,
  InputError,
  runSubcommand,
  withGateway,
  type CommandIo,
  type Subcommand,
} from './dps-command.js';
import {caRow, caText, jsonText} from './dps-output.js';
import {readCertificateFlag} from './enrollment-flags.js';

/**
 * `dps-enroll ca list|show|upload|verify|delete`: the DPS's CA certificates (az iot dps certificate), which
 * live in the ARM API: they need Azure sign-in or the sandbox. verify proves possession of the CA's private
 * key here: the key is read and used on this machine only.
 */

const nameFlag = {'certificate-name': {type: 'string'}} as const;

function certificateName(values: {'certificate-name'?: string}): string {
  const name = requireFlag('certificate-name', values['certificate-name']);
  const problem = caNameProblem(name);
  if (problem) throw new UsageError(`--certificate-name: ${problem.message}`);
  return name;
}

const list: Subcommand = async (argv, io) => {
  const {values} = parseCommandArgs(argv, dpsCommandFlags);
  const certificates = await withGateway(values, io, (gateway) =>
    gateway.listCaCertificates(callOptions(io)),
  );
  writeList(io, values.json, certificates, {
    empty: 'No CA certificates.',
    headers: ['NAME', 'VERIFIED', 'SUBJECT', 'EXPIRES'],
    row: caRow,
  });
  return 0;
};

const show: Subcommand = async (argv, io) => {
  const {values} = parseCommandArgs(argv, {...dpsCommandFlags, ...nameFlag});
  const name = certificateName(values);
  const certificate = await withGateway(values, io, (gateway) =>
    gateway.getCaCertificate(name, callOptions(io)),
  );
  write(io, values.json ? jsonText(certificate) : caText(certificate));
  return 0;
};

const upload: Subcommand = async (argv, io) => {
  const {values} = parseCommandArgs(argv, {
    ...dpsCommandFlags,
    ...nameFlag,
    path: {type: 'string', short: 'p'},
    'certificate-path': {type: 'string'},
    verified: {type: 'boolean'},
    etag: {type: 'string'},
  });
  const name = certificateName(values);
  if (values.path !== undefined && values['certificate-path'] !== undefined) {
    throw new UsageError('--path and --certificate-path are the same flag; give one');
  }
  const flag = values.path !== undefined ? 'path' : 'certificate-path';
  const path = requireFlag('path', values.path ?? values['certificate-path']);
  const {certificate: certificatePem} = await readCertificateFlag(flag, path, io.cwd, 'ca');
  const uploaded = await withGateway(values, io, async (gateway) => {
    try {
      return await gateway.uploadCaCertificate(
        {
          name,
          certificatePem,
          ...(values.verified ? {verified: true} : {}),
          ...(values.etag === undefined ? {} : {etag: values.etag}),
        },
        callOptions(io),
      );
    } catch (error) {
      // Without --etag an upload only creates: DPS refuses it for a name that is taken.
      if (values.etag === undefined && isDpsError(error) && error.kind === 'stale-etag') {
        throw new InputError(
          `a CA certificate named '${name}' exists already in DPS; nothing was changed`,
          `To replace it, give its current etag (dps-enroll ca show --certificate-name ${name}) with --etag; or choose another --certificate-name.`,
        );
      }
      throw error;
    }
  });
  write(
    io,
    values.json
      ? jsonText(uploaded)
      : `Uploaded CA certificate '${uploaded.name}'${uploaded.isVerified ? ' (verified)' : ''}.\n${caText(uploaded)}${
          uploaded.isVerified
            ? ''
            : `Prove possession of its key: dps-enroll ca verify --certificate-name ${uploaded.name} --key CA-KEY-FILE\n`
        }`,
  );
  return 0;
};

/** Reads the CA's private key and checks it belongs to the CA certificate, before DPS is asked for a code. */
async function readCaKey(
  path: string,
  cwd: string,
  passphrase: string | undefined,
  ca: X509Certificate,
) {
  const absolute = isAbsolute(path) ? path : resolve(cwd, path);
  let key;
  try {
    key = await readPrivateKeyFile(absolute, passphrase === undefined ? {} : {passphrase});
  } catch (error) {
    if (!(error instanceof CertificateReadError)) throw error;
    const fix =
      error.reason === 'passphrase-required' || error.reason === 'wrong-passphrase'
        ? 'Give the passphrase of the key in a file with --passphrase-file.'
        : "Give the CA's private key file (PEM or DER), e.g. private/azure-iot-test-only.root.ca.key.pem.";
    const named = error.message.includes(path) || error.message.includes(absolute);
    throw new InputError(
      named ? `--key: ${error.message}` : `--key ${path}: ${error.message}`,
      fix,
    );
  }
  if (hasErrors(checkKeyMatches(ca, key))) {
    const keyKind = describeKey(key);
    const caKind = describeKey(ca.publicKey);
    const kinds = keyKind === caKind ? `another ${keyKind} key pair` : `${keyKind} vs ${caKind}`;
    throw new InputError(
      `--key ${path} does not belong to this CA certificate (${kinds}); nothing was sent to DPS`,
      'Give the key file created with this CA certificate.',
    );
  }
  return key.export({type: 'pkcs8', format: 'pem'}).toString();
}

/**
 * Proof of possession, the whole loop: read the certificate (and its etag), ask DPS for a verification
 * code, sign a certificate with CN = the code with the CA key here, upload it to verify. Each call uses
 * the etag the one before returned.
 */
async function proveAndVerify(
  gateway: DpsGateway,
  request: {name: string; keyPath: string; passphrase?: string; etag?: string; caPath?: string},
  io: CommandIo,
): Promise<{certificate: CaCertificate; code?: string}> {
  const current = await gateway.getCaCertificate(request.name, callOptions(io));
  if (current.isVerified) return {certificate: current};
  const caPem =
    current.certificatePem ??
    (request.caPath === undefined
      ? undefined
      : (await readCertificateFlag('path', request.caPath, io.cwd, 'ca')).certificate);
  if (caPem === undefined) {
    throw new InputError(
      `DPS did not return the certificate of '${request.name}'`,
      'Give the CA certificate file with --path as well.',
    );
  }
  const ca = new X509Certificate(caPem);
  const keyPem = await readCaKey(request.keyPath, io.cwd, request.passphrase, ca);
  const code = await gateway.generateVerificationCode(
    request.name,
    request.etag ?? current.etag,
    callOptions(io),
  );
  const {certificatePem} = await signVerificationCertificate({
    caCertificatePem: caPem,
    caPrivateKeyPem: keyPem,
    verificationCode: code.verificationCode,
  });
  const verified = await gateway.verifyCaCertificate(
    request.name,
    code.etag,
    certificatePem,
    callOptions(io),
  );
  return {certificate: verified, code: code.verificationCode};
}

const verify: Subcommand = async (argv, io) => {
  const {values} = parseCommandArgs(argv, {
    ...dpsCommandFlags,
    ...nameFlag,
    key: {type: 'string'},
    'passphrase-file': {type: 'string'},
    path: {type: 'string', short: 'p'},
    etag: {type: 'string'},
  });
  const name = certificateName(values);
  const keyPath = requireFlag('key', values.key);
  const passphrase = await readPassphrase(values['passphrase-file']);
  const {certificate, code} = await withGateway(values, io, (gateway) =>
    proveAndVerify(
      gateway,
      {
        name,
        keyPath,
        ...(passphrase === undefined ? {} : {passphrase}),
        ...(values.etag === undefined ? {} : {etag: values.etag}),
        ...(values.path === undefined ? {} : {caPath: values.path}),
      },
      io,
    ),
  );
  if (values.json) write(io, jsonText(certificate));
  else if (code === undefined) {
    write(io, `CA certificate '${name}' is verified already; nothing was changed.\n`);
  } else {
    write(
      io,
      `Verified CA certificate '${name}': verification code ${code} signed here with ${keyPath}.\n${caText(certificate)}`,
    );
  }
  return 0;
};

const remove: Subcommand = async (argv, io) => {
  const {values} = parseCommandArgs(argv, {
    ...dpsCommandFlags,
    ...nameFlag,
    etag: {type: 'string'},
  });
  const name = certificateName(values);
  await withGateway(values, io, async (gateway) => {
    // ARM deletes only with an etag: without --etag, the current one.
    const etag = values.etag ?? (await gateway.getCaCertificate(name, callOptions(io))).etag;
    await gateway.deleteCaCertificate(name, etag, callOptions(io));
  });
  write(io, values.json ? jsonText({deleted: {name}}) : `Deleted CA certificate '${name}'.\n`);
  return 0;
};

export function runCaCommand(argv: string[], io?: CommandIo): Promise<number> {
  return runSubcommand('ca', {list, show, upload, verify, delete: remove}, argv, io);
}
