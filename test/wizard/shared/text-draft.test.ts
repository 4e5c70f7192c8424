import {describe, test} from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import type {KeyEvent} from '../../../source/wizard/shared/key-event.js';
import {
  draftOf,
  editDraft,
  emptyDraft,
  type TextDraft,
} from '../../../source/wizard/shared/text-draft.js';
import {backspace, left, right, text} from '../../helpers/app-state.js';

function edit(draft: TextDraft, ...events: KeyEvent[]): TextDraft {
  let current = draft;
  for (const event of events) {
    const next = editDraft(current, event);
    assert.ok(next, `${event.kind} should edit the draft`);
    current = next;
  }
  return current;
}

const ctrl = (letter: string): KeyEvent => ({kind: 'ctrl', letter});

describe('editDraft', () => {
  test('draftOf puts the cursor after the last code point', () => {
    assert.deepEqual(draftOf('abc'), {value: 'abc', cursor: 3});
    assert.deepEqual(draftOf('é😀'), {value: 'é😀', cursor: 2});
    assert.deepEqual(emptyDraft, {value: '', cursor: 0});
  });

  test('text is inserted at the cursor, which moves past it', () => {
    assert.deepEqual(edit(emptyDraft, text('abc')), {value: 'abc', cursor: 3});
    assert.deepEqual(edit(draftOf('ad'), left, text('bc')), {value: 'abcd', cursor: 3});
    assert.deepEqual(edit(draftOf('bc'), {kind: 'home'}, text('a')), {value: 'abc', cursor: 1});
  });

  test('backspace removes the code point before the cursor', () => {
    assert.deepEqual(edit(draftOf('abc'), backspace), {value: 'ab', cursor: 2});
    assert.deepEqual(edit(draftOf('abc'), left, backspace), {value: 'ac', cursor: 1});
    assert.deepEqual(edit(draftOf('a😀'), backspace), {value: 'a', cursor: 1});
  });

  test('backspace at the start changes nothing', () => {
    const start = edit(draftOf('abc'), {kind: 'home'});
    assert.deepEqual(edit(start, backspace), {value: 'abc', cursor: 0});
    assert.deepEqual(edit(emptyDraft, backspace), emptyDraft);
  });

  test('left stops at 0 and right stops at the end', () => {
    assert.deepEqual(edit(draftOf('ab'), left, left, left, left), {value: 'ab', cursor: 0});
    assert.deepEqual(edit(draftOf('ab'), right, right), {value: 'ab', cursor: 2});
    assert.deepEqual(edit(draftOf('ab'), left, left, right), {value: 'ab', cursor: 1});
  });

  test('arrows move by code point, not by UTF-16 unit', () => {
    const draft = edit(draftOf('😀😀'), left, text('x'));
    assert.deepEqual(draft, {value: '😀x😀', cursor: 2});
  });

  test('home and end, and their ctrl a / ctrl e twins', () => {
    const middle = edit(draftOf('hello'), left, left);
    assert.equal(edit(middle, {kind: 'home'}).cursor, 0);
    assert.equal(edit(middle, ctrl('a')).cursor, 0);
    assert.equal(edit(middle, {kind: 'end'}).cursor, 5);
    assert.equal(edit(middle, ctrl('e')).cursor, 5);
    assert.equal(edit(middle, ctrl('a')).value, 'hello');
  });

  test('ctrl u deletes before the cursor, ctrl k after it', () => {
    const middle = edit(draftOf('hello world'), left, left, left, left, left);
    assert.deepEqual(edit(middle, ctrl('u')), {value: 'world', cursor: 0});
    assert.deepEqual(edit(middle, ctrl('k')), {value: 'hello ', cursor: 6});
  });

  test('ctrl w deletes the word before the cursor with the spaces after it', () => {
    assert.deepEqual(edit(draftOf('hello big world'), ctrl('w')), {
      value: 'hello big ',
      cursor: 10,
    });
    assert.deepEqual(edit(draftOf('hello big   '), ctrl('w')), {value: 'hello ', cursor: 6});
    assert.deepEqual(edit(draftOf('one two'), left, left, ctrl('w')), {value: 'one wo', cursor: 4});
    assert.deepEqual(edit(draftOf('word'), ctrl('w')), emptyDraft);
    assert.deepEqual(edit(draftOf('   '), ctrl('w')), emptyDraft);
    const start = edit(draftOf('abc'), {kind: 'home'});
    assert.deepEqual(edit(start, ctrl('w')), start);
  });

  test('keys that do not edit text are left to the caller', () => {
    const draft = draftOf('abc');
    for (const kind of [
      'enter',
      'escape',
      'tab',
      'back-tab',
      'up',
      'down',
      'page-up',
      'page-down',
    ] as const) {
      assert.equal(editDraft(draft, {kind}), undefined, kind);
    }
    assert.equal(editDraft(draft, ctrl('c')), undefined);
    assert.equal(editDraft(draft, ctrl('x')), undefined);
  });

  test('a cursor past the end (a draft replaced under it) is treated as the end', () => {
    const stale: TextDraft = {value: 'ab', cursor: 9};
    assert.deepEqual(edit(stale, text('c')), {value: 'abc', cursor: 3});
    assert.deepEqual(edit(stale, left), {value: 'ab', cursor: 1});
    assert.deepEqual(edit(stale, backspace), {value: 'a', cursor: 1});
  });
});

