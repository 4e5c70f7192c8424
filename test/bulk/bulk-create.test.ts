import {after, test} from 'node:test';
import assert from 'node:assert/strict';
import {rm, writeFile} from 'node:fs/promises';
import {join} from 'node:path';
import {Writable} from 'node:stream';
import {
  bulkCreateEnrollments,
  type BulkCreateOptions,
  type BulkReport,
} from '../../source/bulk/bulk-create.js';
import {readAll} from '../../source/commands/dps-calls.js';
import {connectToSandbox, type DpsGateway} from '../../source/dps/index.js';
import {deviceFolder as makeDeviceFolder} from '../helpers/device-certificates.js';
import {expectDpsError, sandboxForFile} from '../helpers/sandbox.js';

const sandbox = sandboxForFile();

const folders: string[] = [];
after(() => Promise.all(folders.map((folder) => rm(folder, {recursive: true, force: true}))));

/** A folder of device certificates, removed after this file's tests. */
async function deviceFolder(...args: Parameters<typeof makeDeviceFolder>) {
  const made = await makeDeviceFolder(...args);
  folders.push(made.folder);
  return made;
}

/** A stream that keeps what is written to it. */
function captured(onChunk?: (chunk: string) => void) {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer | string, _encoding, done) {
      chunks.push(String(chunk));
      onChunk?.(String(chunk));
      done();
    },
  });
  return {stream, text: () => chunks.join('')};
}

async function runBulk(
  overrides: Partial<BulkCreateOptions> & Pick<BulkCreateOptions, 'from' | 'cwd'>,
  onStderr?: (chunk: string) => void,
) {
  const stdout = captured();
  const stderr = captured(onStderr);
  const code = await bulkCreateEnrollments({
    gateway: sandbox.gateway,
    settings: {iotEdge: true},
    update: false,
    json: true,
    stdout: stdout.stream,
    stderr: stderr.stream,
    isTty: false,
    signal: new AbortController().signal,
    ...overrides,
  });
  const report = JSON.parse(stdout.text()) as BulkReport;
  return {code, report, stderr: stderr.text()};
}

async function countEnrollments(gateway: DpsGateway, prefix: string): Promise<number> {
  const enrollments = await readAll((page) => gateway.queryIndividualEnrollments(page));
  return enrollments.filter((item) => item.registrationId.startsWith(prefix)).length;
}

