import {X509Certificate} from 'node:crypto';

const pemMarker = '-----BEGIN CERTIFICATE-----';
const base64Text = /^[A-Za-z0-9+/=\s]+$/;
/** PEM → certificate, or base64 → (DER | PEM | base64 again); the base64 step is taken at most twice. */
const maxBase64Steps = 2;

/**
 * Decodes a certificate as DPS and ARM accept it: PEM text, base64 of PEM text, base64 of DER, repeating the
 * base64 step at most twice. Throws an Error with a clear message on anything else.
 */
export function decodeCertificate(text: string): X509Certificate {
  if (typeof text !== 'string' || text.trim() === '') {
    throw new Error('The certificate is empty.');
  }
  let current = text.trim();
  for (let step = 0; ; step++) {
    if (current.includes(pemMarker)) return parsePem(current);
    if (!base64Text.test(current)) {
      throw new Error(
        step === 0
          ? 'The certificate is neither PEM text nor base64.'
          : 'The certificate decodes from base64 to something that is neither a certificate nor base64.',
      );
    }
    if (step === maxBase64Steps) {
      throw new Error(`The certificate is still base64 after ${maxBase64Steps} decoding steps.`);
    }
    const bytes = Buffer.from(current.replace(/\s+/g, ''), 'base64');
    if (bytes.length === 0) throw new Error('The certificate is empty after base64 decoding.');
    const decodedText = bytes.toString('utf8').trim();
    if (bytes[0] === 0x30) {
      // An ASN.1 SEQUENCE: DER, unless it is base64 text that happens to start with '0'.
      try {
        return new X509Certificate(bytes);
      } catch {
        if (!base64Text.test(decodedText)) {
          throw new Error(
            'The certificate decodes from base64 to DER that is not a valid X.509 certificate.',
          );
        }
      }
    }
    current = decodedText;
  }
}

function parsePem(text: string): X509Certificate {
  try {
    return new X509Certificate(text);
  } catch {
    throw new Error('The certificate PEM text does not hold a valid X.509 certificate.');
  }
}

/** Names of the usual EC curves as OpenSSL reports them, in NIST's words. */
const curveNames: Record<string, string> = {
  prime256v1: 'P-256',
  secp384r1: 'P-384',
  secp521r1: 'P-521',
};

/**
 * The key type of a certificate's public key, as people name it: "RSA 2048", "EC P-256", "Ed25519".
 * Undefined when the text is not a certificate.
 */
export function certificateKeyType(text: string): string | undefined {
  let certificate: X509Certificate;
  try {
    certificate = decodeCertificate(text);
  } catch {
    return undefined;
  }
  const key = certificate.publicKey;
  const details = key.asymmetricKeyDetails ?? {};
  switch (key.asymmetricKeyType) {
    case 'rsa':
    case 'rsa-pss':
      return details.modulusLength ? `RSA ${details.modulusLength}` : 'RSA';
    case 'ec': {
      const curve = details.namedCurve;
      return curve ? `EC ${curveNames[curve] ?? curve}` : 'EC';
    }
    case 'ed25519':
      return 'Ed25519';
    case 'ed448':
      return 'Ed448';
    default:
      return key.asymmetricKeyType?.toUpperCase();
  }
}
