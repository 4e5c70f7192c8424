import {test, beforeEach} from 'node:test';
import assert from 'node:assert/strict';
import {faultLimits, FaultInjector, patternProblem} from '../../source/emulator/faults.js';
import {armClient, dpsPath, emulatorForFile, rawRequest} from '../helpers/emulator-http.js';

const emulator = emulatorForFile();
beforeEach(() => emulator.faults.clear());

const getEnrollment = (id = 'not-there') =>
  rawRequest(emulator, 'GET', `/enrollments/${id}?api-version=2021-10-01`, {
    headers: {authorization: emulator.sas},
  });

test('429 on a service route: DPS error body, Retry-After, then the next request is normal', async () => {
  emulator.faults.add({
    path: /^\/enrollments\//i,
    count: 2,
    fault: {kind: 'status', status: 429, retryAfterSeconds: 7},
  });
  for (let attempt = 0; attempt < 2; attempt++) {
    const throttled = await getEnrollment();
    assert.equal(throttled.status, 429);
    assert.equal(throttled.headers['retry-after'], '7');
    assert.match(String(throttled.headers['content-type']), /^application\/json/);
    const body = throttled.body as Record<string, unknown>;
    assert.equal(Math.floor((body.errorCode as number) / 1000), 429);
    assert.equal(typeof body.trackingId, 'string');
  }
  assert.equal((await getEnrollment()).status, 404, 'the rule is used up');
});

test('429 without a given delay still carries Retry-After', async () => {
  emulator.faults.add({path: /enrollments/, count: 1, fault: {kind: 'status', status: 429}});
  const throttled = await getEnrollment();
  assert.equal(throttled.status, 429);
  assert.match(String(throttled.headers['retry-after']), /^\d+$/);
});

test('503 on an ARM route uses the ARM error body and reaches the ARM SDK as a RestError', async () => {
  emulator.faults.add({
    method: 'GET',
    path: /\/provisioningServices\/[^/]+$/i,
    count: 1,
    fault: {kind: 'status', status: 503},
  });
  const client = armClient(emulator);
  await assert.rejects(
    client.iotDpsResource.get(emulator.info.dpsName, emulator.info.resourceGroup),
    (error: {statusCode?: number; message?: string}) =>
      error.statusCode === 503 && /errorcode: IH503001/.test(error.message ?? ''),
  );
  const dps = await client.iotDpsResource.get(emulator.info.dpsName, emulator.info.resourceGroup);
  assert.equal(dps.name, emulator.info.dpsName);

  emulator.faults.add({
    path: /provisioningServices/i,
    count: 1,
    fault: {kind: 'status', status: 500},
  });
  const raw = await rawRequest(
    emulator,
    'GET',
    `${dpsPath(emulator.info)}?api-version=2022-02-05`,
    {
      headers: {authorization: `Bearer ${emulator.info.armToken}`},
    },
  );
  assert.equal(raw.status, 500);
  assert.deepEqual(Object.keys(raw.body as object).sort(), [
    'code',
    'details',
    'httpStatusCode',
    'message',
  ]);
});

test('a rule only hits its method and path', async () => {
  emulator.faults.add({
    method: 'DELETE',
    path: /enrollments/,
    count: 1,
    fault: {kind: 'status', status: 500},
  });
  emulator.faults.add({path: /enrollmentGroups/, count: 1, fault: {kind: 'status', status: 500}});
  assert.equal((await getEnrollment()).status, 404, 'a GET is not a DELETE');
  const deleted = await rawRequest(
    emulator,
    'DELETE',
    '/enrollments/not-there?api-version=2021-10-01',
    {
      headers: {authorization: emulator.sas},
    },
  );
  assert.equal(deleted.status, 500);
  assert.equal((await getEnrollment()).status, 404);
});

test('a reset closes the connection without an answer', async () => {
  emulator.faults.add({path: /enrollments/, count: 1, fault: {kind: 'reset'}});
  await assert.rejects(
    getEnrollment(),
    (error: NodeJS.ErrnoException) =>
      ['ECONNRESET', 'EPIPE'].includes(error.code ?? '') || /socket hang up/.test(error.message),
  );
  assert.equal((await getEnrollment()).status, 404);
});

test('a delayed request still gets its normal answer, after an undelayed one sent later', async () => {
  emulator.faults.add({path: /\/enrollments\/slow$/, count: 1, fault: {kind: 'delay', ms: 1500}});
  const order: string[] = [];
  const slow = getEnrollment('slow').then((response) => {
    order.push('slow');
    return response;
  });
  const fast = await getEnrollment('fast');
  order.push('fast');
  assert.equal((await slow).status, 404);
  assert.equal(fast.status, 404);
  assert.deepEqual(order, ['fast', 'slow']);
});

