import {constants} from 'node:fs';
import {access, mkdir, open} from 'node:fs/promises';
import {dirname} from 'node:path';

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

async function makeFolder(path: string, mode: number) {
  try {
    await mkdir(path, {recursive: true, mode});
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOTDIR' || code === 'EEXIST') {
      throw new Error(
        `cannot create the folder ${path}: a file is in the way (${path} or one of its parents is a file, not a folder); choose another --out folder`,
      );
    }
    if (code === 'EACCES' || code === 'EPERM') {
      throw new Error(
        `cannot create the folder ${path}: permission denied; choose a folder you can write to`,
      );
    }
    throw error;
  }
}
