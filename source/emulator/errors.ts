import {randomUUID} from 'node:crypto';
import type {EmulatorResponse} from './types.js';

/**
 * The DPS service API's error body (ProvisioningServiceErrorDetails). errorCode follows the service's
 * pattern: HTTP status * 1000 + a sub-code.
 */
export function serviceError(status: number, subCode: number, message: string): EmulatorResponse {
  const errorCode = status * 1000 + subCode;
  return {
    status,
    headers: {'x-ms-error-code': String(errorCode)},
    body: {
      errorCode,
      trackingId: randomUUID(),
      message,
      timestampUtc: new Date().toISOString(),
    },
  };
}

/**
 * ARM's flat ErrorDetails body for Microsoft.Devices/provisioningServices, with the
 * "correlation identifier …, errorcode: IHxxxxxx." tail the real resource provider adds.
 */
export function armError(status: number, subCode: number, message: string): EmulatorResponse {
  const code = `IH${status}${String(subCode).padStart(3, '0')}`;
  const timestamp = new Date()
    .toISOString()
    .replace('T', ' ')
    .replace(/\.\d+Z$/, 'Z');
  return {
    status,
    body: {
      code: status * 1000 + subCode,
      httpStatusCode: httpStatusName(status),
      message: `${message} If you contact a support representative please include this correlation identifier: ${randomUUID()}, timestamp: ${timestamp}, errorcode: ${code}.`,
      details: '',
    },
  };
}

function httpStatusName(status: number): string {
  const names: Record<number, string> = {
    400: 'BadRequest',
    401: 'Unauthorized',
    403: 'Forbidden',
    404: 'NotFound',
    405: 'MethodNotAllowed',
    408: 'RequestTimeout',
    409: 'Conflict',
    412: 'PreconditionFailed',
    413: 'RequestEntityTooLarge',
    429: 'TooManyRequests',
    500: 'InternalServerError',
    502: 'BadGateway',
    503: 'ServiceUnavailable',
    504: 'GatewayTimeout',
  };
  return names[status] ?? String(status);
}
