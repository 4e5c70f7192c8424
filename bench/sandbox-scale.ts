// The sandbox at scale: seeds N individual enrollments (default 100,000) in a state folder, 100 per write as
// bulk calls would (timing the store's close() after them and its first open after that), then, in a fresh
// process, measures the emulator's restart on that folder (time and RSS), the first page of a query and a full
// query scan, both through the service SDK's own query with continuation tokens (page size 100 unless told).
// `--baseline main` runs the same measurement on a temporary checkout of that branch (a git worktree, removed
// afterwards) in the same run and prints both side by side with ratios.
//
//   node --import tsx bench/sandbox-scale.ts [--records 100000] [--page 100] [--baseline main]
//
// This prints numbers; it asserts nothing. Results depend on the machine and on what else runs on it.
import {execFile} from 'node:child_process';
import {mkdtemp, rm, symlink} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {fileURLToPath} from 'node:url';
import {parseArgs} from 'node:util';
import {promisify} from 'node:util';

const run = promisify(execFile);
const {values} = parseArgs({
  options: {
    records: {type: 'string', default: '100000'},
    page: {type: 'string', default: '100'},
    baseline: {type: 'string'},
  },
});
const here = fileURLToPath(new URL('..', import.meta.url));
const child = join(here, 'bench', 'sandbox-scale-child.ts');

type Measurement = {
  /** The store's close() after the bulk of the seed, and its first open after that: the journal's cost. */
  closeMs: number;
  firstStartMs: number;
  restartMs: number;
  rssMb: number;
  peakRssMb: number;
  firstPageMs: number;
  scanMs: number;
  pages: number;
  seen: number;
  distinct: number;
};

async function step(args: string[]): Promise<unknown> {
  const {stdout} = await run(process.execPath, ['--import', 'tsx', child, ...args], {
    cwd: here,
    maxBuffer: 1 << 20,
  });
  return JSON.parse(stdout.trim().split('\n').pop()!) as unknown;
}

async function measure(root: string, label: string): Promise<Measurement> {
  const work = await mkdtemp(join(tmpdir(), 'dps-enroll-scale-'));
  try {
    const stateDir = join(work, 'sandbox');
    process.stderr.write(`${label}: seeding ${values.records} enrollments…\n`);
    const seeded = (await step([
      'seed',
      '--root',
      root,
      '--state',
      stateDir,
      '--records',
      values.records,
    ])) as Pick<Measurement, 'closeMs' | 'firstStartMs'>;
    process.stderr.write(`${label}: restart, first page, full scan…\n`);
    const result = (await step([
      'measure',
      '--root',
      root,
      '--state',
      stateDir,
      '--page',
      values.page,
    ])) as Measurement;
    if (result.distinct !== Number(values.records)) {
      throw new Error(`${label}: the scan saw ${result.distinct} distinct enrollments`);
    }
    return {...result, closeMs: seeded.closeMs, firstStartMs: seeded.firstStartMs};
  } finally {
    await rm(work, {recursive: true, force: true});
  }
}

async function withCheckout<T>(
  branch: string,
  measureIn: (root: string) => Promise<T>,
): Promise<T> {
  const parent = await mkdtemp(join(tmpdir(), 'dps-enroll-baseline-'));
  const root = join(parent, 'tree');
  await run('git', ['-C', here, 'worktree', 'add', '--detach', root, branch]);
  try {
    await symlink(join(here, 'node_modules'), join(root, 'node_modules'));
    return await measureIn(root);
  } finally {
    await run('git', ['-C', here, 'worktree', 'remove', '--force', root]);
    await rm(parent, {recursive: true, force: true});
  }
}

const rows: Array<[string, keyof Measurement, string]> = [
  ['store close() after the bulk', 'closeMs', 'ms'],
  ['first store open after the bulk', 'firstStartMs', 'ms'],
  ['restart (start-up on the folder)', 'restartMs', 'ms'],
  ['RSS after restart', 'rssMb', 'MB'],
  ['peak RSS during restart', 'peakRssMb', 'MB'],
  [`first page of ${values.page}`, 'firstPageMs', 'ms'],
  [`full scan at page ${values.page}`, 'scanMs', 'ms'],
];

const current = await measure(here, 'this tree');
const baseline = values.baseline
  ? await withCheckout(values.baseline, (root) => measure(root, values.baseline!))
  : undefined;

const format = (value: number) => value.toFixed(value < 10 ? 1 : 0);
console.log(`${values.records} individual enrollments, ${current.pages} pages in the scan`);
const header = ['measurement', 'this tree', ...(baseline ? [values.baseline!, 'ratio'] : [])];
const lines = rows.map(([name, key, unit]) => [
  name,
  `${format(current[key])} ${unit}`,
  ...(baseline
    ? [`${format(baseline[key])} ${unit}`, `${(current[key] / baseline[key]).toFixed(3)}x`]
    : []),
]);
const widths = header.map((_, column) =>
  Math.max(...[header, ...lines].map((line) => line[column]!.length)),
);
for (const line of [header, ...lines]) {
  console.log(line.map((cell, column) => cell.padEnd(widths[column]!)).join('  '));
}
