import {join, resolve} from 'node:path';
import {UsageError, parseCommandArgs} from './args.js';
import {printJson, readPassphrase, safeCheckPrivateKey, withFileName} from './certs-output.js';
import {readCertificateFile, readPrivateKeyFile} from '../certs/read.js';
import {summarizeCertificate} from '../certs/inspect.js';
import {signVerificationCertificate} from '../certs/verification.js';
import {writeOutputFiles} from '../certs/write-files.js';

export async function runVerification(argv: string[]): Promise<number> {
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
  const caInput = await withFileName('--ca-key ', caKeyPath, () =>
    readPrivateKeyFile(caKeyPath, {passphrase}),
  );
  // A full-chain file holds several certificates: sign with the one this key belongs to.
  const caCertificate =
    bundle.certificates.find((certificate) => safeCheckPrivateKey(certificate, caInput)) ??
    bundle.certificates[0]!;
  const result = await signVerificationCertificate({
    caCertificatePem: caCertificate.toString(),
    caPrivateKeyPem: caInput.export({type: 'pkcs8', format: 'pem'}).toString(),
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
