import {mkdir, open} from 'node:fs/promises';
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
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return 'exists';
    throw error;
  }
  try {
    await handle.writeFile(content);
  } finally {
    await handle.close();
  }
  return 'written';
}
