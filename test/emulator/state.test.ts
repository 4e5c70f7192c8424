import {test} from 'node:test';
import assert from 'node:assert/strict';
import {X509Certificate} from 'node:crypto';
import {existsSync} from 'node:fs';
import {mkdtemp, readFile, rm, stat, writeFile} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {isAbsolute, join} from 'node:path';
import {connect} from 'node:tls';
import {startEmulator} from '../../source/emulator/emulator.js';
import {defaultStateDir} from '../../source/emulator/state-dir.js';
import {armClient, rawRequest} from '../helpers/emulator-http.js';

async function withStateDir<T>(run: (stateDir: string) => Promise<T>): Promise<T> {
  const stateDir = await mkdtemp(join(tmpdir(), 'dps-enroll-state-'));
  try {
    return await run(stateDir);
  } finally {
    await rm(stateDir, {recursive: true, force: true});
  }
}

const mode = async (path: string) => (await stat(path)).mode & 0o777;

test('first start creates the CA, the server certificate and the sandbox identity; keys are 0600', async () => {
  await withStateDir(async (stateDir) => {
    const emulator = await startEmulator({stateDir});
    try {
      assert.equal(emulator.info.caCertFile, join(stateDir, 'ca.cert.pem'));
      assert.equal(await readFile(emulator.info.caCertFile, 'utf8'), emulator.caCertificatePem);
      for (const secret of ['ca.key.pem', 'server.key.pem', 'sandbox.json']) {
        assert.equal(await mode(join(stateDir, secret)), 0o600, secret);
      }
      assert.equal(await mode(stateDir), 0o700);

      const ca = new X509Certificate(emulator.caCertificatePem);
      const server = new X509Certificate(await readFile(join(stateDir, 'server.cert.pem')));
      assert.ok(ca.ca);
      assert.ok(server.checkIssued(ca) && server.verify(ca.publicKey));
      assert.equal(server.checkHost('localhost'), 'localhost');
      assert.equal(server.checkIP('127.0.0.1'), '127.0.0.1');
      assert.equal(ca.publicKey.asymmetricKeyType, 'ec');
      assert.equal(server.publicKey.asymmetricKeyType, 'ec');
      assert.match(emulator.info.idScope, /^0ne[0-9A-F]{8}$/);
      assert.match(
        emulator.info.subscriptionId,
        /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/,
      );
    } finally {
      await emulator.close();
    }
  });
});

test('a restart on the same folder keeps the CA, the identity, the keys and the data', async () => {
  await withStateDir(async (stateDir) => {
    const first = await startEmulator({stateDir});
    const client = armClient(first);
    const ca = await readFile(join(stateDir, 'ca.cert.pem'), 'utf8');
    await client.dpsCertificate.createOrUpdate(
      first.info.resourceGroup,
      first.info.dpsName,
      'kept',
      {
        properties: {certificate: new Uint8Array(new X509Certificate(ca).raw), isVerified: true},
      },
    );
    await first.close();

    const second = await startEmulator({stateDir});
    try {
      assert.equal(second.caCertificatePem, first.caCertificatePem);
      for (const field of [
        'subscriptionId',
        'resourceGroup',
        'dpsName',
        'idScope',
        'connectionString',
      ] as const) {
        assert.equal(second.info[field], first.info[field], field);
      }
      // A token from the first run is still accepted: the signing secret is kept.
      const kept = await armClient(second, first.info.armToken).dpsCertificate.get(
        'kept',
        second.info.resourceGroup,
        second.info.dpsName,
      );
      assert.equal(kept.properties?.isVerified, true);
    } finally {
      await second.close();
    }
  });
});

test('a damaged server certificate is replaced; the CA stays', async () => {
  await withStateDir(async (stateDir) => {
    const first = await startEmulator({stateDir});
    await first.close();
    await writeFile(join(stateDir, 'server.cert.pem'), 'not a certificate');
    const second = await startEmulator({stateDir});
    try {
      assert.equal(second.caCertificatePem, first.caCertificatePem);
      const response = await rawRequest(second, 'GET', '/enrollments/x?api-version=2021-10-01');
      assert.equal(response.status, 401, 'TLS works with the reissued certificate');
    } finally {
      await second.close();
    }
  });
});

test('two emulators cannot share a state folder; after a close the next one starts', async () => {
  await withStateDir(async (stateDir) => {
    const first = await startEmulator({stateDir});
    try {
      await assert.rejects(startEmulator({stateDir}), /in use by another emulator/);
    } finally {
      await first.close();
    }
    const second = await startEmulator({stateDir});
    await second.close();
  });
});

test('in-memory mode writes only the CA certificate, to an absolute temporary path removed on close', async () => {
  const emulator = await startEmulator({inMemory: true});
  const {caCertFile} = emulator.info;
  assert.ok(isAbsolute(caCertFile));
  assert.equal(await readFile(caCertFile, 'utf8'), emulator.caCertificatePem);
  await emulator.close();
  assert.equal(existsSync(caCertFile), false);
});

test('TLS is verified: a client that does not trust the sandbox CA is refused', async () => {
  const emulator = await startEmulator({inMemory: true});
  try {
    const error = await new Promise<NodeJS.ErrnoException>((resolve) => {
      const socket = connect({
        host: '127.0.0.1',
        port: emulator.info.port,
        servername: 'localhost',
      });
      socket.on('secureConnect', () => resolve(new Error('connected') as NodeJS.ErrnoException));
      socket.on('error', (failure) => resolve(failure));
    });
    assert.match(
      error.code ?? error.message,
      /UNABLE_TO_VERIFY_LEAF_SIGNATURE|SELF_SIGNED|UNABLE_TO_GET_ISSUER/,
    );
    const trusted = await new Promise<boolean>((resolve, reject) => {
      const socket = connect({
        host: '127.0.0.1',
        port: emulator.info.port,
        ca: emulator.caCertificatePem,
      });
      socket.on('secureConnect', () => {
        resolve(socket.authorized);
        socket.end();
      });
      socket.on('error', reject);
    });
    assert.equal(trusted, true, 'the certificate is valid for 127.0.0.1 under the sandbox CA');
  } finally {
    await emulator.close();
  }
});

test('a state folder is needed unless in memory; the default follows XDG_STATE_HOME', async () => {
  await assert.rejects(startEmulator({}), /state folder is needed/);
  assert.equal(
    defaultStateDir({XDG_STATE_HOME: '/x/state'}),
    join('/x/state', 'dps-enroll', 'sandbox'),
  );
});
