import {after, before, describe, test} from 'node:test';
import assert from 'node:assert/strict';
import {setTimeout as sleep} from 'node:timers/promises';
import {signVerificationCertificate} from '../../source/certs/verification.js';
import {startEmulator, type RunningEmulator} from '../../source/emulator/emulator.js';
import type {Fault} from '../../source/emulator/faults.js';
import {
  connectToSandbox,
  connectWithAzure,
  staticTokenCredential,
  type ConnectOptions,
} from '../../source/dps/gateway.js';
import {isDpsError, type DpsError} from '../../source/dps/errors.js';
import type {CallOptions, RetryWait} from '../../source/dps/retry.js';
import type {DpsGateway, EnrollmentGroup, IndividualEnrollment} from '../../source/dps/types.js';
import {makeCa, signedBy, type Issued} from '../helpers/test-certificates.js';

/**
 * Every fault the emulator can inject, against every DpsGateway operation and the Azure connect, through
 * the real SDKs over HTTPS: each operation recovers from faults below the retry cap, with the number of
 * retries checked twice (the waits the gateway announced, the requests the emulator saw); past the cap,
 * the error explains. Waits are recorded, not slept, so the matrix runs in seconds.
 */

const maxRetries = 4;
const baseDelayMs = 10;
/** The request timeout of the delay cases; the others keep the default, so a slow machine adds no retries. */
const requestTimeoutMs = 400;
const lateMs = 1000;

type FaultCase = {
  name: string;
  fault: Fault;
  /** How many requests in a row get the fault in the recovering cases. */
  count: number;
  reason: string;
  /** What the gateway must wait: Retry-After, or undefined for backoff. */
  askedMs?: number;
  /** True when DPS may have carried out the request the fault hit (its answer was lost or it failed). */
  mayHaveHappened: boolean;
  /** The error once the retries are used up. */
  kind: string;
  status?: number;
  cause: RegExp;
};

const faultCases: FaultCase[] = [
  {
    name: '429 with Retry-After',
    fault: {kind: 'status', status: 429, retryAfterSeconds: 1},
    count: 2,
    mayHaveHappened: false,
    reason: 'DPS is throttling requests (429)',
    askedMs: 1000,
    kind: 'throttled',
    status: 429,
    cause: /DPS is throttling requests \(HTTP 429\)/,
  },
  {
    name: '503 with Retry-After',
    fault: {kind: 'status', status: 503, retryAfterSeconds: 2},
    count: 2,
    mayHaveHappened: false,
    reason: 'DPS is temporarily unavailable (503)',
    askedMs: 2000,
    kind: 'server',
    status: 503,
    cause: /DPS is temporarily unavailable \(HTTP 503\)/,
  },
  {
    name: '500',
    fault: {kind: 'status', status: 500},
    count: 2,
    mayHaveHappened: true,
    reason: 'DPS had an internal error (500)',
    kind: 'server',
    status: 500,
    cause: /DPS had an internal error \(HTTP 500\)/,
  },
  {
    name: '502',
    fault: {kind: 'status', status: 502},
    count: 2,
    mayHaveHappened: true,
    reason: 'a gateway in front of DPS failed (502)',
    kind: 'server',
    status: 502,
    cause: /a gateway in front of DPS failed \(HTTP 502\)/,
  },
  {
    name: '504',
    fault: {kind: 'status', status: 504},
    count: 2,
    mayHaveHappened: true,
    reason: 'a gateway in front of DPS timed out (504)',
    kind: 'server',
    status: 504,
    cause: /a gateway in front of DPS timed out \(HTTP 504\)/,
  },
  {
    name: '408',
    fault: {kind: 'status', status: 408},
    count: 2,
    mayHaveHappened: false,
    reason: 'DPS timed out waiting for the request (408)',
    kind: 'network',
    status: 408,
    cause: /DPS timed out waiting for the request \(HTTP 408\)/,
  },
  {
    name: 'connection reset',
    fault: {kind: 'reset'},
    count: 2,
    mayHaveHappened: true,
    reason: 'the connection was reset',
    kind: 'network',
    cause: /DPS could not be reached/,
  },
  {
    name: 'no answer within the request timeout',
    fault: {kind: 'delay', ms: lateMs},
    count: 1,
    mayHaveHappened: true,
    reason: 'DPS did not answer in time',
    kind: 'network',
    cause: /no answer within 400 ms/,
  },
];

