import {X509Certificate} from 'node:crypto';
import {generatePrivateKey, type KeyAlgorithm} from '../../source/certs/key-pairs.js';
import {issueCertificate, type IssueRequest} from '../../source/certs/issue.js';

export type Issued = {certificatePem: string; privateKeyPem: string};

/** Issues one certificate with a fresh key (EC P-256 unless told), signed by `issuer` or self-signed. */
export async function issue(
  subject: string,
  profile: IssueRequest['profile'],
  issuer?: Issued,
  options: Partial<Omit<IssueRequest, 'subject' | 'profile' | 'issuer'>> & {
    algorithm?: KeyAlgorithm;
  } = {},
): Promise<Issued> {
  const {algorithm = 'ec-p256', ...rest} = options;
  const privateKeyPem = await generatePrivateKey(algorithm);
  const certificatePem = await issueCertificate({
    subject,
    subjectKeyPem: privateKeyPem,
    issuer,
    profile,
    validityDays: 365,
    ...rest,
  });
  return {certificatePem, privateKeyPem};
}

/** A root → intermediate → device chain of EC P-256 certificates. */
export async function ecChain(device = 'device-01') {
  const root = await issue('test-root', 'ca');
  const intermediate = await issue('test-intermediate', 'ca', root);
  const leaf = await issue(device, 'identity', intermediate);
  return {root, intermediate, leaf};
}

/** A throwaway self-signed EC CA, valid for 30 days. */
export function makeCa(subject: string): Promise<Issued> {
  return issue(subject, 'ca', undefined, {validityDays: 30});
}

/** A 30-day certificate issued by `issuer`: a device identity unless told (an intermediate CA, a verification certificate). */
export function signedBy(
  issuer: Issued,
  subject: string,
  profile: IssueRequest['profile'] = 'identity',
): Promise<Issued> {
  return issue(subject, profile, issuer, {validityDays: 30});
}

export type TestCertificates = {
  /** A self-signed CA and two device certificates it issued. */
  caPem: string;
  devicePem: string;
  otherDevicePem: string;
};

let certificates: Promise<TestCertificates> | undefined;

/** A CA and two device certificates, made once per test file. */
export function testCertificates(): Promise<TestCertificates> {
  certificates ??= (async () => {
    const ca = await makeCa('service-api-test.root.ca');
    return {
      caPem: ca.certificatePem,
      devicePem: (await signedBy(ca, 'edge-device-01')).certificatePem,
      otherDevicePem: (await signedBy(ca, 'edge-device-02')).certificatePem,
    };
  })();
  return certificates;
}

/** What DPS's info block must say about a certificate, computed independently with node's X509Certificate. */
export function expectedInfo(pem: string) {
  const certificate = new X509Certificate(pem);
  const reverse = (name: string) => name.split('\n').reverse().join(', ');
  const utc = (text: string) => new Date(text).toISOString().replace('.000Z', 'Z');
  return {
    subjectName: reverse(certificate.subject),
    sha1Thumbprint: certificate.fingerprint.replaceAll(':', ''),
    sha256Thumbprint: certificate.fingerprint256.replaceAll(':', ''),
    issuerName: reverse(certificate.issuer),
    notBeforeUtc: utc(certificate.validFrom),
    notAfterUtc: utc(certificate.validTo),
    serialNumber: certificate.serialNumber.toUpperCase(),
    version: 3,
  };
}
