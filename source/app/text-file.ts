import {mkdir, open, stat} from 'node:fs/promises';
import {dirname} from 'node:path';

/** Writes a text file; without `overwrite` an existing file is left alone and 'exists' is returned. */
export async function writeTextFile(
  path: string,
  content: string,
  overwrite: boolean,
): Promise<'written' | 'exists'> {
  await mkdir(dirname(path), {recursive: true});
  let handle;
  try {
    handle = await open(path, overwrite ? 'w' : 'wx', 0o644);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    // Opening a folder fails with EEXIST ('wx') or EISDIR ('w'): asking to replace it would fail again.
    if (code === 'EISDIR' || (code === 'EEXIST' && (await stat(path)).isDirectory())) {
      throw new Error('it is a folder: add a file name to the path');
    }
    if (code === 'EEXIST') return 'exists';
    throw error;
  }
  try {
    await handle.writeFile(content);
  } finally {
    await handle.close();
  }
  return 'written';
}
