import {badRequest, ServiceApiError, subCodes} from './service-errors.js';
import {etagMatches, header, newEtag} from './etags.js';
import {queryPage} from './service-query.js';
import {
  isObject,
  nowUtc,
  presentRecord,
  presentRegistration,
  type JsonObject,
  type RecordKind,
  type StoredRecord,
  type StoredRegistration,
} from './service-records.js';
import type {StoreOperation} from './store.js';
import type {EmulatorRequest, EmulatorResponse, ServiceApiContext} from './types.js';
import {validateRecord} from './validation.js';

export const maxBulkItems = 10;
const bulkModes = ['create', 'update', 'updateIfMatchETag', 'delete'] as const;
type BulkMode = (typeof bulkModes)[number];

/** Handlers for individual enrollments and enrollment groups; `kind` says which. */
export class EnrollmentHandlers {
  constructor(
    private readonly kind: RecordKind,
    private readonly context: ServiceApiContext,
  ) {}

  get(id: string): EmulatorResponse {
    const record = this.existing(id);
    const body = presentRecord(record);
    if (this.kind.individual) {
      const registration = this.context.store.get<StoredRegistration>('registrations', id);
      if (registration && !registration.enrollmentGroupId) {
        body.registrationState = presentRegistration(registration);
      }
    }
    return {status: 200, body};
  }

  async put(id: string, request: EmulatorRequest): Promise<EmulatorResponse> {
    const {store} = this.context;
    const previous = store.get<StoredRecord>(this.kind.collection, id);
    this.checkIfMatch(id, header(request, 'if-match'), previous);
    const record = this.storedRecord(
      validateRecord(this.kind, request.body, id, this.validation(previous)),
      previous,
    );
    await store.put(this.kind.collection, id, record);
    return {status: 200, body: presentRecord(record)};
  }

  async delete(id: string, request: EmulatorRequest): Promise<EmulatorResponse> {
    const record = this.existing(id);
    this.checkIfMatch(id, header(request, 'if-match'), record);
    await this.context.store.delete(this.kind.collection, id);
    return {status: 204};
  }

  attestationMechanism(id: string): EmulatorResponse {
    return {status: 200, body: presentRecord(this.existing(id)).attestation};
  }

  query(request: EmulatorRequest): EmulatorResponse {
    const body = request.body;
    if (!isObject(body) || typeof body.query !== 'string') {
      throw badRequest(
        'The query body must be a JSON object with a \'query\' string, e.g. {"query": "*"}.',
      );
    }
    // Query results leave out registrationState, as the real service does.
    return queryPage(request, this.kind.itemType, (position) => {
      const page = this.context.store.page<StoredRecord>(this.kind.collection, position);
      return {...page, items: page.items.map(presentRecord)};
    });
  }

