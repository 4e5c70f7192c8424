import {after, before, describe, test} from 'node:test';
import assert from 'node:assert/strict';
import {PassThrough} from 'node:stream';
import {join} from 'node:path';
import {UsageError} from '../../source/commands/args.js';
import {runCaCommand} from '../../source/commands/ca-command.js';
import type {CommandIo} from '../../source/commands/dps-command.js';
import {runEnrollmentCommand} from '../../source/commands/enrollment-command.js';
import {runGroupCommand} from '../../source/commands/group-command.js';
import {runRegistrationCommand} from '../../source/commands/registration-command.js';
import {startEmulator} from '../../source/emulator/emulator.js';
import {Store} from '../../source/emulator/store.js';
import {
  connectToSandbox,
  connectWithConnectionString,
  localAgent,
} from '../../source/dps/gateway.js';
import type {
  CaCertificate,
  DpsGateway,
  EnrollmentGroup,
  IndividualEnrollment,
  RegistrationState,
} from '../../source/dps/types.js';
import {temporaryFolder, writePems} from '../helpers/certs-openssl.js';
import {deviceFolder} from '../helpers/device-certificates.js';
import {sandboxForFile} from '../helpers/sandbox.js';
import {issue, signedBy, type Issued} from '../helpers/test-certificates.js';

// Every command runs in this process through the real service and ARM SDKs over HTTPS against the
// sandbox; only the connection is handed in (the flags' own connecting is covered by dps-cli.test.ts).

const sandbox = sandboxForFile();
let folder: Awaited<ReturnType<typeof temporaryFolder>>;
let root: Issued;

before(async () => {
  folder = await temporaryFolder('dps-enroll-commands-');
  root = await issue('commands-root', 'ca', undefined, {validityDays: 30});
  const otherRoot = await issue('commands-root', 'ca', undefined, {validityDays: 30});
  const intermediate = await signedBy(root, 'commands-intermediate', 'ca');
  const device = await signedBy(intermediate, 'edge-01');
  const device2 = await signedBy(intermediate, 'edge-01');
  await writePems(folder.path, {
    'root.cert.pem': root.certificatePem,
    'root.key.pem': root.privateKeyPem,
    'other-root.key.pem': otherRoot.privateKeyPem,
    'intermediate.cert.pem': intermediate.certificatePem,
    'edge-01.cert.pem': device.certificatePem,
    'edge-01-new.cert.pem': device2.certificatePem,
    'broken.cert.pem':
      '-----BEGIN CERTIFICATE-----\nbm90IGEgY2VydGlmaWNhdGU=\n-----END CERTIFICATE-----\n',
  });
});
after(() => folder.cleanup());

type Run = (argv: string[], io?: CommandIo) => Promise<number>;
type Outcome = {code: number; stdout: string; stderr: string};

/** Runs a command against `gateway` with captured output. */
async function run(
  command: Run,
  argv: string[],
  gateway: DpsGateway = sandbox.gateway,
  signal = new AbortController().signal,
): Promise<Outcome> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
  const code = await command(argv, {
    stdout,
    stderr,
    env: {},
    cwd: folder.path,
    isTty: false,
    signal,
    connect: async () => ({gateway, close: async () => {}}),
  });
  return {code, stdout: out, stderr: err};
}

async function json<T>(command: Run, argv: string[]): Promise<T> {
  const result = await run(command, [...argv, '--json']);
  assert.equal(result.code, 0, result.stderr);
  return JSON.parse(result.stdout) as T;
}

