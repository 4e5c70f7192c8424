import type {X509Certificate} from 'node:crypto';
import {checkIdentityCertificate} from '../certs/check.js';
import type {Finding} from '../certs/findings.js';
import {commonNameOf, thumbprints} from '../certs/inspect.js';
import {readCertificateFile} from '../certs/read.js';
import {CertificateReadError} from '../certs/read-errors.js';
import {deviceIdProblem} from '../dps/index.js';
import type {Candidate, CandidateFile} from './sources.js';

/**
 * Reads and checks every certificate of a bulk run before anything is sent: the checks the wizard runs on
 * an identity certificate, the CN as registration ID, device IDs, and duplicates across files. In a folder,
 * keys, CA certificates and other files are skipped with their reason; a manifest names its files, so there
 * the same problems are errors.
 */

export type CertificateRef = {file: string; pem: string; sha1: string; sha256: string};

/** One enrollment the run means to have in DPS. */
export type PlannedEnrollment = {
  registrationId: string;
  deviceId: string;
  primary: CertificateRef;
  secondary?: CertificateRef;
};

export type NoteKind = 'skipped' | 'error' | 'warning';

/** Something the pre-flight found about one file. */
export type Note = {
  kind: NoteKind;
  file: string;
  registrationId?: string;
  message: string;
  hint?: string;
};

export type Preflight = {planned: PlannedEnrollment[]; notes: Note[]; filesRead: number};

/** Files read at once: enough to hide disk latency, few enough for a small machine. */
const readConcurrency = 16;

export async function preflight(
  candidates: readonly Candidate[],
  fromFolder: boolean,
  signal: AbortSignal,
  now = new Date(),
): Promise<Preflight> {
  const results = await mapLimited(candidates, readConcurrency, signal, (candidate) =>
    checkCandidate(candidate, fromFolder, now),
  );
  const notes = results.flatMap((result) => result.notes);
  const planned = results.flatMap((result) => (result.planned ? [result.planned] : []));
  return {
    planned: removeDuplicates(planned, notes, fromFolder),
    notes,
    filesRead: candidates.length,
  };
}

type Checked = {planned?: PlannedEnrollment; notes: Note[]};

async function checkCandidate(
  candidate: Candidate,
  fromFolder: boolean,
  now: Date,
): Promise<Checked> {
  const at = candidate.where ? `${candidate.where}: ` : '';
  const primary = await readLeaf(candidate, fromFolder);
  if ('note' in primary) return {notes: [{...primary.note, message: at + primary.note.message}]};
  const commonName = commonNameOf(primary.certificate.subject);
  const registrationId = candidate.registrationId ?? commonName ?? '';
  const notes: Note[] = [];
  const add = (file: string, findings: Finding[]) => {
    for (const finding of findings) {
      if (finding.severity === 'info') continue;
      notes.push({
        kind: finding.severity,
        file,
        ...(registrationId ? {registrationId} : {}),
        message: at + finding.message,
        ...(finding.hint ? {hint: finding.hint} : {}),
      });
    }
  };
  const findings = checkIdentityCertificate(primary.certificate, {
    now,
    ...(candidate.registrationId ? {registrationId: candidate.registrationId} : {}),
  });
  if (fromFolder && findings.some((finding) => finding.code === 'identity-is-ca')) {
    const name = commonName ?? primary.certificate.subject;
    return {
      notes: [
        {
          kind: 'skipped',
          file: candidate.file,
          message: `a CA certificate (CA:TRUE, "${name}"), not a device certificate`,
        },
      ],
    };
  }
  add(candidate.file, findings);
  const deviceId = candidate.deviceId ?? registrationId;
  const deviceProblem = deviceId ? deviceIdProblem(deviceId) : undefined;
  if (deviceProblem) {
    notes.push({
      kind: 'error',
      file: candidate.file,
      registrationId,
      message: at + deviceProblem.message,
      hint: 'give a valid deviceId in the manifest',
    });
  }
  let secondary: CertificateRef | undefined;
  if (candidate.secondary) {
    const read = await readLeaf(candidate.secondary, false);
    if ('note' in read) {
      notes.push({...read.note, registrationId, message: at + read.note.message});
    } else {
      add(
        candidate.secondary.file,
        checkIdentityCertificate(read.certificate, {now, registrationId}),
      );
      secondary = refOf(candidate.secondary.file, read.certificate);
    }
  }
  const planned: PlannedEnrollment = {
    registrationId,
    deviceId,
    primary: refOf(candidate.file, primary.certificate),
    ...(secondary ? {secondary} : {}),
  };
  return {planned, notes};
}

