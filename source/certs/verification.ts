import {X509Certificate, type KeyObject} from 'node:crypto';
import {parsePrivateKey} from './read.js';
import {CertificateReadError} from './read-errors.js';
import {generatePrivateKey, type KeyAlgorithm} from './key-pairs.js';
import {issueCertificate} from './issue.js';
import {checkValidity} from './check.js';

/** Verification certificates only prove possession once; DPS needs them for minutes, not years. */
const verificationValidityDays = 30;

/**
 * Proof of possession: checks the key matches the CA certificate, issues CN=<code> signed by the CA key,
 * verifies it against the CA before returning.
 */
export async function signVerificationCertificate(input: {
  caCertificatePem: string;
  caPrivateKeyPem: string;
  passphrase?: string;
  verificationCode: string;
  /** Default: 30 days. */
  validityDays?: number;
}): Promise<{certificatePem: string; privateKeyPem: string}> {
  const code = input.verificationCode.trim();
  if (!/^[\w.-]{1,64}$/.test(code)) {
    throw new Error(
      'the verification code must be 1-64 letters, digits, hyphens, dots or underscores, as shown by DPS',
    );
  }
  const caCertificate = new X509Certificate(input.caCertificatePem);
  if (!caCertificate.ca) {
    throw new Error(
      `"${caCertificate.subject}" is not a CA certificate (CA:false): verify the root or intermediate CA uploaded to DPS`,
    );
  }
  // A certificate signed by an expired (or not yet valid) CA does not verify against it.
  const [invalid] = checkValidity(caCertificate, new Date(), 0, 'the CA certificate');
  if (invalid?.severity === 'error') {
    throw new Error(
      `${invalid.message}, so a verification certificate it signs would not verify: ${invalid.hint}`,
    );
  }
  const caInput = readCaKey(input.caPrivateKeyPem, input.passphrase);
  if (!caCertificate.checkPrivateKey(caInput)) {
    throw new Error(
      'the private key does not match the CA certificate: use the key the CA certificate was created with',
    );
  }
  // Re-encode the CA key unencrypted in memory only, so the issuer sees a plain PKCS#8 key.
  const caPrivateKeyPem = caInput.export({type: 'pkcs8', format: 'pem'}).toString();
  const privateKeyPem = await generatePrivateKey(leafKeyAlgorithmFor(caInput));
  const certificatePem = await issueCertificate({
    subject: code,
    subjectKeyPem: privateKeyPem,
    issuer: {certificatePem: caCertificate.toString(), privateKeyPem: caPrivateKeyPem},
    profile: 'verification',
    validityDays: input.validityDays ?? verificationValidityDays,
  });

  const issued = new X509Certificate(certificatePem);
  if (!issued.checkIssued(caCertificate) || !issued.verify(caCertificate.publicKey)) {
    throw new Error('the verification certificate did not verify against the CA certificate');
  }
  return {certificatePem, privateKeyPem};
}

function readCaKey(pem: string, passphrase: string | undefined): KeyObject {
  try {
    return parsePrivateKey(Buffer.from(pem), {passphrase});
  } catch (error) {
    if (error instanceof CertificateReadError) {
      throw new CertificateReadError(error.reason, `the CA private key: ${error.message}`);
    }
    throw error;
  }
}

function leafKeyAlgorithmFor(caInput: KeyObject): KeyAlgorithm {
  return caInput.asymmetricKeyType === 'ec' ? 'ec-p256' : 'rsa-2048';
}