test('the control endpoint adds and clears rules over HTTPS with the sandbox token', async () => {
  const control = (method: string, body?: unknown, token = emulator.info.armToken) =>
    rawRequest(emulator, method, '/_emulator/faults', {
      headers: {authorization: `Bearer ${token}`},
      body,
    });
  assert.equal(
    (
      await control(
        'POST',
        {path: 'enrollments', count: 1, fault: {kind: 'status', status: 429}},
        'x',
      )
    ).status,
    401,
  );
  const added = await control('POST', [
    {
      method: 'get',
      path: '^/ENROLLMENTS/',
      count: 1,
      fault: {kind: 'status', status: 503, retryAfterSeconds: 2},
    },
  ]);
  assert.equal(added.status, 204);
  const unavailable = await getEnrollment();
  assert.equal(unavailable.status, 503);
  assert.equal(unavailable.headers['retry-after'], '2');

  assert.equal(
    (await control('POST', {path: 'x', count: 1, fault: {kind: 'status', status: 404}})).status,
    400,
  );
  assert.equal((await control('POST', {path: '(', count: 1, fault: {kind: 'reset'}})).status, 400);
  assert.equal((await control('POST', {path: 'x', count: 0, fault: {kind: 'reset'}})).status, 400);

  assert.equal(
    (await control('POST', {path: 'enrollments', count: 5, fault: {kind: 'reset'}})).status,
    204,
  );
  assert.equal((await control('DELETE')).status, 204);
  assert.equal((await getEnrollment()).status, 404, 'cleared');
});

test('FaultInjector rejects bad rules', () => {
  const faults = new FaultInjector();
  assert.throws(() => faults.add({path: /x/, count: 0, fault: {kind: 'reset'}}), /count/);
  assert.throws(
    () => faults.add({path: /x/, count: 1, fault: {kind: 'status', status: 404 as 429}}),
    /one of 408, 429, 500, 502, 503, 504/,
  );
  assert.throws(() => faults.add({path: /x/, count: 1, fault: {kind: 'delay', ms: -1}}), /delay/);
  faults.add({path: /x/g, count: 2, fault: {kind: 'reset'}});
  assert.deepEqual(faults.take('GET', '/x'), {kind: 'reset'});
  assert.deepEqual(
    faults.take('GET', '/x'),
    {kind: 'reset'},
    'a global regex does not skip matches',
  );
  assert.equal(faults.take('GET', '/x'), undefined);
});

test('patternProblem: star height 1, no backreferences or lookarounds, at most two repetitions, bounded length', () => {
  for (const accepted of [
    'enrollments',
    '^/enrollments/[^/]+$',
    '/certificates/[^/]+/verify$',
    '^/subscriptions/[^/]+/.*/verify$',
    '(?:ab)+',
    '^(ab|cd)x{3}',
    '[(*+|]+',
    '\\(a\\)+',
    '^a{2,}b?',
    '.',
  ]) {
    assert.equal(patternProblem(accepted), undefined, accepted);
  }
  const refused: Array<[string, RegExp]> = [
    ['(a+)+$', /repeats a group that itself repeats/],
    ['^(x|xx)*y', /repeats a group that itself repeats or has alternatives/],
    ['^((a)b*)+', /repeats a group/],
    ['(a)\\1', /backreference/],
    ['(?<n>a)\\k<n>', /backreference/],
    ['^(?=a)', /lookaround/],
    ['^(?<!a)b', /lookaround/],
    ['.*.*x', /more than 2 repetitions/],
    ['a+b+', /more than 2 repetitions/],
    ['^a?a?a?', /more than 2 repetitions/],
    ['^a{1,5}b{1,5}c{1,5}', /more than 2 repetitions/],
    ['x'.repeat(faultLimits.maxPatternLength + 1), /at most 256/],
    ['(', /not a valid regular expression/],
  ];
  for (const [pattern, problem] of refused) {
    assert.match(patternProblem(pattern) ?? 'accepted', problem, pattern);
  }
});

test('rules are bounded: count, delay, status, Retry-After only on 429 and 503, method, number of rules', () => {
  const faults = new FaultInjector();
  const refused: Array<[Parameters<FaultInjector['add']>[0], RegExp]> = [
    [
      {path: /x/, count: faultLimits.maxCount + 1, fault: {kind: 'reset'}},
      /count must be a whole number from 1 to 10000/,
    ],
    [{path: /x/, count: 1.5, fault: {kind: 'reset'}}, /count/],
    [{path: /x/, count: 1, fault: {kind: 'delay', ms: 120_001}}, /from 0 to 120000/],
    [{path: /x/, count: 1, fault: {kind: 'delay', ms: 0.5}}, /whole number/],
    [
      {path: /x/, count: 1, fault: {kind: 'status', status: 500, retryAfterSeconds: 1}},
      /only for 429 and 503/,
    ],
    [
      {path: /x/, count: 1, fault: {kind: 'status', status: 429, retryAfterSeconds: 3601}},
      /from 0 to 3600/,
    ],
    [{method: 'GET /', path: /x/, count: 1, fault: {kind: 'reset'}}, /HTTP method/],
    [{path: /(a+)+$/, count: 1, fault: {kind: 'reset'}}, /path repeats a group/],
  ];
  for (const [rule, problem] of refused) assert.throws(() => faults.add(rule), problem);
  faults.add({path: /x/, count: 1, fault: {kind: 'delay', ms: faultLimits.maxDelayMs}});
  for (const status of [408, 429, 500, 502, 503, 504] as const) {
    faults.add({path: /x/, count: 1, fault: {kind: 'status', status}});
  }
  assert.throws(
    () =>
      faults.addAll(
        Array.from({length: faultLimits.maxRules}, () => ({
          path: /y/,
          count: 1,
          fault: {kind: 'reset'} as const,
        })),
      ),
    /at most 100 fault rules/,
  );
  assert.equal(faults.take('GET', '/y'), undefined, 'a refused batch adds nothing');
  assert.equal(
    faults.take('GET', `/x${'a'.repeat(faultLimits.maxMatchedPathLength)}`),
    undefined,
    'a very long path matches no rule',
  );
  assert.deepEqual(faults.take('GET', '/x'), {kind: 'delay', ms: faultLimits.maxDelayMs});
});

