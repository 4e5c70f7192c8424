import {after, before, test} from 'node:test';
import assert from 'node:assert/strict';
import {mkdtemp, rm, writeFile} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {inspect} from 'node:util';
import {
  connect,
  ConnectError,
  SandboxInUseError,
  type Connected,
} from '../../source/connection/connect.js';
import type {ConnectionChoice} from '../../source/connection/connection-options.js';
import {parseConnectionString} from '../../source/dps/connection-string.js';
import {SignInCancelledError, type DeviceCodePrompt} from '../../source/dps/sign-in.js';
import {startEmulator, type RunningEmulator} from '../../source/emulator/emulator.js';
import {spawnEmulator} from '../helpers/emulator-process.js';
import {startFakeAuthority, withFakeAzureCli} from '../helpers/fake-authority.js';
import {expectDpsError} from '../helpers/sandbox.js';
import {testCertificates} from '../helpers/test-certificates.js';

let folder = '';
/** An in-memory emulator for the connection-string and Azure modes. */
let emulator: RunningEmulator;

before(async () => {
  folder = await mkdtemp(join(tmpdir(), 'dps-enroll-connect-'));
  emulator = await startEmulator({inMemory: true, port: 0});
});

after(async () => {
  await emulator?.close();
  await rm(folder, {recursive: true, force: true});
});

function azureChoice(deviceCode: boolean): ConnectionChoice {
  const {info} = emulator;
  return {
    mode: 'azure',
    dpsName: info.dpsName,
    resourceGroup: info.resourceGroup,
    subscriptionId: info.subscriptionId,
    deviceCode,
  };
}

async function closing<T>(connected: Connected, body: (connected: Connected) => Promise<T>) {
  try {
    return await body(connected);
  } finally {
    await connected.close();
  }
}

test('sandbox: data persists in the state folder from one connect to the next', async () => {
  const stateDir = join(folder, 'sandbox-persist');
  const {devicePem} = await testCertificates();
  const first = await connect({mode: 'sandbox', stateDir});
  let etag: string | undefined;
  let idScope = '';
  await closing(first, async ({gateway, resource, sandboxStateDir}) => {
    assert.equal(gateway.connection.mode, 'sandbox');
    assert.equal(sandboxStateDir, stateDir);
    assert.ok(resource, 'the sandbox has a DPS resource');
    assert.match(resource.idScope, /^0ne[0-9A-F]{8}$/);
    assert.equal(resource.linkedHubs.length, 2);
    idScope = resource.idScope;
    const created = await gateway.createOrUpdateIndividualEnrollment({
      registrationId: 'edge-device-01',
      attestation: {type: 'x509', clientCertificates: {primary: {certificate: devicePem}}},
      capabilities: {iotEdge: true},
      iotHubs: [resource.linkedHubs[0]!.hostName],
      allocationPolicy: 'static',
    });
    etag = created.etag;
  });
  await first.close(); // a second close is harmless

  const second = await connect({mode: 'sandbox', stateDir});
  await closing(second, async ({gateway, resource}) => {
    assert.equal(resource?.idScope, idScope, 'the same sandbox identity');
    const read = await gateway.getIndividualEnrollment('edge-device-01');
    assert.equal(read.etag, etag);
    assert.equal(read.capabilities?.iotEdge, true);
  });
});

test('sandbox: a second connect on a folder in use fails with what to do, and works once it is free', async () => {
  const stateDir = join(folder, 'sandbox-locked');
  const first = await connect({mode: 'sandbox', stateDir});
  try {
    await assert.rejects(connect({mode: 'sandbox', stateDir}), (error: unknown) => {
      assert.ok(error instanceof SandboxInUseError, String(error));
      assert.match(error.message, /state folder .*sandbox-locked is in use/);
      assert.match(error.message, /close that one first/);
      assert.match(error.message, /--state-dir/);
      return true;
    });
  } finally {
    await first.close();
  }
  const again = await connect({mode: 'sandbox', stateDir});
  await again.close();
});

