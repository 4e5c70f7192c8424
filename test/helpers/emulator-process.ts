import {spawn, type ChildProcessWithoutNullStreams} from 'node:child_process';
import {fileURLToPath} from 'node:url';
import type {EmulatorInfo} from '../../source/emulator/types.js';

const root = fileURLToPath(new URL('../../', import.meta.url));

export type EmulatorProcess = {
  child: ChildProcessWithoutNullStreams;
  info: EmulatorInfo;
  /** Every stdout line so far (the ready line should be the only one). */
  stdoutLines(): string[];
  stderr(): string;
  /** Resolves with the exit code (or signal name) when the process has ended. */
  exited: Promise<number | string>;
};

/** Runs `dps-enroll emulator` from dist/cli.js and waits for its ready line. */
export function spawnEmulator(args: string[]): Promise<EmulatorProcess> {
  const child = spawn(process.execPath, [`${root}dist/cli.js`, 'emulator', ...args], {
    cwd: root,
    env: {...process.env, NO_COLOR: '1'},
  });
  let stdout = '';
  let stderr = '';
  const exited = new Promise<number | string>((resolve) => {
    child.on('exit', (code, signal) => resolve(code ?? signal ?? -1));
  });
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve, reject) => {
    child.stdout.on('data', (chunk: Buffer) => {
      const before = stdout;
      stdout += chunk.toString();
      if (!before.includes('\n') && stdout.includes('\n')) {
        try {
          const info = JSON.parse(stdout.slice(0, stdout.indexOf('\n'))) as EmulatorInfo;
          resolve({
            child,
            info,
            stdoutLines: () => stdout.split('\n').filter((line) => line !== ''),
            stderr: () => stderr,
            exited,
          });
        } catch (error) {
          reject(error as Error);
        }
      }
    });
    void exited.then((code) =>
      reject(new Error(`the emulator exited (${code}) before its ready line: ${stderr}`)),
    );
  });
}
