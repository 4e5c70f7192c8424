import {execFile} from 'node:child_process';
import {mkdtemp, rm, writeFile} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {join} from 'node:path';

export type OpensslResult = {code: number; stdout: string; stderr: string};

/** Runs the openssl CLI; never rejects on a non-zero exit, so tests can assert on the result. */
export function openssl(args: string[], cwd?: string): Promise<OpensslResult> {
  return new Promise((resolve, reject) => {
    const child = execFile('openssl', args, {cwd}, (error, stdout, stderr) => {
      if (error && typeof error.code !== 'number') return reject(error);
      resolve({code: typeof error?.code === 'number' ? error.code : 0, stdout, stderr});
    });
    child.stdin?.end();
  });
}

/** A temporary folder for one test, removed by the returned cleanup function. */
export async function temporaryFolder(prefix = 'dps-enroll-certs-') {
  const path = await mkdtemp(join(tmpdir(), prefix));
  return {path, cleanup: () => rm(path, {recursive: true, force: true})};
}

/** Writes PEM files into a folder and returns their paths, in the given order. */
export async function writePems(folder: string, files: Record<string, string>) {
  const paths: Record<string, string> = {};
  for (const [name, pem] of Object.entries(files)) {
    paths[name] = join(folder, name);
    await writeFile(paths[name], pem);
  }
  return paths;
}
