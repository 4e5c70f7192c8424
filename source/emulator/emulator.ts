import type {AddressInfo} from 'node:net';
import {resolve} from 'node:path';
import {createArmApi} from './arm-api.js';
import {
  checkBearerToken,
  checkSharedAccessSignature,
  hasRight,
  issueBearerToken,
  requiredRight,
  type AuthResult,
} from './auth.js';
import {handleDeviceRequest} from './device-api.js';
import {DeviceRegistrations} from './device-registrations.js';
import {serviceError} from './errors.js';
import {FaultInjector, faultRuleFromJson} from './faults.js';
import {startMqttDeviceServer} from './mqtt-device-api.js';
import {createHttpsServer, errorFor, type ApiKind} from './http-server.js';
import {createSandbox, loadOrCreateSandbox, ownerPolicy, type Sandbox} from './sandbox.js';
import {createServiceApi} from './service-api.js';
import {ensurePrivateFolder} from './state-dir.js';
import {lockStateDir} from './state-lock.js';
import {Store} from './store.js';
import {
  createInMemoryTlsMaterial,
  loadOrCreateTlsMaterial,
  serverNames,
  type TlsMaterial,
} from './tls-material.js';
import type {EmulatorInfo, EmulatorRequest, EmulatorResponse, Handler} from './types.js';

export type EmulatorOptions = {
  /** 0 (the default) picks any free port. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** Where state, keys and the sandbox CA live; required unless inMemory. */
  stateDir?: string;
  /** Keep everything in memory (tests); only the CA certificate is written, to a temporary folder. */
  inMemory?: boolean;
  /** One line per request and per internal error. */
  log?: (line: string) => void;
  /** The device API's MQTT-over-TLS port; 0 (the default) picks any free port. */
  mqttPort?: number;
  /** How long a device registration stays `assigning` and the retry-after devices are told; default 1. */
  deviceRetryAfterSeconds?: number;
};

export type RunningEmulator = {
  info: EmulatorInfo;
  caCertificatePem: string;
  faults: FaultInjector;
  close(): Promise<void>;
};

/** The ready line's ARM token lasts this long; the sandbox accepts it on the ARM and the service API. */
const armTokenLifetimeMs = 365 * 24 * 60 * 60 * 1000;

/** Starts the sandbox DPS: one HTTPS listener for the service API and the ARM API. */
export async function startEmulator(options: EmulatorOptions = {}): Promise<RunningEmulator> {
  const host = options.host ?? '127.0.0.1';
  const names = serverNames(host);
  const cleanup: Array<() => Promise<void>> = [];
  try {
    let store: Store;
    let sandbox: Sandbox;
    let tls: TlsMaterial;
    if (options.inMemory) {
      store = Store.inMemory();
      sandbox = createSandbox();
      tls = await createInMemoryTlsMaterial(names);
    } else {
      if (!options.stateDir)
        throw new Error('a state folder is needed unless the emulator runs in memory');
      const stateDir = resolve(options.stateDir);
      await ensurePrivateFolder(stateDir);
      cleanup.push(await lockStateDir(stateDir));
      sandbox = await loadOrCreateSandbox(stateDir);
      tls = await loadOrCreateTlsMaterial(stateDir, names);
      store = await Store.open(stateDir);
    }
    cleanup.unshift(() => store.close());
    cleanup.unshift(() => tls.dispose());

    const faults = new FaultInjector();
    const armToken = issueBearerToken(
      sandbox.tokenSecret,
      new Date(Date.now() + armTokenLifetimeMs),
    );
    const serviceHost = serviceHostFor(host);
    const armApi = createArmApi({store, sandbox, serviceHost});
    const linkedHubHostNames = () => sandbox.linkedHubs.map((hub) => hub.hostName);
    const serviceApi = createServiceApi({store, linkedHubHostNames});

    const devices = new DeviceRegistrations({
      store,
      idScope: sandbox.idScope,
      linkedHubHostNames,
      retryAfterSeconds: options.deviceRetryAfterSeconds,
    });

    const server = createHttpsServer({
      key: tls.serverPrivateKeyPem,
      cert: tls.serverCertificatePem,
      faults,
      log: options.log,
      authenticate: (request, kind) => authenticate(request, kind, sandbox),
      dispatch: (request, kind, connection) =>
        kind === 'device'
          ? handleDeviceRequest(request, connection.peerChain(), devices)
          : dispatch(request, kind, connection.remoteAddress, {faults, armApi, serviceApi}),
    });
    await new Promise<void>((resolveListen, rejectListen) => {
      server.once('error', rejectListen);
      server.listen(options.port ?? 0, host, () => {
        server.off('error', rejectListen);
        resolveListen();
      });
    });
    cleanup.unshift(
      () =>
        new Promise<void>((resolveClose) => {
          server.close(() => resolveClose());
          server.closeAllConnections();
        }),
    );
    const port = (server.address() as AddressInfo).port;

    const mqtt = await startMqttDeviceServer({
      port: options.mqttPort ?? 0,
      host,
      key: tls.serverPrivateKeyPem,
      cert: tls.serverCertificatePem,
      registrations: devices,
      log: options.log,
    });
    cleanup.unshift(() => mqtt.close());
    const mqttPort = mqtt.port;
    const owner = ownerPolicy(sandbox);
    const info: EmulatorInfo = {
      port,
      serviceHost,
      connectionString: `HostName=${serviceHost};SharedAccessKeyName=${owner.keyName};SharedAccessKey=${owner.primaryKey}`,
      armEndpoint: `https://${endpointHost(host)}:${port}`,
      armToken,
      subscriptionId: sandbox.subscriptionId,
      resourceGroup: sandbox.resourceGroup,
      dpsName: sandbox.dpsName,
      idScope: sandbox.idScope,
      caCertFile: tls.caCertFile,
      deviceHost: serviceHost,
      mqttPort,
    };

    let closing: Promise<void> | undefined;
    return {
      info,
      caCertificatePem: tls.caCertificatePem,
      faults,
      close: () => {
        closing ??= (async () => {
          for (const step of cleanup) await step();
        })();
        return closing;
      },
    };
  } catch (error) {
    for (const step of cleanup) await step().catch(() => {});
    throw error;
  }
}

