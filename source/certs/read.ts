import {createPrivateKey, X509Certificate, type KeyObject} from 'node:crypto';
import {readFile, stat} from 'node:fs/promises';
import forge from 'node-forge';
import {CertificateReadError} from './read-errors.js';

/** Certificate and key files are a few kilobytes; anything this big is the wrong file. */
export const maxFileBytes = 1024 * 1024;

export type CertificateFormat = 'pem' | 'der' | 'base64-der' | 'pkcs7' | 'pkcs12';

/** The certificates found in one file, in file order, and the private key when the file also holds one. */
export type CertificateBundle = {
  format: CertificateFormat;
  certificates: X509Certificate[];
  /** True when the file also contains a private key (a PEM with a key block, a PKCS#12 with a key bag). */
  containsPrivateKey: boolean;
  /** The private key of a PKCS#12 file (decrypted with the passphrase). */
  privateKey?: KeyObject;
};

export type ReadOptions = {passphrase?: string};

const oids = {
  pkcs7SignedData: '1.2.840.113549.1.7.2',
  pkcs7Data: '1.2.840.113549.1.7.1',
};

const certificateLabels = new Set(['CERTIFICATE', 'X509 CERTIFICATE', 'TRUSTED CERTIFICATE']);
const pkcs7Labels = new Set(['PKCS7', 'CMS']);
const privateKeyLabels = new Set([
  'PRIVATE KEY',
  'RSA PRIVATE KEY',
  'EC PRIVATE KEY',
  'ENCRYPTED PRIVATE KEY',
]);

/** Reads a file holding one or more certificates, whatever its name: PEM, DER, base64 DER, PKCS#7 or PKCS#12. */
export async function readCertificateFile(
  path: string,
  options: ReadOptions = {},
): Promise<CertificateBundle> {
  return parseCertificates(await readBoundedFile(path), options);
}

/** Reads a private key file: PEM PKCS#1, PKCS#8 (also encrypted) or SEC1, DER, or the key in a PKCS#12 file. */
export async function readPrivateKeyFile(
  path: string,
  options: ReadOptions = {},
): Promise<KeyObject> {
  return parsePrivateKey(await readBoundedFile(path), options);
}

