import https from 'node:https';
import httpBase from 'azure-iot-http-base';
import mqttBase from 'azure-iot-mqtt-base';
import provisioningDevice from 'azure-iot-provisioning-device';
import type {RegistrationResult} from 'azure-iot-provisioning-device';
import {Http} from 'azure-iot-provisioning-device-http';
import {Mqtt} from 'azure-iot-provisioning-device-mqtt';
import {X509Security} from 'azure-iot-security-x509';
import type {EmulatorInfo} from '../../source/emulator/types.js';

export type DeviceTransport = 'http' | 'mqtt';

export type DeviceIdentity = {
  registrationId: string;
  /** The device certificate, then any intermediates (PEM, concatenated): the TLS client chain. */
  certificateChainPem: string;
  privateKeyPem: string;
};

/**
 * Microsoft's device SDK pointed at the sandbox, unchanged, TLS verification on:
 * - HTTP: the SDK builds `https://{provisioningHost}/...` with no port, so provisioningHost is the bare
 *   deviceHost and an https.Agent carries the port (agent.defaultPort, used when a request names none) and the
 *   sandbox CA; the agent goes in through the azure-iot-http-base Http instance the transport accepts.
 * - MQTT: the SDK connects to `mqtts://{provisioningHost}`, which mqtt.js parses as a URL, so
 *   provisioningHost is `deviceHost:mqttPort`; the CA goes in through the MqttBase instance's setOptions({ca}).
 * The client certificate chain and key go in through X509Security, as on a real device.
 */
export function deviceClient(
  info: EmulatorInfo,
  caCertificatePem: string,
  identity: DeviceIdentity,
  transport: DeviceTransport,
) {
  const security = new X509Security(identity.registrationId, {
    cert: identity.certificateChainPem,
    key: identity.privateKeyPem,
  });
  let agent: https.Agent | undefined;
  let client;
  if (transport === 'http') {
    agent = Object.assign(new https.Agent({ca: caCertificatePem, keepAlive: true}), {
      defaultPort: info.port,
    });
    const base = new httpBase.Http();
    base.setOptions({http: {agent}});
    client = provisioningDevice.ProvisioningDeviceClient.create(
      info.deviceHost,
      info.idScope,
      // The transport pins azure-iot-http-base 1.12.1; 1.12.2's Http has the same shape but its own private fields.
      new Http(base as unknown as ConstructorParameters<typeof Http>[0]),
      security,
    );
  } else {
    const base = new mqttBase.MqttBase();
    base.setOptions({ca: caCertificatePem});
    client = provisioningDevice.ProvisioningDeviceClient.create(
      `${info.deviceHost}:${info.mqttPort}`,
      info.idScope,
      new Mqtt(base),
      security,
    );
  }
  return {
    register: () => client.register() as Promise<RegistrationResult>,
    close: () => agent?.destroy(),
  };
}

/** What a failed register() carries: the SDK's error class name, the status DPS sent and DPS's body. */
export async function registrationFailure(call: Promise<unknown>) {
  try {
    await call;
  } catch (error) {
    const failure = error as Error & {
      response?: {statusCode?: number};
      responseBody?: unknown;
      result?: unknown;
      transportObject?: {topic?: string};
    };
    const rawBody = failure.responseBody ?? failure.result;
    const body = (typeof rawBody === 'string' ? JSON.parse(rawBody) : rawBody) as
      Record<string, unknown> | undefined;
    const topicStatus = /\/res\/(\d+)\//.exec(failure.transportObject?.topic ?? '')?.[1];
    const status = failure.response?.statusCode ?? (topicStatus ? Number(topicStatus) : undefined);
    return {name: failure.name, status, body, error: failure};
  }
  throw new Error('the registration was expected to fail');
}
