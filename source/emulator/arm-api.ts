import {randomBytes, X509Certificate} from 'node:crypto';
import {caNameProblem} from '../dps/index.js';
import {certificateInfo, decodeCertificate} from './certificate-info.js';
import {etagMatches, header, newEtag} from './etags.js';
import {armError} from './errors.js';
import type {Sandbox} from './sandbox.js';
import type {Store} from './store.js';
import type {EmulatorRequest, EmulatorResponse, Handler} from './types.js';

/** A CA certificate resource of the DPS (ARM `provisioningServices/{dps}/certificates/{name}`). */
export type StoredCertificate = {
  name: string;
  /** The certificate, base64 of DER. */
  der: string;
  isVerified: boolean;
  etag: string;
  created: string;
  updated: string;
  /** The code a verification certificate must carry as its CN; set by generateVerificationCode. */
  verificationCode?: string;
};

const providerSegments = ['providers', 'microsoft.devices', 'provisioningservices'];
const guid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The ARM API of the sandbox DPS resource (CONTRACT section 2): the resource itself, lists by subscription
 * and resource group, its keys, and its CA certificates with proof of possession. Any api-version is
 * accepted, and both certificate body shapes (top-level and under `properties`).
 */
export function createArmApi(context: {
  store: Store;
  sandbox: Sandbox;
  /** The service API's host name, as in the ready line's connection string. */
  serviceHost: string;
}): Handler {
  const {store, sandbox, serviceHost} = context;
  const resourceId = `/subscriptions/${sandbox.subscriptionId}/resourceGroups/${sandbox.resourceGroup}/providers/Microsoft.Devices/provisioningServices/${sandbox.dpsName}`;
  const same = (a: string | undefined, b: string) => a?.toLowerCase() === b.toLowerCase();

  return async (request) => {
    if (!request.query.get('api-version')) {
      return armError(400, 1, 'The api-version query parameter (?api-version=) is required.');
    }
    const s = request.segments;
    if (!guid.test(s[1] ?? '')) {
      return armError(
        400,
        1,
        `The provided subscription identifier ${JSON.stringify(s[1] ?? '')} is malformed or invalid.`,
      );
    }
    if (!same(s[1], sandbox.subscriptionId)) {
      return armError(404, 1, `The subscription '${s[1] ?? ''}' could not be found.`);
    }
    // /subscriptions/{sub}/providers/Microsoft.Devices/provisioningServices
    if (s.length === 5 && matchesProvider(s.slice(2))) {
      return onlyMethod(request, 'GET', () => ({status: 200, body: {value: [description()]}}));
    }
    if (!same(s[2], 'resourceGroups') || !matchesProvider(s.slice(4, 7))) {
      return notFound(request);
    }
    if (!same(s[3], sandbox.resourceGroup)) {
      return armError(404, 1, `Resource group '${s[3] ?? ''}' could not be found.`);
    }
    if (s.length === 7) {
      return onlyMethod(request, 'GET', () => ({status: 200, body: {value: [description()]}}));
    }
    if (!same(s[7], sandbox.dpsName)) {
      return armError(404, 1, `The provisioning service '${s[7] ?? ''}' could not be found.`);
    }
    const [resourceChild, name, action, ...extra] = s.slice(8);
    const first = resourceChild?.toLowerCase();
    if (first === undefined)
      return onlyMethod(request, 'GET', () => ({status: 200, body: description()}));
    if (first === 'listkeys' && name === undefined) {
      return onlyMethod(request, 'POST', () => ({
        status: 200,
        body: {value: sandbox.policies.map(policyBody)},
      }));
    }
    if (first === 'keys' && name !== undefined && same(action, 'listkeys') && extra.length === 0) {
      return onlyMethod(request, 'POST', () => {
        const policy = sandbox.policies.find((candidate) => same(candidate.keyName, name));
        if (!policy)
          return armError(404, 1, `The shared access policy '${name}' could not be found.`);
        return {status: 200, body: policyBody(policy)};
      });
    }
    if (first === 'certificates' && name === undefined) {
      return onlyMethod(request, 'GET', () => ({
        status: 200,
        body: {value: store.list<StoredCertificate>('certificates').map(certificateBody)},
      }));
    }
    if (first === 'certificates' && name !== undefined && extra.length === 0) {
      const problem = caNameProblem(name);
      if (problem) {
        return armError(400, 2, `${problem.message[0]!.toUpperCase()}${problem.message.slice(1)}.`);
      }
      if (action === undefined) {
        if (request.method === 'GET') return getCertificate(name);
        if (request.method === 'PUT') return putCertificate(name, request);
        if (request.method === 'DELETE') return deleteCertificate(name, request);
        return methodNotAllowed(request);
      }
      if (same(action, 'generateVerificationCode')) {
        return onlyMethod(request, 'POST', () => generateVerificationCode(name, request));
      }
      if (same(action, 'verify')) return onlyMethod(request, 'POST', () => verify(name, request));
    }
    return notFound(request);
  };

  function description() {
    return {
      id: resourceId,
      name: sandbox.dpsName,
      type: 'Microsoft.Devices/ProvisioningServices',
      location: sandbox.location,
      tags: {},
      etag: 'AAAAAAAAAAE=',
      resourcegroup: sandbox.resourceGroup,
      subscriptionid: sandbox.subscriptionId,
      sku: {name: 'S1', tier: 'Standard', capacity: 1},
      properties: {
        state: 'Active',
        provisioningState: 'Succeeded',
        publicNetworkAccess: 'Enabled',
        ipFilterRules: [],
        privateEndpointConnections: [],
        iotHubs: sandbox.linkedHubs.map((hub) => ({
          name: hub.hostName,
          // ARM masks the hub keys in what it returns.
          connectionString: `HostName=${hub.hostName};SharedAccessKeyName=iothubowner;SharedAccessKey=****`,
          location: hub.location,
          applyAllocationPolicy: true,
          allocationWeight: 1,
        })),
        allocationPolicy: 'Hashed',
        serviceOperationsHostName: serviceHost,
        deviceProvisioningHostName: serviceHost,
        idScope: sandbox.idScope,
        authorizationPolicies: [],
        enableDataResidency: false,
      },
    };
  }

  function certificateId(name: string) {
    return `${resourceId}/certificates/${name}`;
  }

  function certificateBody(stored: StoredCertificate) {
    const certificate = new X509Certificate(Buffer.from(stored.der, 'base64'));
    const info = certificateInfo(certificate);
    return {
      id: certificateId(stored.name),
      name: stored.name,
      type: 'Microsoft.Devices/ProvisioningServices/Certificates',
      etag: stored.etag,
      properties: {
        subject: info.subjectName,
        expiry: new Date(certificate.validTo).toUTCString(),
        thumbprint: info.sha1Thumbprint,
        isVerified: stored.isVerified,
        certificate: stored.der,
        created: new Date(stored.created).toUTCString(),
        updated: new Date(stored.updated).toUTCString(),
      },
    };
  }

  function getCertificate(name: string): EmulatorResponse {
    const stored = store.get<StoredCertificate>('certificates', name);
    if (!stored) return certificateNotFound(name);
    return {status: 200, body: certificateBody(stored)};
  }

  async function putCertificate(name: string, request: EmulatorRequest): Promise<EmulatorResponse> {
    const {certificate: text, isVerified} = certificateUpload(request.body);
    if (typeof text !== 'string' || text === '') {
      return armError(400, 3, 'The request body needs properties.certificate (or certificate).');
    }
    if (isVerified !== undefined && typeof isVerified !== 'boolean') {
      return armError(400, 3, 'isVerified must be true or false.');
    }
    let certificate: X509Certificate;
    try {
      certificate = decodeCertificate(text);
    } catch (error) {
      return armError(400, 4, `The certificate could not be read: ${(error as Error).message}`);
    }
    const existing = store.get<StoredCertificate>('certificates', name);
    if (existing && !ifMatchesStored(request, existing)) return staleEtag();
    const now = new Date().toISOString();
    const der = certificate.raw.toString('base64');
    const stored: StoredCertificate = {
      name: existing?.name ?? name,
      der,
      isVerified:
        isVerified ?? (existing !== undefined && existing.der === der && existing.isVerified),
      etag: newEtag(),
      created: existing?.created ?? now,
      updated: now,
    };
    await store.put('certificates', name, stored);
    return {status: 200, body: certificateBody(stored)};
  }

  /** The stored certificate for a call that must name its current etag, or the answer that refuses the call. */
  function certificateForChange(
    name: string,
    request: EmulatorRequest,
  ):
    | {stored: StoredCertificate; refusal?: undefined}
    | {stored?: undefined; refusal: EmulatorResponse} {
    const stored = store.get<StoredCertificate>('certificates', name);
    if (!stored) return {refusal: certificateNotFound(name)};
    const refusal = requireEtag(request, stored);
    return refusal ? {refusal} : {stored};
  }

  async function deleteCertificate(
    name: string,
    request: EmulatorRequest,
  ): Promise<EmulatorResponse> {
    const {refusal} = certificateForChange(name, request);
    if (refusal) return refusal;
    await store.delete('certificates', name);
    return {status: 200};
  }

  async function generateVerificationCode(
    name: string,
    request: EmulatorRequest,
  ): Promise<EmulatorResponse> {
    const {stored, refusal} = certificateForChange(name, request);
    if (refusal) return refusal;
    const updated: StoredCertificate = {
      ...stored,
      verificationCode: randomBytes(24).toString('hex').toUpperCase(),
      etag: newEtag(),
      updated: new Date().toISOString(),
    };
    await store.put('certificates', name, updated);
    const body = certificateBody(updated);
    return {
      status: 200,
      body: {
        ...body,
        properties: {...body.properties, verificationCode: updated.verificationCode},
      },
    };
  }

  async function verify(name: string, request: EmulatorRequest): Promise<EmulatorResponse> {
    const {stored, refusal} = certificateForChange(name, request);
    if (refusal) return refusal;
    if (!stored.verificationCode) {
      return armError(
        400,
        50,
        'There is no verification code for this certificate: generate one first (generateVerificationCode).',
      );
    }
    const text = (request.body as {certificate?: unknown} | undefined)?.certificate;
    if (typeof text !== 'string' || text === '') {
      return armError(400, 51, 'The request body needs certificate: the verification certificate.');
    }
    let proof: X509Certificate;
    try {
      proof = decodeCertificate(text);
    } catch (error) {
      return armError(
        400,
        52,
        `The verification certificate could not be read: ${(error as Error).message}`,
      );
    }
    const ca = new X509Certificate(Buffer.from(stored.der, 'base64'));
    const commonName = /^CN=(.*)$/m.exec(proof.subject)?.[1] ?? '';
    if (commonName.toLowerCase() !== stored.verificationCode.toLowerCase()) {
      return armError(
        400,
        54,
        `Proof-Of-Possession failed. The verification certificate's subject CN '${commonName}' is not the current verification code.`,
      );
    }
    if (!proof.verify(ca.publicKey)) {
      return armError(
        400,
        53,
        `Proof-Of-Possession failed. Issuer certificate '${certificateInfo(ca).subjectName}' cannot be found in the certificate chain.`,
      );
    }
    const now = Date.now();
    if (Date.parse(proof.validFrom) > now || Date.parse(proof.validTo) < now) {
      return armError(
        400,
        55,
        'Proof-Of-Possession failed. The verification certificate is not valid now.',
      );
    }
    const {verificationCode: _used, ...rest} = stored;
    const updated: StoredCertificate = {
      ...rest,
      isVerified: true,
      etag: newEtag(),
      updated: new Date(now).toISOString(),
    };
    await store.put('certificates', name, updated);
    return {status: 200, body: certificateBody(updated)};
  }
}

