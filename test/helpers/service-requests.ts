import {createServiceApi} from '../../source/emulator/service-api.js';
import {Store} from '../../source/emulator/store.js';
import type {EmulatorRequest, EmulatorResponse, Handler} from '../../source/emulator/types.js';

export const linkedHubs = ['hub-west.azure-devices.net', 'hub-east.azure-devices.net'];

/** A service API over an in-memory store, with a helper that builds requests from a method and a path. */
export function serviceApi() {
  const store = Store.inMemory();
  const handler: Handler = createServiceApi({store, linkedHubHostNames: () => linkedHubs});
  const call = (
    method: string,
    path: string,
    options: {body?: unknown; headers?: Record<string, string>} = {},
  ): Promise<EmulatorResponse> => handler(serviceRequest(method, path, options));
  return {store, handler, call};
}

/** An EmulatorRequest as the server builds it: percent-decoded segments in their original case. */
export function serviceRequest(
  method: string,
  path: string,
  options: {body?: unknown; headers?: Record<string, string>} = {},
): EmulatorRequest {
  const url = new URL(path, 'https://localhost');
  if (!url.searchParams.has('api-version')) url.searchParams.set('api-version', '2021-10-01');
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(options.headers ?? {})) {
    headers[name.toLowerCase()] = value;
  }
  if (options.body !== undefined && headers['content-type'] === undefined) {
    headers['content-type'] = 'application/json; charset=utf-8';
  }
  return {
    method,
    segments: url.pathname.split('/').slice(1).map(decodeURIComponent),
    query: url.searchParams,
    headers,
    body: options.body,
  };
}

/** The response body as a JSON object. */
export function bodyOf(response: EmulatorResponse): Record<string, unknown> {
  return response.body as Record<string, unknown>;
}

/** A minimal valid X.509 individual enrollment. */
export function individualEnrollment(
  registrationId: string,
  certificatePem: string,
  extra: Record<string, unknown> = {},
) {
  return {
    registrationId,
    attestation: {
      type: 'x509',
      x509: {clientCertificates: {primary: {certificate: certificatePem}}},
    },
    ...extra,
  };
}

/** A minimal valid X.509 enrollment group referring to a CA certificate by name. */
export function caReferenceGroup(enrollmentGroupId: string, extra: Record<string, unknown> = {}) {
  return {
    enrollmentGroupId,
    attestation: {type: 'x509', x509: {caReferences: {primary: 'root-ca'}}},
    ...extra,
  };
}
