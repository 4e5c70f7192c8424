import {X509Certificate} from 'node:crypto';
import type {Agent} from 'node:https';
import type {IotDpsClient} from '@azure/arm-deviceprovisioningservices';
import type {TokenCredential} from '@azure/core-auth';
import {DpsError, isDpsError, normalizeError} from './errors.js';
import {parseRights, pickServicePolicy, type AccessPolicyWithKeys} from './connection-string.js';
import {
  defaultRetryRuntime,
  withRetry,
  type CallKind,
  type CallOptions,
  type RetryRuntime,
} from './retry.js';
import {defaultRequestTimeoutMs, withTimeout} from './timeout.js';
import type {CaCertificate, DpsResource, LinkedHub, VerificationCode} from './types.js';
import {readCaCertificate, readVerificationCode, type ArmCertificate} from './wire.js';

export type ArmTarget = {
  credential: TokenCredential;
  subscriptionId: string;
  resourceGroup: string;
  dpsName: string;
  /** Another ARM endpoint than https://management.azure.com (the sandbox). */
  endpoint?: string;
  /** An https.Agent trusting another CA (the sandbox's); TLS verification stays on. */
  agent?: Agent;
  requestTimeoutMs?: number;
};

/**
 * Creates the ARM client (loaded on first use). Its own retries are off: the gateway's one retry policy
 * (retry.ts) retries every call, service and ARM alike, and tells the caller what it waits for.
 */
export async function createArmClient(target: ArmTarget): Promise<IotDpsClient> {
  const {IotDpsClient} = await import('@azure/arm-deviceprovisioningservices');
  return new IotDpsClient(target.credential, target.subscriptionId, {
    ...(target.endpoint ? {endpoint: target.endpoint} : {}),
    ...(target.agent ? {agent: target.agent} : {}),
    credentialScopes: ['https://management.azure.com/.default'],
    retryOptions: {maxRetries: 0},
  });
}

/** The DER bytes of a PEM certificate: the ARM SDK base64-encodes them into the standard .cer form. */
function certificateDer(pem: string, operation: string): Uint8Array {
  try {
    return new Uint8Array(new X509Certificate(pem).raw);
  } catch {
    throw new DpsError({
      kind: 'bad-request',
      operation,
      serviceMessage: 'the file is not a PEM or DER X.509 certificate',
    });
  }
}

/** The DPS resource and its CA certificates over the ARM SDK, every failure a DpsError. */
export class ArmOperations {
  constructor(
    private readonly client: IotDpsClient,
    private readonly target: ArmTarget,
    private readonly secrets: () => readonly string[],
    private readonly retry: RetryRuntime = defaultRetryRuntime,
  ) {}

  async getDpsResource(options: CallOptions = {}): Promise<DpsResource> {
    const {dpsName, resourceGroup} = this.target;
    const [description, policies] = await Promise.all([
      this.call(`read DPS '${dpsName}'`, 'read', options, (abortSignal) =>
        this.client.iotDpsResource.get(dpsName, resourceGroup, {abortSignal}),
      ),
      // Reading the resource needs less than listing keys; without that right the list is empty.
      this.listAccessPolicies(options).catch((error: unknown) => {
        if (isDpsError(error, 'forbidden')) return [];
        throw error;
      }),
    ]);
    const properties = description.properties ?? {};
    const linkedHubs = (properties.iotHubs ?? []).map((hub) => {
      const linked: LinkedHub = {
        hostName: hub.name ?? (hub as {hostName?: string}).hostName ?? '',
        location: hub.location,
      };
      if (hub.allocationWeight !== undefined) linked.allocationWeight = hub.allocationWeight;
      if (hub.applyAllocationPolicy !== undefined) {
        linked.applyAllocationPolicy = hub.applyAllocationPolicy;
      }
      return linked;
    });
    const resource: DpsResource = {
      name: description.name ?? dpsName,
      idScope: properties.idScope ?? '',
      serviceHostName: properties.serviceOperationsHostName ?? '',
      deviceHostName: properties.deviceProvisioningHostName ?? '',
      linkedHubs,
      accessPolicies: policies.map((policy) => ({
        keyName: policy.keyName,
        rights: parseRights(policy.rights),
      })),
    };
    if (description.id) resource.id = description.id;
    if (description.location) resource.location = description.location;
    if (properties.allocationPolicy) resource.allocationPolicy = properties.allocationPolicy;
    return resource;
  }

  /** The shared access policies with their keys: only for building the service connection string. */
  async listAccessPolicies(options: CallOptions = {}): Promise<AccessPolicyWithKeys[]> {
    const {dpsName, resourceGroup} = this.target;
    const operation = `list the access policies of DPS '${dpsName}'`;
    return this.call(operation, 'read', options, async (abortSignal) => {
      const policies: AccessPolicyWithKeys[] = [];
      const rules = this.client.iotDpsResource.listKeys(dpsName, resourceGroup, {abortSignal});
      for await (const rule of rules) {
        const policy: AccessPolicyWithKeys = {keyName: rule.keyName, rights: rule.rights};
        if (rule.primaryKey) policy.primaryKey = rule.primaryKey;
        if (rule.secondaryKey) policy.secondaryKey = rule.secondaryKey;
        policies.push(policy);
      }
      return policies;
    });
  }