  /**
   * A bulk operation: every item is checked against the state left by the items before it; the successful
   * ones are written together, the failed ones reported in `errors`.
   */
  async bulk(request: EmulatorRequest): Promise<EmulatorResponse> {
    const {kind} = this;
    const body = request.body;
    if (!isObject(body)) {
      throw badRequest(
        `The bulk operation body must be a JSON object with '${kind.bulkField}' and 'mode'.`,
      );
    }
    const mode = bulkMode(body.mode);
    const items = body[kind.bulkField];
    if (!Array.isArray(items) || items.length === 0) {
      throw badRequest(`The bulk operation needs a non-empty '${kind.bulkField}' array.`);
    }
    if (items.length > maxBulkItems) {
      throw badRequest(
        `A bulk operation takes at most ${maxBulkItems} ${kind.bulkField}; ${items.length} given.`,
      );
    }

    const changes = new Map<string, {id: string; value: StoredRecord | null}>();
    const current = (id: string): StoredRecord | undefined => {
      const change = changes.get(id.toLowerCase());
      if (change) return change.value ?? undefined;
      return this.context.store.get<StoredRecord>(kind.collection, id);
    };
    const errors: JsonObject[] = [];
    for (const item of items) {
      const id =
        isObject(item) && typeof item[kind.idField] === 'string'
          ? (item[kind.idField] as string)
          : '';
      try {
        if (!id) throw badRequest(`Every item needs '${kind.idField}'.`);
        const existing = current(id);
        const itemEtag = typeof item.etag === 'string' ? item.etag : undefined;
        if (mode === 'delete') {
          if (!existing) throw this.notFound(id);
          this.checkIfMatch(id, itemEtag, existing);
          changes.set(id.toLowerCase(), {id, value: null});
          continue;
        }
        if (mode === 'create' && existing) {
          throw new ServiceApiError(
            409,
            subCodes.alreadyExists,
            `The ${kind.noun} '${id}' already exists; use mode 'update' to change it.`,
          );
        }
        if (mode === 'updateIfMatchETag') {
          if (!existing) throw this.notFound(id);
          if (!itemEtag) {
            throw new ServiceApiError(
              412,
              subCodes.preconditionFailed,
              `Mode 'updateIfMatchETag' needs the 'etag' of the ${kind.noun} '${id}'.`,
            );
          }
          this.checkIfMatch(id, itemEtag, existing);
        }
        const record = this.storedRecord(
          validateRecord(kind, item, undefined, this.validation(existing)),
          existing,
        );
        changes.set(id.toLowerCase(), {id, value: record});
      } catch (error) {
        if (!(error instanceof ServiceApiError)) throw error;
        errors.push({[kind.idField]: id, errorCode: error.errorCode, errorStatus: error.message});
      }
    }
    const operations: StoreOperation[] = [...changes.values()].map(({id, value}) => ({
      collection: kind.collection,
      id,
      value,
    }));
    if (operations.length > 0) await this.context.store.apply(operations);
    return {status: 200, body: {isSuccessful: errors.length === 0, errors}};
  }

  private existing(id: string): StoredRecord {
    const record = this.context.store.get<StoredRecord>(this.kind.collection, id);
    if (!record) throw this.notFound(id);
    return record;
  }

  private notFound(id: string): ServiceApiError {
    return new ServiceApiError(
      404,
      this.kind.notFoundSubCode,
      `The ${this.kind.noun} '${id}' does not exist.`,
    );
  }

  private checkIfMatch(id: string, ifMatch: string | undefined, current: StoredRecord | undefined) {
    if (etagMatches(ifMatch, current?.etag)) return;
    throw new ServiceApiError(
      412,
      subCodes.preconditionFailed,
      current
        ? `Precondition failed: the etag ${ifMatch} does not match the current etag of the ${this.kind.noun} '${id}'. Get it again and retry with its etag, or send If-Match: *.`
        : `Precondition failed: the ${this.kind.noun} '${id}' does not exist, so the etag ${ifMatch} cannot match.`,
    );
  }

  private validation(previous: JsonObject | undefined) {
    return {previous, linkedHubHostNames: this.context.linkedHubHostNames()};
  }

  /** Adds the server fields; an update keeps the stored id's spelling and creation time. */
  private storedRecord(fields: JsonObject, previous: StoredRecord | undefined): StoredRecord {
    const now = nowUtc();
    const record: StoredRecord = {
      ...fields,
      etag: newEtag(),
      createdDateTimeUtc: previous?.createdDateTimeUtc ?? now,
      lastUpdatedDateTimeUtc: now,
    };
    if (previous) record[this.kind.idField] = previous[this.kind.idField];
    return record;
  }
}

function bulkMode(value: unknown): BulkMode {
  const found =
    typeof value === 'string'
      ? bulkModes.find((mode) => mode.toLowerCase() === value.toLowerCase())
      : undefined;
  if (!found) {
    throw badRequest(
      `The bulk operation 'mode' ${JSON.stringify(value)} is not valid: use one of ${bulkModes.join(', ')}.`,
    );
  }
  return found;
}