test('408, 502 and 504 answer in the body of their API; 503 may carry Retry-After', async () => {
  for (const status of [408, 502, 504] as const) {
    emulator.faults.add({path: /^\/enrollments\//, count: 1, fault: {kind: 'status', status}});
    const answer = await getEnrollment();
    assert.equal(answer.status, status);
    assert.equal((answer.body as {errorCode: number}).errorCode, status * 1000 + 1);
    assert.equal(answer.headers['retry-after'], undefined);
  }
  emulator.faults.add({
    path: /provisioningServices/i,
    count: 1,
    fault: {kind: 'status', status: 504},
  });
  const arm = await rawRequest(
    emulator,
    'GET',
    `${dpsPath(emulator.info)}?api-version=2022-02-05`,
    {
      headers: {authorization: `Bearer ${emulator.info.armToken}`},
    },
  );
  assert.equal(arm.status, 504);
  assert.equal((arm.body as {httpStatusCode: string}).httpStatusCode, 'GatewayTimeout');

  emulator.faults.add({
    path: /enrollments/,
    count: 1,
    fault: {kind: 'status', status: 503, retryAfterSeconds: 4},
  });
  assert.equal((await getEnrollment()).headers['retry-after'], '4');
});

test('a request that is not authenticated gets its 401 and uses up no rule', async () => {
  emulator.faults.add({path: /^\/enrollments\//, count: 1, fault: {kind: 'status', status: 503}});
  const unauthenticated = await rawRequest(
    emulator,
    'GET',
    '/enrollments/x?api-version=2021-10-01',
    {
      headers: {
        authorization:
          'SharedAccessSignature sr=localhost&sig=bad&se=9999999999&skn=provisioningserviceowner',
      },
    },
  );
  assert.equal(unauthenticated.status, 401);
  const noHeader = await rawRequest(emulator, 'GET', '/enrollments/x?api-version=2021-10-01');
  assert.equal(noHeader.status, 401);
  emulator.faults.add({path: /provisioningServices/i, count: 1, fault: {kind: 'reset'}});
  const arm = await rawRequest(
    emulator,
    'GET',
    `${dpsPath(emulator.info)}?api-version=2022-02-05`,
    {
      headers: {authorization: 'Bearer not-a-token'},
    },
  );
  assert.equal(arm.status, 401, 'not reset: the ARM rule is still there');
  assert.equal((await getEnrollment()).status, 503, 'the authenticated request gets the fault');
  assert.equal((await getEnrollment()).status, 404);
});

test('bad rules over HTTPS: 400 naming the problem, and a batch with one bad rule adds none', async () => {
  const post = (body: unknown) =>
    rawRequest(emulator, 'POST', '/_emulator/faults', {
      headers: {authorization: `Bearer ${emulator.info.armToken}`},
      body,
    });
  const cases: Array<[unknown, RegExp]> = [
    [
      {path: '(a+)+$', count: 1, fault: {kind: 'reset'}},
      /path repeats a group that itself repeats/,
    ],
    [{path: 'x', count: 1, fault: {kind: 'delay', ms: 600_000}}, /from 0 to 120000/],
    [
      {path: 'x', count: 1, fault: {kind: 'status', status: 404}},
      /one of 408, 429, 500, 502, 503, 504/,
    ],
    [
      {path: 'x', count: 1, fault: {kind: 'status', status: 502, retryAfterSeconds: 2}},
      /only for 429 and 503/,
    ],
    [{path: 'x', count: 1, fault: {kind: 'reset'}, when: 'now'}, /unknown field "when"/],
    [{path: 'x', count: 1, fault: {kind: 'delay', ms: 1, status: 500}}, /unknown field "status"/],
    [{path: 'x', count: 1, fault: {kind: 'explode'}}, /status, delay or reset/],
    [
      [
        {path: '^/enrollments/', count: 1, fault: {kind: 'reset'}},
        {path: '\\d+\\d+\\d+', count: 1, fault: {kind: 'reset'}},
      ],
      /rule 2: path has more than 2 repetitions/,
    ],
  ];
  for (const [body, problem] of cases) {
    const answer = await post(body);
    assert.equal(answer.status, 400, JSON.stringify(body));
    assert.match((answer.body as {message: string}).message, problem);
  }
  assert.equal(
    (await getEnrollment()).status,
    404,
    'the good rule of the refused batch was not added',
  );
});
