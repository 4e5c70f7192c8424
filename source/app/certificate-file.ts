import {checkIdentityCertificate} from '../certs/check.js';
import type {Finding} from '../certs/findings.js';
import {summarizeCertificate} from '../certs/inspect.js';
import {readCertificateFile} from '../certs/read.js';
import {CertificateReadError} from '../certs/read-errors.js';
import type {LoadedCertificate} from './state.js';

/** Reads a device identity certificate file and runs the identity checks on its first certificate. */
export async function readIdentityCertificate(
  typedPath: string,
  absolutePath: string,
): Promise<LoadedCertificate> {
  let bundle;
  try {
    bundle = await readCertificateFile(absolutePath);
  } catch (error) {
    if (error instanceof CertificateReadError && error.reason === 'passphrase-required') {
      throw new CertificateReadError(
        error.reason,
        `${typedPath} is a password-protected PKCS#12 bundle; export its certificate first: openssl pkcs12 -in ${typedPath} -nokeys -clcerts -out device.cert.pem`,
      );
    }
    throw error;
  }
  const [leaf, ...rest] = bundle.certificates;
  if (!leaf) {
    throw new CertificateReadError('no-certificate', `${typedPath} holds no certificate`);
  }
  const findings: Finding[] = checkIdentityCertificate(leaf);
  if (bundle.containsPrivateKey) {
    findings.push({
      severity: 'info',
      code: 'file-has-private-key',
      message:
        'the file also holds a private key: only the certificate is sent, the key stays on this machine',
    });
  }
  return {
    path: typedPath,
    absolutePath,
    pem: leaf.toString(),
    summary: summarizeCertificate(leaf),
    findings,
    moreCertificates: rest.length,
    format: bundle.format,
  };
}