  /** The first policy with ServiceConfig and EnrollmentWrite, or undefined. */
  async findServicePolicy(options: CallOptions = {}) {
    return pickServicePolicy(await this.listAccessPolicies(options));
  }

  async listCaCertificates(options: CallOptions = {}): Promise<CaCertificate[]> {
    const {dpsName, resourceGroup} = this.target;
    const list = await this.call(
      `list CA certificates of DPS '${dpsName}'`,
      'read',
      options,
      (abortSignal) => this.client.dpsCertificate.list(resourceGroup, dpsName, {abortSignal}),
    );
    return (list.value ?? []).map((certificate) => readCaCertificate(certificate, ''));
  }

  async getCaCertificate(name: string, options: CallOptions = {}): Promise<CaCertificate> {
    const {dpsName, resourceGroup} = this.target;
    const certificate = await this.call(
      `get CA certificate '${name}'`,
      'read',
      options,
      (abortSignal) => this.client.dpsCertificate.get(name, resourceGroup, dpsName, {abortSignal}),
    );
    return readCaCertificate(certificate as ArmCertificate, name);
  }

  async uploadCaCertificate(
    request: {
      name: string;
      certificatePem: string;
      verified?: boolean;
      etag?: string;
    },
    options: CallOptions = {},
  ): Promise<CaCertificate> {
    const {dpsName, resourceGroup} = this.target;
    const operation = `upload CA certificate '${request.name}'`;
    const certificate = certificateDer(request.certificatePem, operation);
    const result = await this.call(operation, 'write', options, (abortSignal) =>
      this.client.dpsCertificate.createOrUpdate(
        resourceGroup,
        dpsName,
        request.name,
        {
          properties: {
            certificate,
            ...(request.verified === undefined ? {} : {isVerified: request.verified}),
          },
        },
        request.etag ? {ifMatch: request.etag, abortSignal} : {abortSignal},
      ),
    );
    return readCaCertificate(result as ArmCertificate, request.name);
  }

  async generateVerificationCode(
    name: string,
    etag: string,
    options: CallOptions = {},
  ): Promise<VerificationCode> {
    const {dpsName, resourceGroup} = this.target;
    const operation = `generate a verification code for '${name}'`;
    const result = await this.call(operation, 'write', options, (abortSignal) =>
      this.client.dpsCertificate.generateVerificationCode(name, etag, resourceGroup, dpsName, {
        abortSignal,
      }),
    );
    return readVerificationCode(result, name);
  }

  async verifyCaCertificate(
    name: string,
    etag: string,
    verificationCertificatePem: string,
    options: CallOptions = {},
  ): Promise<CaCertificate> {
    const {dpsName, resourceGroup} = this.target;
    const operation = `verify CA certificate '${name}'`;
    const der = certificateDer(verificationCertificatePem, operation);
    const result = await this.call(operation, 'write', options, (abortSignal) =>
      this.client.dpsCertificate.verifyCertificate(
        name,
        etag,
        resourceGroup,
        dpsName,
        {certificate: Buffer.from(der).toString('base64')},
        {abortSignal},
      ),
    );
    return readCaCertificate(result as ArmCertificate, name);
  }

  async deleteCaCertificate(name: string, etag: string, options: CallOptions = {}): Promise<void> {
    const {dpsName, resourceGroup} = this.target;
    await this.call(`delete CA certificate '${name}'`, 'delete', options, (abortSignal) =>
      this.client.dpsCertificate.delete(resourceGroup, etag, dpsName, name, {abortSignal}),
    );
  }

  /**
   * Runs one ARM call under the retry policy. Each attempt gets its own AbortSignal, aborted when the
   * caller's is or when the attempt runs past the request timeout, so the request itself is torn down.
   */
  private call<T>(
    operation: string,
    kind: CallKind,
    options: CallOptions,
    run: (abortSignal: AbortSignal) => Promise<T>,
  ): Promise<T> {
    const attempt = async (callerSignal: AbortSignal | undefined) => {
      const controller = new AbortController();
      const abort = () => controller.abort();
      callerSignal?.addEventListener('abort', abort, {once: true});
      try {
        return await withTimeout(
          run(controller.signal),
          this.target.requestTimeoutMs ?? defaultRequestTimeoutMs,
          operation,
          abort,
        );
      } catch (error) {
        throw normalizeError(error, operation, this.secrets());
      } finally {
        callerSignal?.removeEventListener('abort', abort);
      }
    };
    return withRetry(operation, kind, attempt, options, this.retry);
  }
}
