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
