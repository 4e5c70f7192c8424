import type {X509Certificate} from 'node:crypto';
import {deviceRefusals} from './device-errors.js';
import {refused, type DeviceAnswer, type DeviceRegistrations} from './device-registrations.js';
import type {EmulatorRequest, EmulatorResponse} from './types.js';

/** True for the device API's paths: `/{idScope}/registrations/{registrationId}[/...]`. */
export function isDevicePath(segments: string[]): boolean {
  return (
    segments.length >= 3 &&
    segments[0]!.toLowerCase() !== 'registrations' &&
    segments[1]!.toLowerCase() === 'registrations'
  );
}

/**
 * The device registration API over HTTPS (any api-version; the Node SDK sends 2019-03-31, IoT Edge
 * 2021-06-01): PUT .../register, GET .../operations/{operationId}, POST ... (status lookup).
 */
export async function handleDeviceRequest(
  request: EmulatorRequest,
  chain: X509Certificate[],
  registrations: DeviceRegistrations,
): Promise<EmulatorResponse> {
  const [idScope = '', , registrationId = '', action, operationId] = request.segments;
  const method = request.method.toUpperCase();
  const length = request.segments.length;
  if (length === 4 && method === 'PUT' && action?.toLowerCase() === 'register') {
    return toResponse(await registrations.register(idScope, registrationId, request.body, chain));
  }
  if (length === 5 && method === 'GET' && action?.toLowerCase() === 'operations') {
    return toResponse(registrations.operationStatus(idScope, registrationId, operationId!, chain));
  }
  if (length === 3 && method === 'POST') {
    return toResponse(registrations.statusLookup(idScope, registrationId, request.body, chain));
  }
  const refusal = deviceRefusals.routeNotFound(`${method} /${request.segments.join('/')}`);
  return toResponse(refused(refusal));
}

function toResponse(answer: DeviceAnswer): EmulatorResponse {
  const headers: Record<string, string> = {};
  if (answer.retryAfterSeconds !== undefined)
    headers['retry-after'] = String(answer.retryAfterSeconds);
  if (typeof answer.body.errorCode === 'number')
    headers['x-ms-error-code'] = String(answer.body.errorCode);
  return {status: answer.status, body: answer.body, headers};
}
