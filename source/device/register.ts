import {X509Certificate} from 'node:crypto';
import provisioningDevice from 'azure-iot-provisioning-device';
import {Http as HttpTransport} from 'azure-iot-provisioning-device-http';
import {Mqtt as MqttTransport} from 'azure-iot-provisioning-device-mqtt';
import {X509Security} from 'azure-iot-security-x509';
import httpBase from 'azure-iot-http-base';
import mqttBase from 'azure-iot-mqtt-base';
import {localAgent} from '../dps/gateway.js';
import type {EmulatorInfo} from '../emulator/types.js';
import {commonNameOf} from '../certs/inspect.js';
import {refusalFromSdkError} from './sdk-errors.js';
import {
  globalDeviceHost,
  type DeviceRegistrationRefusal,
  type DeviceRegistrationRequest,
  type DeviceRegistrationResult,
  type DeviceTarget,
  type RefusalKind,
} from './types.js';

// CommonJS packages: from ESM only their default export works at runtime.
const {ProvisioningDeviceClient} = provisioningDevice;

type Callback = (error?: Error | null, ...rest: unknown[]) => void;

/** The registration call of a polling transport, wrapped to report which stage a registration is in. */
type PollingTransport = {
  registrationRequest(request: unknown, callback: Callback): void;
};

/** What register() resolves with: DPS's registrationState. */
type RegistrationState = {
  registrationId?: string;
  assignedHub?: string;
  deviceId?: string;
  substatus?: string;
  createdDateTimeUtc?: string;
};

/**
 * Registers as a device with Microsoft's device SDK, presenting the certificate chain and key as the TLS
 * client certificate (X.509 attestation), and waits for DPS to assign a hub. Never rejects: every failure
 * becomes a refusal, which carries no certificate or key material.
 */
export async function registerDevice(
  request: DeviceRegistrationRequest,
): Promise<DeviceRegistrationResult> {
  const {target, signal, onStage} = request;
  const registrationId = request.registrationId ?? leafCommonName(request.certificateChainPem);
  const refuse = (
    kind: RefusalKind,
    message: string,
    extra: Partial<DeviceRegistrationRefusal> = {},
  ): DeviceRegistrationRefusal => ({
    status: 'refused',
    kind,
    registrationId: registrationId ?? '',
    message: scrub(message, request.privateKeyPem),
    idScope: target.idScope,
    target: target.kind,
    ...extra,
  });
  if (!registrationId) {
    return refuse(
      'unexpected',
      'the registration ID is unknown: the certificate has no common name (CN) and none was given',
    );
  }
  if (signal?.aborted) return refuse('cancelled', 'the registration was cancelled');

  onStage?.('connecting');
  const {transport, close} = createTransport(request.transport ?? 'https', target);
  reportStages(transport, onStage);
  const security = new X509Security(registrationId, {
    cert: request.certificateChainPem,
    key: request.privateKeyPem,
  });
  const client = ProvisioningDeviceClient.create(
    provisioningHost(request.transport ?? 'https', target),
    target.idScope,
    transport as never,
    security,
  );

  return new Promise<DeviceRegistrationResult>((resolve) => {
    let settled = false;
    const settle = (result: DeviceRegistrationResult) => {
      if (settled) return;
      settled = true;
      signal?.removeEventListener('abort', onAbort);
      close();
      resolve(result);
    };
    const onAbort = () => {
      // X509Registration.cancel() only reaches the transport (a no-op over HTTP); the polling state
      // machine is what holds the next poll's timer.
      const machine = (client as unknown as {_pollingStateMachine?: {cancel(cb: Callback): void}})
        ._pollingStateMachine;
      machine?.cancel(() => {});
      settle(refuse('cancelled', 'the registration was cancelled'));
    };
    signal?.addEventListener('abort', onAbort, {once: true});
    (client.register as (callback: Callback) => void)((error, state) => {
      if (error) {
        settle(refusalFromSdkError(error, refuse));
        return;
      }
      const registration = (state ?? {}) as RegistrationState;
      if (!registration.assignedHub || !registration.deviceId) {
        settle(refuse('unexpected', 'DPS answered "assigned" without a hub or device ID'));
        return;
      }
      settle({
        status: 'assigned',
        assignedHub: registration.assignedHub,
        deviceId: registration.deviceId,
        substatus: registration.substatus ?? 'initialAssignment',
        registrationId: registration.registrationId ?? registrationId,
        ...(registration.createdDateTimeUtc
          ? {createdDateTimeUtc: registration.createdDateTimeUtc}
          : {}),
      });
    });
  });
}

