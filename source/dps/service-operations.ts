import type {Agent} from 'node:https';
import type {TokenCredential} from '@azure/core-auth';
import type {ProvisioningServiceClient} from 'azure-iot-provisioning-service';
import {normalizeError} from './errors.js';
import {
  defaultRetryRuntime,
  withRetry,
  type CallKind,
  type CallOptions,
  type RetryRuntime,
} from './retry.js';
import {defaultRequestTimeoutMs, withTimeout} from './timeout.js';
import type {
  BulkMode,
  BulkResult,
  EnrollmentGroup,
  IndividualEnrollment,
  Page,
  PageRequest,
  RegistrationState,
} from './types.js';
import {
  readBulkResult,
  readEnrollmentGroup,
  readIndividualEnrollment,
  readRegistrationState,
  writeEnrollmentGroup,
  writeIndividualEnrollment,
} from './wire.js';

/** How the service SDK authenticates: a connection string (SAS) or an Azure AD token credential. */
export type ServiceAuth =
  {connectionString: string} | {hostName: string; credential: TokenCredential};

type SdkCallback<T> = (error?: Error | null, result?: T, response?: unknown) => void;

/** The SDK's internal REST client; `_restApiClient` has been its field name throughout the 1.x line. */
type RestApiClient = {
  setOptions(options: object): void;
  executeApiCall(
    method: string,
    path: string,
    headers: Record<string, string>,
    body: unknown,
    done: SdkCallback<unknown>,
  ): void;
};

const restApiClientOf = (client: ProvisioningServiceClient) =>
  (client as unknown as {_restApiClient: RestApiClient})._restApiClient;

/**
 * Creates the service SDK client (loaded on first use, so the wizard's first screen does not wait for it).
 * `agent` points it elsewhere than port 443 with another CA: the SDK never passes a port, so Node uses the
 * agent's defaultPort.
 */
export async function createServiceClient(
  auth: ServiceAuth,
  agent?: Agent,
): Promise<ProvisioningServiceClient> {
  const {ProvisioningServiceClient} = await import('azure-iot-provisioning-service');
  const client =
    'connectionString' in auth
      ? ProvisioningServiceClient.fromConnectionString(auth.connectionString)
      : ProvisioningServiceClient.fromTokenCredential(auth.hostName, auth.credential);
  if (agent) restApiClientOf(client).setOptions({http: {agent}});
  return client;
}

const queryAll = {query: '*'};
const apiVersion = '2021-10-01';

/** Enrollments, groups and registration states over the service SDK, every failure a DpsError. */
export class ServiceOperations {
  constructor(
    private readonly client: ProvisioningServiceClient,
    /** Values that must never appear in an error message (the key, tokens). */
    private readonly secrets: () => readonly string[],
    private readonly requestTimeoutMs = defaultRequestTimeoutMs,
    private readonly retry: RetryRuntime = defaultRetryRuntime,
  ) {}

  async getIndividualEnrollment(
    registrationId: string,
    options: CallOptions = {},
  ): Promise<IndividualEnrollment> {
    const result = await this.call(
      `get individual enrollment '${registrationId}'`,
      'read',
      options,
      (done) => this.client.getIndividualEnrollment(registrationId, done as never),
    );
    return readIndividualEnrollment(result);
  }

  async createOrUpdateIndividualEnrollment(
    enrollment: IndividualEnrollment,
    options: CallOptions = {},
  ): Promise<IndividualEnrollment> {
    const result = await this.call(
      `save individual enrollment '${enrollment.registrationId}'`,
      'write',
      options,
      (done) =>
        this.client.createOrUpdateIndividualEnrollment(
          writeIndividualEnrollment(enrollment) as never,
          done as never,
        ),
    );
    return readIndividualEnrollment(result);
  }

  async deleteIndividualEnrollment(
    registrationId: string,
    etag?: string,
    options: CallOptions = {},
  ): Promise<void> {
    await this.call(
      `delete individual enrollment '${registrationId}'`,
      'delete',
      options,
      (done) =>
        etag
          ? this.client.deleteIndividualEnrollment(registrationId, etag, done)
          : this.client.deleteIndividualEnrollment(registrationId, done),
    );
  }

  async queryIndividualEnrollments(
    page: PageRequest = {},
    options: CallOptions = {},
  ): Promise<Page<IndividualEnrollment>> {
    return this.queryPage(
      'query individual enrollments',
      options,
      this.client.createIndividualEnrollmentQuery(queryAll, page.pageSize),
      page.continuationToken,
      readIndividualEnrollment,
    );
  }

  /** Uses the callback form: the SDK's promise form of this call never settles. */
  async runIndividualEnrollmentBulk(
    mode: BulkMode,
    enrollments: IndividualEnrollment[],
    options: CallOptions = {},
  ): Promise<BulkResult> {
    const operation = `${mode} ${enrollments.length} individual enrollments`;
    const result = await this.call(operation, 'write', options, (done) =>
      this.client.runBulkEnrollmentOperation(
        {mode, enrollments: enrollments.map(writeIndividualEnrollment)} as never,
        done as never,
      ),
    );
    return readBulkResult(result, 'registrationId');
  }

