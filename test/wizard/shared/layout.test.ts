import {test} from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {wrapLines} from '../../../source/wizard/shared/layout.js';

const width = (line: string) => [...line].length;

test('short lines are kept as they are', () => {
  assert.deepEqual(wrapLines('one\n\ntwo\n', 40), ['one', '', 'two']);
});

test('a long "Label   value" row wraps at spaces and hangs under the value', () => {
  const lines = wrapLines('IoT hubs    hub-a.azure-devices.net, hub-b.azure-devices.net', 40);
  assert.deepEqual(lines, [
    'IoT hubs    hub-a.azure-devices.net,',
    '            hub-b.azure-devices.net',
  ]);
});

test('a wrapped comment goes on as a comment', () => {
  const lines = wrapLines(
    '# The identity certificate followed by its intermediate CA certificates',
    40,
  );
  assert.ok(lines.length > 1);
  for (const line of lines) assert.match(line, /^# /);
});

test('no line is wider than the width, and no visible character is lost or moved', () => {
  fc.assert(
    fc.property(
      fc
        .array(fc.stringMatching(/^[a-z#-]{0,30}$/), {maxLength: 12})
        .map((words) => words.join(' ')),
      fc.integer({min: 20, max: 80}),
      (text, columns) => {
        const lines = wrapLines(text, columns);
        for (const line of lines) assert.ok(width(line) <= columns, `${line} > ${columns}`);
        const visible = (value: string) => value.replace(/[\s#]/g, '');
        assert.equal(visible(lines.join('')), visible(text));
      },
    ),
    {numRuns: 200},
  );
});
