import https from 'node:https';
import {ProvisioningServiceClient} from 'azure-iot-provisioning-service';
import {startEmulator, type EmulatorOptions} from '../../source/emulator/emulator.js';

/** An in-memory emulator and the service SDK's own client pointed at it over HTTPS. */
export async function startServiceSdk(options: EmulatorOptions = {}) {
  const emulator = await startEmulator({inMemory: true, port: 0, ...options});
  // The SDK dials port 443 with no port option: the agent's defaultPort carries the emulator's port.
  const agent = Object.assign(new https.Agent({ca: emulator.caCertificatePem, keepAlive: true}), {
    defaultPort: emulator.info.port,
  });
  const client = ProvisioningServiceClient.fromConnectionString(emulator.info.connectionString);
  (
    client as unknown as {_restApiClient: {setOptions(options: object): void}}
  )._restApiClient.setOptions({http: {agent}});
  return {
    emulator,
    client,
    close: async () => {
      agent.destroy();
      await emulator.close();
    },
  };
}

/** The status code and DPS error body of a failed SDK call. */
export async function sdkFailure(call: Promise<unknown>) {
  try {
    await call;
  } catch (error) {
    const failure = error as {response?: {statusCode?: number}; responseBody?: unknown};
    const body =
      typeof failure.responseBody === 'string'
        ? (JSON.parse(failure.responseBody) as Record<string, unknown>)
        : (failure.responseBody as Record<string, unknown>);
    return {status: failure.response?.statusCode, body, error};
  }
  throw new Error('the call was expected to fail');
}