describe('dps-enroll enrollment', () => {
  test('create, show, list, update and delete, with --json and in text', async () => {
    const created = await run(runEnrollmentCommand, [
      'create',
      '--enrollment-id',
      'edge-01',
      '--certificate-path',
      'edge-01.cert.pem',
      '--device-id',
      'edge-01-device',
      '--initial-twin-tags',
      '{"environment": "test"}',
    ]);
    assert.equal(created.code, 0, created.stderr);
    assert.match(created.stdout, /Created individual enrollment 'edge-01'/);
    assert.match(created.stdout, /SHA-1 thumbprint: +[0-9A-F]{40}/);
    assert.doesNotMatch(created.stdout, /BEGIN CERTIFICATE/);

    const shown = await json<IndividualEnrollment>(runEnrollmentCommand, [
      'show',
      '--enrollment-id',
      'edge-01',
    ]);
    assert.equal(shown.deviceId, 'edge-01-device');
    assert.equal(shown.capabilities?.iotEdge, true);
    assert.deepEqual(shown.initialTwin?.tags, {environment: 'test'});
    assert.ok(shown.etag);

    const listed = await json<IndividualEnrollment[]>(runEnrollmentCommand, ['list']);
    assert.deepEqual(
      listed.map((enrollment) => enrollment.registrationId),
      ['edge-01'],
    );
    const table = await run(runEnrollmentCommand, ['list']);
    assert.match(table.stdout, /^REGISTRATION ID +DEVICE ID +EDGE +STATUS/);
    assert.match(table.stdout, /\nedge-01 +edge-01-device +yes +enabled/);

    // Only what the flags name changes: the tags stay when the desired properties are set.
    const updated = await json<IndividualEnrollment>(runEnrollmentCommand, [
      'update',
      '--enrollment-id',
      'edge-01',
      '--provisioning-status',
      'disabled',
      '--initial-twin-properties',
      '{"telemetryInterval": 30}',
      '--certificate-path',
      'edge-01-new.cert.pem',
    ]);
    assert.equal(updated.provisioningStatus, 'disabled');
    assert.deepEqual(updated.initialTwin, {
      tags: {environment: 'test'},
      properties: {desired: {telemetryInterval: 30}},
    });
    assert.equal(updated.deviceId, 'edge-01-device');
    assert.notEqual(updated.etag, shown.etag);
    const attestation = updated.attestation as {
      clientCertificates: {primary: {info: {sha1Thumbprint: string}}};
    };
    const original = shown.attestation as typeof attestation;
    assert.notEqual(
      attestation.clientCertificates.primary.info.sha1Thumbprint,
      original.clientCertificates.primary.info.sha1Thumbprint,
    );

    const deleted = await json<{deleted: {registrationId: string}}>(runEnrollmentCommand, [
      'delete',
      '--enrollment-id',
      'edge-01',
    ]);
    assert.deepEqual(deleted, {deleted: {registrationId: 'edge-01'}});
    const gone = await run(runEnrollmentCommand, ['show', '--enrollment-id', 'edge-01']);
    assert.equal(gone.code, 1);
  });

  test('an unknown ID fails with exit 1, the cause and what to do, and nothing on stdout', async () => {
    const result = await run(runEnrollmentCommand, ['show', '--enrollment-id', 'no-such-device']);
    assert.equal(result.code, 1);
    assert.equal(result.stdout, '');
    assert.match(result.stderr, /^dps-enroll enrollment show: .*'no-such-device'.*does not exist/);
    assert.match(result.stderr, /\n {2}Check the ID: list shows what exists/);
    const deleted = await run(runEnrollmentCommand, [
      'delete',
      '--enrollment-id',
      'no-such-device',
    ]);
    assert.equal(deleted.code, 1);
    assert.match(deleted.stderr, /does not exist/);
  });

  test('create refuses an ID that exists and changes nothing', async () => {
    const args = ['create', '--enrollment-id', 'edge-01', '--certificate-path', 'edge-01.cert.pem'];
    assert.equal((await run(runEnrollmentCommand, args)).code, 0);
    const before = await json<IndividualEnrollment>(runEnrollmentCommand, [
      'show',
      '--enrollment-id',
      'edge-01',
    ]);
    const again = await run(runEnrollmentCommand, [...args, '--provisioning-status', 'disabled']);
    assert.equal(again.code, 1);
    assert.match(again.stderr, /'edge-01' exists already; nothing was changed/);
    assert.match(again.stderr, /dps-enroll enrollment update --enrollment-id edge-01/);
    const after = await json<IndividualEnrollment>(runEnrollmentCommand, [
      'show',
      '--enrollment-id',
      'edge-01',
    ]);
    assert.equal(after.etag, before.etag);
    assert.equal(after.provisioningStatus, 'enabled');
    await run(runEnrollmentCommand, ['delete', '--enrollment-id', 'edge-01']);
  });

  test('update with a stale etag is refused (exit 1) and says to show it again', async () => {
    await run(runEnrollmentCommand, [
      'create',
      '--enrollment-id',
      'edge-01',
      '--certificate-path',
      'edge-01.cert.pem',
    ]);
    const read = await json<IndividualEnrollment>(runEnrollmentCommand, [
      'show',
      '--enrollment-id',
      'edge-01',
    ]);
    // Someone else changes it after it was read.
    const other = await run(runEnrollmentCommand, [
      'update',
      '--enrollment-id',
      'edge-01',
      '--initial-twin-tags',
      '{"owner": "someone else"}',
    ]);
    assert.equal(other.code, 0, other.stderr);
    const stale = await run(runEnrollmentCommand, [
      'update',
      '--enrollment-id',
      'edge-01',
      '--edge-enabled',
      'false',
      '--etag',
      read.etag!,
    ]);
    assert.equal(stale.code, 1);
    assert.equal(stale.stdout, '');
    assert.match(stale.stderr, /etag mismatch/);
    assert.match(stale.stderr, /changed since you read it; show it again/);
    const now = await json<IndividualEnrollment>(runEnrollmentCommand, [
      'show',
      '--enrollment-id',
      'edge-01',
    ]);
    assert.equal(now.capabilities?.iotEdge, true);
    assert.deepEqual(now.initialTwin?.tags, {owner: 'someone else'});
    const staleDelete = await run(runEnrollmentCommand, [
      'delete',
      '--enrollment-id',
      'edge-01',
      '--etag',
      read.etag!,
    ]);
    assert.equal(staleDelete.code, 1);
    assert.match(staleDelete.stderr, /changed since you read it/);
    await run(runEnrollmentCommand, ['delete', '--enrollment-id', 'edge-01']);
  });

  test('a malformed or wrong certificate file names the file and the problem; nothing is sent', async () => {
    const broken = await run(runEnrollmentCommand, [
      'create',
      '--enrollment-id',
      'edge-01',
      '--certificate-path',
      'broken.cert.pem',
    ]);
    assert.equal(broken.code, 1);
    assert.match(broken.stderr, /--certificate-path .*broken\.cert\.pem/);
    assert.match(broken.stderr, /\n {2}Give the certificate file in PEM or DER/);
    const missing = await run(runEnrollmentCommand, [
      'create',
      '--enrollment-id',
      'edge-01',
      '--certificate-path',
      'nowhere.pem',
    ]);
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /nowhere\.pem/);
    const ca = await run(runEnrollmentCommand, [
      'create',
      '--enrollment-id',
      'edge-01',
      '--certificate-path',
      'intermediate.cert.pem',
    ]);
    assert.equal(ca.code, 1);
    assert.match(ca.stderr, /intermediate\.cert\.pem cannot be used/);
    assert.match(ca.stderr, /CA certificate/);
    const mismatch = await run(runEnrollmentCommand, [
      'create',
      '--enrollment-id',
      'edge-02',
      '--certificate-path',
      'edge-01.cert.pem',
    ]);
    assert.equal(mismatch.code, 1);
    assert.match(mismatch.stderr, /"edge-02" is not the certificate CN "edge-01"/);
    const listed = await json<IndividualEnrollment[]>(runEnrollmentCommand, ['list']);
    assert.deepEqual(listed, []);
  });

  test('a 429 from DPS is waited out (Retry-After) and the command succeeds', async () => {
    await run(runEnrollmentCommand, [
      'create',
      '--enrollment-id',
      'edge-01',
      '--certificate-path',
      'edge-01.cert.pem',
    ]);
    sandbox.emulator.faults.add({
      method: 'GET',
      path: /\/enrollments\/edge-01$/,
      count: 1,
      fault: {kind: 'status', status: 429, retryAfterSeconds: 1},
    });
    const result = await run(runEnrollmentCommand, ['show', '--enrollment-id', 'edge-01']);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /registration ID: +edge-01/);
    assert.match(result.stderr, /throttling.*trying again in 1 s \(attempt 2 of \d+\)/);
    await run(runEnrollmentCommand, ['delete', '--enrollment-id', 'edge-01']);
  });

  test('create --from-folder enrolls every device certificate of the folder, and a re-run skips them', async () => {
    const devices = await deviceFolder(12, {
      prefix: 'from-folder',
      folder: join(folder.path, 'fleet'),
    });
    const first = await run(runEnrollmentCommand, [
      'create',
      '--from-folder',
      'fleet',
      '--initial-twin-tags',
      '{"line": "3"}',
    ]);
    assert.equal(first.code, 0, first.stderr);
    assert.match(first.stderr, /^ +12 +created$/m);
    const shown = await json<IndividualEnrollment>(runEnrollmentCommand, [
      'show',
      '--enrollment-id',
      devices.ids[0]!,
    ]);
    assert.equal(shown.capabilities?.iotEdge, true);
    assert.deepEqual(shown.initialTwin?.tags, {line: '3'});

    const again = await run(runEnrollmentCommand, [
      'create',
      '--from-folder',
      'fleet',
      '--initial-twin-tags',
      '{"line": "3"}',
      '--json',
    ]);
    assert.equal(again.code, 0, again.stderr);
    const report = JSON.parse(again.stdout) as {counts: {skipped: number; created: number}};
    assert.deepEqual([report.counts.skipped, report.counts.created], [12, 0]);
    for (const id of devices.ids) {
      await run(runEnrollmentCommand, ['delete', '--enrollment-id', id]);
    }
  });

  test('create --from-folder with a custom allocation sends its webhook with every enrollment', async () => {
    const devices = await deviceFolder(2, {
      prefix: 'custom-bulk',
      folder: join(folder.path, 'custom'),
    });
    const allocation = [
      '--allocation-policy',
      'custom',
      '--webhook-url',
      'https://127.0.0.1/api/allocate',
      '--api-version',
      '2021-10-01',
    ];
    const created = await run(runEnrollmentCommand, [
      'create',
      '--from-folder',
      'custom',
      ...allocation,
    ]);
    assert.equal(created.code, 0, created.stderr);
    const shown = await json<IndividualEnrollment>(runEnrollmentCommand, [
      'show',
      '--enrollment-id',
      devices.ids[1]!,
    ]);
    assert.equal(shown.allocationPolicy, 'custom');
    assert.deepEqual(shown.customAllocationDefinition, {
      webhookUrl: 'https://127.0.0.1/api/allocate',
      apiVersion: '2021-10-01',
    });
    // Another webhook differs from what DPS holds: reported, not replaced.
    const other = await run(runEnrollmentCommand, [
      'create',
      '--from-folder',
      'custom',
      ...allocation.slice(0, 3),
      'https://127.0.0.1/api/other',
      ...allocation.slice(4),
    ]);
    assert.equal(other.code, 1, other.stderr);
    assert.match(other.stderr, /customAllocationDefinition/);
    for (const id of devices.ids) {
      await run(runEnrollmentCommand, ['delete', '--enrollment-id', id]);
    }
  });

  test('Ctrl+C (the aborted signal) cancels the call and exits with 130', async () => {
    const controller = new AbortController();
    controller.abort();
    const result = await run(runEnrollmentCommand, ['list'], sandbox.gateway, controller.signal);
    assert.equal(result.code, 130);
    assert.match(result.stderr, /was cancelled/);
    assert.equal(result.stdout, '');
  });

  test('usage errors are thrown as UsageError (exit 2) before anything is connected', async () => {
    for (const args of [
      [],
      ['frobnicate'],
      ['show'],
      ['show', '--enrollment-id', 'bad id!'],
      ['create', '--enrollment-id', 'edge-01'],
      ['create', '--enrollment-id', 'e', '--certificate-path', 'x', '--provisioning-status', 'on'],
      ['create', '--enrollment-id', 'e', '--certificate-path', 'x', '--initial-twin-tags', '{'],
      ['create', '--enrollment-id', 'e', '--certificate-path', 'x', '--initial-twin-tags', '[1]'],
      ['create', '--enrollment-id', 'e', '--certificate-path', 'x', '--etag', 'abc'],
      [
        'create',
        '--enrollment-id',
        'e',
        '--certificate-path',
        'x',
        '--allocation-policy',
        'custom',
      ],
      ['create', '--from-folder', 'certs', '--enrollment-id', 'e'],
      ['create', '--from-folder', '.', '--manifest', 'm.csv'],
      ['create', '--from-folder', 'no-such-folder'],
      ['create', '--enrollment-id', 'e', '--certificate-path', 'x', '--update'],
      ['list', '--top', '0'],
      ['list', '--sandbox', '--dps-name', 'my-dps'],
      ['update', '--enrollment-id', 'e', '--reprovision-policy', 'sometimes'],
    ]) {
      await assert.rejects(run(runEnrollmentCommand, args), UsageError, args.join(' '));
    }
  });
});

