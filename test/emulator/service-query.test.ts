import {after, before, test} from 'node:test';
import assert from 'node:assert/strict';
import type {
  BulkEnrollmentOperationResult,
  IndividualEnrollment,
} from 'azure-iot-provisioning-service/dist/interfaces.js';
import {startServiceSdk} from '../helpers/service-sdk.js';
import {testCertificates} from '../helpers/test-certificates.js';
import {
  bodyOf,
  caReferenceGroup,
  individualEnrollment,
  serviceApi,
} from '../helpers/service-requests.js';

let sdk: Awaited<ReturnType<typeof startServiceSdk>>;
before(async () => {
  sdk = await startServiceSdk();
});
after(async () => {
  await sdk.close();
});

/** Ids written in a scrambled order and mixed case. */
function scrambledIds(prefix: string, count: number): string[] {
  return Array.from({length: count}, (_, index) => {
    const n = (index * 37) % count;
    return `${n % 2 ? prefix.toUpperCase() : prefix}-${String(n).padStart(4, '0')}`;
  });
}

const byLowerCase = (ids: string[]) =>
  [...ids].sort((a, b) => (a.toLowerCase() < b.toLowerCase() ? -1 : 1));

test('SDK: enrollments and groups page in lower-cased id order through continuation tokens', async () => {
  const {devicePem} = await testCertificates();
  const enrollments = scrambledIds('Sensor', 230);
  for (let start = 0; start < enrollments.length; start += 10) {
    const batch = enrollments
      .slice(start, start + 10)
      .map((id) => individualEnrollment(id, devicePem));
    // The SDK's runBulkEnrollmentOperation settles only through its callback.
    const result = await new Promise<BulkEnrollmentOperationResult>((resolve, reject) => {
      sdk.client.runBulkEnrollmentOperation(
        {mode: 'create', enrollments: batch as unknown as IndividualEnrollment[]},
        (error, answer) => (error ? reject(error) : resolve(answer!)),
      );
    });
    assert.equal(result.isSuccessful, true);
  }
  const groups = scrambledIds('line', 45);
  for (const id of groups)
    await sdk.client.createOrUpdateEnrollmentGroup(caReferenceGroup(id) as never);

  const seen: string[] = [];
  const tokens: string[] = [];
  const query = sdk.client.createIndividualEnrollmentQuery({query: '*'}, 40);
  while (query.hasMoreResults) {
    const page = await query.next(query.continuationToken);
    seen.push(
      ...(page.responseBody as unknown as IndividualEnrollment[]).map((e) => e.registrationId),
    );
    if (query.continuationToken) tokens.push(query.continuationToken);
    assert.ok(tokens.length <= 6, 'paging must end');
  }
  assert.deepEqual(seen, byLowerCase(enrollments));
  assert.equal(tokens.length, 5, '6 pages: 5 of 40 and one of 30');
  for (const token of tokens) assert.match(token, /^[\w-]+$/, 'an opaque base64url token');

  const groupQuery = sdk.client.createEnrollmentGroupQuery({query: '*'}, 20);
  const groupIds: string[] = [];
  while (groupQuery.hasMoreResults) {
    const page = await groupQuery.next(groupQuery.continuationToken);
    groupIds.push(
      ...(page.responseBody as unknown as Array<{enrollmentGroupId: string}>).map(
        (group) => group.enrollmentGroupId,
      ),
    );
    assert.ok(groupIds.length <= 45, 'paging must end');
  }
  assert.deepEqual(groupIds, byLowerCase(groups));
});

test('the registrations of one group page by id; a token from another query position is kept to its id', async () => {
  const {call, store} = serviceApi();
  await call('PUT', '/enrollmentGroups/g1', {body: caReferenceGroup('g1')});
  const ids = scrambledIds('Edge', 90);
  await store.apply(
    ids.map((id, n) => ({
      collection: 'registrations' as const,
      id,
      value: {registrationId: id, etag: `e${n}`, enrollmentGroupId: n % 2 ? 'G1' : 'other'},
    })),
  );
  const expected = byLowerCase(ids.filter((_, n) => n % 2 === 1));
  const seen: string[] = [];
  let continuation: string | undefined;
  let pages = 0;
  do {
    const headers: Record<string, string> = {'x-ms-max-item-count': '15'};
    if (continuation) headers['x-ms-continuation'] = continuation;
    const page = await call('POST', '/registrations/g1/query', {body: {query: '*'}, headers});
    assert.equal(page.status, 200, JSON.stringify(page.body));
    const items = page.body as Array<Record<string, unknown>>;
    assert.ok(items.every((item) => !('enrollmentGroupId' in item)));
    seen.push(...items.map((item) => item.registrationId as string));
    continuation = page.headers?.['x-ms-continuation'];
    assert.ok(++pages <= 3, 'paging must end');
  } while (continuation !== undefined);
  assert.deepEqual(seen, expected);
  assert.equal(pages, 3);

  const stale = Buffer.from(JSON.stringify({offset: 10})).toString('base64url');
  const refused = await call('POST', '/enrollmentGroups/query', {
    body: {query: '*'},
    headers: {'x-ms-continuation': stale},
  });
  assert.equal(refused.status, 400);
  assert.match(bodyOf(refused).message as string, /previous page returned/);
});
