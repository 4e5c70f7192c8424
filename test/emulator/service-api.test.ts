import {test} from 'node:test';
import assert from 'node:assert/strict';
import {
  bodyOf,
  caReferenceGroup,
  individualEnrollment,
  serviceApi,
} from '../helpers/service-requests.js';
import {testCertificates} from '../helpers/test-certificates.js';

test('PUT creates an enrollment with server fields and defaults; GET returns it', async () => {
  const {call} = serviceApi();
  const {devicePem} = await testCertificates();
  const created = await call('PUT', '/enrollments/edge-device-01', {
    body: individualEnrollment('edge-device-01', devicePem, {capabilities: {iotEdge: true}}),
  });
  assert.equal(created.status, 200);
  const record = bodyOf(created);
  assert.equal(record.registrationId, 'edge-device-01');
  assert.equal(typeof record.etag, 'string');
  assert.ok((record.etag as string).length > 0);
  assert.ok(!Number.isNaN(Date.parse(record.createdDateTimeUtc as string)));
  assert.equal(record.createdDateTimeUtc, record.lastUpdatedDateTimeUtc);
  assert.equal(record.provisioningStatus, 'enabled');
  assert.deepEqual(record.capabilities, {iotEdge: true});
  assert.deepEqual(record.reprovisionPolicy, {updateHubAssignment: true, migrateDeviceData: true});

  const fetched = await call('GET', '/enrollments/edge-device-01');
  assert.equal(fetched.status, 200);
  assert.deepEqual(fetched.body, created.body);
});

test('capabilities.iotEdge defaults to false and unknown fields are not stored', async () => {
  const {call} = serviceApi();
  const {devicePem} = await testCertificates();
  const created = await call('PUT', '/enrollments/device-a', {
    body: individualEnrollment('device-a', devicePem, {madeUp: 1}),
  });
  assert.deepEqual(bodyOf(created).capabilities, {iotEdge: false});
  assert.equal('madeUp' in bodyOf(created), false);
});

test('updates: new etag, creation time kept, stale If-Match 412, * matches, no If-Match overwrites', async () => {
  const {call} = serviceApi();
  const {devicePem} = await testCertificates();
  const first = bodyOf(
    await call('PUT', '/enrollments/edge-device-01', {
      body: individualEnrollment('edge-device-01', devicePem),
    }),
  );
  await new Promise((resolve) => setTimeout(resolve, 5));

  const second = await call('PUT', '/enrollments/edge-device-01', {
    body: individualEnrollment('edge-device-01', devicePem, {deviceId: 'edge-a'}),
    headers: {'If-Match': first.etag as string},
  });
  assert.equal(second.status, 200);
  const updated = bodyOf(second);
  assert.notEqual(updated.etag, first.etag);
  assert.equal(updated.createdDateTimeUtc, first.createdDateTimeUtc);
  assert.notEqual(updated.lastUpdatedDateTimeUtc, first.lastUpdatedDateTimeUtc);
  assert.equal(updated.deviceId, 'edge-a');

  const stale = await call('PUT', '/enrollments/edge-device-01', {
    body: individualEnrollment('edge-device-01', devicePem, {deviceId: 'edge-b'}),
    headers: {'If-Match': first.etag as string},
  });
  assert.equal(stale.status, 412);
  assert.equal(bodyOf(stale).errorCode, 412001);
  assert.match(bodyOf(stale).message as string, /does not match the current etag/);
  assert.equal(bodyOf(await call('GET', '/enrollments/edge-device-01')).deviceId, 'edge-a');

  const star = await call('PUT', '/enrollments/edge-device-01', {
    body: individualEnrollment('edge-device-01', devicePem, {deviceId: 'edge-c'}),
    headers: {'If-Match': '*'},
  });
  assert.equal(star.status, 200);
  assert.equal(bodyOf(star).deviceId, 'edge-c');

  const unconditional = await call('PUT', '/enrollments/EDGE-DEVICE-01', {
    body: individualEnrollment('EDGE-DEVICE-01', devicePem, {deviceId: 'edge-d'}),
  });
  assert.equal(unconditional.status, 200);
  assert.equal(bodyOf(unconditional).deviceId, 'edge-d');
  assert.equal(bodyOf(unconditional).registrationId, 'edge-device-01', 'the stored spelling stays');
});