  async getEnrollmentGroup(
    enrollmentGroupId: string,
    options: CallOptions = {},
  ): Promise<EnrollmentGroup> {
    const result = await this.call(
      `get enrollment group '${enrollmentGroupId}'`,
      'read',
      options,
      (done) => this.client.getEnrollmentGroup(enrollmentGroupId, done as never),
    );
    return readEnrollmentGroup(result);
  }

  async createOrUpdateEnrollmentGroup(
    group: EnrollmentGroup,
    options: CallOptions = {},
  ): Promise<EnrollmentGroup> {
    const operation = `save enrollment group '${group.enrollmentGroupId}'`;
    const result = await this.call(operation, 'write', options, (done) =>
      this.client.createOrUpdateEnrollmentGroup(
        writeEnrollmentGroup(group) as never,
        done as never,
      ),
    );
    return readEnrollmentGroup(result);
  }

  async deleteEnrollmentGroup(
    enrollmentGroupId: string,
    etag?: string,
    options: CallOptions = {},
  ): Promise<void> {
    await this.call(`delete enrollment group '${enrollmentGroupId}'`, 'delete', options, (done) =>
      etag
        ? this.client.deleteEnrollmentGroup(enrollmentGroupId, etag, done)
        : this.client.deleteEnrollmentGroup(enrollmentGroupId, done),
    );
  }

  async queryEnrollmentGroups(
    page: PageRequest = {},
    options: CallOptions = {},
  ): Promise<Page<EnrollmentGroup>> {
    return this.queryPage(
      'query enrollment groups',
      options,
      this.client.createEnrollmentGroupQuery(queryAll, page.pageSize),
      page.continuationToken,
      readEnrollmentGroup,
    );
  }

  /**
   * The SDK wraps only the individual-enrollment bulk call, so the group one goes through the SDK's own
   * REST client (same authentication, transport and error translation).
   */
  async runEnrollmentGroupBulk(
    mode: BulkMode,
    groups: EnrollmentGroup[],
    options: CallOptions = {},
  ): Promise<BulkResult> {
    const operation = `${mode} ${groups.length} enrollment groups`;
    const result = await this.call(operation, 'write', options, (done) =>
      restApiClientOf(this.client).executeApiCall(
        'POST',
        `/enrollmentGroups?api-version=${apiVersion}`,
        {Accept: 'application/json', 'Content-Type': 'application/json; charset=utf-8'},
        {mode, enrollmentGroups: groups.map(writeEnrollmentGroup)},
        done,
      ),
    );
    return readBulkResult(result, 'enrollmentGroupId');
  }

  async getRegistrationState(
    registrationId: string,
    options: CallOptions = {},
  ): Promise<RegistrationState> {
    const result = await this.call(
      `get registration state '${registrationId}'`,
      'read',
      options,
      (done) => this.client.getDeviceRegistrationState(registrationId, done as never),
    );
    return readRegistrationState(result);
  }

  async deleteRegistrationState(
    registrationId: string,
    etag?: string,
    options: CallOptions = {},
  ): Promise<void> {
    await this.call(`delete registration state '${registrationId}'`, 'delete', options, (done) =>
      etag
        ? this.client.deleteDeviceRegistrationState(registrationId, etag, done)
        : this.client.deleteDeviceRegistrationState(registrationId, done),
    );
  }

  async queryRegistrationStates(
    enrollmentGroupId: string,
    page: PageRequest = {},
    options: CallOptions = {},
  ): Promise<Page<RegistrationState>> {
    return this.queryPage(
      `query registration states of group '${enrollmentGroupId}'`,
      options,
      this.client.createEnrollmentGroupDeviceRegistrationStateQuery(
        queryAll,
        enrollmentGroupId,
        page.pageSize,
      ),
      page.continuationToken,
      readRegistrationState,
    );
  }

  /**
   * One page of a query. The token is always passed explicitly: the SDK's promise form of next() without
   * arguments drops the stored continuation token and re-reads page 1 forever.
   */
  private async queryPage<T>(
    operation: string,
    options: CallOptions,
    query: {
      next(token: string, done: SdkCallback<unknown>): void;
      continuationToken: string | null | undefined;
    },
    continuationToken: string | undefined,
    read: (value: unknown) => T,
  ): Promise<Page<T>> {
    const result = await this.call(operation, 'read', options, (done) =>
      query.next(continuationToken as string, done),
    );
    const page: Page<T> = {items: Array.isArray(result) ? result.map(read) : []};
    if (typeof query.continuationToken === 'string') {
      page.continuationToken = query.continuationToken;
    }
    return page;
  }

  /**
   * Runs one SDK call in its callback form under the retry policy, each attempt with the request timeout;
   * any failure becomes a DpsError.
   */
  private call(
    operation: string,
    kind: CallKind,
    options: CallOptions,
    start: (done: SdkCallback<unknown>) => void,
  ): Promise<unknown> {
    return withRetry(operation, kind, () => this.attempt(operation, start), options, this.retry);
  }

  private attempt(operation: string, start: (done: SdkCallback<unknown>) => void) {
    const call = new Promise((resolve, reject) => {
      try {
        start((error, result) => {
          if (error) reject(normalizeError(error, operation, this.secrets()));
          else resolve(result);
        });
      } catch (error) {
        reject(normalizeError(error, operation, this.secrets()));
      }
    });
    return withTimeout(call, this.requestTimeoutMs, operation);
  }
}
