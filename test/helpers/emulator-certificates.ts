import {generatePrivateKey} from '../../source/certs/keys.js';
import {issueCertificate} from '../../source/certs/issue.js';

export type TestCa = {certificatePem: string; privateKeyPem: string};

/** A throwaway EC CA with the given common name. */
export async function createTestCa(subject = 'emulator-test-root'): Promise<TestCa> {
  const privateKeyPem = await generatePrivateKey('ec-p256');
  const certificatePem = await issueCertificate({
    subject,
    subjectKeyPem: privateKeyPem,
    profile: 'ca',
    validityDays: 30,
  });
  return {certificatePem, privateKeyPem};
}

/** A device (leaf) certificate issued by `ca`. */
export async function issueDeviceCertificate(ca: TestCa, subject: string): Promise<string> {
  return issueCertificate({
    subject,
    subjectKeyPem: await generatePrivateKey('ec-p256'),
    issuer: ca,
    profile: 'identity',
    validityDays: 30,
  });
}
