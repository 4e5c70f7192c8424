import {X509Certificate} from 'node:crypto';
import type {Agent} from 'node:https';
import type {IotDpsClient} from '@azure/arm-deviceprovisioningservices';
import type {TokenCredential} from '@azure/core-auth';
import {DpsError, isDpsError, normalizeError} from './errors.js';
import {parseRights, pickServicePolicy, type AccessPolicyWithKeys} from './connection-string.js';
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
 * Creates the ARM client (loaded on first use). Its own retries are off: the wizard retries throttled
 * requests itself, honouring Retry-After, and says so on screen.
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
  ) {}

  async getDpsResource(): Promise<DpsResource> {
    const {dpsName, resourceGroup} = this.target;
    const [description, policies] = await Promise.all([
      this.call(`read DPS '${dpsName}'`, () =>
        this.client.iotDpsResource.get(dpsName, resourceGroup),
      ),
      // Reading the resource needs less than listing keys; without that right the list is empty.
      this.listAccessPolicies().catch((error: unknown) => {
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
  async listAccessPolicies(): Promise<AccessPolicyWithKeys[]> {
    const {dpsName, resourceGroup} = this.target;
    return this.call(`list the access policies of DPS '${dpsName}'`, async () => {
      const policies: AccessPolicyWithKeys[] = [];
      for await (const rule of this.client.iotDpsResource.listKeys(dpsName, resourceGroup)) {
        const policy: AccessPolicyWithKeys = {keyName: rule.keyName, rights: rule.rights};
        if (rule.primaryKey) policy.primaryKey = rule.primaryKey;
        if (rule.secondaryKey) policy.secondaryKey = rule.secondaryKey;
        policies.push(policy);
      }
      return policies;
    });
  }

  /** The first policy with ServiceConfig and EnrollmentWrite, or undefined. */
  async findServicePolicy() {
    return pickServicePolicy(await this.listAccessPolicies());
  }

  async listCaCertificates(): Promise<CaCertificate[]> {
    const {dpsName, resourceGroup} = this.target;
    const list = await this.call(`list CA certificates of DPS '${dpsName}'`, () =>
      this.client.dpsCertificate.list(resourceGroup, dpsName),
    );
    return (list.value ?? []).map((certificate) => readCaCertificate(certificate, ''));
  }

  async getCaCertificate(name: string): Promise<CaCertificate> {
    const {dpsName, resourceGroup} = this.target;
    const certificate = await this.call(`get CA certificate '${name}'`, () =>
      this.client.dpsCertificate.get(name, resourceGroup, dpsName),
    );
    return readCaCertificate(certificate as ArmCertificate, name);
  }

  async uploadCaCertificate(request: {
    name: string;
    certificatePem: string;
    verified?: boolean;
    etag?: string;
  }): Promise<CaCertificate> {
    const {dpsName, resourceGroup} = this.target;
    const operation = `upload CA certificate '${request.name}'`;
    const certificate = certificateDer(request.certificatePem, operation);
    const result = await this.call(operation, () =>
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
        request.etag ? {ifMatch: request.etag} : {},
      ),
    );
    return readCaCertificate(result as ArmCertificate, request.name);
  }

  async generateVerificationCode(name: string, etag: string): Promise<VerificationCode> {
    const {dpsName, resourceGroup} = this.target;
    const result = await this.call(`generate a verification code for '${name}'`, () =>
      this.client.dpsCertificate.generateVerificationCode(name, etag, resourceGroup, dpsName),
    );
    return readVerificationCode(result, name);
  }

  async verifyCaCertificate(
    name: string,
    etag: string,
    verificationCertificatePem: string,
  ): Promise<CaCertificate> {
    const {dpsName, resourceGroup} = this.target;
    const operation = `verify CA certificate '${name}'`;
    const der = certificateDer(verificationCertificatePem, operation);
    const result = await this.call(operation, () =>
      this.client.dpsCertificate.verifyCertificate(name, etag, resourceGroup, dpsName, {
        certificate: Buffer.from(der).toString('base64'),
      }),
    );
    return readCaCertificate(result as ArmCertificate, name);
  }

  async deleteCaCertificate(name: string, etag: string): Promise<void> {
    const {dpsName, resourceGroup} = this.target;
    await this.call(`delete CA certificate '${name}'`, () =>
      this.client.dpsCertificate.delete(resourceGroup, etag, dpsName, name),
    );
  }

  private async call<T>(operation: string, run: () => Promise<T>): Promise<T> {
    try {
      return await withTimeout(
        run(),
        this.target.requestTimeoutMs ?? defaultRequestTimeoutMs,
        operation,
      );
    } catch (error) {
      throw normalizeError(error, operation, this.secrets());
    }
  }
}