test('sandbox: a folder released within moments (a wizard still closing) is taken without an error', async () => {
  const stateDir = join(folder, 'sandbox-closing');
  const closingWizard = await connect({mode: 'sandbox', stateDir});
  const next = connect({mode: 'sandbox', stateDir});
  await new Promise((resolve) => setTimeout(resolve, 400));
  await closingWizard.close();
  const opened = await next;
  await closing(opened, async ({sandboxStateDir}) => {
    assert.equal(sandboxStateDir, stateDir);
  });
});

test('sandbox: a folder held by a running `dps-enroll emulator` names its process', async () => {
  const stateDir = join(folder, 'sandbox-other-process');
  const other = await spawnEmulator(['--state-dir', stateDir]);
  try {
    await assert.rejects(connect({mode: 'sandbox', stateDir}), (error: unknown) => {
      assert.ok(error instanceof SandboxInUseError, String(error));
      assert.match(error.message, new RegExp(`\\(process ${other.child.pid}\\)`));
      assert.match(error.message, /--state-dir/);
      return true;
    });
  } finally {
    other.child.kill('SIGINT');
    await other.exited;
  }
});

test('sandbox: a state folder that cannot be used is one clear error', async () => {
  const blocked = join(folder, 'a-file');
  await writeFile(blocked, 'not a folder');
  await assert.rejects(connect({mode: 'sandbox', stateDir: join(blocked, 'sandbox')}), (error) => {
    assert.ok(error instanceof ConnectError, String(error));
    assert.match(error.message, /^could not start the sandbox in .*a-file\/sandbox: /);
    return true;
  });
});

test('connection string: connected and checked with one query; no ARM resource', async () => {
  const {info, caCertificatePem} = emulator;
  const connected = await connect(
    {mode: 'connection-string', connectionString: info.connectionString},
    {},
    {servicePort: info.port, ca: caCertificatePem},
  );
  await closing(connected, async ({gateway, resource, sandboxStateDir}) => {
    assert.equal(gateway.connection.mode, 'connection-string');
    assert.equal(gateway.connection.armAvailable, false);
    assert.equal(resource, undefined);
    assert.equal(sandboxStateDir, undefined);
    assert.ok(Array.isArray((await gateway.queryEnrollmentGroups({pageSize: 1})).items));
  });
});

test('connection string: a wrong key fails at connect as unauthorized, without the key', async () => {
  const {info, caCertificatePem} = emulator;
  const parsed = parseConnectionString(info.connectionString);
  const wrongKey = Buffer.alloc(32, 3).toString('base64');
  const error = await expectDpsError(
    connect(
      {
        mode: 'connection-string',
        connectionString: `HostName=${parsed.hostName};SharedAccessKeyName=${parsed.sharedAccessKeyName};SharedAccessKey=${wrongKey}`,
      },
      {},
      {servicePort: info.port, ca: caCertificatePem},
    ),
    'unauthorized',
    401,
  );
  assert.ok(!inspect(error).includes(wrongKey));
});

test('Azure with device code: the prompt reaches onDeviceCode, then the resource with ID scope and hubs', async () => {
  const {info, caCertificatePem} = emulator;
  const authority = await startFakeAuthority({accessToken: info.armToken});
  try {
    const prompts: DeviceCodePrompt[] = [];
    const connected = await connect(
      azureChoice(true),
      {onDeviceCode: (prompt) => prompts.push(prompt)},
      {
        authorityHost: authority.url,
        ca: `${caCertificatePem}\n${authority.caCertificatePem}`,
        armEndpoint: info.armEndpoint,
      },
    );
    await closing(connected, async ({gateway, resource}) => {
      assert.equal(gateway.connection.mode, 'azure');
      assert.equal(gateway.connection.armAvailable, true);
      assert.equal(resource?.name, info.dpsName);
      assert.equal(resource?.idScope, info.idScope);
      assert.equal(resource?.linkedHubs.length, 2);
      // Enrollments work through the service connection string from listkeys.
      assert.ok(Array.isArray((await gateway.queryIndividualEnrollments({pageSize: 1})).items));
      assert.ok(Array.isArray(await gateway.listCaCertificates()));
    });
    assert.equal(prompts.length, 1, 'one sign-in for every ARM call');
    assert.equal(prompts[0]!.userCode, authority.prompts[0]!.userCode);
    assert.equal(authority.prompts.length, 1);
    assert.deepEqual(authority.unknownRequests, []);
  } finally {
    await authority.close();
  }
});

