import {test} from 'node:test';
import assert from 'node:assert/strict';
import {createHmac} from 'node:crypto';
import {inspect} from 'node:util';
import {ProvisioningServiceClient} from 'azure-iot-provisioning-service';
import {startEmulator} from '../../source/emulator/emulator.js';
import {parseConnectionString} from '../../source/dps/connection-string.js';
import {DpsError} from '../../source/dps/errors.js';
import type {RetryWait} from '../../source/dps/retry.js';
import {
  connectToSandbox,
  connectWithAzure,
  connectWithConnectionString,
  localAgent,
  staticTokenCredential,
} from '../../source/dps/gateway.js';
import {ServiceOperations} from '../../source/dps/service-operations.js';
import {makeCa, signedBy} from '../helpers/test-certificates.js';
import {expectDpsError, sandboxForFile} from '../helpers/sandbox.js';

const sandbox = sandboxForFile();
/** Every error these tests provoke, checked for secrets at the end. */
const provoked: DpsError[] = [];

/** expectDpsError, keeping the error for the secrets check. */
async function rejectsWith(promise: Promise<unknown>, kind: string, status?: number) {
  const error = await expectDpsError(promise, kind, status);
  provoked.push(error);
  return error;
}

/** A service SAS token exactly as the SDK builds it, for any expiry. */
function sasToken(hostName: string, keyName: string, key: string, expiresAt: number) {
  const se = String(Math.floor(expiresAt / 1000));
  const sig = createHmac('sha256', Buffer.from(key, 'base64'))
    .update(`${hostName}\n${se}`)
    .digest('base64');
  return `SharedAccessSignature sr=${hostName}&sig=${encodeURIComponent(sig)}&skn=${keyName}&se=${se}`;
}

test('a wrong SAS key is refused with 401', async () => {
  const {info, caCertificatePem} = sandbox.emulator;
  const parsed = parseConnectionString(info.connectionString);
  const wrongKey = Buffer.alloc(32, 7).toString('base64');
  const gateway = await connectWithConnectionString(
    `HostName=${parsed.hostName};SharedAccessKeyName=${parsed.sharedAccessKeyName};SharedAccessKey=${wrongKey}`,
    {agent: localAgent(info.port, caCertificatePem)},
  );
  try {
    const error = await rejectsWith(
      gateway.getIndividualEnrollment('anything'),
      'unauthorized',
      401,
    );
    assert.ok(!inspect(error).includes(wrongKey));
  } finally {
    await gateway.close();
  }
});

test('an expired SAS token is refused with 401', async () => {
  const {info, caCertificatePem} = sandbox.emulator;
  const parsed = parseConnectionString(info.connectionString);
  const expired = sasToken(
    parsed.hostName,
    parsed.sharedAccessKeyName,
    parsed.sharedAccessKey,
    Date.now() - 60_000,
  );
  const stillValid = sasToken(
    parsed.hostName,
    parsed.sharedAccessKeyName,
    parsed.sharedAccessKey,
    Date.now() + 60_000,
  );
  const agent = localAgent(info.port, caCertificatePem);
  // A fixed token string is sent as is (the SDK only re-signs when it holds the key).
  const clientWith = (token: string) => {
    const client = new ProvisioningServiceClient({
      host: parsed.hostName,
      sharedAccessSignature: token,
    } as never);
    (
      client as unknown as {_restApiClient: {setOptions(o: object): void}}
    )._restApiClient.setOptions({http: {agent}});
    return new ServiceOperations(client, () => [parsed.sharedAccessKey]);
  };
  try {
    const error = await rejectsWith(
      clientWith(expired).getIndividualEnrollment('anything'),
      'unauthorized',
      401,
    );
    assert.ok(!error.message.includes(expired));
    // The same recipe with a future expiry gets through authentication (to a 404).
    await rejectsWith(clientWith(stillValid).getIndividualEnrollment('anything'), 'not-found', 404);
  } finally {
    agent.destroy();
  }
});

