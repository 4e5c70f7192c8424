import {Agent} from 'node:https';
import type {AccessToken, GetTokenOptions, TokenCredential} from '@azure/core-auth';
import type {EmulatorInfo} from '../emulator/types.js';
import {ArmOperations, createArmClient, type ArmTarget} from './arm-operations.js';
import {
  ConnectionStringError,
  formatConnectionString,
  parseConnectionString,
} from './connection-string.js';
import {DpsError, isDpsError} from './errors.js';
import {retryRuntime, type CallOptions, type RetryRuntime, type RetrySettings} from './retry.js';
import {createServiceClient, ServiceOperations, type ServiceAuth} from './service-operations.js';
import type {ConnectionSummary, DpsGateway} from './types.js';

/**
 * The ways to connect the wizard to DPS. Each returns the same DpsGateway; what differs is whether the ARM
 * API (CA certificates, the DPS resource) is available.
 */

/** Secrets this gateway holds, so error messages can be scrubbed of them. */
class SecretList {
  private readonly values = new Set<string>();
  add(value: string | undefined) {
    if (value) this.values.add(value);
  }
  list = (): readonly string[] => [...this.values];
}

/** Remembers every token the credential hands out, so none can leak into an error message. */
function watchTokens(credential: TokenCredential, secrets: SecretList): TokenCredential {
  return {
    async getToken(scopes: string | string[], options?: GetTokenOptions) {
      const token: AccessToken | null = await credential.getToken(scopes, options);
      secrets.add(token?.token);
      return token;
    },
  };
}

/**
 * An https.Agent for a local DPS: Node uses `defaultPort` when a request names no port (the service SDK
 * never does) and trusts `ca`. Verification stays on.
 */
export function localAgent(port: number, ca: string): Agent {
  return Object.assign(new Agent({ca, keepAlive: true}), {defaultPort: port});
}

/** Parses a connection string; a malformed one is a 'bad-request' DpsError whose message has no key. */
function readConnectionString(connectionString: string, operation: string) {
  try {
    return parseConnectionString(connectionString);
  } catch (error) {
    if (!(error instanceof ConnectionStringError)) throw error;
    throw new DpsError({kind: 'bad-request', operation, serviceMessage: error.message});
  }
}

/** Fails an ARM-only call on a gateway without ARM, as every call fails: after honouring a cancelled signal. */
async function needsArm(operation: string, options: CallOptions | undefined): Promise<never> {
  if (options?.signal?.aborted) throw new DpsError({kind: 'cancelled', operation});
  throw new DpsError({kind: 'needs-arm', operation});
}

/**
 * The gateway over the two SDKs. Every call, service and ARM, runs under the retry policy inside
 * ServiceOperations and ArmOperations, with the caller's CallOptions passed through.
 */
