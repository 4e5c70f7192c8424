import type {DpsGateway, IndividualEnrollment} from '../dps/index.js';
import {readIfPresent} from '../wizard/shared/dps-calls.js';

/**
 * What DPS already holds for the registration IDs of a run, keyed by the lower-case ID (DPS compares IDs
 * case-insensitively). A few IDs are read one by one; more are found by reading every enrollment through
 * the query API, which costs one call per page instead of one per device.
 */

/** Up to this many IDs are read one by one. */
export const maxSingleReads = 50;
const pageSize = 100;
const parallelReads = 4;

export async function readExisting(
  gateway: DpsGateway,
  registrationIds: readonly string[],
  signal: AbortSignal,
): Promise<Map<string, IndividualEnrollment>> {
  const wanted = new Set(registrationIds.map((id) => id.toLowerCase()));
  const found = new Map<string, IndividualEnrollment>();
  if (registrationIds.length <= maxSingleReads) {
    const queue = [...registrationIds];
    const worker = async () => {
      for (let id = queue.shift(); id !== undefined; id = queue.shift()) {
        const enrollment = await readIfPresent(() => gateway.getIndividualEnrollment(id, {signal}));
        if (enrollment) found.set(id.toLowerCase(), enrollment);
      }
    };
    await Promise.all(Array.from({length: parallelReads}, worker));
    return found;
  }
  let continuationToken: string | undefined;
  do {
    const page = await gateway.queryIndividualEnrollments(
      {pageSize, ...(continuationToken ? {continuationToken} : {})},
      {signal},
    );
    for (const enrollment of page.items) {
      const id = enrollment.registrationId.toLowerCase();
      if (wanted.has(id)) found.set(id, enrollment);
    }
    continuationToken = page.continuationToken;
  } while (continuationToken);
  return found;
}
