import type {KeyObject, X509Certificate} from 'node:crypto';
import {readFile} from 'node:fs/promises';
import {CertificateReadError} from '../certs/read-errors.js';

// What the certs subcommands share: JSON output, passphrase files, file names in read errors.

export function printJson(value: unknown) {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

/** A passphrase from a file: its first line, without the line ending. */
export async function readPassphrase(path: string | undefined): Promise<string | undefined> {
  if (path === undefined) return undefined;
  let contents: string;
  try {
    contents = await readFile(path, 'utf8');
  } catch (error) {
    throw new Error(
      `the passphrase file ${path} cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'})`,
    );
  }
  return contents.split(/\r?\n/)[0] ?? '';
}

/** Adds the file name to read errors, which describe the content only. */
export async function withFileName<T>(
  flag: string,
  path: string,
  read: () => Promise<T>,
): Promise<T> {
  try {
    return await read();
  } catch (error) {
    if (error instanceof CertificateReadError && !error.message.startsWith(path)) {
      throw new CertificateReadError(error.reason, `${flag}${path}: ${error.message}`);
    }
    throw error;
  }
}

/** Whether the key belongs to the certificate; false for a key of another type rather than an error. */
export function safeCheckPrivateKey(certificate: X509Certificate, key: KeyObject): boolean {
  try {
    return certificate.checkPrivateKey(key);
  } catch {
    return false;
  }
}
