import {serviceError} from './errors.js';
import type {Handler, ServiceApiContext} from './types.js';

/** Placeholder for the service API: every route answers 404 in the DPS error body. */
export function createServiceApi(_context: ServiceApiContext): Handler {
  return async (request) =>
    serviceError(
      404,
      1,
      `No service route matches ${request.method} /${request.segments.join('/')}.`,
    );
}