let emulator: RunningEmulator;
/** "METHOD /path" of every request that reached the emulator, as it arrived (a delayed one too). */
const arrivals: string[] = [];
/** Prepares records for the cases; never hit by a fault (rules are added just before each call). */
let setup: DpsGateway;
let root: Issued;
let device: Issued;

before(async () => {
  emulator = await startEmulator({inMemory: true, port: 0});
  // Every request asks the fault injector whether it is hit: that is where arrivals are counted.
  const take = emulator.faults.take.bind(emulator.faults);
  emulator.faults.take = (method, path) => {
    arrivals.push(`${method} ${path}`);
    return take(method, path);
  };
  setup = await connectToSandbox(emulator.info, emulator.caCertificatePem);
  root = await makeCa('fault-matrix-root');
  device = await signedBy(root, 'fault-matrix-device');
});

after(async () => {
  await sleep(lateMs); // the last delayed requests finish before the emulator closes
  await setup?.close();
  await emulator?.close();
});

/** What one case records: the waits the gateway announced and the sleeps it asked for. */
type Recorder = {
  waits: RetryWait[];
  slept: number[];
  options: CallOptions;
  connect: ConnectOptions;
};

function recorder(fault: FaultCase): Recorder {
  const waits: RetryWait[] = [];
  const slept: number[] = [];
  const connect: ConnectOptions = {
    ...(fault.fault.kind === 'delay' ? {requestTimeoutMs} : {}),
    retry: {
      policy: {maxRetries, baseDelayMs},
      random: () => 0.5,
      sleep: async (ms) => {
        slept.push(ms);
      },
    },
  };
  return {waits, slept, options: {onWait: (wait) => waits.push(wait)}, connect};
}

/** Requests that reached the emulator for this method and path since `from`. */
function seen(from: number, method: string, path: RegExp): number {
  return arrivals.slice(from).filter((arrival) => {
    const [arrived = '', url = ''] = arrival.split(' ');
    return arrived === method && path.test(url);
  }).length;
}

const individual = (registrationId: string): IndividualEnrollment => ({
  registrationId,
  attestation: {type: 'x509', clientCertificates: {primary: {certificate: device.certificatePem}}},
  capabilities: {iotEdge: true},
});

const group = (enrollmentGroupId: string): EnrollmentGroup => ({
  enrollmentGroupId,
  attestation: {type: 'x509', signingCertificates: {primary: {certificate: root.certificatePem}}},
});

/** DPS's answer for an unknown ID: the call got through, which is all a case on it checks. */
async function notFound(call: Promise<unknown>): Promise<string> {
  try {
    await call;
    return 'found';
  } catch (error) {
    if (isDpsError(error, 'not-found')) return 'not-found';
    throw error;
  }
}

type Operation = {
  name: string;
  method: string;
  /** The route the fault hits, for the case's own record `id`. */
  path: (id: string) => RegExp;
  /** Runs the operation on a faulty route; its result goes to `check`. */
  run: (gateway: DpsGateway, id: string, recorder: Recorder) => Promise<unknown>;
  check: (result: unknown, id: string, fault: FaultCase) => Promise<void>;
  /** Runs before the fault is added, with the fault-free gateway (what `run` needs goes to `prepared`). */
  prepare?: (id: string) => Promise<void>;
  /** Requests the operation makes on the route after it has recovered (connect lists the keys twice). */
  laterRequests?: number;
};

const prepared = new Map<string, unknown>();
const armBase = () =>
  `/subscriptions/${emulator.info.subscriptionId}/resourceGroups/${emulator.info.resourceGroup}/providers/Microsoft.Devices/provisioningServices/${emulator.info.dpsName}`;
const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const armPath = (rest: string) => new RegExp(`^${escape(armBase())}${rest}$`, 'i');

async function uploaded(id: string) {
  const certificate = await setup.uploadCaCertificate({
    name: id,
    certificatePem: root.certificatePem,
  });
  prepared.set(id, certificate);
}

