import {defaultDevicePaths} from '../../../outputs/config-toml.js';
import {deviceConfigToml} from '../../shared/outputs-view.js';
import type {ConnectionInfo} from '../../shared/types.js';
import {registrationIdOf} from './device.js';
import type {TestEnrollmentFlow} from './state.js';

/** The texts "Test an enrollment" shows and writes, from the flow. */

/** The device's `[provisioning]` section, with the files where IoT Edge's docs put them. */
export function deviceToml(flow: TestEnrollmentFlow, info: ConnectionInfo | undefined): string {
  const registrationId = registrationIdOf(flow);
  const paths = defaultDevicePaths(registrationId);
  return deviceConfigToml(info, {
    registrationId,
    certificatePath: paths.identityCertPath,
    keyPath: paths.identityKeyPath,
  });
}

/** Where the device registers, in words. */
export function endpointText(info: ConnectionInfo | undefined): string {
  const endpoint = info?.deviceEndpoint;
  if (!endpoint) return 'unknown until connected';
  return endpoint.kind === 'sandbox'
    ? `the sandbox at ${endpoint.host}:${endpoint.port}`
    : endpoint.host;
}