/** The device API of a running sandbox, trusted through its own CA. */
export function sandboxDeviceTarget(info: EmulatorInfo, caCertificatePem: string): DeviceTarget {
  return {
    kind: 'sandbox',
    host: info.deviceHost,
    port: info.port,
    ...(info.mqttPort > 0 ? {mqttPort: info.mqttPort} : {}),
    caCertificatePem,
    idScope: info.idScope,
  };
}

/** The CN of the first certificate in a PEM chain, or undefined when there is none or it cannot be read. */
export function leafCommonName(chainPem: string): string | undefined {
  try {
    return commonNameOf(new X509Certificate(chainPem).subject);
  } catch {
    return undefined;
  }
}

function createTransport(
  kind: 'https' | 'mqtt',
  target: DeviceTarget,
): {transport: PollingTransport; close(): void} {
  if (kind === 'mqtt') {
    const base = new mqttBase.MqttBase();
    if (target.kind === 'sandbox') base.setOptions({ca: target.caCertificatePem});
    return {transport: new MqttTransport(base) as unknown as PollingTransport, close: () => {}};
  }
  const base = new httpBase.Http();
  // The SDK dials port 443 and takes no port: the agent's defaultPort and CA point it at the sandbox.
  const agent =
    target.kind === 'sandbox' ? localAgent(target.port, target.caCertificatePem) : undefined;
  if (agent) base.setOptions({http: {agent}});
  return {
    // Two copies of azure-iot-http-base (pinned versions) have distinct private fields: same class at runtime.
    transport: new HttpTransport(base as never) as unknown as PollingTransport,
    // Kept-alive sockets would hold the process open after the registration.
    close: () => agent?.destroy(),
  };
}

/** The host the SDK dials. MQTT takes a URI (mqtts://host), so a port can ride along; HTTP cannot. */
function provisioningHost(kind: 'https' | 'mqtt', target: DeviceTarget): string {
  if (target.kind === 'global') return globalDeviceHost;
  if (kind === 'mqtt') return `${target.host}:${target.mqttPort ?? target.port}`;
  return target.host;
}

function reportStages(
  transport: PollingTransport,
  onStage: DeviceRegistrationRequest['onStage'],
): void {
  if (!onStage) return;
  const register = transport.registrationRequest.bind(transport);
  transport.registrationRequest = (request, callback) => {
    onStage('registering');
    register(request, (error, result, ...rest) => {
      // DPS accepted the request and assigns a hub in the background: the SDK now waits, then polls.
      const status = (result as {status?: unknown} | undefined)?.status;
      if (!error && typeof status === 'string' && status.toLowerCase() === 'assigning') {
        onStage('waiting-for-assignment');
      }
      callback(error, result, ...rest);
    });
  };
}

/** Belt and braces: no PEM key block, nor the key itself, ever ends up in a message. */
function scrub(message: string, privateKeyPem: string): string {
  let text = message.replace(
    /-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?-----END [A-Z ]*PRIVATE KEY-----/g,
    '[private key]',
  );
  const body = privateKeyPem.replace(/-----[^-]+-----/g, '').replace(/\s+/g, '');
  if (body.length > 16 && text.replace(/\s+/g, '').includes(body)) text = '[message withheld]';
  return text;
}