test('a PUT with an etag for an enrollment that does not exist is 412', async () => {
  const {call} = serviceApi();
  const {devicePem} = await testCertificates();
  const response = await call('PUT', '/enrollments/ghost', {
    body: individualEnrollment('ghost', devicePem),
    headers: {'if-match': 'AAAAAAAAAAA='},
  });
  assert.equal(response.status, 412);
  assert.match(bodyOf(response).message as string, /does not exist/);
});

test('DELETE honours If-Match, answers 204, then GET and DELETE are 404 with the DPS error body', async () => {
  const {call} = serviceApi();
  const {devicePem} = await testCertificates();
  const record = bodyOf(
    await call('PUT', '/enrollments/edge-device-01', {
      body: individualEnrollment('edge-device-01', devicePem),
    }),
  );
  const stale = await call('DELETE', '/enrollments/edge-device-01', {
    headers: {'if-match': 'not-the-etag'},
  });
  assert.equal(stale.status, 412);

  const deleted = await call('DELETE', '/enrollments/Edge-Device-01', {
    headers: {'if-match': record.etag as string},
  });
  assert.equal(deleted.status, 204);
  assert.equal(deleted.body, undefined);

  const missing = await call('GET', '/enrollments/edge-device-01');
  assert.equal(missing.status, 404);
  const error = bodyOf(missing);
  assert.equal(error.errorCode, 404201);
  assert.equal(typeof error.trackingId, 'string');
  assert.match(error.message as string, /'edge-device-01' does not exist/);
  assert.ok(!Number.isNaN(Date.parse(error.timestampUtc as string)));
  assert.equal(missing.headers?.['x-ms-error-code'], '404201');

  assert.equal((await call('DELETE', '/enrollments/edge-device-01')).status, 404);
});

test('enrollment groups: CRUD with caReferences, attestation mechanism on the lower-case path', async () => {
  const {call} = serviceApi();
  const created = await call('PUT', '/enrollmentGroups/line-3', {body: caReferenceGroup('line-3')});
  assert.equal(created.status, 200);
  assert.deepEqual(bodyOf(created).attestation, {
    type: 'x509',
    x509: {caReferences: {primary: 'root-ca'}},
  });
  assert.equal(bodyOf(created).provisioningStatus, 'enabled');

  const mechanism = await call('POST', '/enrollmentgroups/LINE-3/attestationmechanism');
  assert.equal(mechanism.status, 200);
  assert.deepEqual(mechanism.body, {type: 'x509', x509: {caReferences: {primary: 'root-ca'}}});

  assert.equal((await call('GET', '/ENROLLMENTGROUPS/line-3')).status, 200);
  assert.equal((await call('DELETE', '/enrollmentGroups/line-3')).status, 204);
  const missing = await call('GET', '/enrollmentGroups/line-3');
  assert.equal(missing.status, 404);
  assert.equal(bodyOf(missing).errorCode, 404202);
  assert.equal((await call('POST', '/enrollmentgroups/line-3/attestationmechanism')).status, 404);
});

test('individual attestation mechanism returns certificates as info only', async () => {
  const {call} = serviceApi();
  const {devicePem} = await testCertificates();
  await call('PUT', '/enrollments/edge-device-01', {
    body: individualEnrollment('edge-device-01', devicePem),
  });
  const mechanism = await call('POST', '/Enrollments/edge-device-01/AttestationMechanism');
  assert.equal(mechanism.status, 200);
  const primary = (mechanism.body as {x509: {clientCertificates: {primary: object}}}).x509
    .clientCertificates.primary;
  assert.deepEqual(Object.keys(primary), ['info']);
});

test('query pages 25 enrollments 10 at a time: 3 pages, the last without a continuation header', async () => {
  const {call} = serviceApi();
  const {devicePem} = await testCertificates();
  for (let index = 0; index < 25; index++) {
    const id = `device-${String(index).padStart(2, '0')}`;
    assert.equal(
      (await call('PUT', `/enrollments/${id}`, {body: individualEnrollment(id, devicePem)})).status,
      200,
    );
  }
  const seen: string[] = [];
  const pageSizes: number[] = [];
  let continuation: string | undefined;
  let pages = 0;
  do {
    const headers: Record<string, string> = {'x-ms-max-item-count': '10'};
    if (continuation) headers['x-ms-continuation'] = continuation;
    const page = await call('POST', '/enrollments/query', {body: {query: '*'}, headers});
    assert.equal(page.status, 200);
    assert.equal(page.headers?.['x-ms-item-type'], 'enrollment');
    const items = page.body as Array<Record<string, unknown>>;
    pageSizes.push(items.length);
    seen.push(...items.map((item) => item.registrationId as string));
    continuation = page.headers?.['x-ms-continuation'];
    pages++;
    assert.ok(pages <= 3, 'paging must end');
  } while (continuation !== undefined);
  assert.deepEqual(pageSizes, [10, 10, 5]);
  assert.equal(new Set(seen).size, 25);
});

