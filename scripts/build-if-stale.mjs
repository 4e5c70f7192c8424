// Runs the build when dist/ is missing or older than any source file, so `npm start` works on a fresh clone.
import {execFileSync} from 'node:child_process';
import {readdirSync, statSync, existsSync} from 'node:fs';
import {join} from 'node:path';

function newestMtime(path) {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return Math.max(stat.mtimeMs, ...readdirSync(path).map((name) => newestMtime(join(path, name))));
}

const output = 'dist/cli.js';
const sources = ['cli.tsx', 'source', 'package.json', 'tsconfig.json', 'scripts/build.ts'];
const stale = !existsSync(output) || sources.some((s) => newestMtime(s) > statSync(output).mtimeMs);
if (stale) {
  process.stderr.write('Building dps-enroll…\n');
  execFileSync(process.execPath, ['--import', 'tsx', 'scripts/build.ts'], {stdio: 'inherit'});
}