test('Azure: aborting during the device-code poll rejects with SignInCancelledError', async () => {
  const {info, caCertificatePem} = emulator;
  const authority = await startFakeAuthority({
    accessToken: info.armToken,
    pendingPolls: Infinity,
    holdPollsFrom: 2,
  });
  try {
    const controller = new AbortController();
    const attempt = connect(
      azureChoice(true),
      {onDeviceCode: () => {}, signal: controller.signal},
      {
        authorityHost: authority.url,
        ca: `${caCertificatePem}\n${authority.caCertificatePem}`,
        armEndpoint: info.armEndpoint,
      },
    );
    await authority.waitForPolls(2);
    controller.abort();
    await assert.rejects(attempt, SignInCancelledError);
    assert.equal(authority.prompts.length, 1);
  } finally {
    await authority.close();
  }
});

test('Azure: a token the ARM API refuses is unauthorized at connect', async () => {
  const {info, caCertificatePem} = emulator;
  const authority = await startFakeAuthority({accessToken: 'not-a-sandbox-token', pendingPolls: 0});
  try {
    await expectDpsError(
      connect(
        azureChoice(true),
        {},
        {
          authorityHost: authority.url,
          ca: `${caCertificatePem}\n${authority.caCertificatePem}`,
          armEndpoint: info.armEndpoint,
        },
      ),
      'unauthorized',
      401,
    );
  } finally {
    await authority.close();
  }
});

test('Azure without --device-code: DefaultAzureCredential (here the Azure CLI sign-in)', async () => {
  const {info, caCertificatePem} = emulator;
  const testing = {ca: caCertificatePem, armEndpoint: info.armEndpoint};
  await withFakeAzureCli(info.armToken, async () => {
    const connected = await connect(azureChoice(false), {}, testing);
    await closing(connected, async ({resource}) => {
      assert.equal(resource?.idScope, info.idScope);
    });
  });
  await withFakeAzureCli(undefined, async () => {
    const error = await expectDpsError(connect(azureChoice(false), {}, testing), 'unauthorized');
    assert.match(error.message, /run az login/);
  });
});

test('a signal aborted before connecting rejects at once and opens nothing', async () => {
  const stateDir = join(folder, 'sandbox-cancelled');
  const controller = new AbortController();
  controller.abort();
  await assert.rejects(
    connect({mode: 'sandbox', stateDir}, {signal: controller.signal}),
    SignInCancelledError,
  );
  // The folder is free: nothing was left holding it.
  const connected = await connect({mode: 'sandbox', stateDir});
  await connected.close();
});

test('cancelling while the sandbox starts closes it again and frees the folder', async () => {
  const stateDir = join(folder, 'sandbox-cancelled-while-starting');
  const controller = new AbortController();
  const attempt = connect({mode: 'sandbox', stateDir}, {signal: controller.signal});
  controller.abort();
  await assert.rejects(attempt, (error: unknown) => {
    assert.ok(error instanceof SignInCancelledError, String(error));
    assert.equal(error.message, 'connecting was cancelled');
    return true;
  });
  const connected = await connect({mode: 'sandbox', stateDir});
  await connected.close();
});

test('sandbox without --state-dir: the user state folder ($XDG_STATE_HOME here)', async () => {
  const stateHome = join(folder, 'xdg-state');
  const saved = process.env.XDG_STATE_HOME;
  process.env.XDG_STATE_HOME = stateHome;
  try {
    const connected = await connect({mode: 'sandbox'});
    await closing(connected, async ({sandboxStateDir, resource}) => {
      assert.equal(sandboxStateDir, join(stateHome, 'dps-enroll', 'sandbox'));
      assert.ok(resource?.idScope);
    });
  } finally {
    if (saved === undefined) delete process.env.XDG_STATE_HOME;
    else process.env.XDG_STATE_HOME = saved;
  }
});
