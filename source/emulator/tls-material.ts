import {createPrivateKey, X509Certificate} from 'node:crypto';
import {chmod, mkdtemp, readFile, rm, writeFile} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {issueCertificate} from '../certs/issue.js';
import {generatePrivateKey} from '../certs/key-pairs.js';
import {writeFileAtomic} from './files.js';

/** The sandbox CA and the server certificate it signed; caCertFile is an absolute path. */
export type TlsMaterial = {
  caCertificatePem: string;
  serverCertificatePem: string;
  serverPrivateKeyPem: string;
  caCertFile: string;
  /** Removes anything temporary (in-memory mode writes the CA certificate to a temporary folder). */
  dispose(): Promise<void>;
};

export const caCertFileName = 'ca.cert.pem';
const caKeyFileName = 'ca.key.pem';
const serverCertFileName = 'server.cert.pem';
const serverKeyFileName = 'server.key.pem';

const caValidityDays = 3650;
const serverValidityDays = 397;
/** Reissue the server certificate when it has less than this left. */
const renewBeforeDays = 30;
const dayMs = 24 * 60 * 60 * 1000;

/** Server certificate names: loopback always, plus a specific --host address. */
export function serverNames(host: string): {dns: string[]; ip: string[]} {
  const dns = ['localhost'];
  const ip = ['127.0.0.1', '::1'];
  const wildcard = host === '0.0.0.0' || host === '::' || host === '';
  if (!wildcard && !dns.includes(host) && !ip.includes(host)) {
    if (/^[\d.]+$/.test(host) || host.includes(':')) ip.push(host);
    else dns.push(host);
  }
  return {dns, ip};
}

/**
 * Loads the sandbox CA and server certificate from the state folder, creating what is missing (keys 0600).
 * The CA is kept as long as it is valid, so clients that trust it keep working; the server certificate is
 * reissued when it nears expiry or does not cover the names asked for.
 */
export async function loadOrCreateTlsMaterial(
  stateDir: string,
  names: {dns: string[]; ip: string[]},
): Promise<TlsMaterial> {
  const path = (name: string) => join(stateDir, name);
  let ca = await readPair(path(caCertFileName), path(caKeyFileName));
  if (!ca || !stillValid(ca.certificatePem, renewBeforeDays)) {
    ca = await createCa();
    await writeFileAtomic(path(caKeyFileName), ca.privateKeyPem, 0o600);
    await writeFileAtomic(path(caCertFileName), ca.certificatePem, 0o644);
  }
  let server = await readPair(path(serverCertFileName), path(serverKeyFileName));
  if (!server || !serverCertificateFits(server.certificatePem, ca.certificatePem, names)) {
    server = await createServer(ca, names);
    await writeFileAtomic(path(serverKeyFileName), server.privateKeyPem, 0o600);
    await writeFileAtomic(path(serverCertFileName), server.certificatePem, 0o644);
  }
  return {
    caCertificatePem: ca.certificatePem,
    serverCertificatePem: server.certificatePem,
    serverPrivateKeyPem: server.privateKeyPem,
    caCertFile: path(caCertFileName),
    dispose: async () => {},
  };
}

/** Fresh TLS material kept in memory; only the CA certificate is written, to a temporary folder. */
export async function createInMemoryTlsMaterial(names: {
  dns: string[];
  ip: string[];
}): Promise<TlsMaterial> {
  const ca = await createCa();
  const server = await createServer(ca, names);
  const folder = await mkdtemp(join(tmpdir(), 'dps-enroll-sandbox-'));
  const caCertFile = join(folder, caCertFileName);
  await writeFile(caCertFile, ca.certificatePem, {mode: 0o644});
  return {
    caCertificatePem: ca.certificatePem,
    serverCertificatePem: server.certificatePem,
    serverPrivateKeyPem: server.privateKeyPem,
    caCertFile,
    dispose: () => rm(folder, {recursive: true, force: true}),
  };
}

type Pair = {certificatePem: string; privateKeyPem: string};

async function createCa(): Promise<Pair> {
  const privateKeyPem = await generatePrivateKey('ec-p256');
  const certificatePem = await issueCertificate({
    subject: 'dps-enroll sandbox CA',
    subjectKeyPem: privateKeyPem,
    profile: 'ca',
    validityDays: caValidityDays,
    pathLength: 0,
  });
  return {certificatePem, privateKeyPem};
}

async function createServer(ca: Pair, names: {dns: string[]; ip: string[]}): Promise<Pair> {
  const privateKeyPem = await generatePrivateKey('ec-p256');
  const certificatePem = await issueCertificate({
    subject: 'localhost',
    subjectKeyPem: privateKeyPem,
    issuer: ca,
    profile: 'server',
    validityDays: serverValidityDays,
    subjectAltNames: names,
  });
  return {certificatePem, privateKeyPem};
}

async function readPair(certificatePath: string, keyPath: string): Promise<Pair | undefined> {
  try {
    const [certificatePem, privateKeyPem] = await Promise.all([
      readFile(certificatePath, 'utf8'),
      readFile(keyPath, 'utf8'),
    ]);
    const certificate = new X509Certificate(certificatePem);
    if (!certificate.checkPrivateKey(createPrivateKey(privateKeyPem))) return undefined;
    await chmod(keyPath, 0o600);
    return {certificatePem, privateKeyPem};
  } catch {
    return undefined; // missing or unreadable: make a new pair
  }
}

function stillValid(certificatePem: string, marginDays: number): boolean {
  const certificate = new X509Certificate(certificatePem);
  const now = Date.now();
  return (
    Date.parse(certificate.validFrom) <= now &&
    Date.parse(certificate.validTo) - marginDays * dayMs > now
  );
}

function serverCertificateFits(
  certificatePem: string,
  caCertificatePem: string,
  names: {dns: string[]; ip: string[]},
): boolean {
  const certificate = new X509Certificate(certificatePem);
  const ca = new X509Certificate(caCertificatePem);
  if (!certificate.checkIssued(ca) || !certificate.verify(ca.publicKey)) return false;
  if (!stillValid(certificatePem, renewBeforeDays)) return false;
  return (
    names.dns.every((name) => certificate.checkHost(name) !== undefined) &&
    names.ip.every((address) => certificate.checkIP(address) !== undefined)
  );
}
