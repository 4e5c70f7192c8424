import {badRequest, ServiceApiError, subCodes} from './service-errors.js';
import {EnrollmentHandlers} from './service-enrollments.js';
import {header} from './etags.js';
import {enrollmentGroups, individualEnrollments} from './service-records.js';
import {RegistrationHandlers} from './service-registrations.js';
import type {EmulatorRequest, EmulatorResponse, Handler, ServiceApiContext} from './types.js';

/**
 * The DPS service API (api-version 2021-10-01; any version is accepted): individual enrollments, enrollment
 * groups, queries, bulk operations and registration states. Requests arrive authenticated; routes match
 * case-insensitively (the Node SDK itself mixes /enrollmentGroups/ and /enrollmentgroups/).
 */
export function createServiceApi(context: ServiceApiContext): Handler {
  const enrollments = new EnrollmentHandlers(individualEnrollments, context);
  const groups = new EnrollmentHandlers(enrollmentGroups, context);
  const registrations = new RegistrationHandlers(context);

  const route = async (request: EmulatorRequest): Promise<EmulatorResponse> => {
    const method = request.method.toUpperCase();
    // A trailing slash (the Node SDK posts bulk operations to /enrollments/) leaves an empty segment.
    const segments = request.segments.filter((segment) => segment !== '');
    const [root = '', id, action] = segments;
    const path = `/${segments.join('/')}`;
    const methodNotAllowed = () =>
      new ServiceApiError(405, subCodes.methodNotAllowed, `${method} is not allowed on ${path}.`);

    switch (root.toLowerCase()) {
      case 'enrollments':
      case 'enrollmentgroups': {
        const handlers = root.toLowerCase() === 'enrollments' ? enrollments : groups;
        if (segments.length === 1) {
          if (method !== 'POST') throw methodNotAllowed();
          checkJsonContent(request);
          return handlers.bulk(request);
        }
        if (segments.length === 2 && id !== undefined) {
          if (method === 'POST' && id.toLowerCase() === 'query') {
            checkJsonContent(request);
            return handlers.query(request);
          }
          if (method === 'GET') return handlers.get(id);
          if (method === 'PUT') {
            checkJsonContent(request);
            return handlers.put(id, request);
          }
          if (method === 'DELETE') return handlers.delete(id, request);
          throw methodNotAllowed();
        }
        if (
          segments.length === 3 &&
          id !== undefined &&
          action?.toLowerCase() === 'attestationmechanism'
        ) {
          if (method !== 'POST') throw methodNotAllowed();
          return handlers.attestationMechanism(id);
        }
        break;
      }
      case 'registrations': {
        if (segments.length === 1) throw methodNotAllowed();
        if (segments.length === 2 && id !== undefined) {
          if (method === 'GET') return registrations.get(id);
          if (method === 'DELETE') return registrations.delete(id, request);
          throw methodNotAllowed();
        }
        if (segments.length === 3 && id !== undefined && action?.toLowerCase() === 'query') {
          if (method !== 'POST') throw methodNotAllowed();
          return registrations.queryByGroup(id, request);
        }
        break;
      }
    }
    throw new ServiceApiError(
      404,
      subCodes.routeNotFound,
      `There is no DPS service API at ${path}.`,
    );
  };

  return async (request) => {
    try {
      return await route(request);
    } catch (error) {
      if (error instanceof ServiceApiError) return error.toResponse();
      throw error;
    }
  };
}

/** A request body, when the client labels it, must be JSON. */
function checkJsonContent(request: EmulatorRequest) {
  const contentType = header(request, 'content-type');
  if (contentType !== undefined && !/\bjson\b/i.test(contentType)) {
    throw new ServiceApiError(
      415,
      subCodes.unsupportedContentType,
      `The request body must be JSON (content-type application/json); '${contentType}' given.`,
    );
  }
  if (request.body !== undefined && typeof request.body !== 'object') {
    throw badRequest('The request body must be a JSON object.');
  }
}