test('Azure sign-in: resource over ARM, service connection string from listkeys', async () => {
  const {info, caCertificatePem} = sandbox.emulator;
  const gateway = await connectWithAzure({
    credential: staticTokenCredential(info.armToken),
    subscriptionId: info.subscriptionId,
    resourceGroup: info.resourceGroup,
    dpsName: info.dpsName,
    endpoint: info.armEndpoint,
    ca: caCertificatePem,
  });
  try {
    assert.equal(gateway.connection.mode, 'azure');
    assert.equal(gateway.connection.armAvailable, true);
    assert.equal(gateway.connection.serviceHostName, 'localhost');

    const resource = await gateway.getDpsResource();
    assert.equal(resource.name, info.dpsName);
    assert.equal(resource.idScope, info.idScope);
    assert.ok(resource.linkedHubs.length >= 2);
    assert.ok(new Set(resource.linkedHubs.map((hub) => hub.location)).size >= 2);
    for (const hub of resource.linkedHubs) assert.match(hub.hostName, /\./);
    const owner = resource.accessPolicies.find((policy) =>
      ['ServiceConfig', 'EnrollmentWrite'].every((right) => policy.rights.includes(right)),
    );
    assert.ok(owner, 'a policy that can write enrollments is listed');
    assert.ok(
      !JSON.stringify(resource).includes(
        parseConnectionString(info.connectionString).sharedAccessKey,
      ),
      'the resource carries no key',
    );

    // The service calls use the connection string built from listkeys.
    const root = await makeCa('listkeys-root');
    const device = await signedBy(root, 'listkeys-device');
    const created = await gateway.createOrUpdateIndividualEnrollment({
      registrationId: 'listkeys-device',
      attestation: {
        type: 'x509',
        clientCertificates: {primary: {certificate: device.certificatePem}},
      },
      capabilities: {iotEdge: true},
      iotHubs: [resource.linkedHubs[1]!.hostName],
      allocationPolicy: 'static',
    });
    const fetched = await gateway.getIndividualEnrollment('listkeys-device');
    assert.equal(fetched.etag, created.etag);
    await gateway.deleteIndividualEnrollment('listkeys-device', fetched.etag);
  } finally {
    await gateway.close();
  }
});

test('Azure sign-in with Azure AD for the service API (no keys): fromTokenCredential', async () => {
  const {info, caCertificatePem} = sandbox.emulator;
  const scopes: string[] = [];
  const credential = staticTokenCredential(info.armToken);
  const gateway = await connectWithAzure({
    credential: {
      getToken: (scope, options) => {
        scopes.push(...[scope].flat());
        return credential.getToken(scope, options);
      },
    },
    subscriptionId: info.subscriptionId,
    resourceGroup: info.resourceGroup,
    dpsName: info.dpsName,
    endpoint: info.armEndpoint,
    ca: caCertificatePem,
    serviceAuth: 'azure-ad',
  });
  try {
    const intermediate = await signedBy(
      await makeCa('azure-ad-root'),
      'azure-ad-intermediate',
      'ca',
    );
    const group = await gateway.createOrUpdateEnrollmentGroup({
      enrollmentGroupId: 'azure-ad-group',
      attestation: {
        type: 'x509',
        signingCertificates: {primary: {certificate: intermediate.certificatePem}},
      },
    });
    assert.equal((await gateway.getEnrollmentGroup('azure-ad-group')).etag, group.etag);
    assert.ok(
      scopes.includes('https://azure-devices-provisioning.net/.default'),
      `the service API asked for a DPS token: ${scopes.join(', ')}`,
    );
    await gateway.deleteEnrollmentGroup('azure-ad-group', group.etag);
  } finally {
    await gateway.close();
  }
});

test('a wrong ARM token is refused with 401 when connecting', async () => {
  const {info, caCertificatePem} = sandbox.emulator;
  await rejectsWith(
    connectWithAzure({
      credential: staticTokenCredential('not-a-sandbox-token'),
      subscriptionId: info.subscriptionId,
      resourceGroup: info.resourceGroup,
      dpsName: info.dpsName,
      endpoint: info.armEndpoint,
      ca: caCertificatePem,
    }),
    'unauthorized',
    401,
  );
});

test('with a service connection string only, certificate and resource calls need Azure sign-in', async () => {
  const {info, caCertificatePem} = sandbox.emulator;
  const gateway = await connectWithConnectionString(info.connectionString, {
    agent: localAgent(info.port, caCertificatePem),
  });
  try {
    assert.equal(gateway.connection.armAvailable, false);
    const page = await gateway.queryIndividualEnrollments({pageSize: 1});
    assert.ok(Array.isArray(page.items));
    const error = await rejectsWith(gateway.listCaCertificates(), 'needs-arm');
    assert.match(error.message, /Azure sign-in/);
    await rejectsWith(gateway.getDpsResource(), 'needs-arm');
    await rejectsWith(gateway.generateVerificationCode('root', 'etag'), 'needs-arm');
  } finally {
    await gateway.close();
  }
});

test('a malformed connection string is a bad request that does not echo the key', async () => {
  const key = Buffer.alloc(32, 9).toString('base64');
  const error = await rejectsWith(
    connectWithConnectionString(
      `HostName=localhost:443;SharedAccessKeyName=x;SharedAccessKey=${key}`,
    ),
    'bad-request',
  );
  assert.match(error.message, /bare host name/);
  assert.ok(!inspect(error).includes(key));
});

