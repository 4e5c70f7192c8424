import {generatePrivateKey, type KeyAlgorithm} from '../../source/certs/keys.js';
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
