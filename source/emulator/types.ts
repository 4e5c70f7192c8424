import type {IncomingHttpHeaders} from 'node:http';
import type {Store} from './store.js';

/** What `dps-enroll emulator` prints as its ready line, and what startEmulator() resolves with. */
export type EmulatorInfo = {
  port: number;
  /** Host name for the service SDK's connection string; the port comes from an https.Agent. */
  serviceHost: string;
  connectionString: string;
  armEndpoint: string;
  armToken: string;
  subscriptionId: string;
  resourceGroup: string;
  dpsName: string;
  idScope: string;
  /** Absolute path of the sandbox CA certificate (PEM) that signed the server certificate. */
  caCertFile: string;
  /**
   * The host name devices register against (the device SDK's provisioning host): the device API is served on
   * `port` (HTTPS) and `mqttPort` (MQTT over TLS), both with the server certificate signed by caCertFile.
   */
  deviceHost: string;
  mqttPort: number;
};

/** One parsed HTTP request as the API handlers see it. */
export type EmulatorRequest = {
  method: string;
  /** Path segments, percent-decoded, in their original case. */
  segments: string[];
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  /** The JSON body, or undefined when there was none. */
  body: unknown;
};

export type EmulatorResponse = {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
};

export type Handler = (request: EmulatorRequest) => Promise<EmulatorResponse>;

/** What the service API needs from the rest of the emulator. */
export type ServiceApiContext = {
  store: Store;
  /** Host names of the IoT hubs linked to the DPS; enrollments may only name these. */
  linkedHubHostNames(): string[];
};
