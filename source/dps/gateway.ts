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

function needsArm(operation: string): never {
  throw new DpsError({kind: 'needs-arm', operation});
}

function assemble(
  connection: ConnectionSummary,
  service: ServiceOperations,
  arm: ArmOperations | undefined,
  agent: Agent | undefined,
): DpsGateway {
  return {
    connection,
    getIndividualEnrollment: (id) => service.getIndividualEnrollment(id),
    createOrUpdateIndividualEnrollment: (enrollment) =>
      service.createOrUpdateIndividualEnrollment(enrollment),
    deleteIndividualEnrollment: (id, etag) => service.deleteIndividualEnrollment(id, etag),
    queryIndividualEnrollments: (page) => service.queryIndividualEnrollments(page),
    runIndividualEnrollmentBulk: (mode, enrollments) =>
      service.runIndividualEnrollmentBulk(mode, enrollments),
    getEnrollmentGroup: (id) => service.getEnrollmentGroup(id),
    createOrUpdateEnrollmentGroup: (group) => service.createOrUpdateEnrollmentGroup(group),
    deleteEnrollmentGroup: (id, etag) => service.deleteEnrollmentGroup(id, etag),
    queryEnrollmentGroups: (page) => service.queryEnrollmentGroups(page),
    runEnrollmentGroupBulk: (mode, groups) => service.runEnrollmentGroupBulk(mode, groups),
    getRegistrationState: (id) => service.getRegistrationState(id),
    deleteRegistrationState: (id, etag) => service.deleteRegistrationState(id, etag),
    queryRegistrationStates: (groupId, page) => service.queryRegistrationStates(groupId, page),
    listCaCertificates: async () =>
      arm ? arm.listCaCertificates() : needsArm('list CA certificates'),
    getCaCertificate: async (name) =>
      arm ? arm.getCaCertificate(name) : needsArm(`get CA certificate '${name}'`),
    uploadCaCertificate: async (request) =>
      arm ? arm.uploadCaCertificate(request) : needsArm(`upload CA certificate '${request.name}'`),
    generateVerificationCode: async (name, etag) =>
      arm
        ? arm.generateVerificationCode(name, etag)
        : needsArm(`generate a verification code for '${name}'`),
    verifyCaCertificate: async (name, etag, pem) =>
      arm ? arm.verifyCaCertificate(name, etag, pem) : needsArm(`verify CA certificate '${name}'`),
    deleteCaCertificate: async (name, etag) =>
      arm ? arm.deleteCaCertificate(name, etag) : needsArm(`delete CA certificate '${name}'`),
    getDpsResource: async () => (arm ? arm.getDpsResource() : needsArm('read the DPS resource')),
    close: async () => {
      agent?.destroy();
    },
  };
}

/** A service connection string: enrollments and registrations; CA certificates fail with 'needs-arm'. */
export async function connectWithConnectionString(
  connectionString: string,
  options: {agent?: Agent; requestTimeoutMs?: number} = {},
): Promise<DpsGateway> {
  const parsed = readConnectionString(connectionString, 'read the connection string');
  const secrets = new SecretList();
  secrets.add(parsed.sharedAccessKey);
  const client = await createServiceClient({connectionString}, options.agent);
  return assemble(
    {mode: 'connection-string', serviceHostName: parsed.hostName, armAvailable: false},
    new ServiceOperations(client, secrets.list, options.requestTimeoutMs),
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
export async function connectWithAzure(target: AzureTarget): Promise<DpsGateway> {
  const secrets = new SecretList();
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
    ...(target.requestTimeoutMs ? {requestTimeoutMs: target.requestTimeoutMs} : {}),
  };
  try {
    const arm = new ArmOperations(await createArmClient(armTarget), armTarget, secrets.list);
    const resource = await arm.getDpsResource();
    let policy;
    if (target.serviceAuth !== 'azure-ad') {
      try {
        policy = await arm.findServicePolicy();
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
      new ServiceOperations(client, secrets.list, target.requestTimeoutMs),
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
  options: {requestTimeoutMs?: number} = {},
): Promise<DpsGateway> {
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
  const arm = new ArmOperations(await createArmClient(armTarget), armTarget, secrets.list);
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
    new ServiceOperations(client, secrets.list, options.requestTimeoutMs),
    arm,
    agent,
  );
}
