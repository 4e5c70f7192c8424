import {homedir} from 'node:os';
import type {DpsGateway, DpsResource, RetryWait} from '../../dps/index.js';
import type {OpenConnection, WizardServices} from '../shared/services.js';
import {completePath, expandPath} from './path-completion.js';
import type {ConnectionInfo, DeviceCodePrompt, DeviceEndpoint} from '../shared/types.js';
import {globalDeviceHost} from '../../device/types.js';
import {createDeviceServices} from './device-services.js';
import {writeTextFile} from './text-file.js';

/** What a connection yields, before the wizard turns it into what its header and flows show. */
export type ConnectedDps = {
  gateway: DpsGateway;
  resource?: DpsResource;
  sandboxStateDir?: string;
  /** The sandbox's device API; Azure's devices register at the global endpoint. */
  deviceEndpoint?: DeviceEndpoint;
  close(): Promise<void>;
};

export type Connector = (hooks: {
  onDeviceCode(prompt: DeviceCodePrompt): void;
  onWait(wait: RetryWait): void;
  signal: AbortSignal;
}) => Promise<ConnectedDps>;

export function connectionInfo(connected: ConnectedDps): ConnectionInfo {
  const {connection} = connected.gateway;
  const resource = connected.resource;
  return {
    mode: connection.mode,
    serviceHostName: connection.serviceHostName,
    armAvailable: connection.armAvailable,
    ...(connection.dpsName ? {dpsName: connection.dpsName} : {}),
    ...(connection.resourceGroup ? {resourceGroup: connection.resourceGroup} : {}),
    ...(resource?.idScope ? {idScope: resource.idScope} : {}),
    ...(resource?.deviceHostName ? {deviceHostName: resource.deviceHostName} : {}),
    linkedHubs: resource?.linkedHubs ?? [],
    ...(connected.sandboxStateDir ? {sandboxStateDir: connected.sandboxStateDir} : {}),
    ...deviceEndpointOf(connected),
  };
}

/** A sandbox's device API as it said; DPS in Azure at its device host. Never Azure for a sandbox. */
function deviceEndpointOf(connected: ConnectedDps): {deviceEndpoint?: DeviceEndpoint} {
  if (connected.deviceEndpoint) return {deviceEndpoint: connected.deviceEndpoint};
  if (connected.gateway.connection.mode === 'sandbox') return {};
  const host = connected.resource?.deviceHostName ?? globalDeviceHost;
  return {deviceEndpoint: {kind: 'global', host}};
}

/** The wizard's services over the real file system and a way to connect. */
export function createServices(options: {
  target: string;
  connect: Connector;
  cwd?: string;
  home?: string;
  /** Tests only: the folder that stands for / when installing on this device. */
  edgeRoot?: string;
}): WizardServices & {closeAll(): Promise<void>} {
  const context = {cwd: options.cwd ?? process.cwd(), home: options.home ?? homedir()};
  const opened = new Set<OpenConnection>();
  return {
    cwd: context.cwd,
    target: options.target,
    async connect(hooks) {
      const connected = await options.connect(hooks);
      const connection: OpenConnection = {
        gateway: connected.gateway,
        info: connectionInfo(connected),
        close: async () => {
          opened.delete(connection);
          await connected.close();
        },
      };
      opened.add(connection);
      return connection;
    },
    // The certificate toolkit loads on first use, so the first screen does not wait for it.
    readCertificate: async (typedPath, purpose) => {
      const {readCertificateFor} = await import('./certificate-file.js');
      return readCertificateFor(purpose, typedPath, expandPath(typedPath, context));
    },
    generateTestChain: async (request) => {
      const {createTestChain, FilesExistError} = await import('../../certs/test-chain.js');
      const outDir = expandPath(request.folder, context);
      try {
        const files = await createTestChain({
          outDir,
          devices: request.devices,
          keyType: request.keyType,
          days: request.days,
          force: request.overwrite,
          onProgress: request.onProgress,
          signal: request.signal,
        });
        return {outcome: 'written', outDir, files};
      } catch (error) {
        if (error instanceof FilesExistError)
          return {outcome: 'exists', outDir, paths: error.paths};
        throw error;
      }
    },
    signVerificationCertificate: async (request) => {
      const {signWithCaKey} = await import('./ca-signing.js');
      return signWithCaKey(request, expandPath(request.keyPath, context));
    },
    checkVerificationCertificate: async (request) => {
      const {checkVerificationFile} = await import('./ca-signing.js');
      return checkVerificationFile(request, expandPath(request.path, context));
    },
    ...createDeviceServices(context, options.edgeRoot ? {root: options.edgeRoot} : {}),
    completePath: (text, options) => completePath(text, context, options),
    writeTextFile: (path, content, overwrite) =>
      writeTextFile(expandPath(path, context), content, overwrite),
    async closeAll() {
      await Promise.all([...opened].map((connection) => connection.close()));
    },
  };
}
