import {after, before, describe, test} from 'node:test';
import assert from 'node:assert/strict';
import {chmod, mkdir, mkdtemp, readFile, readdir, rm, stat, writeFile} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {
  applyIotEdgeInstall,
  InstallRequestError,
  planIotEdgeInstall,
  runIotEdgeConfigApply,
  StalePlanError,
} from '../../source/device/iot-edge-install.js';
import type {IotEdgeInstallRequest} from '../../source/device/types.js';
import {ecChain} from '../helpers/test-certificates.js';

const uid = process.getuid!();
const gid = process.getgid!();
const mode = async (path: string) => (await stat(path)).mode & 0o777;

describe('IoT Edge install into a root folder', () => {
  let folder: string;
  let request: (root: string, extra?: Partial<IotEdgeInstallRequest>) => IotEdgeInstallRequest;
  before(async () => {
    folder = await mkdtemp(join(tmpdir(), 'iot-edge-install-'));
    const chain = await ecChain('edge-01');
    request = (root, extra = {}) => ({
      root,
      idScope: '0ne00ABCDEF',
      registrationId: 'edge-01',
      certificateChainPem: chain.leaf.certificatePem + chain.intermediate.certificatePem,
      privateKeyPem: chain.leaf.privateKeyPem,
      now: new Date('2026-12-05T21:15:03.120Z'),
      ...extra,
    });
  });
  after(() => rm(folder, {recursive: true, force: true}));

  /** A root whose /etc/passwd maps the IoT Edge users to this test's own user, so chown can succeed. */
  async function rootWithUsers(name: string, users = ['root', 'aziotcs', 'aziotks']) {
    const root = join(folder, name);
    await mkdir(join(root, 'etc/aziot'), {recursive: true});
    await writeFile(
      join(root, 'etc/passwd'),
      users.map((user) => `${user}:x:${uid}:${gid}::/nonexistent:/usr/sbin/nologin`).join('\n'),
    );
    return root;
  }

  test('replaces [provisioning] in an existing config.toml after a backup; certs 644, key 600, config 600', async () => {
    const root = await rootWithUsers('existing');
    const old =
      'hostname = "gw"\n\n[provisioning]\nsource = "manual"\nconnection_string = "x"\n\n[agent]\nname = "edgeAgent"\n';
    await writeFile(join(root, 'etc/aziot/config.toml'), old, {mode: 0o644});
    const plan = await planIotEdgeInstall(request(root));
    assert.equal(plan.backupPath, '/etc/aziot/config.toml.bak-20261205T211503Z');
    assert.match(plan.changes[0]!, /replace \[provisioning\]; the rest of the file stays/);
    assert.ok(
      plan.changes.some((line) =>
        /^create \/var\/aziot\/certs\/iot-edge-device-identity-edge-01-full-chain\.cert\.pem \(owner aziotcs, mode 644\)$/.test(
          line,
        ),
      ),
    );
    assert.ok(
      plan.changes.some((line) =>
        /^create \/var\/aziot\/secrets\/iot-edge-device-identity-edge-01\.key\.pem \(owner aziotks, mode 600\)$/.test(
          line,
        ),
      ),
    );
    assert.deepEqual(plan.notes, []);
    assert.ok(!JSON.stringify({...plan, contents: undefined}).includes('PRIVATE KEY'));
    // Planning writes nothing.
    assert.equal(await readFile(join(root, 'etc/aziot/config.toml'), 'utf8'), old);

    const result = await applyIotEdgeInstall(plan);
    assert.deepEqual(result.warnings, []);
    assert.equal(result.applyCommand, 'sudo iotedge config apply');
    const config = await readFile(join(root, 'etc/aziot/config.toml'), 'utf8');
    assert.match(config, /^hostname = "gw"\n/);
    assert.match(config, /id_scope = "0ne00ABCDEF"/);
    assert.match(config, /registration_id = "edge-01"/);
    assert.match(config, /\[agent\]\nname = "edgeAgent"\n$/);
    assert.ok(!config.includes('connection_string'));
    assert.equal(await mode(join(root, 'etc/aziot/config.toml')), 0o600);
    const backup = join(root, 'etc/aziot/config.toml.bak-20261205T211503Z');
    assert.equal(await readFile(backup, 'utf8'), old);
    assert.equal(await mode(backup), 0o600);
    const cert = join(root, 'var/aziot/certs/iot-edge-device-identity-edge-01-full-chain.cert.pem');
    const key = join(root, 'var/aziot/secrets/iot-edge-device-identity-edge-01.key.pem');
    assert.equal(await mode(cert), 0o644);
    assert.equal(await mode(key), 0o600);
    assert.equal(await mode(join(root, 'var/aziot/secrets')), 0o700);
    assert.equal((await readFile(cert, 'utf8')).match(/BEGIN CERTIFICATE/g)?.length, 2);
    assert.deepEqual(
      result.written.map((file) => file.owner),
      ['root', 'aziotcs', 'aziotks'],
    );
    assert.deepEqual(
      (await readdir(join(root, 'var/aziot/secrets'))).filter((name) => name.endsWith('.tmp')),
      [],
    );

    // The same install again changes nothing and backs nothing up.
    const again = await planIotEdgeInstall(request(root));
    assert.equal(again.backupPath, undefined);
    assert.deepEqual(
      again.files.map((file) => file.change),
      ['unchanged', 'unchanged', 'unchanged'],
    );
  });

  test('without the IoT Edge users: says so, and the modes are still set', async () => {
    const root = await rootWithUsers('no-users', ['root']);
    const plan = await planIotEdgeInstall(request(root, {identityKeyPath: '/keys/edge.key.pem'}));
    assert.equal(plan.backupPath, undefined);
    assert.match(plan.changes[0]!, /^create \/etc\/aziot\/config\.toml/);
    assert.equal(plan.notes.length, 2);
    assert.match(plan.notes.join('\n'), /the user aziotcs does not exist on this machine/);
    assert.match(
      plan.notes.join('\n'),
      /the user aziotks does not exist .*\/keys\/edge\.key\.pem .*mode 600/,
    );
    const result = await applyIotEdgeInstall(plan);
    assert.equal(await mode(join(root, 'keys/edge.key.pem')), 0o600);
    assert.equal(
      result.written.find((file) => file.devicePath === '/keys/edge.key.pem')?.owner,
      undefined,
    );
    assert.match(
      await readFile(join(root, 'etc/aziot/config.toml'), 'utf8'),
      /identity_pk = "file:\/\/\/keys\/edge\.key\.pem"/,
    );
  });

  test('a config.toml changed after the plan is not overwritten', async () => {
    const root = await rootWithUsers('stale');
    await writeFile(join(root, 'etc/aziot/config.toml'), 'hostname = "a"\n');
    const plan = await planIotEdgeInstall(request(root));
    await writeFile(join(root, 'etc/aziot/config.toml'), 'hostname = "b"\n');
    await assert.rejects(applyIotEdgeInstall(plan), StalePlanError);
    assert.equal(await readFile(join(root, 'etc/aziot/config.toml'), 'utf8'), 'hostname = "b"\n');
  });

  test('unusable paths are refused before anything is read', async () => {
    await assert.rejects(
      planIotEdgeInstall(request(folder, {identityCertPath: 'relative/cert.pem'})),
      (error: unknown) =>
        error instanceof InstallRequestError &&
        /identity certificate path .*full path/.test(error.message),
    );
    await assert.rejects(
      planIotEdgeInstall(request(folder, {identityKeyPath: '/etc/aziot/config.toml'})),
      InstallRequestError,
    );
  });

  test('iotedge config apply runs only when iotedge is on PATH', async () => {
    const bin = join(folder, 'bin');
    await mkdir(bin, {recursive: true});
    const missing = await runIotEdgeConfigApply({path: join(folder, 'empty'), sudo: false});
    assert.equal(missing.ran, false);
    assert.match(missing.output, /iotedge is not on PATH/);
    await writeFile(join(bin, 'iotedge'), '#!/bin/sh\necho "applied: $*"\nexit 3\n');
    await chmod(join(bin, 'iotedge'), 0o755);
    const ran = await runIotEdgeConfigApply({path: `${bin}:/usr/bin:/bin`, sudo: false});
    assert.deepEqual(ran, {ran: true, exitCode: 3, output: 'applied: config apply\n'});
  });
});