const operations: Operation[] = [
  {
    name: 'get individual enrollment',
    method: 'GET',
    path: (id) => new RegExp(`^/enrollments/${id}$`),
    prepare: async (id) => void (await setup.createOrUpdateIndividualEnrollment(individual(id))),
    run: (gateway, id, {options}) => gateway.getIndividualEnrollment(id, options),
    check: async (result, id) => assert.equal((result as IndividualEnrollment).registrationId, id),
  },
  {
    name: 'create individual enrollment',
    method: 'PUT',
    path: (id) => new RegExp(`^/enrollments/${id}$`),
    run: (gateway, id, {options}) =>
      gateway.createOrUpdateIndividualEnrollment(individual(id), options),
    check: async (_, id) =>
      assert.equal((await setup.getIndividualEnrollment(id)).capabilities?.iotEdge, true),
  },
  {
    name: 'update individual enrollment with its etag',
    method: 'PUT',
    path: (id) => new RegExp(`^/enrollments/${id}$`),
    prepare: async (id) =>
      void prepared.set(id, await setup.createOrUpdateIndividualEnrollment(individual(id))),
    run: (gateway, id, {options}) =>
      gateway.createOrUpdateIndividualEnrollment(
        {...(prepared.get(id) as IndividualEnrollment), provisioningStatus: 'disabled'},
        options,
      ),
    check: async (_, id) =>
      assert.equal((await setup.getIndividualEnrollment(id)).provisioningStatus, 'disabled'),
  },
  {
    name: 'delete individual enrollment with its etag',
    method: 'DELETE',
    path: (id) => new RegExp(`^/enrollments/${id}$`),
    prepare: async (id) =>
      void prepared.set(id, await setup.createOrUpdateIndividualEnrollment(individual(id))),
    run: (gateway, id, {options}) =>
      gateway.deleteIndividualEnrollment(
        id,
        (prepared.get(id) as IndividualEnrollment).etag,
        options,
      ),
    check: async (_, id) =>
      assert.equal(await notFound(setup.getIndividualEnrollment(id)), 'not-found'),
  },
  {
    name: 'query individual enrollments',
    method: 'POST',
    path: () => /^\/enrollments\/query$/,
    prepare: async (id) => void (await setup.createOrUpdateIndividualEnrollment(individual(id))),
    run: (gateway, _, {options}) => gateway.queryIndividualEnrollments({pageSize: 1}, options),
    check: async (result) => assert.equal((result as {items: unknown[]}).items.length, 1),
  },
  {
    name: 'bulk-create individual enrollments',
    method: 'POST',
    // The service SDK sends its bulk call to "/enrollments/".
    path: () => /^\/enrollments\/?$/,
    run: (gateway, id, {options}) =>
      gateway.runIndividualEnrollmentBulk('create', [individual(id)], options),
    check: async (result, id) => {
      assert.equal((result as {isSuccessful: boolean}).isSuccessful, true);
      assert.equal((await setup.getIndividualEnrollment(id)).registrationId, id);
    },
  },
  {
    name: 'get enrollment group',
    method: 'GET',
    path: (id) => new RegExp(`^/enrollmentGroups/${id}$`),
    prepare: async (id) => void (await setup.createOrUpdateEnrollmentGroup(group(id))),
    run: (gateway, id, {options}) => gateway.getEnrollmentGroup(id, options),
    check: async (result, id) => assert.equal((result as EnrollmentGroup).enrollmentGroupId, id),
  },
  {
    name: 'create enrollment group',
    method: 'PUT',
    path: (id) => new RegExp(`^/enrollmentGroups/${id}$`),
    run: (gateway, id, {options}) => gateway.createOrUpdateEnrollmentGroup(group(id), options),
    check: async (_, id) =>
      assert.equal((await setup.getEnrollmentGroup(id)).enrollmentGroupId, id),
  },
  {
    name: 'delete enrollment group with its etag',
    method: 'DELETE',
    path: (id) => new RegExp(`^/enrollmentGroups/${id}$`),
    prepare: async (id) =>
      void prepared.set(id, await setup.createOrUpdateEnrollmentGroup(group(id))),
    run: (gateway, id, {options}) =>
      gateway.deleteEnrollmentGroup(id, (prepared.get(id) as EnrollmentGroup).etag, options),
    check: async (_, id) => assert.equal(await notFound(setup.getEnrollmentGroup(id)), 'not-found'),
  },
  {
    name: 'query enrollment groups',
    method: 'POST',
    path: () => /^\/enrollmentGroups\/query$/,
    prepare: async (id) => void (await setup.createOrUpdateEnrollmentGroup(group(id))),
    run: (gateway, _, {options}) => gateway.queryEnrollmentGroups({pageSize: 1}, options),
    check: async (result) => assert.equal((result as {items: unknown[]}).items.length, 1),
  },
  {
    name: 'bulk-create enrollment groups',
    method: 'POST',
    path: () => /^\/enrollmentGroups$/,
    run: (gateway, id, {options}) => gateway.runEnrollmentGroupBulk('create', [group(id)], options),
    check: async (result, id) => {
      assert.equal((result as {isSuccessful: boolean}).isSuccessful, true);
      assert.equal((await setup.getEnrollmentGroup(id)).enrollmentGroupId, id);
    },
  },
  {
    name: 'get registration state',
    method: 'GET',
    path: (id) => new RegExp(`^/registrations/${id}$`),
    run: (gateway, id, {options}) => notFound(gateway.getRegistrationState(id, options)),
    check: async (result) => assert.equal(result, 'not-found'),
  },
  {
    name: 'delete registration state',
    method: 'DELETE',
    path: (id) => new RegExp(`^/registrations/${id}$`),
    run: (gateway, id, {options}) =>
      notFound(gateway.deleteRegistrationState(id, undefined, options)),
    // After a fault that may hide a delete that happened (500, 502, 504, reset, no answer), a 404 on the
    // retry means the delete is done; after 408, 429 and 503 the delete never happened, so 404 is news.
    check: async (result, _, fault) =>
      assert.equal(result, fault.mayHaveHappened ? 'found' : 'not-found'),
  },
  {
    name: 'query registration states',
    method: 'POST',
    path: (id) => new RegExp(`^/registrations/${id}/query$`),
    run: (gateway, id, {options}) => gateway.queryRegistrationStates(id, {}, options),
    check: async (result) => assert.deepEqual(result, {items: []}),
  },
  {
    name: 'list CA certificates',
    method: 'GET',
    path: () => armPath('/certificates'),
    prepare: uploaded,
    run: (gateway, _, {options}) => gateway.listCaCertificates(options),
    check: async (result, id) =>
      assert.ok((result as Array<{name: string}>).some((certificate) => certificate.name === id)),
  },
  {
    name: 'get CA certificate',
    method: 'GET',
    path: (id) => armPath(`/certificates/${id}`),
    prepare: uploaded,
    run: (gateway, id, {options}) => gateway.getCaCertificate(id, options),
    check: async (result, id) => assert.equal((result as {name: string}).name, id),
  },
  {
    name: 'upload CA certificate',
    method: 'PUT',
    path: (id) => armPath(`/certificates/${id}`),
    run: (gateway, id, {options}) =>
      gateway.uploadCaCertificate({name: id, certificatePem: root.certificatePem}, options),
    check: async (_, id) => assert.equal((await setup.getCaCertificate(id)).isVerified, false),
  },
  {
    name: 'generate a verification code',
    method: 'POST',
    path: (id) => armPath(`/certificates/${id}/generateVerificationCode`),
    prepare: uploaded,
    run: (gateway, id, {options}) =>
      gateway.generateVerificationCode(id, (prepared.get(id) as {etag: string}).etag, options),
    check: async (result) =>
      assert.match((result as {verificationCode: string}).verificationCode, /^[0-9A-F]{16,}$/i),
  },
  {
    name: 'verify a CA certificate',
    method: 'POST',
    path: (id) => armPath(`/certificates/${id}/verify`),
    prepare: async (id) => {
      const certificate = await setup.uploadCaCertificate({
        name: id,
        certificatePem: root.certificatePem,
      });
      const code = await setup.generateVerificationCode(id, certificate.etag);
      const proof = await signVerificationCertificate({
        caCertificatePem: root.certificatePem,
        caPrivateKeyPem: root.privateKeyPem,
        verificationCode: code.verificationCode,
      });
      prepared.set(id, {etag: code.etag, pem: proof.certificatePem});
    },
    run: (gateway, id, {options}) => {
      const {etag, pem} = prepared.get(id) as {etag: string; pem: string};
      return gateway.verifyCaCertificate(id, etag, pem, options);
    },
    check: async (_, id) => assert.equal((await setup.getCaCertificate(id)).isVerified, true),
  },
  {
    name: 'delete CA certificate with its etag',
    method: 'DELETE',
    path: (id) => armPath(`/certificates/${id}`),
    prepare: uploaded,
    run: (gateway, id, {options}) =>
      gateway.deleteCaCertificate(id, (prepared.get(id) as {etag: string}).etag, options),
    check: async (_, id) => assert.equal(await notFound(setup.getCaCertificate(id)), 'not-found'),
  },
  {
    name: 'read the DPS resource',
    method: 'GET',
    path: () => armPath(''),
    run: (gateway, _, {options}) => gateway.getDpsResource(options),
    check: async (result) => assert.equal((result as {name: string}).name, emulator.info.dpsName),
  },
  {
    name: 'connect with Azure sign-in (the DPS resource)',
    method: 'GET',
    path: () => armPath(''),
    run: (_, __, recording) => connectAzure(recording),
    check: async (result) => assert.equal(result, 'azure'),
  },
  {
    name: 'connect with Azure sign-in (the access policies)',
    method: 'POST',
    path: () => armPath('/listKeys'),
    laterRequests: 1,
    run: (_, __, recording) => connectAzure(recording),
    check: async (result) => assert.equal(result, 'azure'),
  },
];