describe('dps-enroll ca and group', () => {
  test('ca upload, verify (the proof of possession with the local key), group create on it, delete', async () => {
    const uploaded = await json<CaCertificate>(runCaCommand, [
      'upload',
      '--certificate-name',
      'commands-root',
      '--path',
      'root.cert.pem',
    ]);
    assert.equal(uploaded.isVerified, false);
    const again = await run(runCaCommand, [
      'upload',
      '--certificate-name',
      'commands-root',
      '--path',
      'root.cert.pem',
    ]);
    assert.equal(again.code, 1);
    assert.match(again.stderr, /exists already in DPS; nothing was changed\n {2}To replace it/);

    // A key of another CA with the same name: refused before DPS is asked for a code.
    const wrongKey = await run(runCaCommand, [
      'verify',
      '--certificate-name',
      'commands-root',
      '--key',
      'other-root.key.pem',
    ]);
    assert.equal(wrongKey.code, 1);
    assert.match(wrongKey.stderr, /does not belong to this CA certificate.*nothing was sent/);
    const unchanged = await json<CaCertificate>(runCaCommand, [
      'show',
      '--certificate-name',
      'commands-root',
    ]);
    assert.equal(unchanged.etag, uploaded.etag);

    const verified = await run(runCaCommand, [
      'verify',
      '--certificate-name',
      'commands-root',
      '--key',
      'root.key.pem',
    ]);
    assert.equal(verified.code, 0, verified.stderr);
    assert.match(verified.stdout, /Verified CA certificate 'commands-root': verification code \w+/);
    assert.match(verified.stdout, /verified: +yes/);
    assert.doesNotMatch(verified.stdout + verified.stderr, /PRIVATE KEY/);
    const twice = await run(runCaCommand, [
      'verify',
      '--certificate-name',
      'commands-root',
      '--key',
      'root.key.pem',
    ]);
    assert.match(twice.stdout, /verified already/);
    const listed = await json<CaCertificate[]>(runCaCommand, ['list']);
    assert.deepEqual(
      listed.map((certificate) => [certificate.name, certificate.isVerified]),
      [['commands-root', true]],
    );

    const group = await json<EnrollmentGroup>(runGroupCommand, [
      'create',
      '--enrollment-id',
      'line-3',
      '--ca-name',
      'commands-root',
      '--initial-twin-tags',
      '{"site": "plant-1"}',
    ]);
    assert.deepEqual(group.attestation, {type: 'x509', caReferences: {primary: 'commands-root'}});
    assert.equal(group.capabilities?.iotEdge, true);
    const uploadedInto = await json<EnrollmentGroup>(runGroupCommand, [
      'create',
      '--group-id',
      'line-4',
      '--certificate-path',
      'intermediate.cert.pem',
      '--edge-enabled',
      'false',
    ]);
    const signing = uploadedInto.attestation as {
      signingCertificates: {primary: {info: {subjectName: string}}};
    };
    assert.match(signing.signingCertificates.primary.info.subjectName, /commands-intermediate/);
    const updated = await json<EnrollmentGroup>(runGroupCommand, [
      'update',
      '--enrollment-id',
      'line-3',
      '--provisioning-status',
      'disabled',
    ]);
    assert.equal(updated.provisioningStatus, 'disabled');
    assert.deepEqual(updated.initialTwin?.tags, {site: 'plant-1'});
    const table = await run(runGroupCommand, ['list']);
    assert.match(table.stdout, /line-3 +yes +disabled +CA commands-root/);
    assert.match(table.stdout, /line-4 +no +enabled +X\.509 CN=commands-intermediate/);
    const stale = await run(runGroupCommand, [
      'update',
      '--enrollment-id',
      'line-3',
      '--etag',
      group.etag!,
      '--provisioning-status',
      'enabled',
    ]);
    assert.equal(stale.code, 1);
    assert.match(stale.stderr, /changed since you read it; show it again/);
    for (const id of ['line-3', 'line-4']) {
      assert.equal((await run(runGroupCommand, ['delete', '--enrollment-id', id])).code, 0);
    }
    const gone = await run(runGroupCommand, ['show', '--enrollment-id', 'line-3']);
    assert.equal(gone.code, 1);
    assert.match(gone.stderr, /does not exist/);

    const deleted = await run(runCaCommand, ['delete', '--certificate-name', 'commands-root']);
    assert.equal(deleted.code, 0, deleted.stderr);
    const missing = await run(runCaCommand, ['show', '--certificate-name', 'commands-root']);
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /\n {2}Check the name: dps-enroll ca list/);
  });

  test('group, ca and registration usage errors are UsageErrors; a device certificate is refused as a CA', async () => {
    for (const [command, args] of [
      [runGroupCommand, ['create', '--enrollment-id', 'g']],
      [
        runGroupCommand,
        ['create', '--enrollment-id', 'g', '--ca-name', 'a', '--certificate-path', 'b'],
      ],
      [runGroupCommand, ['show', '--enrollment-id', 'a', '--group-id', 'b']],
      [runCaCommand, ['upload', '--certificate-name', 'x']],
      [runCaCommand, ['verify', '--certificate-name', 'x']],
      [runCaCommand, ['show']],
      [runRegistrationCommand, ['list']],
    ] as Array<[Run, string[]]>) {
      await assert.rejects(run(command, args), UsageError, args.join(' '));
    }
    const notCa = await run(runCaCommand, [
      'upload',
      '--certificate-name',
      'device',
      '--path',
      'edge-01.cert.pem',
    ]);
    assert.equal(notCa.code, 1);
    assert.match(notCa.stderr, /edge-01\.cert\.pem cannot be used/);
  });
});

