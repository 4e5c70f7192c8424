import {readFile} from 'node:fs/promises';
import {join, resolve} from 'node:path';
import type {KeyObject, X509Certificate} from 'node:crypto';
import type {Command} from './command.js';
import {UsageError, integerFlag, parseCommandArgs} from './args.js';
import {readCertificateFile, readPrivateKeyFile} from '../certs/read.js';
import {CertificateReadError} from '../certs/read-errors.js';
import {formatSummary, summarizeCertificate} from '../certs/inspect.js';
import {
  checkCaCertificate,
  checkChain,
  checkIdentityCertificate,
  checkKeyMatches,
  type ChainLink,
} from '../certs/check.js';
import {formatFindings, hasErrors, type Finding} from '../certs/findings.js';
import {createTestChain, FilesExistError} from '../certs/test-chain.js';
import {signVerificationCertificate} from '../certs/verification.js';
import {writeOutputFiles} from '../certs/write-files.js';

const usage = `Usage
  $ dps-enroll certs inspect FILE [--passphrase-file F] [--json]
  $ dps-enroll certs check --identity FILE [--key FILE] [--chain FILE]... [--ca FILE]
                           [--registration-id ID] [--passphrase-file F] [--json]
  $ dps-enroll certs create-chain --out DIR [--device NAME]... [--edge-ca NAME]...
                           [--key-type rsa|ec] [--days N] [--force] [--passphrase-file F] [--json]
  $ dps-enroll certs verification --ca-cert FILE --ca-key FILE [--passphrase-file F] --code CODE
                           --out DIR [--json]

Subcommands
  inspect       show every certificate in a file (PEM, DER .cer, PKCS#7 .p7b, PKCS#12 .pfx):
                subject, issuer, validity, SHA-1 and SHA-256 thumbprints, key, CA flag, usages
  check         pre-flight checks of a device identity certificate, its key, its chain up to the
                CA enrolled in DPS, and its CN as the registration ID
  create-chain  generate a test root CA, intermediate CA and device identity certificates with the
                IoT Edge docs' file names (certs/…, private/… keys 0600); RSA 4096 CAs and RSA 2048
                leaves, or EC P-256 with --key-type ec; 90 days unless --days
  verification  sign the proof-of-possession certificate (CN = the verification code) with the key
                of the CA uploaded to DPS; writes certs/iot-device-verification-code.cert.pem

Options
  --passphrase-file F  read the passphrase of an encrypted key or PKCS#12 file from F
                       (create-chain: encrypt the keys it writes with it)
  --json               print machine-readable JSON on stdout
  --force              create-chain: overwrite existing files (nothing else is ever removed)

Exit codes: 0 ok, 1 a check found an error or the operation failed, 2 usage error.
`;

export const certsCommand: Command = {
  name: 'certs',
  summary: 'inspect and check certificates, create test chains, sign verification certificates',
  usage,
  async run(argv) {
    const [subcommand, ...rest] = argv;
    const json = rest.includes('--json');
    try {
      switch (subcommand) {
        case 'inspect':
          return await runInspect(rest);
        case 'check':
          return await runCheck(rest);
        case 'create-chain':
          return await runCreateChain(rest);
        case 'verification':
          return await runVerification(rest);
        case undefined:
          throw new UsageError(
            'certs needs a subcommand: inspect, check, create-chain or verification',
          );
        default:
          throw new UsageError(`unknown certs subcommand "${subcommand}"`);
      }
    } catch (error) {
      if (error instanceof UsageError) throw error;
      return fail(error, json);
    }
  },
};

/** Reports a failed operation (exit code 1): on stderr, and as JSON on stdout with --json. */
function fail(error: unknown, json: boolean): number {
  const message = error instanceof Error ? error.message : String(error);
  const reason = error instanceof CertificateReadError ? error.reason : undefined;
  if (json) printJson({ok: false, error: {message, ...(reason ? {reason} : {})}});
  process.stderr.write(`dps-enroll certs: ${message}\n`);
  return 1;
}

