// Start-up benchmark of the built CLI. In one run, side by side (each round measures everything once, in turn),
// it takes the median of N rounds of:
//   node -e 0 (the anchor), dps-enroll --help, dps-enroll certs --help,
//   the wizard's first frame and its connection to the sandbox, in an 80x24 tmux pane (anchor: node printing a
//   line in the same kind of pane),
//   certs create-chain EC and RSA, and the equivalent openssl commands (the anchor).
// Prints a table: each measurement, its anchor, the ratio and the goal.
//
//   npm run build && node --import tsx bench/startup.ts [--runs 7]
//
// This prints numbers; it asserts nothing. Results depend on the machine and on what else runs on it.
import {spawn} from 'node:child_process';
import {existsSync} from 'node:fs';
import {mkdtemp, rm} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {fileURLToPath} from 'node:url';
import {parseArgs} from 'node:util';
import {dpsEnrollChain, opensslChain, type KeyType} from './create-chain.js';
import {nodeInPane, tmuxAvailable, wizardStart} from './wizard-start.js';

const {values} = parseArgs({options: {runs: {type: 'string', default: '7'}}});
const runs = Number(values.runs);
if (!Number.isInteger(runs) || runs < 1) throw new Error('--runs must be a whole number from 1');
const cli = fileURLToPath(new URL('../dist/cli.js', import.meta.url));
if (!existsSync(cli)) throw new Error('dist/cli.js is missing: run npm run build first');
const devices = ['device-1'];

/** Milliseconds from spawning the process until it exits (it must exit with 0). */
function timeProcess(command: string, args: string[]): Promise<number> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(command, args, {stdio: 'ignore'});
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0
        ? resolve(performance.now() - started)
        : reject(new Error(`${command} ${args.join(' ')} exited with ${code}`)),
    );
  });
}

async function timed(action: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await action();
  return performance.now() - started;
}

type Sample = Record<string, number>;

const work = await mkdtemp(join(tmpdir(), 'dps-enroll-startup-'));
const stateDir = join(work, 'sandbox');
const withTmux = tmuxAvailable();

async function round(index: number | 'warm-up'): Promise<Sample> {
  const sample: Sample = {
    node: await timeProcess(process.execPath, ['-e', '0']),
    help: await timeProcess(process.execPath, [cli, '--help']),
    certsHelp: await timeProcess(process.execPath, [cli, 'certs', '--help']),
  };
  if (withTmux) {
    sample.nodeInPane = await nodeInPane();
    const wizard = await wizardStart(cli, stateDir);
    sample.firstFrame = wizard.firstFrame;
    sample.connected = wizard.connected;
  }
  for (const keyType of ['ec', 'rsa'] as KeyType[]) {
    const out = (tool: string) => join(work, `${tool}-${keyType}-${index}`);
    sample[`${keyType}Chain`] = await timed(() =>
      dpsEnrollChain(cli, out('dps-enroll'), keyType, devices),
    );
    sample[`${keyType}Openssl`] = await timed(() => opensslChain(out('openssl'), keyType, devices));
  }
  return sample;
}

function median(numbers: number[]): number {
  const sorted = [...numbers].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

type Row = {name: string; measured: string; anchor: string; anchorName: string; goal?: number};

const rows: Row[] = [
  {name: 'dps-enroll --help', measured: 'help', anchor: 'node', anchorName: 'node -e 0'},
  {
    name: 'dps-enroll certs --help',
    measured: 'certsHelp',
    anchor: 'node',
    anchorName: 'node -e 0',
    goal: 1.5,
  },
  {
    name: 'dps-enroll certs --help',
    measured: 'certsHelp',
    anchor: 'help',
    anchorName: 'dps-enroll --help',
  },
  ...(withTmux
    ? [
        {
          name: 'wizard first frame (tmux 80x24)',
          measured: 'firstFrame',
          anchor: 'nodeInPane',
          anchorName: 'node -e in the same pane',
          goal: 3,
        },
        {
          name: 'wizard first frame (tmux 80x24)',
          measured: 'firstFrame',
          anchor: 'node',
          anchorName: 'node -e 0',
        },
        {
          name: 'wizard connected to the sandbox',
          measured: 'connected',
          anchor: 'nodeInPane',
          anchorName: 'node -e in the same pane',
        },
      ]
    : []),
  {
    name: 'certs create-chain, EC P-256',
    measured: 'ecChain',
    anchor: 'ecOpenssl',
    anchorName: 'openssl commands',
    goal: 1,
  },
  {
    name: 'certs create-chain, RSA 4096/2048',
    measured: 'rsaChain',
    anchor: 'rsaOpenssl',
    anchorName: 'openssl commands',
  },
];

function table(samples: Sample[]): string {
  const medianOf = (key: string) => median(samples.map((sample) => sample[key]!));
  const lines = rows.map((row) => {
    const measured = medianOf(row.measured);
    const anchor = medianOf(row.anchor);
    const ratio = measured / anchor;
    const goal =
      row.goal === undefined ? '' : `≤ ${row.goal}×  ${ratio <= row.goal ? 'met' : 'NOT met'}`;
    return [
      row.name,
      `${measured.toFixed(0)} ms`,
      row.anchorName,
      `${anchor.toFixed(0)} ms`,
      `${ratio.toFixed(2)}×`,
      goal,
    ];
  });
  const header = ['measurement', 'median', 'anchor', 'median', 'ratio', 'goal'];
  const widths = header.map((title, column) =>
    Math.max(title.length, ...lines.map((line) => line[column]!.length)),
  );
  const format = (cells: string[]) =>
    cells
      .map((cell, column) => cell.padEnd(widths[column]!))
      .join('  ')
      .trimEnd();
  return [format(header), format(widths.map((width) => '-'.repeat(width))), ...lines.map(format)]
    .join('\n')
    .concat('\n');
}

try {
  // Untimed: creates the sandbox (its CA and server keys) and warms the file cache; later starts reopen it.
  await round('warm-up');
  const samples: Sample[] = [];
  for (let index = 0; index < runs; index += 1) {
    samples.push(await round(index));
    process.stderr.write(`round ${index + 1}/${runs} done\n`);
  }
  process.stdout.write(
    `\nStart-up of the built CLI, medians of ${runs} rounds (create-chain: root CA, intermediate CA, ${devices.length} device)\n` +
      (withTmux ? '' : 'tmux is not installed: the wizard was not measured\n') +
      `\n${table(samples)}`,
  );
} finally {
  await rm(work, {recursive: true, force: true});
}