function assemble(
  connection: ConnectionSummary,
  service: ServiceOperations,
  arm: ArmOperations | undefined,
  agent: Agent | undefined,
): DpsGateway {
  return {
    connection,
    getIndividualEnrollment: (id, options) => service.getIndividualEnrollment(id, options),
    createOrUpdateIndividualEnrollment: (enrollment, options) =>
      service.createOrUpdateIndividualEnrollment(enrollment, options),
    deleteIndividualEnrollment: (id, etag, options) =>
      service.deleteIndividualEnrollment(id, etag, options),
    queryIndividualEnrollments: (page, options) =>
      service.queryIndividualEnrollments(page, options),
    runIndividualEnrollmentBulk: (mode, enrollments, options) =>
      service.runIndividualEnrollmentBulk(mode, enrollments, options),
    getEnrollmentGroup: (id, options) => service.getEnrollmentGroup(id, options),
    createOrUpdateEnrollmentGroup: (group, options) =>
      service.createOrUpdateEnrollmentGroup(group, options),
    deleteEnrollmentGroup: (id, etag, options) => service.deleteEnrollmentGroup(id, etag, options),
    queryEnrollmentGroups: (page, options) => service.queryEnrollmentGroups(page, options),
    runEnrollmentGroupBulk: (mode, groups, options) =>
      service.runEnrollmentGroupBulk(mode, groups, options),
    getRegistrationState: (id, options) => service.getRegistrationState(id, options),
    deleteRegistrationState: (id, etag, options) =>
      service.deleteRegistrationState(id, etag, options),
    queryRegistrationStates: (groupId, page, options) =>
      service.queryRegistrationStates(groupId, page, options),
    listCaCertificates: async (options) =>
      arm ? arm.listCaCertificates(options) : needsArm('list CA certificates', options),
    getCaCertificate: async (name, options) =>
      arm ? arm.getCaCertificate(name, options) : needsArm(`get CA certificate '${name}'`, options),
    uploadCaCertificate: async (request, options) =>
      arm
        ? arm.uploadCaCertificate(request, options)
        : needsArm(`upload CA certificate '${request.name}'`, options),
    generateVerificationCode: async (name, etag, options) =>
      arm
        ? arm.generateVerificationCode(name, etag, options)
        : needsArm(`generate a verification code for '${name}'`, options),
    verifyCaCertificate: async (name, etag, pem, options) =>
      arm
        ? arm.verifyCaCertificate(name, etag, pem, options)
        : needsArm(`verify CA certificate '${name}'`, options),
    deleteCaCertificate: async (name, etag, options) =>
      arm
        ? arm.deleteCaCertificate(name, etag, options)
        : needsArm(`delete CA certificate '${name}'`, options),
    getDpsResource: async (options) =>
      arm ? arm.getDpsResource(options) : needsArm('read the DPS resource', options),
    close: async () => {
      agent?.destroy();
    },
  };
}

/**
 * What every way of connecting accepts: the request timeout, and the retry policy's settings (tests make
 * its waits tiny). `signal` and `onWait` apply to the calls made while connecting.
 */
export type ConnectOptions = CallOptions & {
  /** How long one call may take before it fails as a network error; default 60 s. */
  requestTimeoutMs?: number;
  retry?: RetrySettings;
};

const runtimeOf = (options: ConnectOptions): RetryRuntime => retryRuntime(options.retry);

const callOptionsOf = ({signal, onWait}: ConnectOptions): CallOptions => ({
  ...(signal ? {signal} : {}),
  ...(onWait ? {onWait} : {}),
});

/** A service connection string: enrollments and registrations; CA certificates fail with 'needs-arm'. */
export async function connectWithConnectionString(
  connectionString: string,
  options: ConnectOptions & {agent?: Agent} = {},
): Promise<DpsGateway> {
  const parsed = readConnectionString(connectionString, 'read the connection string');
  const secrets = new SecretList();
  secrets.add(parsed.sharedAccessKey);
  const client = await createServiceClient({connectionString}, options.agent);
  return assemble(
    {mode: 'connection-string', serviceHostName: parsed.hostName, armAvailable: false},
    new ServiceOperations(client, secrets.list, options.requestTimeoutMs, runtimeOf(options)),
    undefined,
    options.agent,
  );
}

export type AzureTarget = {
  credential: TokenCredential;
  subscriptionId: string;
  resourceGroup: string;
  dpsName: string;
  /** Another ARM endpoint than Azure's, e.g. a local DPS: https://127.0.0.1:<port>. */
  endpoint?: string;
  /** CA certificate (PEM) to trust for `endpoint`; its port also reaches the service API there. */
  ca?: string;
  /**
   * How the service API (enrollments) authenticates: 'shared-access-key' (default) uses the listkeys
   * policy and falls back to Azure AD when listkeys is refused or no policy fits; 'azure-ad' always uses
   * the credential (for a DPS with local authentication disabled).
   */
  serviceAuth?: 'shared-access-key' | 'azure-ad';
  /** How long one call may take before it fails as a network error; default 60 s. */
  requestTimeoutMs?: number;
};

/**
 * Azure sign-in: reads the DPS resource over ARM and takes the service connection string from listkeys
 * (first policy with ServiceConfig and EnrollmentWrite). When listkeys is not allowed or no policy fits,
 * the service API is called with the same credential (Azure AD) instead.
 */
