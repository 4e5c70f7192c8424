import {
  deviceIdProblem,
  enrollmentIdProblem,
  type IdProblem,
  maxX509RegistrationIdLength,
  twinProblems,
} from '../dps/index.js';
import {normalizeAttestation} from './service-attestation.js';
import {badRequest} from './service-errors.js';
import {isObject, type JsonObject, type RecordKind} from './service-records.js';

const allocationPolicies = ['hashed', 'geoLatency', 'static', 'custom'];
const provisioningStatuses = ['enabled', 'disabled'];
/** The oldest custom allocation webhook API version DPS accepts. */
const oldestWebhookApiVersion = '2018-09-01';

export type ValidationContext = {
  /** The stored record with the same id, if any (info-only certificates resolve against it). */
  previous: JsonObject | undefined;
  linkedHubHostNames: string[];
};

/**
 * Checks an enrollment or enrollment group as DPS does and returns it as it will be stored (known fields
 * only, defaults filled in, certificates decoded), without the server fields. `pathId` is the id from the
 * URL, undefined in bulk operations. Throws a 400 ServiceApiError that says what is wrong.
 */
export function validateRecord(
  kind: RecordKind,
  body: unknown,
  pathId: string | undefined,
  context: ValidationContext,
): JsonObject {
  if (!isObject(body)) {
    throw badRequest(`The request body must be a JSON object describing the ${kind.noun}.`);
  }
  const id = body[kind.idField];
  if (id === undefined || id === null || id === '') {
    throw badRequest(`'${kind.idField}' is required.`);
  }
  if (typeof id !== 'string') throw badRequest(`'${kind.idField}' must be a string.`);
  if (pathId !== undefined && id.toLowerCase() !== pathId.toLowerCase()) {
    throw badRequest(
      `The ${kind.idLabel} in the body ('${id}') does not match the one in the path ('${pathId}').`,
    );
  }
  rejectProblem(enrollmentIdProblem(id, kind.idLabel));

  const attestation = normalizeAttestation(kind, body.attestation, context.previous?.attestation);
  if (kind.individual && attestation.type === 'x509' && id.length > maxX509RegistrationIdLength) {
    throw badRequest(
      `The registration ID '${id}' is ${id.length} characters long; an X.509 registration ID must equal the device certificate's subject CN, which is at most ${maxX509RegistrationIdLength} characters.`,
    );
  }

  const record: JsonObject = {[kind.idField]: id};
  if (kind.individual) {
    const deviceId = optionalString(body, 'deviceId');
    if (deviceId !== undefined) {
      rejectProblem(deviceIdProblem(deviceId));
      record.deviceId = deviceId;
    }
    if (body.optionalDeviceInformation !== undefined && body.optionalDeviceInformation !== null) {
      record.optionalDeviceInformation = twinCollection(
        'optionalDeviceInformation',
        body.optionalDeviceInformation,
      );
    }
  }
  record.attestation = attestation;
  record.capabilities = capabilities(body.capabilities);
  Object.assign(record, hubAssignment(body, context.linkedHubHostNames));
  const initialTwin = twin(body.initialTwin);
  if (initialTwin) record.initialTwin = initialTwin;
  record.provisioningStatus = provisioningStatus(body.provisioningStatus);
  record.reprovisionPolicy = reprovisionPolicy(body.reprovisionPolicy);
  return record;
}

function rejectProblem(problem: IdProblem | undefined): void {
  if (problem) throw badRequest(`${problem.message[0]!.toUpperCase()}${problem.message.slice(1)}.`);
}

function optionalString(body: JsonObject, field: string): string | undefined {
  const value = body[field];
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value !== 'string') throw badRequest(`'${field}' must be a string.`);
  return value;
}

function capabilities(value: unknown): JsonObject {
  if (value === undefined || value === null) return {iotEdge: false};
  if (!isObject(value))
    throw badRequest('\'capabilities\' must be an object like {"iotEdge": true}.');
  const iotEdge = value.iotEdge ?? false;
  if (typeof iotEdge !== 'boolean')
    throw badRequest("'capabilities.iotEdge' must be true or false.");
  return {iotEdge};
}

/** iotHubHostName, iotHubs, allocationPolicy and customAllocationDefinition, checked together. */
function hubAssignment(body: JsonObject, linkedHubHostNames: string[]): JsonObject {
  const result: JsonObject = {};
  const linked = (hostName: string, field: string): string => {
    const match = linkedHubHostNames.find((name) => name.toLowerCase() === hostName.toLowerCase());
    if (!match) {
      const names = linkedHubHostNames.length > 0 ? linkedHubHostNames.join(', ') : 'none';
      throw badRequest(
        `'${field}' names the IoT hub '${hostName}', which is not linked to this DPS. Linked hubs: ${names}.`,
      );
    }
    return match;
  };

  const iotHubHostName = optionalString(body, 'iotHubHostName');
  if (iotHubHostName !== undefined) {
    result.iotHubHostName = linked(iotHubHostName, 'iotHubHostName');
  }

  let iotHubs: string[] | undefined;
  if (body.iotHubs !== undefined && body.iotHubs !== null) {
    if (!Array.isArray(body.iotHubs)) {
      throw badRequest("'iotHubs' must be an array of IoT hub host names.");
    }
    iotHubs = body.iotHubs.map((hub, index) => {
      if (typeof hub !== 'string' || hub === '') {
        throw badRequest(`'iotHubs[${index}]' must be an IoT hub host name (a string).`);
      }
      return linked(hub, `iotHubs[${index}]`);
    });
    result.iotHubs = iotHubs;
  }

  const policy = allocationPolicy(body.allocationPolicy);
  if (policy !== undefined) result.allocationPolicy = policy;
  if (policy === 'static') {
    const hubCount = iotHubs ? iotHubs.length : iotHubHostName ? 1 : 0;
    if (hubCount !== 1) {
      throw badRequest(
        `The 'static' allocation policy needs exactly one IoT hub in 'iotHubs'; ${hubCount} given.`,
      );
    }
  }
  if (policy === 'custom') {
    result.customAllocationDefinition = customAllocationDefinition(body.customAllocationDefinition);
  } else if (isObject(body.customAllocationDefinition)) {
    result.customAllocationDefinition = body.customAllocationDefinition;
  }
  return result;
}

