// Browse DPS at scale: seeds a sandbox state folder with 100,000 individual enrollments (the service bulk API
// through the real service SDK, 10 per call), runs the sandbox in a process of its own, renders the wizard
// through Ink (ink-testing-library's renderer: every state change is drawn at once), and measures
//   - first page: Enter on "Browse DPS" until the first rows of enrollments are drawn;
//   - key to frame: one key written to the wizard's stdin until the frame that shows its effect (cursor move,
//     filter keystroke).
// Usage: node --import tsx bench/browse.ts [state-dir] [count]
// A state folder seeded before (a "<dir>.seeded" file beside it) is reused as it is.
import {spawn, type ChildProcess} from 'node:child_process';
import {access, mkdtemp, readFile, writeFile} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {fileURLToPath} from 'node:url';
import {stripVTControlCharacters} from 'node:util';
import {render} from 'ink-testing-library';
import {createElement} from 'react';
import {connectToSandbox} from '../source/dps/gateway.js';
import type {DpsGateway, IndividualEnrollment} from '../source/dps/types.js';
import type {EmulatorInfo} from '../source/emulator/types.js';
import {createTestChain, chainPaths} from '../source/certs/test-chain.js';
import {homeItems} from '../source/wizard/core/reducer.js';
import {App} from '../source/wizard/runtime/app.js';
import {createServices} from '../source/wizard/runtime/services.js';

const root = fileURLToPath(new URL('../', import.meta.url));
const stateDir = process.argv[2] ?? (await mkdtemp(join(tmpdir(), 'dps-enroll-browse-bench-')));
const count = Number(process.argv[3] ?? 100_000);

/** The sandbox in a process of its own, so that its work does not share the wizard's event loop. */
function startSandbox(): Promise<{child: ChildProcess; info: EmulatorInfo}> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', join(root, 'cli.tsx'), 'emulator', '--state-dir', stateDir],
    {cwd: root, stdio: ['ignore', 'pipe', 'ignore']},
  );
  let out = '';
  return new Promise((resolve, reject) => {
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const end = out.indexOf('\n');
      if (end >= 0) resolve({child, info: JSON.parse(out.slice(0, end)) as EmulatorInfo});
    });
    child.on('exit', (code) => reject(new Error(`the sandbox exited (${code})`)));
  });
}

async function exists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}

/** Enrolls `count` devices, 10 per bulk call, 16 calls in flight; returns enrollments per second. */
async function seed(gateway: DpsGateway): Promise<number> {
  const folder = await mkdtemp(join(tmpdir(), 'dps-enroll-browse-bench-certs-'));
  await createTestChain({outDir: folder, devices: ['bench-device'], keyType: 'ec'});
  const pem = await readFile(join(folder, chainPaths.deviceCertificate('bench-device')), 'utf8');
  const enrollmentOf = (index: number): IndividualEnrollment => ({
    registrationId: `bench-${String(index).padStart(6, '0')}`,
    attestation: {type: 'x509', clientCertificates: {primary: {certificate: pem}}},
    capabilities: {iotEdge: true},
  });
  const started = performance.now();
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const from = next;
      next = Math.min(count, next + 10);
      const batch = Array.from({length: next - from}, (_, offset) => enrollmentOf(from + offset));
      const result = await gateway.runIndividualEnrollmentBulk('create', batch);
      if (!result.isSuccessful) throw new Error(JSON.stringify(result.errors.slice(0, 3)));
    }
  };
  await Promise.all(Array.from({length: 16}, worker));
  return count / ((performance.now() - started) / 1000);
}

/** Resolves at the next frame Ink writes (no polling, so the bench takes no CPU from the sandbox meanwhile). */
let frameWritten: () => void = () => {};
const nextFrame = () =>
  new Promise<void>((resolve) => {
    frameWritten = resolve;
  });

/** Milliseconds from now until the frame satisfies `done`. */
async function until(
  frame: () => string,
  done: (text: string) => boolean,
  timeoutMs = 30_000,
): Promise<number> {
  const started = performance.now();
  while (!done(frame())) {
    const waited = performance.now() - started;
    const timeout = new Promise<'timeout'>((resolve) =>
      setTimeout(() => resolve('timeout'), Math.max(0, timeoutMs - waited)),
    );
    if ((await Promise.race([nextFrame(), timeout])) === 'timeout') {
      throw new Error(`timed out; screen:\n${frame()}`);
    }
  }
  return performance.now() - started;
}

const stats = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
  return `median ${at(0.5).toFixed(1)} ms, p95 ${at(0.95).toFixed(1)} ms, max ${sorted.at(-1)!.toFixed(1)} ms (${values.length} keys)`;
};

const {child, info} = await startSandbox();
// The sandbox ends with the bench, whether it finishes or fails.
process.on('exit', () => child.kill('SIGTERM'));
process.on('uncaughtException', (error) => {
  console.error(error);
  process.exit(1);
});
const ca = await readFile(info.caCertFile, 'utf8');
const marker = `${stateDir}.seeded`;
if (!(await exists(marker))) {
  const gateway = await connectToSandbox(info, ca);
  const rate = await seed(gateway);
  await gateway.close();
  await writeFile(marker, `${count}\n`);
  console.log(`seeded ${count} enrollments through the bulk API: ${rate.toFixed(0)} enrollments/s`);
} else {
  console.log(`reusing ${stateDir} (${(await readFile(marker, 'utf8')).trim()} enrollments)`);
}