export async function connectWithAzure(
  target: AzureTarget,
  options: ConnectOptions = {},
): Promise<DpsGateway> {
  const secrets = new SecretList();
  const runtime = runtimeOf(options);
  const requestTimeoutMs = options.requestTimeoutMs ?? target.requestTimeoutMs;
  const agent =
    target.endpoint && target.ca
      ? localAgent(Number(new URL(target.endpoint).port) || 443, target.ca)
      : undefined;
  const armTarget: ArmTarget = {
    credential: watchTokens(target.credential, secrets),
    subscriptionId: target.subscriptionId,
    resourceGroup: target.resourceGroup,
    dpsName: target.dpsName,
    ...(target.endpoint ? {endpoint: target.endpoint} : {}),
    ...(agent ? {agent} : {}),
    ...(requestTimeoutMs ? {requestTimeoutMs} : {}),
  };
  try {
    const arm = new ArmOperations(
      await createArmClient(armTarget),
      armTarget,
      secrets.list,
      runtime,
    );
    const resource = await arm.getDpsResource(callOptionsOf(options));
    let policy;
    if (target.serviceAuth !== 'azure-ad') {
      try {
        policy = await arm.findServicePolicy(callOptionsOf(options));
      } catch (error) {
        if (!isDpsError(error, 'forbidden') && !isDpsError(error, 'unauthorized')) throw error;
      }
    }
    secrets.add(policy?.key);
    const auth: ServiceAuth = policy
      ? {
          connectionString: formatConnectionString({
            hostName: resource.serviceHostName,
            sharedAccessKeyName: policy.keyName,
            sharedAccessKey: policy.key,
          }),
        }
      : {hostName: resource.serviceHostName, credential: armTarget.credential};
    const client = await createServiceClient(auth, agent);
    return assemble(
      {
        mode: 'azure',
        serviceHostName: resource.serviceHostName,
        armAvailable: true,
        dpsName: target.dpsName,
        resourceGroup: target.resourceGroup,
        subscriptionId: target.subscriptionId,
      },
      new ServiceOperations(client, secrets.list, requestTimeoutMs, runtime),
      arm,
      agent,
    );
  } catch (error) {
    agent?.destroy();
    throw error;
  }
}

/** A fixed bearer token as a TokenCredential (the sandbox's ARM token). */
export function staticTokenCredential(token: string): TokenCredential {
  return {getToken: async () => ({token, expiresOnTimestamp: Date.now() + 3_600_000})};
}

/**
 * The local sandbox from its ready line and CA certificate: ARM with the sandbox token, the service API
 * with the sandbox connection string, both over one agent that trusts the sandbox CA.
 */
export async function connectToSandbox(
  info: EmulatorInfo,
  caCertificatePem: string,
  options: ConnectOptions = {},
): Promise<DpsGateway> {
  const runtime = runtimeOf(options);
  const secrets = new SecretList();
  secrets.add(info.armToken);
  const parsed = readConnectionString(info.connectionString, 'connect to the sandbox');
  secrets.add(parsed.sharedAccessKey);
  const agent = localAgent(info.port, caCertificatePem);
  const armTarget: ArmTarget = {
    credential: staticTokenCredential(info.armToken),
    subscriptionId: info.subscriptionId,
    resourceGroup: info.resourceGroup,
    dpsName: info.dpsName,
    endpoint: info.armEndpoint,
    agent,
    ...(options.requestTimeoutMs ? {requestTimeoutMs: options.requestTimeoutMs} : {}),
  };
  const arm = new ArmOperations(await createArmClient(armTarget), armTarget, secrets.list, runtime);
  const client = await createServiceClient({connectionString: info.connectionString}, agent);
  return assemble(
    {
      mode: 'sandbox',
      serviceHostName: parsed.hostName,
      armAvailable: true,
      dpsName: info.dpsName,
      resourceGroup: info.resourceGroup,
      subscriptionId: info.subscriptionId,
    },
    new ServiceOperations(client, secrets.list, options.requestTimeoutMs, runtime),
    arm,
    agent,
  );
}