type Apis = {faults: FaultInjector; armApi: Handler; serviceApi: Handler};

/**
 * The 401 for a request without valid credentials, or without the right it needs; undefined when it may
 * go on. ARM and the control endpoint take the sandbox bearer token; the service API a SharedAccessSignature
 * or that token.
 */
function authenticate(
  request: Omit<EmulatorRequest, 'body'>,
  kind: ApiKind,
  sandbox: Sandbox,
): EmulatorResponse | undefined {
  // Devices authenticate with their TLS client certificate; the device API checks the chain itself.
  if (kind === 'device') return undefined;
  const authorization = headerValue(request, 'authorization') ?? '';
  if (kind === 'arm' || kind === 'control') {
    const result = bearer(authorization, sandbox);
    if (result.ok) return undefined;
    return kind === 'arm'
      ? errorFor('arm', 401, 1, `Unauthorized: ${result.reason}.`)
      : serviceError(401, 2, `Unauthorized: ${result.reason}.`);
  }
  let result: AuthResult;
  if (/^SharedAccessSignature /i.test(authorization)) {
    const hostHeader = headerValue(request, 'host') ?? '';
    result = checkSharedAccessSignature(authorization, sandbox.policies, hostName(hostHeader));
  } else {
    result = bearer(authorization, sandbox);
  }
  if (!result.ok) return serviceError(401, 2, `Unauthorized: ${result.reason}.`);
  const right = requiredRight(request.method, request.segments);
  // A valid token without the right is "mis-scoped": DPS answers 401, as for any other bad token.
  if (!hasRight(result, right)) {
    return serviceError(401, 3, `Unauthorized: the shared access policy does not grant ${right}.`);
  }
  return undefined;
}

/** Routes an authenticated request to its API. */
async function dispatch(
  request: EmulatorRequest,
  kind: ApiKind,
  remoteAddress: string | undefined,
  apis: Apis,
): Promise<EmulatorResponse> {
  if (kind === 'arm') return apis.armApi(request);
  if (kind === 'control') return control(request, remoteAddress, apis.faults);
  return apis.serviceApi(request);
}

function bearer(authorization: string, sandbox: Sandbox): AuthResult {
  const match = /^Bearer\s+(\S+)$/i.exec(authorization);
  if (!match)
    return {ok: false, reason: 'a SharedAccessSignature or a sandbox bearer token is required'};
  return checkBearerToken(sandbox.tokenSecret, match[1]!);
}

/**
 * `/_emulator/faults`: POST a fault rule (or a list of them) as JSON, DELETE to clear all rules. Only from
 * loopback, with the sandbox bearer token. Paths are regular expressions, matched case-insensitively.
 */
function control(
  request: EmulatorRequest,
  remoteAddress: string | undefined,
  faults: FaultInjector,
): EmulatorResponse {
  if (!isLoopback(remoteAddress)) {
    return serviceError(403, 1, 'Fault injection is only available from loopback.');
  }
  if (request.segments.length !== 2 || request.segments[1]!.toLowerCase() !== 'faults') {
    return serviceError(404, 1, `No emulator control route /${request.segments.join('/')}.`);
  }
  if (request.method === 'DELETE') {
    faults.clear();
    return {status: 204};
  }
  if (request.method !== 'POST')
    return serviceError(405, 1, `${request.method} is not allowed here.`);
  try {
    const values = Array.isArray(request.body) ? request.body : [request.body];
    faults.addAll(
      values.map((value, index) => {
        try {
          return faultRuleFromJson(value);
        } catch (error) {
          const where = values.length > 1 ? `rule ${index + 1}: ` : '';
          throw new Error(`${where}${(error as Error).message}`);
        }
      }),
    );
  } catch (error) {
    return serviceError(400, 1, `Invalid fault rule: ${(error as Error).message}`);
  }
  return {status: 204};
}

function isLoopback(address: string | undefined): boolean {
  if (!address) return false;
  const plain = address.startsWith('::ffff:') ? address.slice(7) : address;
  return plain === '::1' || plain.startsWith('127.');
}

function headerValue(request: Omit<EmulatorRequest, 'body'>, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** The host name of a Host header: `localhost:8443` → `localhost`, `[::1]:8443` → `::1`. */
function hostName(hostHeader: string): string {
  if (hostHeader.startsWith('[')) return hostHeader.slice(1, hostHeader.indexOf(']'));
  return hostHeader.replace(/:\d+$/, '');
}

/**
 * The service API's host name (the connection string's HostName): the bound address or name, where the
 * listener can be reached; `localhost` for the default loopback and wildcard binds, and for IPv6 addresses,
 * which a connection string's HostName cannot carry.
 */
function serviceHostFor(host: string): string {
  const wildcard = host === '0.0.0.0' || host === '::' || host === '';
  return wildcard || host === '127.0.0.1' || host.includes(':') ? 'localhost' : host;
}

/** How clients reach the listener: loopback for wildcard binds, brackets for IPv6. */
function endpointHost(host: string): string {
  if (host === '0.0.0.0' || host === '') return '127.0.0.1';
  if (host === '::') return '[::1]';
  return host.includes(':') ? `[${host}]` : host;
}
