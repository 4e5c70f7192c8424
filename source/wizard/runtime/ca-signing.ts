import {X509Certificate} from 'node:crypto';
import {checkKeyMatches} from '../../certs/check.js';
import {hasErrors} from '../../certs/findings.js';
import {readPrivateKeyFile} from '../../certs/read.js';
import {CertificateReadError} from '../../certs/read-errors.js';
import {describeKey} from '../../certs/signing-key.js';
import {signVerificationCertificate} from '../../certs/verification.js';
import {readCertificateFor} from './certificate-file.js';
import type {SigningOutcome, SigningRequest} from '../shared/services.js';
import type {LoadedCertificate} from '../shared/types.js';

/**
 * Proof of possession on this machine: the CA's private key is read, checked against the CA certificate and
 * used to sign here, and never leaves this module (only the verification certificate, public, comes back).
 */

/** Reads the key, checks it matches the CA certificate, then signs CN=<code> with it. */
export async function signWithCaKey(
  request: SigningRequest,
  absoluteKeyPath: string,
): Promise<SigningOutcome> {
  let key;
  try {
    key = await readPrivateKeyFile(
      absoluteKeyPath,
      request.passphrase === undefined ? {} : {passphrase: request.passphrase},
    );
  } catch (error) {
    if (error instanceof CertificateReadError) {
      if (error.reason === 'passphrase-required') return {outcome: 'passphrase-required'};
      if (error.reason === 'wrong-passphrase') {
        return {
          outcome: 'wrong-passphrase',
          message: `the passphrase does not open ${request.keyPath}: type it again`,
        };
      }
      // Some messages name the file already (as an absolute path): it is said once.
      const named = error.message.includes(absoluteKeyPath);
      return {
        outcome: 'key-problem',
        message: named ? error.message : `${request.keyPath}: ${error.message}`,
      };
    }
    throw error;
  }
  const ca = new X509Certificate(request.caCertificatePem);
  if (hasErrors(checkKeyMatches(ca, key))) {
    const keyKind = describeKey(key);
    const caKind = describeKey(ca.publicKey);
    // Two keys of one kind differ only in their pair: "RSA 4096 vs RSA 4096" would read as a match.
    const kinds = keyKind === caKind ? `another ${keyKind} key pair` : `${keyKind} vs ${caKind}`;
    return {
      outcome: 'key-problem',
      message: `this key does not match CA '${request.caName}' (${kinds}): choose the key file created with that CA certificate; nothing was uploaded`,
    };
  }
  // The key goes to the signer unencrypted in memory only.
  const {certificatePem} = await signVerificationCertificate({
    caCertificatePem: request.caCertificatePem,
    caPrivateKeyPem: key.export({type: 'pkcs8', format: 'pem'}).toString(),
    verificationCode: request.verificationCode,
  });
  return {outcome: 'signed', certificatePem};
}

/**
 * Reads a verification certificate signed elsewhere and checks what DPS will check: CN = the current code,
 * signed by the CA's key, valid now. A problem is returned in words; the certificate is returned either way.
 */
export async function checkVerificationFile(
  request: {path: string; caCertificatePem: string; verificationCode: string},
  absolutePath: string,
): Promise<{certificate: LoadedCertificate; problem?: string}> {
  const certificate = await readCertificateFor('any', request.path, absolutePath);
  const problem = verificationProblem(certificate, request);
  return problem ? {certificate, problem} : {certificate};
}

function verificationProblem(
  certificate: LoadedCertificate,
  request: {caCertificatePem: string; verificationCode: string},
): string | undefined {
  const code = request.verificationCode;
  const commonName = certificate.summary.commonName;
  if (commonName?.toLowerCase() !== code.toLowerCase()) {
    return `its CN is '${commonName ?? '(none)'}', not the current verification code: sign a certificate with CN=${code}`;
  }
  const ca = new X509Certificate(request.caCertificatePem);
  const proof = new X509Certificate(certificate.pem);
  let signed = false;
  try {
    signed = proof.checkIssued(ca) && proof.verify(ca.publicKey);
  } catch {
    signed = false;
  }
  if (!signed) {
    const caSubject = ca.subject.split('\n').reverse().join(', ');
    // A test chain made again has a root of the same name: only the key tells them apart.
    if (proof.issuer === ca.subject) {
      return `it names '${caSubject}' as its issuer but was signed with another key (another CA of the same name?): sign it with the private key of the CA certificate uploaded to DPS`;
    }
    return `it was not signed by the CA '${caSubject}' (issuer: ${certificate.summary.issuer}): sign it with that CA's private key`;
  }
  const invalid = certificate.findings.find((finding) => finding.severity === 'error');
  if (invalid) return invalid.message;
  return undefined;
}
