import type {KeyObject, X509Certificate} from 'node:crypto';
import type {DeviceTarget, IotEdgeInstallPlan, IotEdgeInstallRequest} from '../../device/types.js';
import type {
  DeviceFiles,
  DeviceRegistrationOutcome,
  DeviceRegistrationRequest,
  EdgeInstallPlan,
  EdgeInstallRequest,
} from '../shared/services.js';
import type {DeviceEndpoint, Finding} from '../shared/types.js';
import {expandPath} from './path-completion.js';

/**
 * The wizard's device services over source/device/: the files named in the wizard are read here, the
 * private key only into memory for the registration, never into the wizard's state or onto the screen.
 */

type PathContext = {cwd: string; home: string};

/** Tests only: the folder that stands for / when installing on "this device". */
export type EdgeInstallTesting = {root?: string};

/** The device's chain (leaf first, then its intermediates) and key, read from the paths typed. */
async function readDeviceFiles(
  files: DeviceFiles,
  context: PathContext,
): Promise<{chain: X509Certificate[]; key: KeyObject}> {
  // The certificate toolkit loads on first use, so the wizard's first screen does not wait for it.
  const [{readCertificateFile, readPrivateKeyFile}, {CertificateReadError}] = await Promise.all([
    import('../../certs/read.js'),
    import('../../certs/read-errors.js'),
  ]);
  const read = async (what: string, typed: string) => {
    try {
      return (await readCertificateFile(expandPath(typed, context))).certificates;
    } catch (error) {
      throw new Error(`the ${what} ${typed} cannot be used: ${messageOf(error)}`);
    }
  };
  const chain = [
    ...(await read('device certificate', files.certificatePath)),
    ...(files.chainPath ? await read('chain file', files.chainPath) : []),
  ];
  let key: KeyObject;
  try {
    key = await readPrivateKeyFile(expandPath(files.keyPath, context));
  } catch (error) {
    const passphrase =
      error instanceof CertificateReadError && error.reason === 'passphrase-required';
    throw new Error(
      passphrase
        ? `the private key ${files.keyPath} is protected by a passphrase, which IoT Edge cannot use either: export it without one (openssl pkey -in ${files.keyPath} -out device.key.pem), then give that file`
        : `the private key ${files.keyPath} cannot be used: ${messageOf(error)}`,
    );
  }
  return {chain, key};
}

const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));

function targetOf(endpoint: DeviceEndpoint, idScope: string): DeviceTarget {
  if (endpoint.kind === 'global') return {kind: 'global', idScope};
  return {
    kind: 'sandbox',
    host: endpoint.host,
    port: endpoint.port,
    ...(endpoint.mqttPort !== undefined ? {mqttPort: endpoint.mqttPort} : {}),
    caCertificatePem: endpoint.caCertificatePem,
    idScope,
  };
}

/** The install of source/device/, with the device's files read here. */
async function installRequest(
  request: EdgeInstallRequest,
  context: PathContext,
  testing: EdgeInstallTesting,
): Promise<IotEdgeInstallRequest> {
  const {chain, key} = await readDeviceFiles(request, context);
  return {
    ...(testing.root ? {root: testing.root} : {}),
    idScope: request.idScope,
    registrationId: request.registrationId,
    globalEndpoint: request.globalEndpoint,
    sandbox: request.sandbox,
    certificateChainPem: chain.map((certificate) => certificate.toString()).join(''),
    privateKeyPem: key.export({type: 'pkcs8', format: 'pem'}).toString(),
  };
}

export function createDeviceServices(context: PathContext, testing: EdgeInstallTesting = {}) {
  // The last install plan shown: applied as it was shown, or not at all (it holds the key: never in state).
  const plans: {last: number; kept?: {id: number; plan: IotEdgeInstallPlan}} = {last: 0};
  return {
    async checkDevice(request: DeviceFiles & {registrationId: string}): Promise<Finding[]> {
      const {preflightRegistration} = await import('../../device/preflight.js');
      const {chain, key} = await readDeviceFiles(request, context);
      return preflightRegistration({
        chain,
        privateKey: key,
        registrationId: request.registrationId,
      });
    },

    async registerDevice(request: DeviceRegistrationRequest): Promise<DeviceRegistrationOutcome> {
      const [{registerDevice}, {explainRefusal}] = await Promise.all([
        import('../../device/register.js'),
        import('../../device/explain.js'),
      ]);
      const {chain, key} = await readDeviceFiles(request, context);
      const result = await registerDevice({
        target: targetOf(request.endpoint, request.idScope),
        certificateChainPem: chain.map((certificate) => certificate.toString()).join(''),
        privateKeyPem: key.export({type: 'pkcs8', format: 'pem'}).toString(),
        registrationId: request.registrationId,
        transport: request.transport,
        signal: request.signal,
        onStage: (stage) => request.onStage({stage}),
      });
      if (result.status === 'assigned') {
        return {
          outcome: 'assigned',
          assignedHub: result.assignedHub,
          deviceId: result.deviceId,
          substatus: result.substatus,
        };
      }
      return {
        outcome: 'refused',
        ...(result.httpStatus !== undefined ? {status: result.httpStatus} : {}),
        ...(result.errorCode !== undefined ? {errorCode: result.errorCode} : {}),
        ...explainRefusal(result),
      };
    },

    async planEdgeInstall(request: EdgeInstallRequest): Promise<EdgeInstallPlan> {
      const {planIotEdgeInstall, onPath} = await import('../../device/iot-edge-install.js');
      const plan = await planIotEdgeInstall(await installRequest(request, context, testing));
      const id = ++plans.last;
      plans.kept = {id, plan};
      return {
        id,
        actions: [...plan.changes, ...plan.notes],
        iotedgeFound: await onPath('iotedge', process.env['PATH'] ?? ''),
      };
    },

    async applyEdgeInstall(id: number): Promise<string[]> {
      const kept = plans.kept;
      if (kept?.id !== id) {
        throw new Error('this install plan is no longer the latest: press i to work it out again');
      }
      plans.kept = undefined;
      const {applyIotEdgeInstall} = await import('../../device/iot-edge-install.js');
      const result = await applyIotEdgeInstall(kept.plan);
      return [
        ...result.written.map(
          (file) =>
            `${file.devicePath} written (mode ${file.mode.toString(8)}${file.owner ? `, owner ${file.owner}` : ''})`,
        ),
        ...(result.backupPath ? [`the old config.toml kept as ${result.backupPath}`] : []),
        ...result.warnings,
      ];
    },

    async runIotedgeConfigApply(): Promise<{exitCode: number; output: string}> {
      const {runIotEdgeConfigApply} = await import('../../device/iot-edge-install.js');
      const result = await runIotEdgeConfigApply();
      return {exitCode: result.exitCode ?? -1, output: result.output};
    },
  };
}