/**
 * A gateway on this file's emulator whose retry waits are recorded and not slept; `retries` caps the
 * retries (default: the policy's).
 */
async function recordingGateway(options: {retries?: number; requestTimeoutMs?: number} = {}) {
  const {info, caCertificatePem} = sandbox.emulator;
  const slept: number[] = [];
  const waits: RetryWait[] = [];
  const gateway = await connectToSandbox(info, caCertificatePem, {
    ...(options.requestTimeoutMs ? {requestTimeoutMs: options.requestTimeoutMs} : {}),
    retry: {
      ...(options.retries === undefined ? {} : {policy: {maxRetries: options.retries}}),
      sleep: async (ms) => {
        slept.push(ms);
      },
    },
  });
  const onWait = (wait: RetryWait) => waits.push(wait);
  return {gateway, slept, waits, onWait};
}

test('throttling from the service API: the gateway waits as Retry-After asks, then goes through', async () => {
  const {gateway, slept, waits, onWait} = await recordingGateway();
  try {
    sandbox.emulator.faults.add({
      path: /\/enrollments\/throttled-device$/i,
      count: 1,
      fault: {kind: 'status', status: 429, retryAfterSeconds: 7},
    });
    // The call reached the API after one wait: 'not-found' is DPS's answer for an unknown ID.
    await rejectsWith(
      gateway.getIndividualEnrollment('throttled-device', {onWait}),
      'not-found',
      404,
    );
    assert.deepEqual(slept, [7000]);
    assert.equal(waits.length, 1);
    assert.equal(waits[0]!.operation, "get individual enrollment 'throttled-device'");
    assert.equal(waits[0]!.reason, 'DPS is throttling requests (429)');
    assert.equal(waits[0]!.attempt, 2);
    assert.equal(waits[0]!.maxAttempts, 5);
    assert.equal(waits[0]!.askedByDps, true);
  } finally {
    await gateway.close();
  }
});

test('throttling past the cap: the error keeps Retry-After, the service message and says how many attempts', async () => {
  const {gateway, slept} = await recordingGateway();
  try {
    sandbox.emulator.faults.add({
      path: /\/enrollments\/throttled-device$/i,
      count: 5,
      fault: {kind: 'status', status: 429, retryAfterSeconds: 7},
    });
    const error = await rejectsWith(
      gateway.getIndividualEnrollment('throttled-device'),
      'throttled',
      429,
    );
    assert.equal(error.retryAfterSeconds, 7);
    assert.equal(error.attempts, 5);
    assert.match(error.message, /failed after 5 attempts, DPS is throttling requests \(HTTP 429\)/);
    assert.ok(error.serviceMessage, 'the service message is kept');
    assert.ok(error.trackingId, 'the tracking id is kept');
    assert.deepEqual(slept, [7000, 7000, 7000, 7000]);
  } finally {
    await gateway.close();
  }
});

test('a Retry-After beyond the longest wait is reported at once, not slept', async () => {
  const {gateway, slept} = await recordingGateway();
  try {
    sandbox.emulator.faults.add({
      path: /\/enrollments\/throttled-device$/i,
      count: 1,
      fault: {kind: 'status', status: 429, retryAfterSeconds: 600},
    });
    const error = await rejectsWith(
      gateway.getIndividualEnrollment('throttled-device'),
      'throttled',
      429,
    );
    assert.equal(error.retryAfterSeconds, 600);
    assert.match(
      error.message,
      /DPS asked to wait 600 s before trying again, longer than the 30 s/,
    );
    assert.deepEqual(slept, []);
  } finally {
    await gateway.close();
  }
});

test('ARM throttling is retried by the gateway alone: the ARM client does not retry on its own', async () => {
  const {gateway, slept} = await recordingGateway({retries: 1});
  try {
    // Two 429s and one retry: were the ARM client retrying too, its retries would use them up.
    sandbox.emulator.faults.add({
      method: 'GET',
      path: /\/certificates$/i,
      count: 2,
      fault: {kind: 'status', status: 429, retryAfterSeconds: 3},
    });
    const error = await rejectsWith(gateway.listCaCertificates(), 'throttled', 429);
    assert.equal(error.retryAfterSeconds, 3);
    assert.equal(error.attempts, 2);
    assert.ok(error.serviceMessage, 'the service message is kept');
    assert.match(
      error.trackingId ?? '',
      /^[0-9a-f-]{36}$/,
      'the correlation id becomes the tracking id',
    );
    assert.deepEqual(slept, [3000]);
    assert.ok(Array.isArray(await gateway.listCaCertificates()));
  } finally {
    await gateway.close();
  }
});