test('query results omit registrationState and show certificates as info only; GET includes the state', async () => {
  const {call, store} = serviceApi();
  const {devicePem} = await testCertificates();
  await call('PUT', '/enrollments/edge-device-01', {
    body: individualEnrollment('edge-device-01', devicePem),
  });
  await store.put('registrations', 'edge-device-01', {
    registrationId: 'edge-device-01',
    deviceId: 'edge-device-01',
    assignedHub: 'hub-west.azure-devices.net',
    status: 'assigned',
    etag: 'r1',
  });
  const page = await call('POST', '/enrollments/query', {body: {query: 'SELECT *'}});
  const [item] = page.body as Array<Record<string, unknown>>;
  assert.ok(item);
  assert.equal('registrationState' in item, false);
  assert.equal(page.headers?.['x-ms-continuation'], undefined);
  const primary = (item.attestation as {x509: {clientCertificates: {primary: object}}}).x509
    .clientCertificates.primary;
  assert.deepEqual(Object.keys(primary), ['info']);

  const fetched = bodyOf(await call('GET', '/enrollments/edge-device-01'));
  assert.deepEqual(fetched.registrationState, {
    registrationId: 'edge-device-01',
    deviceId: 'edge-device-01',
    assignedHub: 'hub-west.azure-devices.net',
    status: 'assigned',
    etag: 'r1',
  });
});

test('group query, an empty query result, and bad query requests', async () => {
  const {call} = serviceApi();
  const empty = await call('POST', '/enrollmentGroups/query', {body: {query: '*'}});
  assert.equal(empty.status, 200);
  assert.deepEqual(empty.body, []);
  assert.equal(empty.headers?.['x-ms-item-type'], 'enrollmentGroup');
  assert.equal(empty.headers?.['x-ms-continuation'], undefined);

  await call('PUT', '/enrollmentGroups/g1', {body: caReferenceGroup('g1')});
  const one = await call('POST', '/enrollmentGroups/query', {body: {query: '*'}});
  assert.equal((one.body as unknown[]).length, 1);

  const noQuery = await call('POST', '/enrollmentGroups/query', {body: {}});
  assert.equal(noQuery.status, 400);
  assert.match(bodyOf(noQuery).message as string, /'query' string/);
  const badToken = await call('POST', '/enrollmentGroups/query', {
    body: {query: '*'},
    headers: {'x-ms-continuation': 'garbage!'},
  });
  assert.equal(badToken.status, 400);
  assert.match(bodyOf(badToken).message as string, /x-ms-continuation/);
  const badSize = await call('POST', '/enrollmentGroups/query', {
    body: {query: '*'},
    headers: {'x-ms-max-item-count': '0'},
  });
  assert.equal(badSize.status, 400);
  assert.match(bodyOf(badSize).message as string, /x-ms-max-item-count/);
});

test('bulk create of 10 succeeds; 11 are refused', async () => {
  const {call} = serviceApi();
  const {devicePem} = await testCertificates();
  const items = (count: number) =>
    Array.from({length: count}, (_, index) => individualEnrollment(`bulk-${index}`, devicePem));
  const ok = await call('POST', '/enrollments/', {body: {enrollments: items(10), mode: 'create'}});
  assert.equal(ok.status, 200);
  assert.deepEqual(ok.body, {isSuccessful: true, errors: []});
  const page = await call('POST', '/enrollments/query', {body: {query: '*'}});
  assert.equal((page.body as unknown[]).length, 10);

  const tooMany = await call('POST', '/enrollments', {
    body: {
      enrollments: items(11).map((item, index) => ({...item, registrationId: `more-${index}`})),
      mode: 'create',
    },
  });
  assert.equal(tooMany.status, 400);
  assert.match(bodyOf(tooMany).message as string, /at most 10 enrollments; 11 given/);
  assert.equal(
    ((await call('POST', '/enrollments/query', {body: {query: '*'}})).body as unknown[]).length,
    10,
  );
});

