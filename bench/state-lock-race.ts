// Stress: many processes lock one state folder at the same instant, over a stale lock left by a killed holder.
// Each round: a process takes the lock and is killed with SIGKILL (a stale lock socket stays), then N processes,
// already started and waiting, are released together into lockStateDir. Prints, per round, how many held the
// lock at once (it must be 1) and how long the round took.
//
//   npm run build && node --import tsx bench/state-lock-race.ts [--rounds 10] [--processes 20]
//
// This prints numbers; it asserts nothing.
import {spawn, type ChildProcessWithoutNullStreams} from 'node:child_process';
import {mkdtemp, rm} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {fileURLToPath} from 'node:url';
import {parseArgs} from 'node:util';

const {values} = parseArgs({
  options: {rounds: {type: 'string', default: '10'}, processes: {type: 'string', default: '20'}},
});
const rounds = Number(values.rounds);
const processes = Number(values.processes);
const lockModule = fileURLToPath(new URL('../dist/source/emulator/state-lock.js', import.meta.url));

// Prints "waiting", locks on the first stdin line, prints "held" or "refused", then waits to be killed.
const worker = `
import {lockStateDir} from ${JSON.stringify(lockModule)};
process.stdout.write('waiting\\n');
process.stdin.once('data', async () => {
  try {
    await lockStateDir(process.argv[1]);
    process.stdout.write('held\\n');
  } catch (error) {
    process.stdout.write(error.name === 'StateFolderInUseError' ? 'refused\\n' : 'error ' + error.message + '\\n');
  }
  setInterval(() => {}, 1000);
});`;

function startWorker(stateDir: string): {
  child: ChildProcessWithoutNullStreams;
  line: (index: number) => Promise<string>;
} {
  const child = spawn(process.execPath, ['--input-type=module', '-e', worker, stateDir]);
  let text = '';
  const waiters: Array<() => void> = [];
  child.stdout.on('data', (chunk: Buffer) => {
    text += chunk.toString();
    for (const wake of waiters.splice(0)) wake();
  });
  const line = async (index: number): Promise<string> => {
    for (;;) {
      const lines = text.split('\n');
      if (lines.length > index + 1) return lines[index]!;
      await new Promise<void>((resolve) => waiters.push(resolve));
    }
  };
  return {child, line};
}

const stateDir = await mkdtemp(join(tmpdir(), 'dps-enroll-lock-race-'));
let failures = 0;
try {
  for (let round = 1; round <= rounds; round++) {
    const killed = startWorker(stateDir);
    await killed.line(0);
    killed.child.stdin.write('go\n');
    await killed.line(1);
    killed.child.kill('SIGKILL');
    await new Promise((resolve) => killed.child.once('exit', resolve));

    const workers = Array.from({length: processes}, () => startWorker(stateDir));
    await Promise.all(workers.map((one) => one.line(0)));
    const started = performance.now();
    for (const one of workers) one.child.stdin.write('go\n');
    const outcomes = await Promise.all(workers.map((one) => one.line(1)));
    const elapsed = performance.now() - started;
    const held = outcomes.filter((outcome) => outcome === 'held').length;
    const refused = outcomes.filter((outcome) => outcome === 'refused').length;
    if (held !== 1) failures++;
    console.log(
      `round ${round}: ${held} held, ${refused} refused, ${processes - held - refused} other` +
        ` (${outcomes.find((outcome) => outcome.startsWith('error')) ?? 'no errors'}); ${elapsed.toFixed(0)} ms`,
    );
    for (const one of workers) one.child.kill('SIGKILL');
    await Promise.all(
      workers.map((one) => new Promise((resolve) => one.child.once('exit', resolve))),
    );
  }
  console.log(
    `${rounds} rounds of ${processes} processes: ${failures} rounds without exactly one holder`,
  );
} finally {
  await rm(stateDir, {recursive: true, force: true});
}