/** Connects as Azure sign-in does (ARM, then the service API with the listkeys policy); returns its mode. */
async function connectAzure({connect, options}: Recorder): Promise<string> {
  const {info, caCertificatePem} = emulator;
  const gateway = await connectWithAzure(
    {
      credential: staticTokenCredential(info.armToken),
      subscriptionId: info.subscriptionId,
      resourceGroup: info.resourceGroup,
      dpsName: info.dpsName,
      endpoint: info.armEndpoint,
      ca: caCertificatePem,
    },
    {...connect, ...options},
  );
  try {
    // The service API works with the key listkeys gave.
    await gateway.queryIndividualEnrollments({pageSize: 1});
    return gateway.connection.mode;
  } finally {
    await gateway.close();
  }
}

let caseNumber = 0;

/** Adds the fault to the operation's route, runs it with a recording gateway, and returns what happened. */
async function runCase(operation: Operation, fault: FaultCase, count: number) {
  const id = `matrix-${++caseNumber}`;
  await operation.prepare?.(id);
  const recording = recorder(fault);
  const gateway = await connectToSandbox(
    emulator.info,
    emulator.caCertificatePem,
    recording.connect,
  );
  const path = operation.path(id);
  const from = arrivals.length;
  emulator.faults.add({method: operation.method, path, count, fault: fault.fault});
  try {
    const outcome = await operation.run(gateway, id, recording).then(
      (result) => ({result}),
      (error: unknown) => ({error}),
    );
    const requests = seen(from, operation.method, path);
    return {id, recording, outcome, requests};
  } finally {
    emulator.faults.clear();
    await gateway.close();
  }
}

