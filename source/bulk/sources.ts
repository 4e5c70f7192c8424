import {readdir, readFile, stat} from 'node:fs/promises';
import {dirname, join, relative, resolve} from 'node:path';
import {parseManifest, type ManifestProblem} from './manifest.js';

/**
 * Where the certificates of a bulk run come from: every file under a folder (recursively, leaving out
 * hidden files and folders), or the rows of a manifest whose paths are relative to the manifest's folder.
 */

export type CandidateFile = {
  /** As shown to the user: relative to the working folder when it is inside it. */
  file: string;
  absolutePath: string;
};

export type Candidate = CandidateFile & {
  /** Set by a manifest row; a folder's certificates use their CN. */
  registrationId?: string;
  deviceId?: string;
  secondary?: CandidateFile;
  /** The manifest line or item, for messages. */
  where?: string;
};

export type Sources =
  | {kind: 'folder'; candidates: Candidate[]}
  | {kind: 'manifest'; candidates: Candidate[]}
  | {kind: 'unusable'; problems: ManifestProblem[]};

export async function findCandidates(
  from: {folder: string} | {manifest: string},
  cwd: string,
): Promise<Sources> {
  if ('folder' in from) {
    const folder = resolve(cwd, from.folder);
    const problem = await folderProblem(folder, from.folder);
    if (problem) return {kind: 'unusable', problems: [{where: from.folder, message: problem}]};
    const files = await walk(folder);
    return {kind: 'folder', candidates: files.map((path) => fileOf(path, cwd))};
  }
  const path = resolve(cwd, from.manifest);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const message =
      code === 'ENOENT'
        ? 'does not exist: check the path (it is relative to the current folder)'
        : code === 'EISDIR'
          ? 'is a folder: give the manifest file, or use --from-folder for a folder of certificates'
          : `cannot be read (${code ?? 'error'})`;
    return {kind: 'unusable', problems: [{where: from.manifest, message}]};
  }
  const manifest = parseManifest(text);
  if (manifest.problems.length > 0) {
    return {
      kind: 'unusable',
      problems: manifest.problems.map((problem) => ({
        where: `${from.manifest} ${problem.where}`,
        message: problem.message,
      })),
    };
  }
  const base = dirname(path);
  return {
    kind: 'manifest',
    candidates: manifest.rows.map((row) => ({
      ...fileOf(resolve(base, row.certificatePath), cwd),
      where: `${from.manifest} ${row.where}`,
      ...(row.registrationId ? {registrationId: row.registrationId} : {}),
      ...(row.deviceId ? {deviceId: row.deviceId} : {}),
      ...(row.secondaryCertificatePath
        ? {secondary: fileOf(resolve(base, row.secondaryCertificatePath), cwd)}
        : {}),
    })),
  };
}

async function folderProblem(folder: string, typed: string): Promise<string | undefined> {
  try {
    const info = await stat(folder);
    return info.isDirectory()
      ? undefined
      : `${typed} is a file, not a folder: use --manifest for a list of certificates`;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return code === 'ENOENT'
      ? `${typed} does not exist: check the path (it is relative to the current folder)`
      : `${typed} cannot be read (${code ?? 'error'})`;
  }
}

/** Every regular file under `folder`, sorted, without hidden entries; symbolic links are not followed. */
async function walk(folder: string): Promise<string[]> {
  const files: string[] = [];
  const entries = await readdir(folder, {withFileTypes: true});
  for (const entry of entries) {
    if (entry.name.startsWith('.')) continue;
    const path = join(folder, entry.name);
    if (entry.isDirectory()) files.push(...(await walk(path)));
    else if (entry.isFile()) files.push(path);
  }
  return files.sort();
}

function fileOf(absolutePath: string, cwd: string): CandidateFile {
  const shown = relative(cwd, absolutePath);
  return {
    file: shown && !shown.startsWith('..') ? shown : absolutePath,
    absolutePath,
  };
}
