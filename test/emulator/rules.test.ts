import {test} from 'node:test';
import assert from 'node:assert/strict';
import {
  caNameProblem,
  maxCaNameLength,
  maxDesiredBytes,
  maxTagsBytes,
  twinKeyProblem,
  twinProblems,
  twinSize,
} from '../../source/dps/index.js';

test('caNameProblem: 1 to 256 letters, digits, - . _, not ending with a dot', () => {
  for (const name of ['a', 'contoso-root_ca.2026', 'A.B', 'x'.repeat(maxCaNameLength), '-lead']) {
    assert.equal(caNameProblem(name), undefined, name);
  }
  const cases: Array<[string, string, RegExp]> = [
    ['', 'empty', /is empty/],
    ['x'.repeat(257), 'too-long', /257 characters long; at most 256/],
    ['../../x', 'characters', /contains '\/', which is not allowed/],
    ['a\nb', 'characters', /the control character U\+000A/],
    ['a\u200bb', 'characters', /the control character U\+200B/],
    ['my root', 'characters', /a space/],
    ['ä#%&?', 'characters', /'ä', '#', '%', '&', '\?', which are not allowed/],
    ['root.', 'trailing-dot', /cannot end with '\.'/],
  ];
  for (const [name, kind, message] of cases) {
    const problem = caNameProblem(name);
    assert.equal(problem?.kind, kind, JSON.stringify(name));
    assert.match(problem.message, message);
    assert.ok(!problem.message.includes('\n'), 'a message is one line');
  }
});

test('twin rules: keys, size, depth, strings and integers', () => {
  assert.equal(twinKeyProblem('site'), undefined);
  assert.match(twinKeyProblem('a.b') ?? '', /contains '.', which is not allowed/);
  assert.match(twinKeyProblem('$x') ?? '', /starts with '\$'/);
  assert.match(twinKeyProblem('a b\tc') ?? '', /a space and the control character U\+0009/);
  assert.match(twinKeyProblem('k'.repeat(1025)) ?? '', /1025 bytes long/);

  assert.deepEqual(twinProblems({tags: {site: 'lab'}, properties: {desired: {n: 1}}}), []);
  const atLimit = {tags: {b: 'x'.repeat(maxTagsBytes - 8)}};
  assert.equal(twinSize(atLimit).tagsBytes, maxTagsBytes);
  assert.deepEqual(
    twinProblems({tags: {a: 'x'.repeat(4000), b: 'x'.repeat(4000), c: 'x'.repeat(200)}}),
    [
      `the tags are ${twinSize({tags: {a: 'x'.repeat(4000), b: 'x'.repeat(4000), c: 'x'.repeat(200)}}).tagsBytes} bytes as JSON; IoT Hub allows at most 8 KB (8192 bytes)`,
    ],
  );
  const desired = Object.fromEntries(
    Array.from({length: 9}, (_, index) => [`k${index}`, 'x'.repeat(4000)]),
  );
  assert.equal(twinSize({properties: {desired}}).desiredBytes > maxDesiredBytes, true);
  assert.match(twinProblems({properties: {desired}})[0] ?? '', /at most 32 KB/);

  const deep = JSON.parse(`${'{"a":'.repeat(12)}1${'}'.repeat(12)}`) as Record<string, unknown>;
  assert.match(twinProblems({tags: deep})[0] ?? '', /nest objects more than 10 levels deep/);
  const ten = JSON.parse(`${'{"a":'.repeat(11)}1${'}'.repeat(11)}`) as Record<string, unknown>;
  assert.deepEqual(twinProblems({tags: ten}), [], 'ten levels below the tags are allowed');
  let arrays: unknown = 1;
  for (let level = 0; level < 1000; level++) arrays = [arrays];
  assert.match(twinProblems({tags: {a: arrays}})[0] ?? '', /too|deep/, 'deep arrays end the walk');

  assert.match(twinProblems({tags: {s: 'x'.repeat(4097)}})[0] ?? '', /4097 bytes long/);
  assert.match(twinProblems({tags: {n: 2 ** 52}})[0] ?? '', /outside the integers/);
  assert.deepEqual(twinProblems({tags: {n: 2 ** 52 - 1, m: -(2 ** 52)}}), []);
});