/** The waits a recovering or failing case must have announced, one per retry. */
function assertWaits(recording: Recorder, fault: FaultCase, retries: number, operation: string) {
  assert.equal(recording.waits.length, retries, `${operation}: one announced wait per retry`);
  recording.waits.forEach((wait, index) => {
    assert.equal(wait.reason, fault.reason);
    assert.equal(wait.attempt, index + 2);
    assert.equal(wait.maxAttempts, maxRetries + 1);
    assert.ok(wait.operation.length > 0);
    const backoff = Math.floor(0.5 * baseDelayMs * 2 ** index);
    assert.equal(wait.delayMs, fault.askedMs ?? backoff, `${operation}: wait ${index + 1}`);
  });
  assert.deepEqual(
    recording.slept,
    recording.waits.map((wait) => wait.delayMs),
  );
}

for (const fault of faultCases) {
  describe(`fault: ${fault.name}`, () => {
    for (const operation of operations) {
      test(`${operation.name} recovers after ${fault.count}`, async () => {
        const expected = fault.count + 1 + (operation.laterRequests ?? 0);
        const {id, recording, outcome, requests} = await runCase(operation, fault, fault.count);
        if ('error' in outcome) throw outcome.error;
        await operation.check(outcome.result, id, fault);
        assertWaits(recording, fault, fault.count, operation.name);
        assert.equal(requests, expected, 'the emulator saw each attempt');
      });
    }

    // Past the cap, on an operation of each API in turn: the last error, explained, with the attempts.
    const operation = operations[faultCases.indexOf(fault) * 3]!;
    test(`${operation.name} keeps failing past the cap and says why`, async () => {
      const attempts = maxRetries + 1;
      const {recording, outcome, requests} = await runCase(operation, fault, attempts);
      assert.ok('error' in outcome, 'the call failed');
      const error = outcome.error as DpsError;
      assert.ok(isDpsError(error), String(error));
      assert.equal(error.kind, fault.kind, error.message);
      assert.equal(error.status, fault.status);
      assert.equal(error.attempts, maxRetries + 1);
      assert.match(error.message, new RegExp(`failed after ${maxRetries + 1} attempts`));
      assert.match(error.message, fault.cause);
      assertWaits(recording, fault, maxRetries, operation.name);
      assert.equal(requests, maxRetries + 1, 'the emulator saw each attempt');
    });
  });
}