test('server errors and reset connections that outlast the retries map to server and network', async () => {
  const {gateway} = await recordingGateway({retries: 2});
  const {emulator} = sandbox;
  try {
    emulator.faults.add({
      path: /\/enrollments\/unlucky-device$/i,
      count: 3,
      fault: {kind: 'status', status: 503, retryAfterSeconds: 2},
    });
    const unavailable = await rejectsWith(
      gateway.getIndividualEnrollment('unlucky-device'),
      'server',
      503,
    );
    assert.equal(unavailable.retryAfterSeconds, 2);
    assert.match(
      unavailable.message,
      /after 3 attempts, DPS is temporarily unavailable \(HTTP 503\)/,
    );
    emulator.faults.add({
      path: /\/enrollments\/unlucky-device$/i,
      count: 3,
      fault: {kind: 'reset'},
    });
    const reset = await rejectsWith(gateway.getIndividualEnrollment('unlucky-device'), 'network');
    assert.equal(reset.attempts, 3);
    emulator.faults.add({path: /\/certificates$/i, count: 3, fault: {kind: 'reset'}});
    await rejectsWith(gateway.listCaCertificates(), 'network');
  } finally {
    await gateway.close();
  }
});

test('a call that gets no answer in time fails as a network error once the retries are used up', async () => {
  const {gateway} = await recordingGateway({retries: 1, requestTimeoutMs: 300});
  const {faults} = sandbox.emulator;
  try {
    faults.add({path: /\/enrollments\/slow-device$/i, count: 2, fault: {kind: 'delay', ms: 1500}});
    const service = await rejectsWith(gateway.getIndividualEnrollment('slow-device'), 'network');
    assert.match(service.message, /after 2 attempts/);
    assert.match(service.message, /no answer within 300 ms/);
    faults.add({
      method: 'GET',
      path: /\/certificates$/i,
      count: 2,
      fault: {kind: 'delay', ms: 1500},
    });
    await rejectsWith(gateway.listCaCertificates(), 'network');
  } finally {
    await gateway.close();
  }
});

test('Esc while waiting to retry: the call ends at once as cancelled', async () => {
  const {info, caCertificatePem} = sandbox.emulator;
  const gateway = await connectToSandbox(info, caCertificatePem);
  try {
    sandbox.emulator.faults.add({
      path: /\/enrollments\/patient-device$/i,
      count: 1,
      fault: {kind: 'status', status: 429, retryAfterSeconds: 20},
    });
    const controller = new AbortController();
    const started = Date.now();
    const call = gateway.getIndividualEnrollment('patient-device', {
      signal: controller.signal,
      onWait: () => controller.abort(),
    });
    const error = await rejectsWith(call, 'cancelled');
    assert.match(error.message, /get individual enrollment 'patient-device' was cancelled/);
    assert.ok(Date.now() - started < 15_000, 'it did not wait the 20 s DPS asked for');
  } finally {
    await gateway.close();
  }
});

test('an untrusted server certificate is a TLS error; verification is never turned off', async () => {
  const {info} = sandbox.emulator;
  const otherCa = await makeCa('some-other-ca');
  const gateway = await connectToSandbox(info, otherCa.certificatePem);
  try {
    await rejectsWith(gateway.getIndividualEnrollment('anything'), 'tls');
    await rejectsWith(gateway.getDpsResource(), 'tls');
  } finally {
    await gateway.close();
  }
});

test('a stopped emulator is a network error, after the retries', async () => {
  const emulator = await startEmulator({inMemory: true, port: 0});
  const gateway = await connectToSandbox(emulator.info, emulator.caCertificatePem, {
    retry: {sleep: async () => {}},
  });
  await emulator.close();
  try {
    await rejectsWith(gateway.getIndividualEnrollment('anything'), 'network');
    await rejectsWith(gateway.listCaCertificates(), 'network');
  } finally {
    await gateway.close();
  }
});

test('no error message holds a key, a SAS token or a bearer token', () => {
  const {info} = sandbox.emulator;
  const secrets = [parseConnectionString(info.connectionString).sharedAccessKey, info.armToken];
  assert.ok(
    provoked.length >= 15,
    `expected the tests above to provoke errors, got ${provoked.length}`,
  );
  for (const error of provoked) {
    for (const printed of [error.message, inspect(error, {depth: 10}), JSON.stringify(error)]) {
      for (const secret of secrets) assert.ok(!printed.includes(secret), printed);
      assert.doesNotMatch(printed, /SharedAccessSignature sr=|Bearer \S{8,}|sig=[^\s[]/);
    }
  }
});
