import {after, before, describe, test} from 'node:test';
import assert from 'node:assert/strict';
import {mkdir, mkdtemp, readFile, readdir, rm, stat, writeFile} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import https from 'node:https';
import {ProvisioningServiceClient} from 'azure-iot-provisioning-service';
import {startEmulator} from '../../source/emulator/emulator.js';
import {runCli} from '../helpers/run-cli.js';
import {issue, type Issued} from '../helpers/test-certificates.js';

// The built CLI (npm run build first) against a sandbox on its own state folder.
describe('dps-enroll device register', () => {
  let folder: string;
  let stateDir: string;
  const files: Record<string, string> = {};

  /** Opens the sandbox of the state folder with the service SDK, runs `use`, closes it again. */
  async function withService<T>(call: (client: ProvisioningServiceClient) => Promise<T>) {
    const emulator = await startEmulator({port: 0, stateDir});
    const agent = Object.assign(new https.Agent({ca: emulator.caCertificatePem}), {
      defaultPort: emulator.info.port,
    });
    const client = ProvisioningServiceClient.fromConnectionString(emulator.info.connectionString);
    (
      client as unknown as {_restApiClient: {setOptions(o: object): void}}
    )._restApiClient.setOptions({
      http: {agent},
    });
    try {
      return await call(client);
    } finally {
      agent.destroy();
      await emulator.close();
    }
  }

  const save = async (name: string, issued: Issued, ...chain: Issued[]) => {
    files[`${name}.cert`] = join(folder, `${name}.cert.pem`);
    files[`${name}.key`] = join(folder, `${name}.key.pem`);
    await writeFile(
      files[`${name}.cert`]!,
      [issued, ...chain].map((item) => item.certificatePem).join(''),
    );
    await writeFile(files[`${name}.key`]!, issued.privateKeyPem, {mode: 0o600});
  };

  before(async () => {
    folder = await mkdtemp(join(tmpdir(), 'device-command-'));
    stateDir = join(folder, 'state');
    const root = await issue('cli-test.root.ca', 'ca');
    const intermediate = await issue('cli-test.intermediate.ca', 'ca', root);
    const enrolled = await issue('cli-device-01', 'identity', intermediate);
    const stranger = await issue('cli-stranger', 'identity', await issue('other.root', 'ca'));
    await save('enrolled', enrolled, intermediate);
    await save('stranger', stranger);
    await save('intermediate', intermediate);
    await withService((client) =>
      client.createOrUpdateEnrollmentGroup({
        enrollmentGroupId: 'cli-group',
        attestation: {
          type: 'x509',
          x509: {signingCertificates: {primary: {certificate: intermediate.certificatePem}}},
        },
      } as never),
    );
  });
  after(() => rm(folder, {recursive: true, force: true}));

  const register = (...args: string[]) =>
    runCli(['device', 'register', '--state-dir', stateDir, ...args]);

  test('usage errors exit with code 2', async () => {
    for (const args of [
      ['device'],
      ['device', 'frobnicate'],
      ['device', 'register', '--key', 'k.pem'],
      ['device', 'register', '--cert', 'c.pem'],
      ['device', 'register', '--cert', 'c.pem', '--key', 'k.pem', '--transport', 'amqp'],
      ['device', 'register', '--cert', 'c.pem', '--key', 'k.pem', '--yes'],
      ['device', 'register', '--cert', 'c.pem', '--key', 'k.pem', '--id-scope', 'a b'],
      [
        'device',
        'register',
        '--cert',
        'c.pem',
        '--key',
        'k.pem',
        '--id-scope',
        '0ne1',
        '--state-dir',
        'x',
      ],
    ]) {
      const result = await runCli(args);
      assert.equal(result.code, 2, `${args.join(' ')}: ${result.stderr}`);
      assert.match(result.stderr, /^dps-enroll: /);
    }
  });

  test('a group device registers over HTTPS: stages, hub, device ID, substatus; the state is in DPS', async () => {
    const result = await register(
      '--cert',
      files['enrolled.cert']!,
      '--key',
      files['enrolled.key']!,
    );
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /Registering "cli-device-01" with the sandbox/);
    assert.match(result.stdout, /connecting .*\n.*registering/);
    assert.match(result.stdout, /Assigned to sandbox-hub-\S+\.azure-devices\.net/);
    assert.match(result.stdout, /device ID: +cli-device-01/);
    assert.match(result.stdout, /substatus: +initialAssignment/);
    assert.ok(!`${result.stdout}${result.stderr}`.includes('PRIVATE KEY'));
    const state = await withService(
      async (client) =>
        (await client.getDeviceRegistrationState('cli-device-01')).responseBody as unknown as {
          status: string;
        },
    );
    assert.equal(state.status, 'assigned');
  });

  test('--json over MQTT', async () => {
    const result = await register(
      '--cert',
      files['enrolled.cert']!,
      '--key',
      files['enrolled.key']!,
      '--transport',
      'mqtt',
      '--json',
    );
    assert.equal(result.code, 0, result.stderr);
    const output = JSON.parse(result.stdout) as {
      ok: boolean;
      registration: {status: string; deviceId: string; substatus: string; assignedHub: string};
    };
    assert.equal(output.ok, true);
    assert.equal(output.registration.status, 'assigned');
    assert.equal(output.registration.deviceId, 'cli-device-01');
    assert.equal(output.registration.substatus, 'deviceDataMigrated');
  });

  test('a refusal exits 1 with the cause and fix on stderr, and in --json', async () => {
    const result = await register(
      '--cert',
      files['stranger.cert']!,
      '--key',
      files['stranger.key']!,
    );
    assert.equal(result.code, 1);
    assert.match(result.stderr, /refused \(HTTP 401, error 401002\)/);
    assert.match(result.stderr, /cause: No enrollment matches this certificate/);
    assert.match(result.stderr, /fix: +Create an individual enrollment/);
    assert.match(result.stderr, /tracking ID: [0-9a-f-]{36}/);

    const json = await register(
      '--cert',
      files['stranger.cert']!,
      '--key',
      files['stranger.key']!,
      '--json',
    );
    assert.equal(json.code, 1);
    const output = JSON.parse(json.stdout) as {
      ok: boolean;
      registration: {httpStatus: number; errorCode: number};
      explanation: {cause: string; fix: string};
    };
    assert.equal(output.ok, false);
    assert.equal(output.registration.httpStatus, 401);
    assert.equal(output.registration.errorCode, 401002);
    assert.match(output.explanation.cause, /No enrollment matches/);
  });

  test('a key of another certificate stops before anything is sent', async () => {
    const result = await register(
      '--cert',
      files['enrolled.cert']!,
      '--key',
      files['stranger.key']!,
    );
    assert.equal(result.code, 1);
    assert.match(result.stderr, /nothing was sent to DPS/);
    assert.match(result.stderr, /does not match the certificate/);
    // The key of a CA in the full-chain file is still not the device's: the first certificate is the device's.
    const caKey = await register(
      '--cert',
      files['enrolled.cert']!,
      '--key',
      files['intermediate.key']!,
    );
    assert.equal(caKey.code, 1);
    assert.match(caKey.stderr, /does not match the certificate/);
    assert.doesNotMatch(caKey.stderr, /this is a CA certificate/);
  });

  test('--install-iot-edge writes config.toml, chain and key under --root with --yes, and asks otherwise', async () => {
    const root = join(folder, 'device-root');
    await mkdir(join(root, 'etc/aziot'), {recursive: true});
    await writeFile(join(root, 'etc/aziot/config.toml'), 'hostname = "gw"\n');
    const args = [
      '--cert',
      files['enrolled.cert']!,
      '--key',
      files['enrolled.key']!,
      '--install-iot-edge',
      '--root',
      root,
    ];
    const refused = await register(...args);
    assert.equal(refused.code, 1);
    assert.match(refused.stdout, /\/etc\/aziot\/config\.toml: add a \[provisioning\] section/);
    assert.match(refused.stderr, /nothing was written: confirm with --yes/);
    assert.equal(await readFile(join(root, 'etc/aziot/config.toml'), 'utf8'), 'hostname = "gw"\n');

    const result = await register(...args, '--yes');
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /Next, to make IoT Edge use it: sudo iotedge config apply/);
    const config = await readFile(join(root, 'etc/aziot/config.toml'), 'utf8');
    assert.match(config, /^hostname = "gw"\n\n\[provisioning\]\nsource = "dps"/);
    assert.match(config, /registration_id = "cli-device-01"/);
    const key = join(root, 'var/aziot/secrets/iot-edge-device-identity-cli-device-01.key.pem');
    assert.equal((await stat(key)).mode & 0o777, 0o600);
    const backups = await readdir(join(root, 'etc/aziot'));
    assert.equal(backups.filter((name) => name.startsWith('config.toml.bak-')).length, 1);
  });
});
