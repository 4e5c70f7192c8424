import type {KeyObject} from 'node:crypto';

export type SigningHash = 'sha256' | 'sha384' | 'sha512';

/** The hash a key signs certificates with (SHA-256 for RSA, the curve's own size for EC), or undefined when it cannot sign them. */
export function signingHashFor(key: KeyObject): SigningHash | undefined {
  if (key.asymmetricKeyType === 'rsa') return 'sha256';
  if (key.asymmetricKeyType === 'ec')
    return ecdsaHashes[key.asymmetricKeyDetails?.namedCurve ?? ''];
  return undefined;
}

const ecdsaHashes: Record<string, SigningHash> = {
  prime256v1: 'sha256',
  secp384r1: 'sha384',
  secp521r1: 'sha512',
};

const webCryptoCurves: Record<string, string> = {
  prime256v1: 'P-256',
  secp384r1: 'P-384',
  secp521r1: 'P-521',
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