function printJson(value: unknown) {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

/** A passphrase from a file: its first line, without the line ending. */
async function readPassphrase(path: string | undefined): Promise<string | undefined> {
  if (path === undefined) return undefined;
  let contents: string;
  try {
    contents = await readFile(path, 'utf8');
  } catch (error) {
    throw new Error(
      `the passphrase file ${path} cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'})`,
    );
  }
  return contents.split(/\r?\n/)[0] ?? '';
}

/** Adds the file name to read errors, which describe the content only. */
async function withFileName<T>(flag: string, path: string, read: () => Promise<T>): Promise<T> {
  try {
    return await read();
  } catch (error) {
    if (error instanceof CertificateReadError && !error.message.startsWith(path)) {
      throw new CertificateReadError(error.reason, `${flag}${path}: ${error.message}`);
    }
    throw error;
  }
}

async function runInspect(argv: string[]): Promise<number> {
  const {values, positionals} = parseCommandArgs(
    argv,
    {'passphrase-file': {type: 'string'}, json: {type: 'boolean'}},
    true,
  );
  if (positionals.length !== 1) {
    throw new UsageError('certs inspect takes exactly one FILE');
  }
  const path = positionals[0]!;
  const passphrase = await readPassphrase(values['passphrase-file']);
  const bundle = await withFileName('', path, () => readCertificateFile(path, {passphrase}));
  const summaries = bundle.certificates.map(summarizeCertificate);
  if (values.json) {
    printJson({
      ok: true,
      file: path,
      format: bundle.format,
      containsPrivateKey: bundle.containsPrivateKey,
      certificates: summaries,
    });
    return 0;
  }
  const heading = `${path}: ${bundle.certificates.length} certificate${bundle.certificates.length === 1 ? '' : 's'} (${formatNames[bundle.format]})`;
  const sections = summaries.map(
    (summary, index) =>
      `${summaries.length > 1 ? `Certificate ${index + 1} of ${summaries.length}\n` : ''}${formatSummary(summary)}`,
  );
  const keyNote = bundle.containsPrivateKey
    ? '\nwarning: this file also contains a private key: never upload it to DPS, and keep it 0600\n'
    : '';
  process.stdout.write(`${heading}\n\n${sections.join('\n\n')}\n${keyNote}`);
  return 0;
}

const formatNames = {
  pem: 'PEM',
  der: 'DER',
  'base64-der': 'base64 DER without PEM headers',
  pkcs7: 'PKCS#7',
  pkcs12: 'PKCS#12',
} as const;

async function runCheck(argv: string[]): Promise<number> {
  const {values} = parseCommandArgs(argv, {
    identity: {type: 'string'},
    key: {type: 'string'},
    chain: {type: 'string', multiple: true},
    ca: {type: 'string'},
    'registration-id': {type: 'string'},
    'passphrase-file': {type: 'string'},
    json: {type: 'boolean'},
  });
  if (!values.identity) throw new UsageError('certs check needs --identity FILE');
  const passphrase = await readPassphrase(values['passphrase-file']);
  const identityPath = values.identity;
  const bundle = await withFileName('--identity ', identityPath, () =>
    readCertificateFile(identityPath, {passphrase}),
  );
  // A PKCS#12 file may list its chain before the leaf: the leaf is the certificate of the key it holds.
  const leaf =
    bundle.certificates.find(
      (certificate) => bundle.privateKey && safeCheckPrivateKey(certificate, bundle.privateKey),
    ) ?? bundle.certificates[0]!;
  const chain = bundle.certificates.filter((certificate) => certificate !== leaf);
  for (const path of values.chain ?? []) {
    const extra = await withFileName('--chain ', path, () =>
      readCertificateFile(path, {passphrase}),
    );
    chain.push(...extra.certificates);
  }
  let ca: X509Certificate | undefined;
  if (values.ca) {
    const caPath = values.ca;
    ca = (await withFileName('--ca ', caPath, () => readCertificateFile(caPath, {passphrase})))
      .certificates[0];
  }
  let key: KeyObject | undefined = bundle.privateKey;
  if (values.key) {
    const keyPath = values.key;
    key = await withFileName('--key ', keyPath, () => readPrivateKeyFile(keyPath, {passphrase}));
  }

  const sections: {title: string; findings: Finding[]}[] = [
    {
      title: 'Identity certificate',
      findings: checkIdentityCertificate(leaf, {registrationId: values['registration-id']}),
    },
  ];
  if (key) sections.push({title: 'Private key', findings: checkKeyMatches(leaf, key)});
  if (ca) sections.push({title: 'CA certificate', findings: checkCaCertificate(ca)});
  let links: ChainLink[] = [];
  if (chain.length > 0 || ca) {
    const result = checkChain(leaf, chain, {trustAnchor: ca});
    links = result.links;
    sections.push({title: 'Chain', findings: result.findings});
  } else {
    sections.push({
      title: 'Chain',
      findings: [
        {
          severity: 'warning',
          code: 'chain-not-given',
          message:
            'no chain was checked: the file has only the leaf and no --chain or --ca was given',
          hint: 'give the full-chain file as --identity, or --chain and --ca (the CA enrolled in DPS)',
        },
      ],
    });
  }
  const findings = sections.flatMap((section) => section.findings);
  const ok = !hasErrors(findings);
  if (values.json) {
    printJson({ok, identity: summarizeCertificate(leaf), findings, chain: links});
  } else {
    const summary = summarizeCertificate(leaf);
    const lines = [
      `${identityPath}: CN ${summary.commonName ?? '(none)'}, SHA-1 ${summary.thumbprintSha1}`,
      `SHA-256 ${summary.thumbprintSha256}`,
      ...sections.map(
        (section) =>
          `\n${section.title}\n${section.findings.length > 0 ? formatFindings(section.findings) : 'ok      no problems found'}`,
      ),
      `\n${ok ? 'All checks passed.' : 'Some checks failed.'}`,
    ];
    process.stdout.write(`${lines.join('\n')}\n`);
  }
  return ok ? 0 : 1;
}

async function runCreateChain(argv: string[]): Promise<number> {
  const {values} = parseCommandArgs(argv, {
    out: {type: 'string'},
    device: {type: 'string', multiple: true},
    'edge-ca': {type: 'string', multiple: true},
    'key-type': {type: 'string'},
    days: {type: 'string'},
    force: {type: 'boolean'},
    'passphrase-file': {type: 'string'},
    json: {type: 'boolean'},
  });
  if (!values.out) throw new UsageError('certs create-chain needs --out DIR');
  const keyType = values['key-type'] ?? 'rsa';
  if (keyType !== 'rsa' && keyType !== 'ec') {
    throw new UsageError(`--key-type must be rsa or ec, got "${keyType}"`);
  }
  const days = integerFlag('days', values.days, 1, 36500);
  const passphrase = await readPassphrase(values['passphrase-file']);
  const outDir = resolve(values.out);
  try {
    const written = await createTestChain({
      outDir,
      devices: values.device ?? [],
      edgeCas: values['edge-ca'] ?? [],
      keyType,
      days,
      force: values.force,
      passphrase,
    });
    if (values.json) {
      printJson({ok: true, outDir, files: written});
    } else {
      process.stdout.write(
        `Created a test chain in ${outDir} (for tests only, never for production):\n` +
          written
            .map((file) => `  ${file.path}${file.kind === 'private-key' ? '  (0600)' : ''}`)
            .join('\n') +
          '\n',
      );
    }
    return 0;
  } catch (error) {
    if (error instanceof FilesExistError && values.json) {
      printJson({
        ok: false,
        error: {message: error.message, reason: 'files-exist', paths: error.paths},
      });
      process.stderr.write(`dps-enroll certs: ${error.message}\n`);
      return 1;
    }
    throw error;
  }
}

async function runVerification(argv: string[]): Promise<number> {
  const {values} = parseCommandArgs(argv, {
    'ca-cert': {type: 'string'},
    'ca-key': {type: 'string'},
    'passphrase-file': {type: 'string'},
    code: {type: 'string'},
    out: {type: 'string'},
    json: {type: 'boolean'},
  });
  const missing = (['ca-cert', 'ca-key', 'code', 'out'] as const).filter((flag) => !values[flag]);
  if (missing.length > 0) {
    throw new UsageError(
      `certs verification needs ${missing.map((flag) => `--${flag}`).join(', ')}`,
    );
  }
  const caCertPath = values['ca-cert']!;
  const caKeyPath = values['ca-key']!;
  const passphrase = await readPassphrase(values['passphrase-file']);
  const bundle = await withFileName('--ca-cert ', caCertPath, () =>
    readCertificateFile(caCertPath, {passphrase}),
  );
  const caKey = await withFileName('--ca-key ', caKeyPath, () =>
    readPrivateKeyFile(caKeyPath, {passphrase}),
  );
  // A full-chain file holds several certificates: sign with the one this key belongs to.
  const caCertificate =
    bundle.certificates.find((certificate) => safeCheckPrivateKey(certificate, caKey)) ??
    bundle.certificates[0]!;
  const result = await signVerificationCertificate({
    caCertificatePem: caCertificate.toString(),
    caPrivateKeyPem: caKey.export({type: 'pkcs8', format: 'pem'}).toString(),
    verificationCode: values.code!,
  });
  const outDir = resolve(values.out!);
  const certificatePath = join(outDir, 'certs', 'iot-device-verification-code.cert.pem');
  const keyPath = join(outDir, 'private', 'iot-device-verification-code.key.pem');
  // Verification certificates are single-use: a new code replaces the previous files.
  await writeOutputFiles(
    [
      {path: certificatePath, contents: result.certificatePem, secret: false},
      {path: keyPath, contents: result.privateKeyPem, secret: true},
    ],
    {overwrite: true},
  );
  const summary = summarizeCertificate(
    (await readCertificateFile(certificatePath)).certificates[0]!,
  );
  if (values.json) {
    printJson({ok: true, certificate: certificatePath, privateKey: keyPath, summary});
  } else {
    process.stdout.write(
      `Signed a verification certificate for code ${summary.commonName}\n` +
        `  issuer:      ${summary.issuer}\n` +
        `  valid to:    ${summary.notAfter}\n` +
        `  certificate: ${certificatePath}\n` +
        `  private key: ${keyPath}  (0600)\n` +
        'It verifies against the CA certificate. Upload the certificate file to DPS to finish the proof of possession.\n',
    );
  }
  return 0;
}

function safeCheckPrivateKey(certificate: X509Certificate, key: KeyObject): boolean {
  try {
    return certificate.checkPrivateKey(key);
  } catch {
    return false;
  }
}