test('with a service connection string, enrollments work and CA certificates say they need Azure sign-in', async () => {
  const {port, connectionString} = sandbox.emulator.info;
  const gateway = await connectWithConnectionString(connectionString, {
    agent: localAgent(port, sandbox.emulator.caCertificatePem),
  });
  try {
    const listed = await run(runEnrollmentCommand, ['list', '--json'], gateway);
    assert.equal(listed.code, 0, listed.stderr);
    assert.ok(Array.isArray(JSON.parse(listed.stdout)));
    const ca = await run(runCaCommand, ['list'], gateway);
    assert.equal(ca.code, 1);
    assert.match(ca.stderr, /needs Azure sign-in/);
    assert.match(
      ca.stderr,
      /\n {2}This needs Azure sign-in \(--dps-name, --resource-group, --subscription\)/,
    );
    assert.doesNotMatch(ca.stderr, /SharedAccessKey=/);
  } finally {
    await gateway.close();
  }
});

describe('dps-enroll registration', () => {
  test('list by group, show and delete registration states', async () => {
    // The sandbox has no device endpoint yet: registration states are put into its store directly.
    const state = await temporaryFolder('dps-enroll-registrations-');
    const store = await Store.open(join(state.path, 'sandbox'));
    await store.put('registrations', 'edge-07', {
      registrationId: 'edge-07',
      deviceId: 'edge-07',
      enrollmentGroupId: 'line-3',
      assignedHub: 'hub-1.azure-devices.net',
      status: 'assigned',
      etag: 'r7',
    });
    await store.close();
    const emulator = await startEmulator({port: 0, stateDir: join(state.path, 'sandbox')});
    const gateway = await connectToSandbox(emulator.info, emulator.caCertificatePem);
    try {
      const listed = await run(runRegistrationCommand, ['list', '--group-id', 'line-3'], gateway);
      assert.equal(listed.code, 0, listed.stderr);
      assert.match(listed.stdout, /\nedge-07 +edge-07 +assigned +hub-1\.azure-devices\.net/);
      const shown = await run(
        runRegistrationCommand,
        ['show', '--registration-id', 'edge-07', '--json'],
        gateway,
      );
      const parsed = JSON.parse(shown.stdout) as RegistrationState;
      assert.equal(parsed.assignedHub, 'hub-1.azure-devices.net');
      const stale = await run(
        runRegistrationCommand,
        ['delete', '--registration-id', 'edge-07', '--etag', 'old'],
        gateway,
      );
      assert.equal(stale.code, 1);
      assert.match(stale.stderr, /changed since you read it/);
      const deleted = await run(
        runRegistrationCommand,
        ['delete', '--registration-id', 'edge-07', '--etag', 'r7'],
        gateway,
      );
      assert.equal(deleted.code, 0, deleted.stderr);
      const empty = await run(runRegistrationCommand, ['list', '--group-id', 'line-3'], gateway);
      assert.equal(empty.stdout, "No device of group 'line-3' has registered.\n");
      const gone = await run(
        runRegistrationCommand,
        ['show', '--registration-id', 'edge-07'],
        gateway,
      );
      assert.equal(gone.code, 1);
      assert.match(gone.stderr, /no registration state/);
    } finally {
      await gateway.close();
      await emulator.close();
      await state.cleanup();
    }
  });
});
