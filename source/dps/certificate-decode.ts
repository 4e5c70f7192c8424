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