function allocationPolicy(value: unknown): string | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  const found =
    typeof value === 'string'
      ? allocationPolicies.find((policy) => policy.toLowerCase() === value.toLowerCase())
      : undefined;
  if (!found) {
    throw badRequest(
      `'allocationPolicy' ${JSON.stringify(value)} is not valid: use one of ${allocationPolicies.join(', ')}.`,
    );
  }
  return found;
}

function customAllocationDefinition(value: unknown): JsonObject {
  if (!isObject(value)) {
    throw badRequest(
      "The 'custom' allocation policy needs 'customAllocationDefinition' with 'webhookUrl' and 'apiVersion'.",
    );
  }
  const {webhookUrl, apiVersion} = value;
  if (typeof webhookUrl !== 'string' || webhookUrl === '') {
    throw badRequest(
      "The 'custom' allocation policy needs 'customAllocationDefinition.webhookUrl'.",
    );
  }
  let url: URL;
  try {
    url = new URL(webhookUrl);
  } catch {
    throw badRequest(`'customAllocationDefinition.webhookUrl' '${webhookUrl}' is not a URL.`);
  }
  if (url.protocol !== 'https:') {
    throw badRequest(
      `'customAllocationDefinition.webhookUrl' must be an https URL; '${url.protocol}' given.`,
    );
  }
  if (typeof apiVersion !== 'string' || apiVersion === '') {
    throw badRequest(
      "The 'custom' allocation policy needs 'customAllocationDefinition.apiVersion' (for example 2021-10-01).",
    );
  }
  if (!/^\d{4}-\d{2}-\d{2}(-preview)?$/.test(apiVersion) || apiVersion < oldestWebhookApiVersion) {
    throw badRequest(
      `'customAllocationDefinition.apiVersion' '${apiVersion}' is not valid: use an API version from ${oldestWebhookApiVersion}-preview on, for example 2021-10-01.`,
    );
  }
  return {webhookUrl, apiVersion};
}

/** The initial twin: its shape, then IoT Hub's twin limits (dps/twin-rules.ts), the first problem refused. */
function twin(value: unknown): JsonObject | undefined {
  if (value === undefined || value === null) return undefined;
  if (!isObject(value)) {
    throw badRequest("'initialTwin' must be an object with 'tags' and 'properties.desired'.");
  }
  const result: JsonObject = {};
  if (value.tags !== undefined && value.tags !== null) {
    result.tags = twinCollection('initialTwin.tags', value.tags);
  }
  if (value.properties !== undefined && value.properties !== null) {
    if (!isObject(value.properties)) {
      throw badRequest("'initialTwin.properties' must be an object with 'desired'.");
    }
    const properties: JsonObject = {};
    const desired = value.properties.desired;
    if (desired !== undefined && desired !== null) {
      properties.desired = twinCollection('initialTwin.properties.desired', desired);
    }
    result.properties = properties;
  }
  const [problem] = twinProblems(result);
  if (problem !== undefined) throw badRequest(`Invalid 'initialTwin': ${problem}.`);
  return result;
}

function twinCollection(field: string, value: unknown): JsonObject {
  if (!isObject(value)) throw badRequest(`'${field}' must be a JSON object.`);
  return value;
}

function provisioningStatus(value: unknown): string {
  if (value === undefined || value === null || value === '') return 'enabled';
  const found =
    typeof value === 'string'
      ? provisioningStatuses.find((status) => status === value.toLowerCase())
      : undefined;
  if (!found) {
    throw badRequest(
      `'provisioningStatus' ${JSON.stringify(value)} is not valid: use enabled or disabled.`,
    );
  }
  return found;
}

function reprovisionPolicy(value: unknown): JsonObject {
  if (value === undefined || value === null) {
    return {updateHubAssignment: true, migrateDeviceData: true};
  }
  if (!isObject(value)) {
    throw badRequest(
      "'reprovisionPolicy' must be an object with 'updateHubAssignment' and 'migrateDeviceData'.",
    );
  }
  const flag = (name: string): boolean => {
    const flagValue = value[name] ?? true;
    if (typeof flagValue !== 'boolean') {
      throw badRequest(`'reprovisionPolicy.${name}' must be true or false.`);
    }
    return flagValue;
  };
  return {
    updateHubAssignment: flag('updateHubAssignment'),
    migrateDeviceData: flag('migrateDeviceData'),
  };
}
