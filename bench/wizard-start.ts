// Benchmark: how long the built wizard takes, in an 80x24 tmux pane, to show its first screen (the home
// menu) and to be connected to the sandbox (the header says SANDBOX). Prints medians and ranges.
//
//   npm run build && node --import tsx bench/wizard-start.ts [--runs 5]
//
// This prints numbers; it asserts nothing. Results depend on the machine and on what else runs on it.
import {execFileSync} from 'node:child_process';
import {mkdtemp, rm} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {fileURLToPath} from 'node:url';
import {parseArgs} from 'node:util';

const {values} = parseArgs({options: {runs: {type: 'string', default: '5'}}});
const runs = Number(values.runs);
const cli = fileURLToPath(new URL('../dist/cli.js', import.meta.url));

async function once(stateDir: string): Promise<{firstScreen: number; connected: number}> {
  const socket = `wizard-bench-${process.pid}`;
  const tmux = (...args: string[]) =>
    execFileSync('tmux', ['-L', socket, '-f', '/dev/null', ...args], {encoding: 'utf8'});
  const started = performance.now();
  tmux(
    'new-session',
    '-d',
    '-s',
    'b',
    '-x',
    '80',
    '-y',
    '24',
    `env -u CI node ${cli} --state-dir ${stateDir}; sleep 60`,
  );
  let firstScreen = 0;
  try {
    for (;;) {
      const screen = tmux('capture-pane', '-p', '-t', 'b');
      const now = performance.now() - started;
      if (!firstScreen && screen.includes('Individual enrollment')) firstScreen = now;
      if (screen.includes('SANDBOX')) return {firstScreen: firstScreen || now, connected: now};
      if (now > 30_000) throw new Error(`the wizard did not connect:\n${screen}`);
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  } finally {
    tmux('send-keys', '-t', 'b', 'q');
    await new Promise((resolve) => setTimeout(resolve, 500));
    const path = tmux('display-message', '-p', '#{socket_path}').trim();
    tmux('kill-server');
    await rm(path, {force: true});
  }
}

const median = (numbers: number[]) =>
  [...numbers].sort((a, b) => a - b)[Math.floor(numbers.length / 2)] ?? 0;
const folder = await mkdtemp(join(tmpdir(), 'dps-enroll-bench-'));
try {
  const results = [];
  // The first run creates the sandbox (its CA and server keys); later runs reopen it, as a user would.
  for (let run = 0; run <= runs; run++) results.push(await once(join(folder, 'state')));
  const [first, ...rest] = results;
  const show = (name: 'firstScreen' | 'connected') => {
    const times = rest.map((result) => result[name]);
    return `median ${median(times).toFixed(0)} ms (${Math.min(...times).toFixed(0)}-${Math.max(...times).toFixed(0)})`;
  };
  console.log(
    `first start (new sandbox): first screen ${first?.firstScreen.toFixed(0)} ms, connected ${first?.connected.toFixed(0)} ms`,
  );
  console.log(
    `later starts, ${runs} runs: first screen ${show('firstScreen')}; connected ${show('connected')}`,
  );
} finally {
  await rm(folder, {recursive: true, force: true});
}
