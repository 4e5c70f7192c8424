import {ServiceApiError, subCodes} from './service-errors.js';
import {etagMatches, header} from './etags.js';
import {queryPage} from './service-query.js';
import {presentRegistration, type StoredRegistration} from './service-records.js';
import type {EmulatorRequest, EmulatorResponse, ServiceApiContext} from './types.js';

/** Device registration states: get, delete, and query by enrollment group. */
export class RegistrationHandlers {
  constructor(private readonly context: ServiceApiContext) {}

  get(id: string): EmulatorResponse {
    return {status: 200, body: presentRegistration(this.existing(id))};
  }

  async delete(id: string, request: EmulatorRequest): Promise<EmulatorResponse> {
    const registration = this.existing(id);
    const ifMatch = header(request, 'if-match');
    if (!etagMatches(ifMatch, registration.etag)) {
      throw new ServiceApiError(
        412,
        subCodes.preconditionFailed,
        `Precondition failed: the etag ${ifMatch} does not match the current etag of the registration '${id}'.`,
      );
    }
    await this.context.store.delete('registrations', id);
    return {status: 204};
  }

  /** The registrations made through an enrollment group; any request body is ignored. */
  queryByGroup(groupId: string, request: EmulatorRequest): EmulatorResponse {
    const group = groupId.toLowerCase();
    return queryPage(request, 'deviceRegistration', (position) => {
      const page = this.context.store.page<StoredRegistration>('registrations', {
        ...position,
        filter: (registration) => registration.enrollmentGroupId?.toLowerCase() === group,
      });
      return {...page, items: page.items.map(presentRegistration)};
    });
  }

  private existing(id: string): StoredRegistration {
    const registration = this.context.store.get<StoredRegistration>('registrations', id);
    if (!registration) {
      throw new ServiceApiError(
        404,
        subCodes.registrationNotFound,
        `There is no registration state for the registration ID '${id}'.`,
      );
    }
    return registration;
  }
}