test('bulk create reports a conflict per item and applies the rest', async () => {
  const {call} = serviceApi();
  const {devicePem} = await testCertificates();
  await call('PUT', '/enrollments/existing', {body: individualEnrollment('existing', devicePem)});
  const response = await call('POST', '/enrollments', {
    body: {
      mode: 'Create',
      enrollments: [
        individualEnrollment('new-1', devicePem),
        individualEnrollment('EXISTING', devicePem),
        individualEnrollment('new-2', devicePem),
        individualEnrollment('bad id!', devicePem),
      ],
    },
  });
  assert.equal(response.status, 200);
  const result = bodyOf(response);
  assert.equal(result.isSuccessful, false);
  const errors = result.errors as Array<Record<string, unknown>>;
  assert.equal(errors.length, 2);
  assert.equal(errors[0]?.registrationId, 'EXISTING');
  assert.equal(errors[0]?.errorCode, 409001);
  assert.match(errors[0]?.errorStatus as string, /already exists/);
  assert.equal(errors[1]?.registrationId, 'bad id!');
  assert.equal(errors[1]?.errorCode, 400004);
  assert.equal((await call('GET', '/enrollments/new-1')).status, 200);
  assert.equal((await call('GET', '/enrollments/new-2')).status, 200);
});

test('bulk update, updateIfMatchETag (any case) and delete', async () => {
  const {call} = serviceApi();
  const {devicePem} = await testCertificates();
  const a = bodyOf(
    await call('PUT', '/enrollments/a', {body: individualEnrollment('a', devicePem)}),
  );
  await call('PUT', '/enrollments/b', {body: individualEnrollment('b', devicePem)});

  const update = await call('POST', '/enrollments', {
    body: {
      mode: 'UPDATE',
      enrollments: [
        individualEnrollment('b', devicePem, {deviceId: 'b-updated'}),
        individualEnrollment('c', devicePem),
      ],
    },
  });
  assert.deepEqual(update.body, {isSuccessful: true, errors: []});
  assert.equal(bodyOf(await call('GET', '/enrollments/b')).deviceId, 'b-updated');
  assert.equal((await call('GET', '/enrollments/c')).status, 200);

  const ifMatch = await call('POST', '/enrollments', {
    body: {
      mode: 'updateIfMatchEtag',
      enrollments: [
        individualEnrollment('a', devicePem, {deviceId: 'a-updated', etag: a.etag}),
        individualEnrollment('b', devicePem, {deviceId: 'b-again', etag: 'stale'}),
      ],
    },
  });
  const ifMatchResult = bodyOf(ifMatch);
  assert.equal(ifMatchResult.isSuccessful, false);
  assert.deepEqual(
    (ifMatchResult.errors as Array<Record<string, unknown>>).map((error) => [
      error.registrationId,
      error.errorCode,
    ]),
    [['b', 412001]],
  );
  assert.equal(bodyOf(await call('GET', '/enrollments/a')).deviceId, 'a-updated');
  assert.equal(bodyOf(await call('GET', '/enrollments/b')).deviceId, 'b-updated');

  const deletion = await call('POST', '/enrollments', {
    body: {mode: 'delete', enrollments: [{registrationId: 'a'}, {registrationId: 'nope'}]},
  });
  const deletionResult = bodyOf(deletion);
  assert.equal(deletionResult.isSuccessful, false);
  assert.deepEqual(
    (deletionResult.errors as Array<Record<string, unknown>>).map((error) => [
      error.registrationId,
      error.errorCode,
    ]),
    [['nope', 404201]],
  );
  assert.equal((await call('GET', '/enrollments/a')).status, 404);

  const badMode = await call('POST', '/enrollments', {
    body: {mode: 'upsert', enrollments: [individualEnrollment('d', devicePem)]},
  });
  assert.equal(badMode.status, 400);
  assert.match(bodyOf(badMode).message as string, /'mode' "upsert" is not valid/);
});

test('bulk operations on enrollment groups', async () => {
  const {call} = serviceApi();
  const response = await call('POST', '/enrollmentGroups', {
    body: {
      mode: 'create',
      enrollmentGroups: [caReferenceGroup('g1'), caReferenceGroup('g2'), caReferenceGroup('G1')],
    },
  });
  const result = bodyOf(response);
  assert.equal(result.isSuccessful, false);
  const errors = result.errors as Array<Record<string, unknown>>;
  assert.deepEqual(
    errors.map((error) => [error.enrollmentGroupId, error.errorCode]),
    [['G1', 409001]],
  );
  assert.equal(
    ((await call('POST', '/enrollmentGroups/query', {body: {query: '*'}})).body as unknown[])
      .length,
    2,
  );
});

