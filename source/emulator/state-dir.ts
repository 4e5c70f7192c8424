import {chmod, lstat, mkdir, stat} from 'node:fs/promises';
import {homedir} from 'node:os';
import {join} from 'node:path';

/**
 * Where the sandbox keeps its state when no --state-dir is given: the user's state folder
 * ($XDG_STATE_HOME, else ~/.local/state on Linux; Application Support on macOS; %LOCALAPPDATA% on Windows).
 */
export function defaultStateDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.XDG_STATE_HOME) return join(env.XDG_STATE_HOME, 'dps-enroll', 'sandbox');
  if (process.platform === 'win32' && env.LOCALAPPDATA) {
    return join(env.LOCALAPPDATA, 'dps-enroll', 'sandbox');
  }
  if (process.platform === 'darwin') {
    return join(homedir(), 'Library', 'Application Support', 'dps-enroll', 'sandbox');
  }
  return join(homedir(), '.local', 'state', 'dps-enroll', 'sandbox');
}

/**
 * Creates a folder only this user may enter (0700), or makes an existing one so: a folder of this user
 * that others may read or enter is tightened to 0700; one owned by another user, or not a folder, is refused.
 * `followLink: false` also refuses a symbolic link (for folders in shared places such as /tmp).
 * (Windows: created, not checked; its folders inherit their owner's permissions.)
 */
export async function ensurePrivateFolder(folder: string, followLink = true): Promise<void> {
  await mkdir(folder, {recursive: true, mode: 0o700});
  if (process.platform === 'win32') return;
  const found = followLink ? await stat(folder) : await lstat(folder);
  if (!found.isDirectory()) throw new Error(`${folder} is not a folder`);
  if (found.uid !== process.getuid?.()) {
    throw new Error(
      `${folder} belongs to another user (uid ${found.uid}); the sandbox keeps its keys only in a folder of its own user`,
    );
  }
  if ((found.mode & 0o077) !== 0) await chmod(folder, 0o700);
}
