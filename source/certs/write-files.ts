import {constants} from 'node:fs';
import {access, mkdir, open, stat} from 'node:fs/promises';
import {dirname, resolve} from 'node:path';

/** A file to write: certificates are world-readable (0644), private keys 0600. */
export type OutputFile = {path: string; contents: string; secret: boolean};

/** Paths among these that already exist. */
export async function existingPaths(paths: readonly string[]): Promise<string[]> {
  const found: string[] = [];
  for (const path of paths) {
    try {
      await access(path, constants.F_OK);
      found.push(path);
    } catch {
      // does not exist: fine
    }
  }
  return found;
}

/**
 * Writes files, creating their folders. Without `overwrite` an existing file is an error (the exclusive open makes
 * this race-free); with it, the file's mode is set before the new contents go in, so a key never sits in a
 * readable file.
 */
export async function writeOutputFiles(
  files: readonly OutputFile[],
  options: {overwrite: boolean},
): Promise<void> {
  for (const file of files) {
    await makeFolder(dirname(file.path), file.secret ? 0o700 : 0o755);
    const mode = file.secret ? 0o600 : 0o644;
    const handle = await open(file.path, options.overwrite ? 'w' : 'wx', mode);
    try {
      await handle.chmod(mode);
      await handle.writeFile(file.contents);
    } finally {
      await handle.close();
    }
  }
}

/**
 * Throws the same error as writing would when a file stands where `folder` or one of its parents should be, so a
 * long job (making keys) can refuse before it starts. A folder that does not exist yet is fine.
 */
export async function checkFolderPath(folder: string): Promise<void> {
  for (let current = resolve(folder); ; current = dirname(current)) {
    try {
      if ((await stat(current)).isDirectory()) return;
      throw fileInTheWay(folder);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code !== 'ENOENT' && code !== 'ENOTDIR') throw error;
      if (dirname(current) === current) return;
    }
  }
}

function fileInTheWay(path: string): Error {
  return new Error(
    `cannot create the folder ${path}: a file is in the way (${path} or one of its parents is a file, not a folder); choose another --out folder`,
  );
}

async function makeFolder(path: string, mode: number) {
  try {
    await mkdir(path, {recursive: true, mode});
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOTDIR' || code === 'EEXIST') throw fileInTheWay(path);
    if (code === 'EACCES' || code === 'EPERM') {
      throw new Error(
        `cannot create the folder ${path}: permission denied; choose a folder you can write to`,
      );
    }
    throw error;
  }
}
