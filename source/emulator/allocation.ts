import {createHash} from 'node:crypto';
import {isObject, type StoredRecord} from './service-records.js';

/** The hub a registration goes to, or why none can be chosen. */
export type HubChoice = {ok: true; hub: string} | {ok: false; reason: 'custom' | 'no hub'};

/**
 * Picks the IoT hub by the enrollment's allocation policy, over its `iotHubs` (else `iotHubHostName`, else
 * every linked hub):
 * - hashed (the default): a stable hash of the registration ID picks one, so a device always lands on the
 *   same hub while the list is unchanged;
 * - static: its one hub;
 * - geoLatency: the sandbox has no network position, so it takes the first hub;
 * - custom: DPS calls an Azure Function, which the sandbox cannot; refused.
 */
export function chooseHub(
  enrollment: StoredRecord,
  registrationId: string,
  linkedHubs: string[],
): HubChoice {
  const policy =
    typeof enrollment.allocationPolicy === 'string' ? enrollment.allocationPolicy : 'hashed';
  if (policy === 'custom') return {ok: false, reason: 'custom'};
  const hubs = enrollmentHubs(enrollment, linkedHubs);
  if (hubs.length === 0) return {ok: false, reason: 'no hub'};
  if (policy === 'hashed') return {ok: true, hub: hubs[stableIndex(registrationId, hubs.length)]!};
  return {ok: true, hub: hubs[0]!};
}

function enrollmentHubs(enrollment: StoredRecord, linkedHubs: string[]): string[] {
  if (Array.isArray(enrollment.iotHubs) && enrollment.iotHubs.length > 0) {
    return enrollment.iotHubs.filter((hub): hub is string => typeof hub === 'string');
  }
  if (typeof enrollment.iotHubHostName === 'string' && enrollment.iotHubHostName !== '') {
    return [enrollment.iotHubHostName];
  }
  return linkedHubs;
}

/** The first 4 bytes of SHA-256 of the lower-cased ID, modulo the count. */
function stableIndex(id: string, count: number): number {
  return createHash('sha256').update(id.toLowerCase()).digest().readUInt32BE(0) % count;
}

/** The enrollment's reprovision policy, with DPS's defaults (both true). */
export function reprovisionPolicy(enrollment: StoredRecord): {
  updateHubAssignment: boolean;
  migrateDeviceData: boolean;
} {
  const policy = isObject(enrollment.reprovisionPolicy) ? enrollment.reprovisionPolicy : {};
  return {
    updateHubAssignment: policy.updateHubAssignment !== false,
    migrateDeviceData: policy.migrateDeviceData !== false,
  };
}
