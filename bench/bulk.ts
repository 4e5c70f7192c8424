// Bulk enrollment throughput against an in-memory sandbox, through the service SDK over HTTPS on loopback:
// `bulkCreateEnrollments` on folders of 1,000 and 10,000 device certificates (end to end, and the sending
// phase alone), a re-run that finds everything in place, and, in the same run, the same kind of
// enrollments created one call at a time (on 1,000 of them) for the ratio.
//   node --import tsx bench/bulk.ts [--sizes 1000,10000]
import {rm} from 'node:fs/promises';
import {Writable} from 'node:stream';
import {parseArgs} from 'node:util';
import {bulkCreateEnrollments, type BulkReport} from '../source/bulk/bulk-create.js';
import {enrollmentRequest} from '../source/bulk/enrollment.js';
import {preflight} from '../source/bulk/preflight.js';
import {findCandidates} from '../source/bulk/sources.js';
import {connectToSandbox, type DpsGateway} from '../source/dps/index.js';
import {startEmulator} from '../source/emulator/emulator.js';
import {deviceFolder} from '../test/helpers/device-certificates.js';

const {values} = parseArgs({options: {sizes: {type: 'string', default: '1000,10000'}}});
const sizes = values.sizes.split(',').map(Number);
const singleSample = 1000;
const settings = {iotEdge: true};
const signal = new AbortController().signal;

function collect() {
  const chunks: string[] = [];
  return {
    stream: new Writable({
      write(chunk: Buffer | string, _encoding, done) {
        chunks.push(String(chunk));
        done();
      },
    }),
    text: () => chunks.join(''),
  };
}

async function bulk(gateway: DpsGateway, folder: string) {
  const stdout = collect();
  const started = performance.now();
  const code = await bulkCreateEnrollments({
    gateway,
    from: {folder},
    cwd: folder,
    settings,
    update: false,
    json: true,
    stdout: stdout.stream,
    stderr: collect().stream,
    isTty: false,
    signal,
  });
  const ms = performance.now() - started;
  if (code !== 0) throw new Error(`bulk run exited ${code}: ${stdout.text().slice(0, 2000)}`);
  return {ms, report: JSON.parse(stdout.text()) as BulkReport};
}

/** The same enrollments as the bulk run would send, one createOrUpdate call each. */
async function oneAtATime(gateway: DpsGateway, count: number) {
  const {folder} = await deviceFolder(count, {prefix: 'single'});
  const sources = await findCandidates({folder}, folder);
  if (sources.kind !== 'folder') throw new Error('no folder');
  const {planned} = await preflight(sources.candidates, true, signal);
  const started = performance.now();
  for (const enrollment of planned) {
    await gateway.createOrUpdateIndividualEnrollment(enrollmentRequest(enrollment, settings));
  }
  const ms = performance.now() - started;
  await rm(folder, {recursive: true, force: true});
  return ms;
}

const rate = (count: number, ms: number) => Math.round((count * 1000) / ms);

for (const size of sizes) {
  const emulator = await startEmulator({inMemory: true, port: 0});
  const gateway = await connectToSandbox(emulator.info, emulator.caCertificatePem);
  try {
    let started = performance.now();
    const {folder} = await deviceFolder(size, {prefix: `bench-${size}`});
    const issueMs = performance.now() - started;
    const first = await bulk(gateway, folder);
    const again = await bulk(gateway, folder);
    await rm(folder, {recursive: true, force: true});
    if (first.report.counts.created !== size || again.report.counts.skipped !== size) {
      throw new Error(
        `unexpected counts: ${JSON.stringify([first.report.counts, again.report.counts])}`,
      );
    }
    started = performance.now();
    const singleCount = Math.min(size, singleSample);
    const singleMs = await oneAtATime(gateway, singleCount);
    const sending = first.report.enrollmentsPerSecond;
    const single = rate(singleCount, singleMs);
    console.log(
      [
        `${size} enrollments (certificates issued in ${(issueMs / 1000).toFixed(1)} s, not counted)`,
        `  bulk, end to end (pre-flight, read DPS, send): ${(first.ms / 1000).toFixed(1)} s = ${rate(size, first.ms)} enrollments/s`,
        `  bulk, sending phase only:                     ${Math.round(sending)} enrollments/s`,
        `  re-run, all skipped:                          ${(again.ms / 1000).toFixed(1)} s`,
        `  one at a time (${singleCount} createOrUpdate calls):   ${(singleMs / 1000).toFixed(1)} s = ${single} enrollments/s`,
        `  ratio bulk sending / one at a time:           ${(sending / single).toFixed(1)}x`,
      ].join('\n'),
    );
  } finally {
    await gateway.close();
    await emulator.close();
  }
}