/** The certificate and isVerified, from either body shape (`properties` since 2022-02-05, top-level before). */
function certificateUpload(body: unknown): {certificate?: unknown; isVerified?: unknown} {
  if (typeof body !== 'object' || body === null) return {};
  const properties = (body as {properties?: unknown}).properties;
  if (typeof properties === 'object' && properties !== null) return properties;
  return body;
}

function policyBody(policy: Sandbox['policies'][number]) {
  return {
    keyName: policy.keyName,
    primaryKey: policy.primaryKey,
    secondaryKey: policy.secondaryKey,
    rights: policy.rights.join(', '),
  };
}

function matchesProvider(segments: string[]): boolean {
  return (
    segments.length === providerSegments.length &&
    segments.every((segment, index) => segment.toLowerCase() === providerSegments[index])
  );
}

/** ARM needs If-Match for every change of an existing certificate: a missing or empty one never matches. */
function ifMatchesStored(request: EmulatorRequest, stored: StoredCertificate): boolean {
  const given = header(request, 'if-match');
  return given !== undefined && given.trim() !== '' && etagMatches(given, stored.etag);
}

/** Delete, generateVerificationCode and verify need If-Match: 400 without it, 412 when it is stale. */
function requireEtag(
  request: EmulatorRequest,
  stored: StoredCertificate,
): EmulatorResponse | undefined {
  if (header(request, 'if-match') === undefined) {
    return armError(400, 5, 'The If-Match header with the certificate etag is required.');
  }
  return ifMatchesStored(request, stored) ? undefined : staleEtag();
}

function staleEtag(): EmulatorResponse {
  return armError(412, 1, 'Invalid ETag supplied.');
}

function certificateNotFound(name: string): EmulatorResponse {
  return armError(404, 2, `The certificate '${name}' could not be found.`);
}

function notFound(request: EmulatorRequest): EmulatorResponse {
  return armError(404, 1, `No ARM route matches ${request.method} /${request.segments.join('/')}.`);
}

function methodNotAllowed(request: EmulatorRequest): EmulatorResponse {
  return armError(405, 1, `${request.method} is not allowed on /${request.segments.join('/')}.`);
}

async function onlyMethod(
  request: EmulatorRequest,
  method: string,
  handler: () => EmulatorResponse | Promise<EmulatorResponse>,
): Promise<EmulatorResponse> {
  return request.method === method ? handler() : methodNotAllowed(request);
}
