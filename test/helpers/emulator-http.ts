import {request as httpsRequest, Agent} from 'node:https';
import {after, before} from 'node:test';
import {IotDpsClient} from '@azure/arm-deviceprovisioningservices';
import type {TokenCredential} from '@azure/core-auth';
import {createSharedAccessSignature} from '../../source/emulator/auth.js';
import {startEmulator, type RunningEmulator} from '../../source/emulator/emulator.js';
import type {EmulatorInfo} from '../../source/emulator/types.js';

export type RawResponse = {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  /** The parsed JSON body, or undefined when there was none. */
  body: unknown;
};

/**
 * One HTTPS request to the emulator, trusting only the sandbox CA. `host` is the name dialled and sent
 * (default localhost); `body` is sent as JSON, `rawBody` as given, both with `contentType` (default JSON).
 */
export function rawRequest(
  emulator: {info: EmulatorInfo; caCertificatePem: string},
  method: string,
  path: string,
  options: {
    headers?: Record<string, string>;
    body?: unknown;
    rawBody?: string;
    contentType?: string;
    host?: string;
  } = {},
): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const text =
      options.rawBody ?? (options.body === undefined ? undefined : JSON.stringify(options.body));
    const request = httpsRequest(
      {
        host: options.host ?? 'localhost',
        port: emulator.info.port,
        path,
        method,
        ca: emulator.caCertificatePem,
        agent: false,
        headers: {
          accept: 'application/json',
          ...(text === undefined
            ? {}
            : {
                'content-type': options.contentType ?? 'application/json; charset=utf-8',
                'content-length': Buffer.byteLength(text),
              }),
          ...options.headers,
        },
      },
      (response) => {
        let received = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => (received += chunk));
        response.on('end', () => {
          const contentType = String(response.headers['content-type'] ?? '');
          resolve({
            status: response.statusCode ?? 0,
            headers: response.headers,
            text: received,
            body: contentType.includes('application/json') ? JSON.parse(received) : undefined,
          });
        });
      },
    );
    request.on('error', reject);
    request.end(text);
  });
}

/** A service SAS token of the owner policy in the emulator's connection string, valid for an hour. */
export function ownerSas(info: EmulatorInfo): string {
  const key = /SharedAccessKey=([^;]+)/.exec(info.connectionString)![1]!;
  return createSharedAccessSignature(
    'localhost',
    'provisioningserviceowner',
    key,
    new Date(Date.now() + 3_600_000),
  );
}

/** An in-memory emulator started before this file's tests and closed after them, with an owner SAS token. */
export function emulatorForFile(): RunningEmulator & {sas: string} {
  const emulator = {} as RunningEmulator & {sas: string};
  before(async () => {
    const started = await startEmulator({inMemory: true});
    Object.assign(emulator, started, {sas: ownerSas(started.info)});
  });
  after(async () => {
    await emulator.close?.();
  });
  return emulator;
}

/** A fixed bearer token as an Azure TokenCredential. */
export function staticCredential(token: string): TokenCredential {
  return {getToken: async () => ({token, expiresOnTimestamp: Date.now() + 3_600_000})};
}

/** The real ARM SDK client pointed at the emulator (no retries, so each call is one request). */
export function armClient(
  emulator: {info: EmulatorInfo; caCertificatePem: string},
  token = emulator.info.armToken,
): IotDpsClient {
  return new IotDpsClient(staticCredential(token), emulator.info.subscriptionId, {
    endpoint: emulator.info.armEndpoint,
    tlsOptions: {ca: emulator.caCertificatePem},
    retryOptions: {maxRetries: 0},
    credentialScopes: ['https://management.azure.com/.default'],
  });
}

/** An agent that makes the service SDK (which always dials port 443) reach the emulator. */
export function serviceAgent(emulator: {info: EmulatorInfo; caCertificatePem: string}): Agent {
  return Object.assign(new Agent({ca: emulator.caCertificatePem}), {
    defaultPort: emulator.info.port,
  });
}

/** The ARM resource path of the sandbox DPS. */
export function dpsPath(info: EmulatorInfo): string {
  return `/subscriptions/${info.subscriptionId}/resourceGroups/${info.resourceGroup}/providers/Microsoft.Devices/provisioningServices/${info.dpsName}`;
}
