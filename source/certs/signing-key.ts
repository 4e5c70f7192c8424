import {createPublicKey, webcrypto, type KeyObject} from 'node:crypto';

/** The WebCrypto algorithm that signs with a key, or undefined when the key type cannot issue certificates. */
export function signingAlgorithmFor(
  key: KeyObject,
): webcrypto.RsaHashedImportParams | webcrypto.EcKeyImportParams | undefined {
  if (key.asymmetricKeyType === 'rsa') return {name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256'};
  if (key.asymmetricKeyType === 'ec') {
    const curve = webCryptoCurves[key.asymmetricKeyDetails?.namedCurve ?? ''];
    if (curve) return {name: 'ECDSA', namedCurve: curve};
  }
  return undefined;
}

const webCryptoCurves: Record<string, string> = {
  prime256v1: 'P-256',
  secp384r1: 'P-384',
  secp521r1: 'P-521',
};

const ecdsaHashes: Record<string, string> = {
  'P-256': 'SHA-256',
  'P-384': 'SHA-384',
  'P-521': 'SHA-512',
};

/** A short description of a key's type, for error messages and summaries: "RSA 2048", "EC P-256 (prime256v1)". */
export function describeKey(key: KeyObject): string {
  const details = key.asymmetricKeyDetails;
  if (key.asymmetricKeyType === 'rsa' || key.asymmetricKeyType === 'rsa-pss') {
    return `${key.asymmetricKeyType.toUpperCase()} ${details?.modulusLength ?? '?'}`;
  }
  if (key.asymmetricKeyType === 'ec') {
    const curve = details?.namedCurve ?? 'unknown curve';
    const web = webCryptoCurves[curve];
    return web ? `EC ${web} (${curve})` : `EC ${curve}`;
  }
  return (key.asymmetricKeyType ?? 'unknown').toUpperCase();
}

/** Imports a Node private key as a WebCrypto signing key, with the signature algorithm to use. */
export async function importSigningKey(privateKey: KeyObject) {
  const algorithm = signingAlgorithmFor(privateKey);
  if (!algorithm) {
    throw new Error(
      `certificates cannot be signed with this ${describeKey(privateKey)} key: use an RSA or EC P-256/P-384/P-521 key`,
    );
  }
  const der = privateKey.export({type: 'pkcs8', format: 'der'});
  const signingKey = await webcrypto.subtle.importKey('pkcs8', der, algorithm, false, ['sign']);
  const signingAlgorithm =
    algorithm.name === 'ECDSA'
      ? {name: 'ECDSA', hash: ecdsaHashes[(algorithm as webcrypto.EcKeyImportParams).namedCurve]}
      : {name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256'};
  return {signingKey, signingAlgorithm};
}

/** The public half of a private key as WebCrypto-free DER (SubjectPublicKeyInfo). */
export function publicKeyDer(privateKey: KeyObject): Buffer {
  return createPublicKey(privateKey).export({type: 'spki', format: 'der'});
}
