import {open, readFile, rm} from 'node:fs/promises';
import {join} from 'node:path';

const lockName = 'emulator.lock';
/** Folders this process has locked (a lock file with our own pid may also be left from an earlier run). */
const lockedHere = new Set<string>();

/**
 * Makes sure only one emulator uses a state folder at a time (two would interleave their journals).
 * The lock file holds the owner's process id; a lock left by a process that no longer runs (after a
 * kill -9) is taken over.
 */
export async function lockStateDir(stateDir: string): Promise<() => Promise<void>> {
  const path = join(stateDir, lockName);
  if (lockedHere.has(path)) {
    throw new Error(`the state folder ${stateDir} is in use by another emulator in this process`);
  }
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const handle = await open(path, 'wx', 0o600);
      await handle.writeFile(String(process.pid));
      await handle.close();
      lockedHere.add(path);
      return async () => {
        lockedHere.delete(path);
        await rm(path, {force: true});
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const owner = Number((await readFile(path, 'utf8').catch(() => '')).trim());
    if (Number.isInteger(owner) && owner > 0 && owner !== process.pid && isRunning(owner)) {
      throw new Error(
        `the state folder ${stateDir} is in use by another emulator (process ${owner})`,
      );
    }
    await rm(path, {force: true});
  }
  throw new Error(`could not lock the state folder ${stateDir}`);
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
