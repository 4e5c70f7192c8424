import {X509Certificate} from 'node:crypto';
import {generatePrivateKey} from '../../source/certs/keys.js';
import {issueCertificate} from '../../source/certs/issue.js';
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

export type TestCertificates = {
  /** A self-signed CA and two device certificates it issued. */
  caPem: string;
  devicePem: string;
  otherDevicePem: string;
};

let certificates: Promise<TestCertificates> | undefined;

/** Test certificates, made once per test file (EC keys: fast). */
export function testCertificates(): Promise<TestCertificates> {
  certificates ??= (async () => {
    const caKey = await generatePrivateKey('ec-p256');
    const caPem = await issueCertificate({
      subject: 'service-api-test.root.ca',
      subjectKeyPem: caKey,
      profile: 'ca',
      validityDays: 30,
    });
    const issuer = {certificatePem: caPem, privateKeyPem: caKey};
    const device = async (subject: string) =>
      issueCertificate({
        subject,
        subjectKeyPem: await generatePrivateKey('ec-p256'),
        issuer,
        profile: 'identity',
        validityDays: 30,
      });
    return {
      caPem,
      devicePem: await device('edge-device-01'),
      otherDevicePem: await device('edge-device-02'),
    };
  })();
  return certificates;
}

/** What the info block must be, computed independently with node's X509Certificate. */
export function expectedInfo(pem: string) {
  const certificate = new X509Certificate(pem);
  const reverse = (name: string) => name.split('\n').reverse().join(', ');
  const utc = (text: string) => new Date(text).toISOString().replace('.000Z', 'Z');
  return {
    subjectName: reverse(certificate.subject),
    sha1Thumbprint: certificate.fingerprint.replaceAll(':', ''),
    sha256Thumbprint: certificate.fingerprint256.replaceAll(':', ''),
    issuerName: reverse(certificate.issuer),
    notBeforeUtc: utc(certificate.validFrom),
    notAfterUtc: utc(certificate.validTo),
    serialNumber: certificate.serialNumber.toUpperCase(),
    version: 3,
  };
}
