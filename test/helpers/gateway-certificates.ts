import {generatePrivateKey} from '../../source/certs/keys.js';
import {issueCertificate} from '../../source/certs/issue.js';

export type KeyPair = {certificatePem: string; privateKeyPem: string};

/** A self-signed CA (EC P-256: fast to make). */
export async function makeCa(subject: string): Promise<KeyPair> {
  const privateKeyPem = await generatePrivateKey('ec-p256');
  const certificatePem = await issueCertificate({
    subject,
    subjectKeyPem: privateKeyPem,
    profile: 'ca',
    validityDays: 30,
  });
  return {certificatePem, privateKeyPem};
}

/** A certificate issued by `issuer` (a device identity, an intermediate CA or a verification certificate). */
export async function issue(
  subject: string,
  issuer: KeyPair,
  profile: 'ca' | 'identity' | 'verification' = 'identity',
): Promise<KeyPair> {
  const privateKeyPem = await generatePrivateKey('ec-p256');
  const certificatePem = await issueCertificate({
    subject,
    subjectKeyPem: privateKeyPem,
    issuer,
    profile,
    validityDays: 30,
  });
  return {certificatePem, privateKeyPem};
}
