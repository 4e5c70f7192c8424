import {test} from 'node:test';
import assert from 'node:assert/strict';
import {deviceIdProblem, enrollmentIdProblem} from '../../source/dps/id-rules.js';

test('valid registration and group IDs pass', () => {
  for (const id of ['device-01', 'a', 'A.b_c:d-', 'x'.repeat(128), '0ne-edge']) {
    assert.equal(enrollmentIdProblem(id), undefined, id);
  }
});

test('registration ID problems are named by kind and quote the offending characters', () => {
  const cases: Array<[string, string, RegExp]> = [
    ['', 'empty', /is empty/],
    ['x'.repeat(129), 'too-long', /129 characters long; at most 128/],
    ['dev one', 'characters', /contains ' ', which is not allowed/],
    ['dev/ice#', 'characters', /contains '\/', '#', which are not allowed/],
    ['-device', 'edges', /must start with a letter or digit/],
    ['device.', 'edges', /must end with a letter, digit or '-'/],
  ];
  for (const [id, kind, message] of cases) {
    const problem = enrollmentIdProblem(id);
    assert.equal(problem?.kind, kind, id);
    assert.match(problem.message, message);
  }
});

test('the label and the limit are the caller’s (group IDs, X.509 CNs)', () => {
  assert.match(
    enrollmentIdProblem('-g', 'enrollment group ID')!.message,
    /^the enrollment group ID/,
  );
  assert.equal(enrollmentIdProblem('x'.repeat(65), 'registration ID', 64)?.kind, 'too-long');
  assert.equal(enrollmentIdProblem('x'.repeat(64), 'registration ID', 64), undefined);
});

test('device IDs allow the IoT Hub punctuation but not + or #', () => {
  assert.equal(deviceIdProblem("Edge-01.%_*?!(),:=@$'"), undefined);
  assert.equal(deviceIdProblem('x'.repeat(128)), undefined);
  assert.match(deviceIdProblem('dev+1')!.message, /contains '\+', which is not allowed/);
  assert.match(deviceIdProblem('dev#1')!.message, /contains '#'/);
  assert.equal(deviceIdProblem('x'.repeat(129))?.kind, 'too-long');
  assert.equal(deviceIdProblem('')?.kind, 'empty');
});
