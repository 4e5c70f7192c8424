import {resolve} from 'node:path';
import {setTimeout as sleep} from 'node:timers/promises';
import {
  type CallOptions,
  connectToSandbox,
  connectWithAzure,
  connectWithConnectionString,
  createAzureCredential,
  type DeviceCodePrompt,
  DpsError,
  type DpsGateway,
  type DpsResource,
  isDpsError,
  localAgent,
  redactSecrets,
  type RetryWait,
  SignInCancelledError,
} from '../dps/index.js';
import {defaultStateDir} from '../emulator/state-dir.js';
import type {EmulatorInfo} from '../emulator/types.js';
import {describeChoice, type ConnectionChoice} from './connection-options.js';
import type {DeviceEndpoint} from '../wizard/shared/types.js';

export type Connected = {
  gateway: DpsGateway;
  /** The DPS resource when ARM is available (sandbox, Azure): name, ID scope, linked hubs, device host. */
  resource?: DpsResource;
  /** Absolute path of the sandbox state folder (sandbox only), to tell the user where their data lives. */
  sandboxStateDir?: string;
  /** The sandbox's device API on loopback, with its CA (sandbox only). */
  deviceEndpoint?: DeviceEndpoint;
  /** Closes the gateway and, for the sandbox, the in-process emulator. Idempotent. */
  close(): Promise<void>;
};

export type ConnectHooks = {
  /** Shows the device-code prompt (Azure sign-in with --device-code). */
  onDeviceCode?(prompt: DeviceCodePrompt): void;
  /**
   * Cancels connecting (the wizard's Esc): a sign-in in progress stops at once; whatever was opened is
   * closed. The promise then rejects with SignInCancelledError.
   */
  signal?: AbortSignal;
  /** A first call to DPS waits before it is tried again (throttled, a dropped link). */
  onWait?: (wait: RetryWait) => void;
};

/** Tests only: a local authority and ARM endpoint, the CA(s) to trust for them, the local service port. */
export type ConnectTesting = {
  authorityHost?: string;
  ca?: string;
  armEndpoint?: string;
  /** The port of a local service API for a connection string (the service SDK always dials 443). */
  servicePort?: number;
};

/** The scope the ARM client asks for; signing in for it first lets the ARM calls use the cached token. */
const armScope = 'https://management.azure.com/.default';

/**
 * Opens the connection the operator chose and checks that it works, so a wrong key or a missing sign-in
 * shows on the connecting screen rather than when saving. DpsErrors and SignInCancelledError pass through;
 * anything else becomes one Error that says what was being connected to.
 */
export async function connect(
  choice: ConnectionChoice,
  hooks: ConnectHooks = {},
  testing: ConnectTesting = {},
): Promise<Connected> {
  if (hooks.signal?.aborted) throw cancelled(choice);
  // The first calls ride out transient faults like every other; Esc (the signal) ends their waits.
  const options: CallOptions = {
    ...(hooks.signal ? {signal: hooks.signal} : {}),
    ...(hooks.onWait ? {onWait: hooks.onWait} : {}),
  };
  let opened: Connected;
  try {
    switch (choice.mode) {
      case 'sandbox':
        opened = await openSandbox(choice.stateDir, options);
        break;
      case 'connection-string':
        opened = await openConnectionString(choice.connectionString, testing, options);
        break;
      case 'azure':
        opened = await openAzure(choice, hooks, testing, options);
        break;
    }
  } catch (error) {
    if (hooks.signal?.aborted) throw cancelled(choice);
    if (isDpsError(error) || error instanceof SignInCancelledError) throw error;
    if (error instanceof ConnectError) throw error;
    // Only the scrubbed message is kept (no cause), so nothing unscrubbed can be printed later.
    const message = redactSecrets(error instanceof Error ? error.message : String(error));
    throw new ConnectError(`could not connect (${describeChoice(choice)}): ${message}`);
  }
  if (hooks.signal?.aborted) {
    await opened.close();
    throw cancelled(choice);
  }
  return opened;
}

function cancelled(choice: ConnectionChoice): SignInCancelledError {
  return choice.mode === 'azure'
    ? new SignInCancelledError()
    : new SignInCancelledError('connecting was cancelled');
}

/** Connecting failed for a reason other than DPS itself (the sandbox could not start, ...). */
export class ConnectError extends Error {
  override name = 'ConnectError';
}

/** Another emulator or wizard holds the sandbox's state folder. */
export class SandboxInUseError extends ConnectError {
  override name = 'SandboxInUseError';
}

function closeOnce(steps: Array<() => Promise<void>>): () => Promise<void> {
  let closing: Promise<void> | undefined;
  return () => {
    closing ??= (async () => {
      for (const step of steps) await step();
    })();
    return closing;
  };
}

/** How often a locked sandbox folder is tried, 250 ms apart, before saying who holds it. */
const sandboxLockAttempts = 8;

