// Benchmark: the parsers that read what a user hands in, on inputs made to be slow, at growing sizes:
// a certificate file of `-----BEGIN CERTIFICATE-----` lines that never end (as `certs inspect` reads it,
// and as the DPS gateway decodes a certificate), and a twin key=value line whose value holds a run of
// spaces. Linear parsers take about twice as long for twice the input. Prints the median of each.
//
//   node --import tsx bench/parsers.ts [--runs 5]
//
// This prints numbers; it asserts nothing. Results depend on the machine and on what else runs on it.
import {parseArgs} from 'node:util';
import {parsePairs} from '../source/wizard/shared/initial-twin.js';
import {parseCertificates} from '../source/certs/read.js';
import {decodeCertificate} from '../source/dps/index.js';

const {values} = parseArgs({options: {runs: {type: 'string', default: '5'}}});
const runs = Number(values.runs);

/** The median time of `runs` calls of `run`, in milliseconds (a throw is part of the work). */
function median(run: () => unknown): number {
  const times: number[] = [];
  for (let index = 0; index < runs; index++) {
    const started = performance.now();
    try {
      run();
    } catch {
      // The slow inputs are refused: the time to refuse them is what is measured.
    }
    times.push(performance.now() - started);
  }
  return times.sort((a, b) => a - b)[Math.floor(times.length / 2)]!;
}

const kilobyte = 1024;
const sizes = [128, 256, 512, 1024].map((kilobytes) => kilobytes * kilobyte);
const label = (bytes: number) =>
  bytes >= 1024 * kilobyte ? `${bytes / 1024 / kilobyte} MB` : `${bytes / kilobyte} KB`;
const unterminatedPem = (bytes: number) =>
  '-----BEGIN CERTIFICATE-----\n'.repeat(Math.ceil(bytes / 28)).slice(0, bytes);

const rows: Array<[string, string, number]> = [];
for (const bytes of sizes) {
  const text = unterminatedPem(bytes);
  const data = Buffer.from(text);
  rows.push([
    'certs: unterminated BEGIN lines',
    label(bytes),
    median(() => parseCertificates(data)),
  ]);
  rows.push([
    'dps: decode unterminated BEGIN lines',
    label(bytes),
    median(() => decodeCertificate(text)),
  ]);
}
for (const spaces of [12_500, 25_000, 50_000, 100_000]) {
  const line = `a=x${' '.repeat(spaces)}y, b=2`;
  rows.push([
    'twin: key=value, spaces in a value',
    `${spaces} spaces`,
    median(() => parsePairs(line)),
  ]);
}

const width = Math.max(...rows.map(([name]) => name.length));
console.log(`median of ${runs} runs`);
for (const [name, size, ms] of rows) {
  console.log(`${name.padEnd(width)}  ${size.padStart(14)}  ${ms.toFixed(1).padStart(8)} ms`);
}