// The sandbox alone: one page of 100 through the service SDK, with no wizard, for comparison.
const direct = await connectToSandbox(info, ca);
const sandboxPages: number[] = [];
for (let run = 0; run < 5; run++) {
  const started = performance.now();
  await direct.queryIndividualEnrollments({pageSize: 100});
  sandboxPages.push(performance.now() - started);
}
await direct.close();

const services = createServices({
  target: 'the local sandbox DPS',
  connect: async () => {
    const gateway = await connectToSandbox(info, ca);
    return {gateway, resource: await gateway.getDpsResource(), close: () => gateway.close()};
  },
});
const app = render(createElement(App, {services}));
// An 80-column terminal, as the wizard is drawn for (the renderer's default is 100).
Object.defineProperty(app.stdout, 'columns', {get: () => 80, configurable: true});
app.stdout.emit('resize');
const write = app.stdout.write.bind(app.stdout);
app.stdout.write = (text: string) => {
  write(text);
  frameWritten();
};
const frame = () => stripVTControlCharacters(app.lastFrame() ?? '');
const down = '\u001B[B';
const escape = '\u001B';
/** Downs from the first home item to Browse DPS. */
const toBrowse = homeItems.findIndex(({item}) => item === 'browse');
await until(frame, (text) => text.includes('SANDBOX'));

// First page: from the home screen (cursor on Browse DPS) to the first rows drawn; the list is read anew each time.
const firstPages: number[] = [];
for (let run = 0; run < 5; run++) {
  app.stdin.write(down.repeat(toBrowse));
  await until(frame, (text) => text.includes('❯ Browse DPS'));
  app.stdin.write('\r');
  firstPages.push(
    await until(frame, (text) => /❯ bench-\d{6}/.test(text) && text.includes('more in DPS')),
  );
  app.stdin.write(escape);
  await until(frame, (text) => text.includes('❯ Individual enrollment'));
}

// Cursor moves: each Down until the status line says the cursor's row moved (pages are read on the way).
app.stdin.write(down.repeat(toBrowse));
await until(frame, (text) => text.includes('❯ Browse DPS'));
app.stdin.write('\r');
await until(frame, (text) => /❯ bench-\d{6}/.test(text));
const cursorMoves: number[] = [];
/** The cursor's index in the list: the first row's number from the status line, plus the cursor's row. */
function cursorRow(): number | undefined {
  const lines = frame().split('\n');
  const titles = lines.findIndex((line) => line.includes('Registration ID'));
  const cursor = lines.findIndex((line) => line.startsWith('❯ bench-'));
  const first = lines.map((line) => /^(\d+)–\d+ of/.exec(line)?.[1]).find(Boolean);
  if (titles < 0 || cursor < 0 || first === undefined) return undefined;
  return Number(first) - 1 + cursor - titles - 1;
}
/** Keys after which no frame showed the cursor moved within 2 s (then one more Down is sent, to go on). */
const unanswered: string[] = [];
/** How many items the status line says are read. */
const readCount = () => Number(/(\d+) read/.exec(frame())?.[1] ?? 0);
/** Cursor keys pressed on the last row read: their frame is drawn when the next page lands, with it. */
const withPage: number[] = [];
for (let key = 0; key < 300; key++) {
  const before = cursorRow();
  const read = readCount();
  app.stdin.write(down);
  try {
    cursorMoves.push(await until(frame, () => cursorRow() !== before, 2000));
    if (readCount() > read && before === read - 1) withPage.push(before);
  } catch {
    app.stdin.write(down);
    await until(frame, () => cursorRow() !== before);
    unanswered.push(`row ${before}, two Downs later row ${cursorRow()}`);
  }
}

// Filter keystrokes: each letter until the filter field shows it (the rows filtered within what is read).
const filterKeys: number[] = [];
for (const text of ['bench-0001', 'bench-0002']) {
  app.stdin.write('\u0015');
  await until(frame, (screen) => /Filter IDs ›\s*\n/.test(screen));
  for (let length = 1; length <= text.length; length++) {
    app.stdin.write(text[length - 1]!);
    const typed = text.slice(0, length);
    const shown = new RegExp(`Filter IDs › ${typed}\\s*\\n`);
    filterKeys.push(await until(frame, (screen) => shown.test(screen)));
  }
}

console.log(
  `sandbox alone, one page of 100 (service SDK): ${stats(sandboxPages).replace('keys', 'queries')}`,
);
console.log(`first page: ${stats(firstPages).replace('keys', 'openings')}`);
console.log(`key to frame, cursor move: ${stats(cursorMoves)}`);
if (withPage.length > 0)
  console.log(`cursor keys that waited for the next page (rows ${withPage.join(', ')})`);
if (unanswered.length > 0)
  console.log(`cursor keys with no frame within 2 s: ${unanswered.join(', ')}`);
console.log(`key to frame, filter keystroke: ${stats(filterKeys)}`);
app.unmount();
await services.closeAll();
child.kill('SIGTERM');
