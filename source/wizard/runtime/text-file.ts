import {stat} from 'node:fs/promises';
import {writeOutputFiles} from '../../certs/write-files.js';

/** Writes a text file; without `overwrite` an existing file is left alone and 'exists' is returned. */
export async function writeTextFile(
  path: string,
  content: string,
  overwrite: boolean,
): Promise<'written' | 'exists'> {
  try {
    await writeOutputFiles([{path, contents: content, secret: false}], {overwrite});
    return 'written';
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    // Opening a folder fails with EEXIST ('wx') or EISDIR ('w'): asking to replace it would fail again.
    if (code === 'EISDIR' || (code === 'EEXIST' && (await stat(path)).isDirectory())) {
      throw new Error('it is a folder: add a file name to the path');
    }
    if (code === 'EEXIST') return 'exists';
    throw error;
  }
}
