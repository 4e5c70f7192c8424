/** Why a certificate or key file could not be read. Each reason has its own message; none contains key material. */
export type ReadErrorReason =
  | 'not-found'
  | 'unreadable'
  | 'not-a-file'
  | 'too-large'
  | 'empty'
  | 'private-key'
  | 'no-certificate'
  | 'no-private-key'
  | 'passphrase-required'
  | 'wrong-passphrase'
  | 'unsupported'
  | 'malformed';

/** A certificate or key file that cannot be used, with a message that says what to do about it. */
export class CertificateReadError extends Error {
  override name = 'CertificateReadError';
  constructor(
    readonly reason: ReadErrorReason,
    message: string,
  ) {
    super(message);
  }
}
