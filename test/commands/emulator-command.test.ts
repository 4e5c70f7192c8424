import {test} from 'node:test';
import assert from 'node:assert/strict';
import {readFile, mkdtemp, rm, stat} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {isAbsolute, join} from 'node:path';
import {runCli} from '../helpers/run-cli.js';
import {spawnEmulator} from '../helpers/emulator-process.js';
import {armClient, rawRequest} from '../helpers/emulator-http.js';

const readyKeys = [
  'port',
  'serviceHost',
  'connectionString',
  'armEndpoint',
  'armToken',
  'subscriptionId',
  'resourceGroup',
  'dpsName',
  'idScope',
  'caCertFile',
  'deviceHost',
  'mqttPort',
];

test('--in-memory --port 0: exactly one JSON ready line on stdout, logs on stderr, SIGTERM exits 0', async () => {
  const emulator = await spawnEmulator(['--in-memory', '--port', '0']);
  try {
    const {info} = emulator;
    assert.deepEqual(Object.keys(info), readyKeys);
    assert.ok(info.port > 0);
    assert.equal(info.serviceHost, 'localhost');
    assert.match(
      info.connectionString,
      /^HostName=localhost;SharedAccessKeyName=provisioningserviceowner;SharedAccessKey=[A-Za-z0-9+/=]+$/,
    );
    assert.equal(info.armEndpoint, `https://127.0.0.1:${info.port}`);
    assert.match(info.idScope, /^0ne[0-9A-F]{8}$/);
    assert.ok(isAbsolute(info.caCertFile));
    assert.equal(info.deviceHost, 'localhost');
    assert.ok(info.mqttPort > 0 && info.mqttPort !== info.port);
    const caCertificatePem = await readFile(info.caCertFile, 'utf8');

    // The ready line alone is enough to reach both APIs.
    const dps = await armClient({info, caCertificatePem}).iotDpsResource.get(
      info.dpsName,
      info.resourceGroup,
    );
    assert.equal(dps.properties.idScope, info.idScope);
    const unauthorised = await rawRequest({info, caCertificatePem}, 'GET', '/enrollments/x');
    assert.equal(unauthorised.status, 401);

    assert.match(emulator.stderr(), /listening on https:\/\/127\.0\.0\.1:/);
    emulator.child.kill('SIGTERM');
    assert.equal(await emulator.exited, 0);
    assert.equal(emulator.stdoutLines().length, 1, 'nothing but the ready line on stdout');
  } finally {
    emulator.child.kill('SIGKILL');
  }
});

test('--state-dir and a fixed --port; SIGINT exits 0 and a restart keeps the identity', async () => {
  const stateDir = await mkdtemp(join(tmpdir(), 'dps-enroll-command-'));
  try {
    const first = await spawnEmulator(['--state-dir', stateDir, '--verbose']);
    const port = first.info.port;
    assert.equal(first.info.caCertFile, join(stateDir, 'ca.cert.pem'));
    assert.equal((await stat(join(stateDir, 'ca.key.pem'))).mode & 0o777, 0o600);
    const caCertificatePem = await readFile(first.info.caCertFile, 'utf8');
    await rawRequest({info: first.info, caCertificatePem}, 'GET', '/enrollments/x');
    first.child.kill('SIGINT');
    assert.equal(await first.exited, 0);
    assert.match(first.stderr(), /GET \/enrollments\/x 401/, '--verbose logs requests on stderr');

    const second = await spawnEmulator(['--state-dir', stateDir, '--port', String(port)]);
    try {
      assert.equal(second.info.port, port);
      assert.equal(second.info.connectionString, first.info.connectionString);
      assert.equal(second.info.idScope, first.info.idScope);
    } finally {
      second.child.kill('SIGTERM');
      assert.equal(await second.exited, 0);
    }
  } finally {
    await rm(stateDir, {recursive: true, force: true});
  }
});

test('--help explains every flag and the ready line', async () => {
  const result = await runCli(['emulator', '--help']);
  assert.equal(result.code, 0);
  for (const text of [
    '--port',
    '--mqtt-port',
    'mqttPort',
    'deviceHost',
    '--host',
    '--state-dir',
    '--in-memory',
    '--verbose',
    'caCertFile',
    'armToken',
  ]) {
    assert.ok(result.stdout.includes(text), text);
  }
});

test('bad flags are usage errors with exit code 2', async () => {
  const cases: Array<[string[], RegExp]> = [
    [['--port', 'abc'], /--port must be a whole number/],
    [['--port', '70000'], /--port must be a whole number/],
    [['--mqtt-port', 'x'], /--mqtt-port must be a whole number/],
    [['--port', '8443', '--mqtt-port', '8443'], /--port and --mqtt-port must differ/],
    [['--in-memory', '--state-dir', '/tmp/x'], /cannot be used together/],
    [['--bogus'], /unknown option --bogus/],
    [['--host'], /--host needs a value/],
  ];
  for (const [args, message] of cases) {
    const result = await runCli(['emulator', ...args]);
    assert.equal(result.code, 2, args.join(' '));
    assert.match(result.stderr, message);
    assert.equal(result.stdout, '');
  }
});

test('a port in use is a clear error with exit code 1', async () => {
  const running = await spawnEmulator(['--in-memory']);
  try {
    const result = await runCli(['emulator', '--in-memory', '--port', String(running.info.port)]);
    assert.equal(result.code, 1);
    assert.match(
      result.stderr,
      new RegExp(`port ${running.info.port} on 127.0.0.1 is already in use`),
    );
  } finally {
    running.child.kill('SIGTERM');
    await running.exited;
  }
});

test('--mqtt-port: a fixed port is in the ready line; one in use is named in the error', async () => {
  const running = await spawnEmulator(['--in-memory']);
  try {
    const taken = await runCli([
      'emulator',
      '--in-memory',
      '--mqtt-port',
      String(running.info.port),
    ]);
    assert.equal(taken.code, 1);
    assert.match(
      taken.stderr,
      new RegExp(`port ${running.info.port} on 127.0.0.1 is already in use \\(--mqtt-port\\)`),
    );
  } finally {
    running.child.kill('SIGTERM');
    await running.exited;
  }
  const fixedPort = running.info.mqttPort; // free again now that its emulator has stopped
  const fixed = await spawnEmulator(['--in-memory', '--mqtt-port', String(fixedPort)]);
  try {
    assert.equal(fixed.info.mqttPort, fixedPort);
  } finally {
    fixed.child.kill('SIGTERM');
    assert.equal(await fixed.exited, 0);
  }
});
