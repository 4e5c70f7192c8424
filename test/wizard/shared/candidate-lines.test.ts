import {test} from 'node:test';
import assert from 'node:assert/strict';
import {candidateLines, textFieldRows} from '../../../source/wizard/shared/layout.js';

const longNames = Array.from(
  {length: 20},
  (_, index) => `device-certificate-file-number-${index + 1}.cert.pem`,
);

test('many long candidates take at most four lines, each within the width, and count the rest', () => {
  const lines = candidateLines(longNames, 280, 80);
  assert.equal(lines.length, 4);
  for (const line of lines) assert.ok([...line].length <= 80, line);
  const shown = lines
    .join('  ')
    .split(/\s{2,}/)
    .filter((item) => item.endsWith('.pem')).length;
  const more = /… and (\d+) more$/.exec(lines.at(-1) ?? '');
  assert.ok(more, lines.at(-1));
  assert.equal(shown + Number(more[1]), 300);
});

test('a few short candidates share one line and no count is added', () => {
  assert.deepEqual(candidateLines(['chain/', 'state/', 't.sh'], 0, 80), ['chain/  state/  t.sh']);
});

test('a name wider than the terminal is cut with an ellipsis', () => {
  const [line] = candidateLines(['x'.repeat(100), 'y'], 0, 40);
  assert.equal([...(line ?? '')].length, 40);
  assert.ok(line?.endsWith('…'));
});

test('a unique completion (no candidates, one match) shows no lines', () => {
  assert.deepEqual(candidateLines([], 1, 80), []);
});

test('a text field takes a row per wrapped line of its label, value and cursor', () => {
  assert.equal(textFieldRows('JSON', '{}', 80), 1);
  assert.equal(textFieldRows('JSON', '{\n  "tags": {}\n}', 80), 3);
  assert.equal(textFieldRows('JSON', 'x'.repeat(200), 80), 3);
});