const anyText = fc.string({unit: 'grapheme', minLength: 1, maxLength: 6});

const anyEvent: fc.Arbitrary<KeyEvent> = fc.oneof(
  anyText.map((value): KeyEvent => ({kind: 'text', text: value})),
  fc.constantFrom<KeyEvent>(
    {kind: 'backspace'},
    {kind: 'left'},
    {kind: 'right'},
    {kind: 'home'},
    {kind: 'end'},
    {kind: 'enter'},
    {kind: 'tab'},
    {kind: 'up'},
  ),
  fc.constantFrom('a', 'e', 'u', 'k', 'w', 'c').map((letter): KeyEvent => ({kind: 'ctrl', letter})),
);

const anyDraft: fc.Arbitrary<TextDraft> = fc
  .string({unit: 'grapheme', maxLength: 12})
  .chain((value) =>
    fc.integer({min: 0, max: [...value].length}).map((cursor) => ({value, cursor})),
  );

describe('editDraft properties', () => {
  test('any sequence of keys keeps 0 <= cursor <= length', () => {
    fc.assert(
      fc.property(anyDraft, fc.array(anyEvent, {maxLength: 30}), (start, events) => {
        let draft = start;
        for (const event of events) {
          draft = editDraft(draft, event) ?? draft;
          const length = [...draft.value].length;
          assert.ok(Number.isInteger(draft.cursor));
          assert.ok(draft.cursor >= 0 && draft.cursor <= length, JSON.stringify(draft));
        }
      }),
    );
  });

  test('typing text then backspacing it restores the draft', () => {
    fc.assert(
      fc.property(anyDraft, fc.string({unit: 'grapheme', maxLength: 10}), (start, typed) => {
        let draft = edit(start, text(typed));
        assert.equal(draft.cursor, start.cursor + [...typed].length);
        for (let index = 0; index < [...typed].length; index++) draft = edit(draft, backspace);
        assert.deepEqual(draft, start);
      }),
    );
  });

  test('moving the cursor never changes the text', () => {
    fc.assert(
      fc.property(
        anyDraft,
        fc.array(
          fc.constantFrom<KeyEvent>(
            left,
            right,
            {kind: 'home'},
            {kind: 'end'},
            ctrl('a'),
            ctrl('e'),
          ),
        ),
        (start, moves) => {
          const draft = moves.reduce((current, event) => edit(current, event), start);
          assert.equal(draft.value, start.value);
        },
      ),
    );
  });
});
