import {generateKeyPair} from 'node:crypto';

export type KeyAlgorithm = 'rsa-2048' | 'rsa-4096' | 'ec-p256';

/** Generates a private key asynchronously (never blocks the event loop); PKCS#8 PEM, unencrypted. */
export function generatePrivateKey(algorithm: KeyAlgorithm): Promise<string> {
  return new Promise((resolve, reject) => {
    const done = (error: Error | null, _publicKey: string, privateKey: string) =>
      error ? reject(error) : resolve(privateKey);
    const encoding = {
      publicKeyEncoding: {type: 'spki', format: 'pem'},
      privateKeyEncoding: {type: 'pkcs8', format: 'pem'},
    } as const;
    switch (algorithm) {
      case 'rsa-2048':
      case 'rsa-4096':
        generateKeyPair(
          'rsa',
          {modulusLength: algorithm === 'rsa-2048' ? 2048 : 4096, ...encoding},
          done,
        );
        return;
      case 'ec-p256':
        generateKeyPair('ec', {namedCurve: 'prime256v1', ...encoding}, done);
        return;
      default:
        reject(new Error(`unknown key algorithm "${String(algorithm)}"`));
    }
  });
}
