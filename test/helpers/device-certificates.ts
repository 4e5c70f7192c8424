import {mkdir, mkdtemp, writeFile} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {issueCertificate} from '../../source/certs/issue.js';
import {generatePrivateKey} from '../../source/certs/key-pairs.js';
import type {Issued} from './test-certificates.js';

export type DeviceFolder = {
  folder: string;
  ca: Issued;
  /** The registration IDs (certificate CNs), in order. */
  ids: string[];
};

/**
 * A temporary folder with `count` device identity certificates (EC P-256) issued by one CA, named
 * `<prefix>-0001.cert.pem` ..., plus the CA certificate and a key file, as a certificate folder usually
 * holds. The devices share one key pair: the checks look at each certificate, and issuing stays fast.
 */
export async function deviceFolder(
  count: number,
  options: {prefix?: string; folder?: string; validityDays?: number} = {},
): Promise<DeviceFolder> {
  const prefix = options.prefix ?? 'bulk-device';
  const folder = options.folder ?? (await mkdtemp(join(tmpdir(), 'dps-bulk-')));
  await mkdir(join(folder, 'devices'), {recursive: true});
  const caKey = await generatePrivateKey('ec-p256');
  const ca: Issued = {
    privateKeyPem: caKey,
    certificatePem: await issueCertificate({
      subject: `${prefix}-test-only.root.ca`,
      subjectKeyPem: caKey,
      profile: 'ca',
      validityDays: 30,
    }),
  };
  const deviceKey = await generatePrivateKey('ec-p256');
  await writeFile(join(folder, 'root.ca.cert.pem'), ca.certificatePem);
  await writeFile(join(folder, 'devices', 'shared.key.pem'), deviceKey, {mode: 0o600});
  const width = String(count).length;
  const ids = Array.from(
    {length: count},
    (_, index) => `${prefix}-${String(index + 1).padStart(width, '0')}`,
  );
  for (const id of ids) {
    const pem = await issueCertificate({
      subject: id,
      subjectKeyPem: deviceKey,
      issuer: ca,
      profile: 'identity',
      validityDays: options.validityDays ?? 365,
    });
    await writeFile(join(folder, 'devices', `${id}.cert.pem`), pem);
  }
  return {folder, ca, ids};
}
