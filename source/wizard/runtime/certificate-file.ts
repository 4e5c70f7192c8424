import type {X509Certificate} from 'node:crypto';
import {checkCaCertificate, checkIdentityCertificate, checkValidity} from '../../certs/check.js';
import type {Finding} from '../../certs/findings.js';
import {summarizeCertificate} from '../../certs/inspect.js';
import {readCertificateFile} from '../../certs/read.js';
import {CertificateReadError} from '../../certs/read-errors.js';
import type {CertificatePurpose, LoadedCertificate} from '../shared/types.js';

/**
 * Reads a certificate file and runs the checks of its purpose on its first certificate: a device identity,
 * a CA (a private key in the file is refused: it must not be handed around with the certificate), or any
 * certificate (validity only).
 */
export async function readCertificateFor(
  purpose: CertificatePurpose,
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
  const findings: Finding[] = checksFor(purpose, leaf);
  if (bundle.containsPrivateKey && purpose === 'ca') {
    findings.push({
      severity: 'error',
      code: 'file-has-private-key',
      message: `${typedPath} also holds a private key: a CA's key is never uploaded`,
      hint: 'give the file with the CA certificate only (e.g. certs/…root.ca.cert.pem, not a .pfx or a combined PEM)',
    });
  } else if (bundle.containsPrivateKey) {
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
    chainPems: rest.map((certificate) => certificate.toString()),
    format: bundle.format,
  };
}

function checksFor(purpose: CertificatePurpose, leaf: X509Certificate): Finding[] {
  switch (purpose) {
    case 'identity':
      return checkIdentityCertificate(leaf);
    case 'ca':
      return checkCaCertificate(leaf);
    case 'any':
      return checkValidity(leaf, new Date(), 0, 'the certificate');
  }
}