test('1,000 certificates from a folder are enrolled, and a second run skips them all', async () => {
  const {folder, ids} = await deviceFolder(1000, {prefix: 'bulk-thousand'});
  const first = await runBulk({from: {folder: '.'}, cwd: folder});
  assert.equal(first.code, 0, first.stderr);
  assert.equal(first.report.status, 'completed');
  assert.equal(first.report.counts.created, 1000);
  assert.equal(first.report.counts.failed, 0);
  // The CA certificate and the key file are skipped with their reason.
  const skipped = first.report.notes.filter((note) => note.kind === 'skipped');
  assert.deepEqual(skipped.map((note) => note.file).sort(), [
    'devices/shared.key.pem',
    'root.ca.cert.pem',
  ]);
  assert.match(first.stderr, /root\.ca\.cert\.pem: a CA certificate \(CA:TRUE/);
  assert.match(first.stderr, /shared\.key\.pem: a private key, not a certificate/);
  assert.equal(await countEnrollments(sandbox.gateway, 'bulk-thousand-'), 1000);
  const one = await sandbox.gateway.getIndividualEnrollment(ids[499]!);
  assert.equal(one.capabilities?.iotEdge, true);
  assert.equal(one.deviceId, ids[499]);

  const second = await runBulk({from: {folder}, cwd: '/'});
  assert.equal(second.code, 0, second.stderr);
  assert.equal(second.report.counts.skipped, 1000);
  assert.equal(second.report.counts.created, 0);
  assert.equal(second.report.enrollmentsPerSecond, 0);
  assert.match(second.stderr, /1000 of 1000 exist; 0 to create/);
});

test('a manifest with a bad line names the line and sends nothing', async () => {
  const {folder, ids} = await deviceFolder(3, {prefix: 'bulk-manifest'});
  const manifest = [
    'registrationId,certificatePath,deviceId',
    `${ids[0]},devices/${ids[0]}.cert.pem,first-device`,
    `${ids[1]},devices/${ids[1]}.cert.pem,second,extra`,
    `${ids[2]},devices/${ids[2]}.cert.pem`,
  ].join('\n');
  await writeFile(join(folder, 'devices.csv'), manifest);
  const bad = await runBulk({from: {manifest: 'devices.csv'}, cwd: folder});
  assert.equal(bad.code, 2);
  assert.equal(bad.report.status, 'invalid-input');
  assert.match(bad.stderr, /devices\.csv line 3: has 4 fields but the header names 3/);
  await expectDpsError(sandbox.gateway.getIndividualEnrollment(ids[0]!), 'not-found');

  // Fixed, the same manifest enrolls all three, with the device ID it gives.
  await writeFile(join(folder, 'devices.csv'), manifest.replace(',second,extra', ',second'));
  const good = await runBulk({from: {manifest: 'devices.csv'}, cwd: folder});
  assert.equal(good.code, 0, good.stderr);
  assert.equal(good.report.counts.created, 3);
  assert.equal((await sandbox.gateway.getIndividualEnrollment(ids[0]!)).deviceId, 'first-device');
  assert.equal((await sandbox.gateway.getIndividualEnrollment(ids[2]!)).deviceId, ids[2]);
});

test('a manifest whose registration ID is not the CN is refused before anything is sent', async () => {
  const {folder, ids} = await deviceFolder(2, {prefix: 'bulk-mismatch'});
  await writeFile(
    join(folder, 'devices.json'),
    JSON.stringify([
      {registrationId: ids[0], certificatePath: `devices/${ids[0]}.cert.pem`},
      {registrationId: 'someone-else', certificatePath: `devices/${ids[1]}.cert.pem`},
    ]),
  );
  const run = await runBulk({from: {manifest: 'devices.json'}, cwd: folder});
  assert.equal(run.code, 2);
  assert.match(
    run.stderr,
    /devices\.json item 2: the registration ID "someone-else" is not the certificate CN/,
  );
  await expectDpsError(sandbox.gateway.getIndividualEnrollment(ids[0]!), 'not-found');
});

test('an enrollment that differs is reported with its fields, and replaced only with update', async () => {
  const {folder, ids} = await deviceFolder(3, {prefix: 'bulk-differs'});
  const settings = {iotEdge: true, initialTwin: {tags: {environment: 'test'}}};
  const first = await runBulk({from: {folder}, cwd: folder, settings});
  assert.equal(first.report.counts.created, 3);
  const changed = await sandbox.gateway.getIndividualEnrollment(ids[1]!);
  const edited = await sandbox.gateway.createOrUpdateIndividualEnrollment({
    ...changed,
    capabilities: {iotEdge: false},
    initialTwin: {tags: {environment: 'production'}},
  });

  const report = await runBulk({from: {folder}, cwd: folder, settings});
  assert.equal(report.code, 1);
  assert.equal(report.report.counts.skipped, 2);
  assert.equal(report.report.counts.different, 1);
  const different = report.report.items.find((item) => item.outcome === 'different');
  assert.equal(different?.registrationId, ids[1]);
  assert.deepEqual(different?.fields, ['iotEdge', 'initialTwin.tags']);
  assert.match(report.stderr, new RegExp(`${ids[1]}: iotEdge, initialTwin\\.tags`));
  assert.equal((await sandbox.gateway.getIndividualEnrollment(ids[1]!)).etag, edited.etag);

  const updated = await runBulk({from: {folder}, cwd: folder, settings, update: true});
  assert.equal(updated.code, 0, updated.stderr);
  assert.equal(updated.report.counts.updated, 1);
  assert.equal(updated.report.counts.skipped, 2);
  const now = await sandbox.gateway.getIndividualEnrollment(ids[1]!);
  assert.equal(now.capabilities?.iotEdge, true);
  assert.deepEqual(now.initialTwin?.tags, {environment: 'test'});
});

test('a bulk call throttled with 429 waits as DPS asks, says so, and then succeeds', async () => {
  const {folder} = await deviceFolder(25, {prefix: 'bulk-throttled'});
  sandbox.emulator.faults.add({
    method: 'POST',
    path: /^\/enrollments\/?$/,
    count: 1,
    fault: {kind: 'status', status: 429, retryAfterSeconds: 1},
  });
  const run = await runBulk({from: {folder}, cwd: folder, isTty: true});
  assert.equal(run.code, 0, run.stderr);
  assert.equal(run.report.counts.created, 25);
  // On a terminal the bar is redrawn in place and ends complete.
  assert.match(run.stderr, /\r\x1b\[2K\[#{24}\] 25\/25 {2}\d+\/s {2}ETA 0 ms\n/);
  assert.match(
    run.stderr,
    /waiting 1 s, as DPS asked: DPS is throttling requests \(429\); then attempt 2 of 5/,
  );
});

test('Ctrl+C stops after the call in flight and reports what was not sent', async () => {
  const {folder} = await deviceFolder(40, {prefix: 'bulk-stopped'});
  const controller = new AbortController();
  // Stop as soon as the first bulk call has been answered: the progress line says so.
  const {code, report, stderr} = await runBulk(
    {from: {folder}, cwd: folder, signal: controller.signal},
    (chunk) => {
      if (/\d+\/40/.test(chunk)) controller.abort();
    },
  );
  assert.equal(code, 1);
  assert.equal(report.status, 'stopped');
  assert.equal(report.counts.created, 10);
  assert.equal(report.counts['not-sent'], 30);
  assert.match(stderr, /Stopped by Ctrl\+C after the call in flight/);
  assert.equal(await countEnrollments(sandbox.gateway, 'bulk-stopped-'), 10);
});

test('per-item errors of a bulk call are reported by registration ID, and the run exits 1', async () => {
  const {folder, ids} = await deviceFolder(12, {prefix: 'bulk-item-errors'});
  const run = await runBulk({
    from: {folder},
    cwd: folder,
    settings: {iotEdge: true, iotHubs: ['not-linked.azure-devices.net']},
  });
  assert.equal(run.code, 1);
  assert.equal(run.report.status, 'completed');
  assert.equal(run.report.counts.failed, 12);
  const failed = run.report.items.find((item) => item.registrationId === ids[11]);
  assert.equal(failed?.outcome, 'failed');
  assert.match(failed?.error ?? '', /not-linked\.azure-devices\.net/);
  assert.match(run.stderr, new RegExp(`Failed:\\n  ${ids[0]}: .*not-linked`));
  await expectDpsError(sandbox.gateway.getIndividualEnrollment(ids[0]!), 'not-found');
});

test('a bulk call whose answer is lost is retried, and what its first attempt created counts as created', async () => {
  const {folder} = await deviceFolder(10, {prefix: 'bulk-lost-answer'});
  // The first attempt is carried out after 300 ms, but the client gives up at 100 ms and retries after
  // 800 ms (the full backoff): the retry finds all ten already there.
  const gateway = await connectToSandbox(sandbox.emulator.info, sandbox.emulator.caCertificatePem, {
    requestTimeoutMs: 100,
    retry: {random: () => 0.999},
  });
  try {
    sandbox.emulator.faults.add({
      method: 'POST',
      path: /^\/enrollments\/?$/,
      count: 1,
      fault: {kind: 'delay', ms: 300},
    });
    const run = await runBulk({gateway, from: {folder}, cwd: folder});
    assert.equal(run.code, 0, run.stderr);
    assert.equal(run.report.counts.created, 10);
    assert.match(run.stderr, /DPS did not answer in time; then attempt 2 of 5/);
  } finally {
    await gateway.close();
  }
});

test('Ctrl+C during a Retry-After wait stops at once: that call was not carried out', async () => {
  const {folder} = await deviceFolder(20, {prefix: 'bulk-stop-waiting'});
  sandbox.emulator.faults.add({
    method: 'POST',
    path: /^\/enrollments\/?$/,
    count: 1,
    fault: {kind: 'status', status: 503, retryAfterSeconds: 20},
  });
  const controller = new AbortController();
  const {code, report, stderr} = await runBulk(
    {from: {folder}, cwd: folder, signal: controller.signal},
    (chunk) => {
      if (chunk.startsWith('waiting 20 s')) controller.abort();
    },
  );
  assert.equal(code, 1);
  assert.equal(report.status, 'stopped');
  assert.deepEqual([report.counts.created, report.counts['not-sent']], [0, 20]);
  assert.match(stderr, /Stopped by Ctrl\+C while waiting to retry/);
  assert.equal(await countEnrollments(sandbox.gateway, 'bulk-stop-waiting-'), 0);
});