async function openSandbox(
  stateDirOption: string | undefined,
  options: CallOptions,
): Promise<Connected> {
  const stateDir = resolve(stateDirOption ?? defaultStateDir());
  // Loaded on first use: the emulator and its certificate toolkit are not needed for Azure.
  const {startEmulator} = await import('../emulator/emulator.js');
  let emulator;
  for (let attempt = 1; ; attempt++) {
    try {
      emulator = await startEmulator({port: 0, stateDir});
      break;
    } catch (error) {
      const failure = sandboxStartError(error, stateDir);
      // A wizard that is closing (its SSH session just dropped) releases the folder within moments.
      if (!(failure instanceof SandboxInUseError) || attempt >= sandboxLockAttempts) throw failure;
      await sleep(250);
    }
  }
  let gateway: DpsGateway | undefined;
  try {
    gateway = await connectToSandbox(emulator.info, emulator.caCertificatePem, options);
    const resource = await gateway.getDpsResource(options);
    const openGateway = gateway;
    return {
      gateway,
      resource,
      sandboxStateDir: stateDir,
      deviceEndpoint: sandboxDeviceEndpoint(emulator.info, emulator.caCertificatePem),
      close: closeOnce([() => openGateway.close(), () => emulator.close()]),
    };
  } catch (error) {
    await gateway?.close();
    await emulator.close();
    throw error;
  }
}

/** Where a device on this machine registers against the sandbox, trusting the sandbox's CA. */
export function sandboxDeviceEndpoint(
  info: EmulatorInfo,
  caCertificatePem: string,
): DeviceEndpoint {
  return {
    kind: 'sandbox',
    host: info.deviceHost,
    port: info.port,
    mqttPort: info.mqttPort,
    caCertificatePem,
  };
}

/** The emulator's lock messages, mapped to what the operator can do about them. */
function sandboxStartError(error: unknown, stateDir: string): Error {
  const message = error instanceof Error ? error.message : String(error);
  if (/is in use by another emulator/.test(message)) {
    const owner = /\(process (\d+)\)/.exec(message)?.[1];
    const who = owner
      ? `another dps-enroll wizard or emulator (process ${owner})`
      : 'another sandbox connection in this wizard';
    return new SandboxInUseError(
      `the sandbox state folder ${stateDir} is in use by ${who}; close that one first, or give this one its own folder with --state-dir`,
    );
  }
  return new ConnectError(`could not start the sandbox in ${stateDir}: ${message}`, {
    cause: error,
  });
}

async function openConnectionString(
  connectionString: string,
  testing: ConnectTesting,
  options: CallOptions,
): Promise<Connected> {
  const agent =
    testing.servicePort !== undefined && testing.ca
      ? localAgent(testing.servicePort, testing.ca)
      : undefined;
  const gateway = await connectWithConnectionString(connectionString, {
    ...options,
    ...(agent ? {agent} : {}),
  });
  try {
    // One cheap call, so a wrong key or a missing right fails here.
    await gateway.queryIndividualEnrollments({pageSize: 1}, options);
  } catch (error) {
    await gateway.close();
    throw error;
  }
  return {gateway, close: closeOnce([() => gateway.close()])};
}

async function openAzure(
  choice: Extract<ConnectionChoice, {mode: 'azure'}>,
  hooks: ConnectHooks,
  testing: ConnectTesting,
  options: CallOptions,
): Promise<Connected> {
  const credential = await createAzureCredential({
    ...(choice.deviceCode
      ? {deviceCode: {onPrompt: (prompt: DeviceCodePrompt) => hooks.onDeviceCode?.(prompt)}}
      : {}),
    ...(choice.tenantId ? {tenantId: choice.tenantId} : {}),
    ...(hooks.signal ? {abortSignal: hooks.signal} : {}),
    ...(testing.authorityHost ? {authorityHost: testing.authorityHost} : {}),
    ...(testing.ca ? {ca: testing.ca} : {}),
  });
  // Sign in before the first ARM call: a device-code sign-in waits for the operator, longer than the
  // gateway lets one request take.
  const token = await credential.getToken(armScope);
  if (!token) {
    throw new DpsError({
      kind: 'unauthorized',
      operation: 'sign in to Azure',
      serviceMessage: 'no token was issued',
    });
  }
  const gateway = await connectWithAzure(
    {
      credential,
      subscriptionId: choice.subscriptionId,
      resourceGroup: choice.resourceGroup,
      dpsName: choice.dpsName,
      ...(testing.armEndpoint ? {endpoint: testing.armEndpoint} : {}),
      ...(testing.ca ? {ca: testing.ca} : {}),
    },
    options,
  );
  try {
    const resource = await gateway.getDpsResource(options);
    return {gateway, resource, close: closeOnce([() => gateway.close()])};
  } catch (error) {
    await gateway.close();
    throw error;
  }
}