test('registration states: get, query by group with paging, delete with If-Match', async () => {
  const {call, store} = serviceApi();
  for (let index = 0; index < 3; index++) {
    await store.put('registrations', `dev-${index}`, {
      registrationId: `dev-${index}`,
      deviceId: `dev-${index}`,
      status: 'assigned',
      etag: `etag-${index}`,
      enrollmentGroupId: 'Line-3',
    });
  }
  await store.put('registrations', 'solo', {registrationId: 'solo', status: 'assigned', etag: 's'});

  const fetched = await call('GET', '/registrations/DEV-0');
  assert.equal(fetched.status, 200);
  assert.deepEqual(fetched.body, {
    registrationId: 'dev-0',
    deviceId: 'dev-0',
    status: 'assigned',
    etag: 'etag-0',
  });

  const first = await call('POST', '/registrations/line-3/query', {
    body: {query: '*'},
    headers: {'x-ms-max-item-count': '2'},
  });
  assert.equal(first.status, 200);
  assert.equal(first.headers?.['x-ms-item-type'], 'deviceRegistration');
  assert.equal((first.body as unknown[]).length, 2);
  const continuation = first.headers?.['x-ms-continuation'];
  assert.ok(continuation);
  const second = await call('POST', '/registrations/line-3/query', {
    headers: {'x-ms-max-item-count': '2', 'x-ms-continuation': continuation},
  });
  assert.deepEqual(
    (second.body as Array<Record<string, unknown>>).map((item) => item.registrationId),
    ['dev-2'],
  );
  assert.equal(second.headers?.['x-ms-continuation'], undefined);

  assert.equal(
    (await call('DELETE', '/registrations/dev-0', {headers: {'if-match': 'wrong'}})).status,
    412,
  );
  assert.equal(
    (await call('DELETE', '/registrations/dev-0', {headers: {'if-match': 'etag-0'}})).status,
    204,
  );
  const gone = await call('GET', '/registrations/dev-0');
  assert.equal(gone.status, 404);
  assert.equal(bodyOf(gone).errorCode, 404203);
  assert.equal((await call('DELETE', '/registrations/dev-0')).status, 404);
});

test('routes: case-insensitive, 404 for unknown paths, 405 for wrong methods, 415 for non-JSON bodies', async () => {
  const {call} = serviceApi();
  const {devicePem} = await testCertificates();
  assert.equal(
    (await call('PUT', '/ENROLLMENTS/dev-x', {body: individualEnrollment('dev-x', devicePem)}))
      .status,
    200,
  );
  assert.equal((await call('GET', '/Enrollments/DEV-X')).status, 200);

  for (const [method, path, status] of [
    ['GET', '/devices/x', 404],
    ['GET', '/', 404],
    ['GET', '/enrollments/a/b/c', 404],
    ['GET', '/enrollments/dev-x/unknown', 404],
    ['PATCH', '/enrollments/dev-x', 405],
    ['POST', '/enrollments/dev-x', 405],
    ['GET', '/enrollments', 405],
    ['GET', '/enrollments/dev-x/attestationmechanism', 405],
    ['PUT', '/registrations/dev-x', 405],
    ['GET', '/registrations', 405],
    ['GET', '/registrations/g/query', 405],
  ] as const) {
    const response = await call(method, path);
    assert.equal(response.status, status, `${method} ${path}`);
    assert.equal(bodyOf(response).errorCode, status * 1000, `${method} ${path}`);
  }

  const text = await call('PUT', '/enrollments/dev-x', {
    body: individualEnrollment('dev-x', devicePem),
    headers: {'content-type': 'text/plain'},
  });
  assert.equal(text.status, 415);
  assert.match(bodyOf(text).message as string, /must be JSON/);
});

test('ids with reserved characters arrive percent-decoded and round-trip', async () => {
  const {call} = serviceApi();
  const created = await call('PUT', '/enrollmentGroups/line%3A3', {
    body: caReferenceGroup('line:3'),
  });
  assert.equal(created.status, 200);
  assert.equal(bodyOf(await call('GET', '/enrollmentGroups/LINE%3A3')).enrollmentGroupId, 'line:3');
});