function refOf(file: string, certificate: X509Certificate): CertificateRef {
  return {file, pem: certificate.toString(), ...thumbprints(certificate)};
}

/**
 * The first certificate of a file (a full-chain file starts with the leaf). In a folder, a file that holds
 * no device certificate is skipped with the reason; named by a manifest, it is an error.
 */
async function readLeaf(
  file: CandidateFile,
  fromFolder: boolean,
): Promise<{certificate: X509Certificate} | {note: Note}> {
  const kind: NoteKind = fromFolder ? 'skipped' : 'error';
  let certificates: X509Certificate[];
  try {
    certificates = (await readCertificateFile(file.absolutePath)).certificates;
  } catch (error) {
    if (!(error instanceof CertificateReadError)) throw error;
    return {note: {kind, file: file.file, message: readProblem(error)}};
  }
  const leaf = certificates[0];
  if (!leaf) return {note: {kind, file: file.file, message: 'holds no certificate'}};
  return {certificate: leaf};
}

function readProblem(error: CertificateReadError): string {
  switch (error.reason) {
    case 'private-key':
      return 'a private key, not a certificate (it stays on this machine)';
    case 'passphrase-required':
      return 'a password-protected PKCS#12 bundle: export its certificate first (openssl pkcs12 -nokeys -clcerts)';
    default:
      return error.message;
  }
}

/**
 * One enrollment per registration ID (DPS compares them case-insensitively). The same certificate in two
 * files (a leaf and its full-chain file) is enrolled once; two certificates for one ID are an error.
 */
function removeDuplicates(
  planned: PlannedEnrollment[],
  notes: Note[],
  fromFolder: boolean,
): PlannedEnrollment[] {
  const byId = new Map<string, PlannedEnrollment>();
  const kept: PlannedEnrollment[] = [];
  for (const enrollment of planned) {
    if (!enrollment.registrationId) {
      kept.push(enrollment);
      continue;
    }
    const key = enrollment.registrationId.toLowerCase();
    const first = byId.get(key);
    if (!first) {
      byId.set(key, enrollment);
      kept.push(enrollment);
    } else if (fromFolder && first.primary.sha256 === enrollment.primary.sha256) {
      notes.push({
        kind: 'skipped',
        file: enrollment.primary.file,
        registrationId: enrollment.registrationId,
        message: `the same certificate as ${first.primary.file}, which enrolls it`,
      });
    } else {
      notes.push({
        kind: 'error',
        file: enrollment.primary.file,
        registrationId: enrollment.registrationId,
        message: `the registration ID '${enrollment.registrationId}' is also enrolled by ${first.primary.file}`,
        hint:
          first.primary.sha256 === enrollment.primary.sha256
            ? 'list each device once in the manifest'
            : 'two certificates with one CN: keep the current one, move the other out of the folder',
      });
    }
  }
  return kept;
}

/** Runs `task` on every item with at most `limit` at a time, in order of the results; stops when aborted. */
async function mapLimited<T, R>(
  items: readonly T[],
  limit: number,
  signal: AbortSignal,
  task: (item: T) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      signal.throwIfAborted();
      const index = next++;
      results[index] = await task(items[index]!);
    }
  };
  await Promise.all(Array.from({length: Math.min(limit, items.length)}, worker));
  return results;
}