/** Reads a whole file after checking it exists, is a regular file and is not too large. */
export async function readBoundedFile(path: string): Promise<Buffer> {
  let size: number;
  try {
    const info = await stat(path);
    if (!info.isFile()) {
      const what = info.isDirectory() ? 'a folder' : 'not a regular file';
      throw new CertificateReadError('not-a-file', `${path} is ${what}: give the file itself`);
    }
    size = info.size;
  } catch (error) {
    if (error instanceof CertificateReadError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new CertificateReadError('not-found', `${path} does not exist`);
    if (code === 'ENOTDIR') {
      throw new CertificateReadError(
        'not-found',
        `${path} does not exist: a part of the path before the file name is a file, not a folder`,
      );
    }
    throw new CertificateReadError('unreadable', `${path} cannot be read (${code ?? 'error'})`);
  }
  if (size > maxFileBytes) throw tooLarge(size);
  try {
    return await readFile(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new CertificateReadError('unreadable', `${path} cannot be read (${code ?? 'error'})`);
  }
}

/** Finds the certificates in a file's bytes, sniffing the format from the content. */
export function parseCertificates(data: Uint8Array, options: ReadOptions = {}): CertificateBundle {
  const bytes = checkSize(data);
  const text = asText(bytes);
  if (text !== undefined && text.includes('-----BEGIN ')) return parsePemCertificates(text);
  const der = text === undefined ? bytes : base64Body(text);
  if (der === undefined) {
    throw new CertificateReadError(
      'no-certificate',
      'no certificate found: the file is text but has no PEM "-----BEGIN CERTIFICATE-----" block',
    );
  }
  const bundle = parseDerCertificates(der, options);
  return text === undefined || bundle.format !== 'der' ? bundle : {...bundle, format: 'base64-der'};
}

/** Finds the private key in a file's bytes: PEM (PKCS#1, PKCS#8, encrypted PKCS#8, SEC1), DER, or PKCS#12. */
export function parsePrivateKey(data: Uint8Array, options: ReadOptions = {}): KeyObject {
  const bytes = checkSize(data);
  const text = asText(bytes);
  if (text !== undefined && text.includes('-----BEGIN ')) return parsePemPrivateKey(text, options);
  const der = text === undefined ? bytes : base64Body(text);
  if (der === undefined) {
    throw new CertificateReadError(
      'no-private-key',
      'no private key found: the file is text but has no PEM "-----BEGIN PRIVATE KEY-----" block',
    );
  }
  const kind = sniffDer(der);
  if (kind === 'pkcs12') {
    const bundle = parsePkcs12(der, options);
    if (!bundle.privateKey) {
      throw new CertificateReadError(
        'no-private-key',
        'this PKCS#12 file has no private key in it',
      );
    }
    return bundle.privateKey;
  }
  if (kind === 'certificate' || kind === 'pkcs7') {
    throw new CertificateReadError(
      'no-private-key',
      'this is a certificate, not a private key: give the matching key file (…key.pem)',
    );
  }
  const key = derPrivateKey(der, options.passphrase);
  if (key) return key;
  if (options.passphrase !== undefined && isDerPrivateKey(der)) {
    throw new CertificateReadError(
      'wrong-passphrase',
      'the private key could not be decrypted: wrong passphrase?',
    );
  }
  throw new CertificateReadError(
    'no-private-key',
    'no private key found: expected a PEM or DER private key (PKCS#1, PKCS#8 or SEC1) or a PKCS#12 file',
  );
}

function checkSize(data: Uint8Array): Buffer {
  const bytes = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  if (bytes.length > maxFileBytes) throw tooLarge(bytes.length);
  if (bytes.toString('latin1').trim() === '') {
    throw new CertificateReadError('empty', 'the file is empty');
  }
  return bytes;
}

function tooLarge(size: number) {
  return new CertificateReadError(
    'too-large',
    `the file is ${size} bytes; certificate and key files are at most ${maxFileBytes} bytes: is this the right file?`,
  );
}

/** The content as text when it is printable ASCII/UTF-8 (PEM or base64), undefined for binary data. */
function asText(bytes: Buffer): string | undefined {
  const text = bytes.toString('utf8');
  return /^[\x09\x0a\x0d\x20-\x7e\u00a0-\uffff]*$/.test(text) && !text.includes('\ufffd')
    ? text.replace(/^\ufeff/, '')
    : undefined;
}

/** Decodes a header-less base64 body (what some tools write to a .cer file); undefined when it is not base64. */
function base64Body(text: string): Buffer | undefined {
  const compact = text.replace(/\s+/g, '');
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(compact) || compact.length % 4 !== 0) return undefined;
  const decoded = Buffer.from(compact, 'base64');
  return decoded[0] === 0x30 ? decoded : undefined;
}

type PemBlock = {label: string; body: Buffer; text: string; encrypted: boolean};

const beginMarker = '-----BEGIN ';
const endMarker = '-----END ';
const dashes = '-----';
/** Longer than any PEM label ("ENCRYPTED PRIVATE KEY", "X509 CERTIFICATE", "CERTIFICATE REQUEST"). */
const maxLabelLength = 64;
const labelPattern = /^[A-Z0-9 ]+$/;

/** The label of a "-----BEGIN LABEL-----" or "-----END LABEL-----" marker starting at `at`, and where it ends. */
function markerLabel(text: string, at: number, marker: string) {
  const start = at + marker.length;
  const close = text.indexOf(dashes, start);
  if (close < 0 || close - start > maxLabelLength) return undefined;
  const label = text.slice(start, close);
  return labelPattern.test(label) ? {label, end: close + dashes.length} : undefined;
}

/**
 * The PEM blocks of a text, in order: each BEGIN with the first END of the same label after it (text
 * between blocks is ignored, as OpenSSL does). One pass over the markers, so a file of BEGIN lines that
 * never end takes linear time: the END markers are indexed first, and each label's next END is found by a
 * cursor that only moves forward.
 */
function pemBlocks(text: string): PemBlock[] {
  const ends = new Map<string, {positions: number[]; next: number}>();
  for (let at = text.indexOf(endMarker); at >= 0; at = text.indexOf(endMarker, at + 1)) {
    const marker = markerLabel(text, at, endMarker);
    if (!marker) continue;
    const entry = ends.get(marker.label) ?? {positions: [], next: 0};
    entry.positions.push(at);
    ends.set(marker.label, entry);
  }
  const blocks: PemBlock[] = [];
  let from = 0;
  for (let at = text.indexOf(beginMarker); at >= 0; at = text.indexOf(beginMarker, from)) {
    from = at + 1;
    const begin = markerLabel(text, at, beginMarker);
    const entry = begin && ends.get(begin.label);
    if (!begin || !entry) continue;
    while (entry.next < entry.positions.length && entry.positions[entry.next]! < begin.end) {
      entry.next += 1;
    }
    const end = entry.positions[entry.next];
    if (end === undefined) continue;
    const blockEnd = end + endMarker.length + begin.label.length + dashes.length;
    blocks.push(pemBlock(begin.label, text.slice(begin.end, end), text.slice(at, blockEnd)));
    from = blockEnd;
  }
  return blocks;
}

function pemBlock(label: string, inside: string, text: string): PemBlock {
  const lines = inside.split(/\r?\n/);
  const encryptedHeader = lines.some(
    (line) => line.trimStart().startsWith('Proc-Type:') && line.includes('ENCRYPTED'),
  );
  const body = lines
    .filter((line) => !line.includes(':'))
    .join('')
    .replace(/\s+/g, '');
  return {
    label,
    body: Buffer.from(body, 'base64'),
    text,
    encrypted: encryptedHeader || label === 'ENCRYPTED PRIVATE KEY',
  };
}

function parsePemCertificates(text: string): CertificateBundle {
  const blocks = pemBlocks(text);
  const certificates: X509Certificate[] = [];
  let containsPrivateKey = false;
  blocks.forEach((block, index) => {
    if (certificateLabels.has(block.label)) {
      certificates.push(derCertificate(block.body, `PEM block ${index + 1} (${block.label})`));
    } else if (pkcs7Labels.has(block.label)) {
      certificates.push(...pkcs7Certificates(block.body));
    } else if (privateKeyLabels.has(block.label)) {
      containsPrivateKey = true;
    }
  });
  if (certificates.length > 0) {
    const onlyPkcs7 = blocks.every((block) => !certificateLabels.has(block.label));
    return {format: onlyPkcs7 ? 'pkcs7' : 'pem', certificates, containsPrivateKey};
  }
  if (containsPrivateKey) throw privateKeyInsteadOfCertificate();
  const labels = [...new Set(blocks.map((block) => block.label))];
  if (labels.some((label) => label.includes('CERTIFICATE REQUEST'))) {
    throw new CertificateReadError(
      'unsupported',
      'this is a certificate signing request (CSR), not a certificate: give the certificate issued from it',
    );
  }
  if (labels.includes('PUBLIC KEY') || labels.includes('RSA PUBLIC KEY')) {
    throw new CertificateReadError(
      'unsupported',
      'this is a bare public key, not a certificate: give the certificate (…cert.pem)',
    );
  }
  throw new CertificateReadError(
    'no-certificate',
    labels.length > 0
      ? `no certificate found: the file has PEM blocks of type ${labels.join(', ')} but no CERTIFICATE`
      : 'no certificate found: the PEM block is not complete (missing its -----END line?)',
  );
}

function privateKeyInsteadOfCertificate() {
  return new CertificateReadError(
    'private-key',
    'this is a private key, not a certificate: give the certificate (…cert.pem) and keep the key private',
  );
}

function derCertificate(der: Buffer, where: string): X509Certificate {
  try {
    const certificate = new X509Certificate(der);
    // OpenSSL parses some damaged certificates lazily: decode the parts every check needs now.
    void [
      certificate.publicKey,
      certificate.subject,
      certificate.issuer,
      certificate.fingerprint256,
      certificate.subjectAltName,
    ];
    return certificate;
  } catch {
    throw new CertificateReadError(
      'malformed',
      `${where} is not a valid certificate (damaged or truncated)`,
    );
  }
}

type DerKind = 'certificate' | 'pkcs7' | 'pkcs12' | 'other';

/** Tells certificates, PKCS#7 and PKCS#12 apart by their ASN.1 structure. */
function sniffDer(der: Buffer): DerKind {
  const root = parseAsn1(der);
  if (!root || !Array.isArray(root.value)) return 'other';
  const [first, second] = root.value;
  if (!first) return 'other';
  if (first.type === forge.asn1.Type.OID && typeof first.value === 'string') {
    return forge.asn1.derToOid(first.value) === oids.pkcs7SignedData ? 'pkcs7' : 'other';
  }
  if (
    first.type === forge.asn1.Type.INTEGER &&
    first.value === '\x03' &&
    second?.type === forge.asn1.Type.SEQUENCE
  ) {
    return 'pkcs12';
  }
  const third = root.value[2];
  if (
    first.type === forge.asn1.Type.SEQUENCE &&
    second?.type === forge.asn1.Type.SEQUENCE &&
    third?.type === forge.asn1.Type.BITSTRING
  ) {
    return 'certificate';
  }
  return 'other';
}

function parseAsn1(der: Buffer): forge.asn1.Asn1 | undefined {
  try {
    return forge.asn1.fromDer(der.toString('binary'), {
      strict: true,
      parseAllBytes: false,
      decodeBitStrings: false,
    } as unknown as boolean);
  } catch {
    return undefined;
  }
}

function parseDerCertificates(der: Buffer, options: ReadOptions): CertificateBundle {
  switch (sniffDer(der)) {
    case 'certificate':
      return {
        format: 'der',
        certificates: [derCertificate(der, 'the DER certificate')],
        containsPrivateKey: false,
      };
    case 'pkcs7':
      return {format: 'pkcs7', certificates: pkcs7Certificates(der), containsPrivateKey: false};
    case 'pkcs12': {
      const bundle = parsePkcs12(der, options);
      if (bundle.certificates.length === 0) {
        throw new CertificateReadError(
          'no-certificate',
          'this PKCS#12 file has no certificate in it',
        );
      }
      return bundle;
    }
    default:
      if (isDerPrivateKey(der)) throw privateKeyInsteadOfCertificate();
      throw new CertificateReadError(
        'no-certificate',
        'no certificate found: the file is neither PEM, DER, PKCS#7 (.p7b) nor PKCS#12 (.pfx)',
      );
  }
}

/** The certificates of a PKCS#7 SignedData (a .p7b "certificate chain" file). */
function pkcs7Certificates(der: Buffer): X509Certificate[] {
  const malformed = () =>
    new CertificateReadError('malformed', 'the PKCS#7 (.p7b) data is damaged or truncated');
  const root = parseAsn1(der);
  const content = asn1Children(root)?.[1];
  const signedData = asn1Children(asn1Children(content)?.[0]);
  if (!signedData) throw malformed();
  const certificateSet = signedData.find(
    (child) => child.tagClass === forge.asn1.Class.CONTEXT_SPECIFIC && child.type === 0,
  );
  const certificates = (asn1Children(certificateSet) ?? []).map((child, index) =>
    derCertificate(
      Buffer.from(forge.asn1.toDer(child).getBytes(), 'binary'),
      `certificate ${index + 1} of the PKCS#7 file`,
    ),
  );
  if (certificates.length === 0) {
    throw new CertificateReadError(
      'no-certificate',
      'this PKCS#7 (.p7b) file has no certificate in it',
    );
  }
  return certificates;
}

function asn1Children(node: forge.asn1.Asn1 | undefined): forge.asn1.Asn1[] | undefined {
  return node && Array.isArray(node.value) ? node.value : undefined;
}

type Pkcs12Bag = {
  cert?: forge.pki.Certificate | null;
  key?: forge.pki.PrivateKey | null;
  asn1?: forge.asn1.Asn1;
};

/** Certificates and the key of a PKCS#12 (.pfx/.p12) file, decrypted with the passphrase (default: empty). */
function parsePkcs12(der: Buffer, options: ReadOptions): CertificateBundle {
  const asn1 = parseAsn1(der);
  let pkcs12: forge.pkcs12.Pkcs12Pfx;
  try {
    if (!asn1) throw new Error('not ASN.1');
    pkcs12 = forge.pkcs12.pkcs12FromAsn1(asn1, true, options.passphrase ?? '');
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    if (/MAC could not be verified|wrong password|Invalid password/i.test(message)) {
      throw options.passphrase === undefined
        ? new CertificateReadError(
            'passphrase-required',
            'this PKCS#12 file is protected by a passphrase: give it with --passphrase-file',
          )
        : new CertificateReadError('wrong-passphrase', 'the PKCS#12 passphrase is wrong');
    }
    if (/unsupported|not supported/i.test(message)) {
      throw new CertificateReadError(
        'unsupported',
        'this PKCS#12 file uses an encryption this tool cannot read: convert it with "openssl pkcs12 -in FILE -nodes"',
      );
    }
    throw new CertificateReadError('malformed', 'the PKCS#12 (.pfx) data is damaged or truncated');
  }
  const certificates: X509Certificate[] = [];
  let privateKey: KeyObject | undefined;
  let containsPrivateKey = false;
  try {
    for (const content of pkcs12.safeContents) {
      for (const bag of content.safeBags as Pkcs12Bag[]) {
        if (bag.cert !== undefined) {
          const certAsn1 = bag.cert ? forge.pki.certificateToAsn1(bag.cert) : bag.asn1;
          if (certAsn1)
            certificates.push(derCertificate(asn1Der(certAsn1), 'a PKCS#12 certificate'));
        } else if (bag.key !== undefined) {
          containsPrivateKey = true;
          const keyInfo = bag.key
            ? forge.pki.wrapRsaPrivateKey(forge.pki.privateKeyToAsn1(bag.key))
            : bag.asn1;
          if (keyInfo && !privateKey) {
            privateKey = createPrivateKey({key: asn1Der(keyInfo), format: 'der', type: 'pkcs8'});
          }
        }
      }
    }
  } catch (error) {
    if (error instanceof CertificateReadError) throw error;
    throw new CertificateReadError('malformed', 'the PKCS#12 (.pfx) contents are damaged');
  }
  return {format: 'pkcs12', certificates, containsPrivateKey, privateKey};
}

function asn1Der(node: forge.asn1.Asn1): Buffer {
  return Buffer.from(forge.asn1.toDer(node).getBytes(), 'binary');
}

function parsePemPrivateKey(text: string, options: ReadOptions): KeyObject {
  const blocks = pemBlocks(text);
  const block = blocks.find((candidate) => privateKeyLabels.has(candidate.label));
  if (!block) {
    if (blocks.some(({label}) => certificateLabels.has(label) || pkcs7Labels.has(label))) {
      throw new CertificateReadError(
        'no-private-key',
        'this is a certificate, not a private key: give the matching key file (…key.pem)',
      );
    }
    throw new CertificateReadError(
      'no-private-key',
      'no private key found: expected a PEM block such as "-----BEGIN PRIVATE KEY-----"',
    );
  }
  if (block.encrypted && options.passphrase === undefined) {
    throw new CertificateReadError(
      'passphrase-required',
      'the private key is encrypted: give its passphrase with --passphrase-file',
    );
  }
  try {
    return createPrivateKey(
      block.encrypted
        ? {key: block.text, format: 'pem', passphrase: options.passphrase}
        : block.text,
    );
  } catch {
    if (block.encrypted) {
      throw new CertificateReadError(
        'wrong-passphrase',
        'the private key could not be decrypted: wrong passphrase?',
      );
    }
    throw new CertificateReadError(
      'malformed',
      `the ${block.label} block is not a valid private key (damaged or truncated)`,
    );
  }
}

/** Tries the DER private key encodings; undefined when the bytes are none of them. */
function derPrivateKey(der: Buffer, passphrase: string | undefined): KeyObject | undefined {
  for (const type of ['pkcs8', 'pkcs1', 'sec1'] as const) {
    try {
      return createPrivateKey({key: der, format: 'der', type, passphrase});
    } catch (error) {
      if ((error as {code?: string}).code === 'ERR_MISSING_PASSPHRASE') {
        throw new CertificateReadError(
          'passphrase-required',
          'the private key is encrypted: give its passphrase with --passphrase-file',
        );
      }
    }
  }
  return undefined;
}

/** True when the bytes are a DER private key, encrypted or not. */
function isDerPrivateKey(der: Buffer): boolean {
  try {
    return derPrivateKey(der, undefined) !== undefined;
  } catch (error) {
    return error instanceof CertificateReadError;
  }
}
