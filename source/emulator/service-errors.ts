import {serviceError} from './errors.js';
import type {EmulatorResponse} from './types.js';

/**
 * A service API failure: HTTP status and the sub-code that makes up the DPS errorCode (status * 1000 + sub-code).
 * Thrown by the checks, turned into the DPS error body by the router.
 */
export class ServiceApiError extends Error {
  constructor(
    readonly status: number,
    readonly subCode: number,
    message: string,
  ) {
    super(message);
    this.name = 'ServiceApiError';
  }

  get errorCode(): number {
    return this.status * 1000 + this.subCode;
  }

  toResponse(): EmulatorResponse {
    return serviceError(this.status, this.subCode, this.message);
  }
}

/** Sub-codes used by the emulator (404201 and 404202 are the not-found codes seen from the real service). */
export const subCodes = {
  invalidRequest: 4,
  unsupportedContentType: 1,
  routeNotFound: 0,
  enrollmentNotFound: 201,
  enrollmentGroupNotFound: 202,
  registrationNotFound: 203,
  methodNotAllowed: 0,
  alreadyExists: 1,
  preconditionFailed: 1,
} as const;

export function badRequest(message: string): ServiceApiError {
  return new ServiceApiError(400, subCodes.invalidRequest, message);
}
