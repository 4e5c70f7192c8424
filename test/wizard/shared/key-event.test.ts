import {describe, test} from 'node:test';
import assert from 'node:assert/strict';
import type {Key} from 'ink';
import {toKeyEvents, type KeyEvent} from '../../../source/wizard/shared/key-event.js';
import {inkKey as key} from '../../helpers/app-state.js';

describe('toKeyEvents: special keys', () => {
  const cases: [Partial<Key>, KeyEvent][] = [
    [{upArrow: true}, {kind: 'up'}],
    [{downArrow: true}, {kind: 'down'}],
    [{leftArrow: true}, {kind: 'left'}],
    [{rightArrow: true}, {kind: 'right'}],
    [{pageUp: true}, {kind: 'page-up'}],
    [{pageDown: true}, {kind: 'page-down'}],
    [{home: true}, {kind: 'home'}],
    [{end: true}, {kind: 'end'}],
    [{escape: true, meta: true}, {kind: 'escape'}],
    [{tab: true}, {kind: 'tab'}],
    [{tab: true, shift: true}, {kind: 'back-tab'}],
    [{return: true}, {kind: 'enter'}],
    [{backspace: true}, {kind: 'backspace'}],
    // Ink names DEL (0x7f), which most terminals send for Backspace, `delete`.
    [{delete: true}, {kind: 'backspace'}],
  ];
  for (const [flags, expected] of cases) {
    test(`${Object.keys(flags).join('+')} → ${expected.kind}`, () => {
      // Ink hands special keys over with an empty input string.
      assert.deepEqual(toKeyEvents('', key(flags)), [expected]);
    });
  }

  test('a special key wins over whatever input came with it', () => {
    assert.deepEqual(toKeyEvents('\r', key({return: true})), [{kind: 'enter'}]);
    assert.deepEqual(toKeyEvents('\t', key({tab: true})), [{kind: 'tab'}]);
  });

  test('ctrl with a letter', () => {
    for (const letter of ['a', 'e', 'u', 'k', 'w', 'c']) {
      assert.deepEqual(toKeyEvents(letter, key({ctrl: true})), [{kind: 'ctrl', letter}]);
    }
  });

  test('ctrl with something other than one lower-case letter is not a ctrl event', () => {
    assert.deepEqual(toKeyEvents('', key({ctrl: true})), []);
    assert.deepEqual(toKeyEvents('ab', key({ctrl: true})), [{kind: 'text', text: 'ab'}]);
  });

  test('a key Ink reports with no flag and no input (F1, Insert) gives nothing', () => {
    assert.deepEqual(toKeyEvents('', key()), []);
  });
});

describe('toKeyEvents: input strings', () => {
  test('one character is text', () => {
    assert.deepEqual(toKeyEvents('a', key()), [{kind: 'text', text: 'a'}]);
    assert.deepEqual(toKeyEvents(' ', key()), [{kind: 'text', text: ' '}]);
    assert.deepEqual(toKeyEvents('A', key({shift: true})), [{kind: 'text', text: 'A'}]);
  });

  test('DEL (0x7f) and BS (0x08) inside the input are backspaces', () => {
    assert.deepEqual(toKeyEvents('\x7f', key()), [{kind: 'backspace'}]);
    assert.deepEqual(toKeyEvents('\b', key()), [{kind: 'backspace'}]);
    assert.deepEqual(toKeyEvents('ab\x7fc\bd', key()), [
      {kind: 'text', text: 'ab'},
      {kind: 'backspace'},
      {kind: 'text', text: 'c'},
      {kind: 'backspace'},
      {kind: 'text', text: 'd'},
    ]);
  });

  test('a burst of typed text and Enter becomes text then enter, in order', () => {
    assert.deepEqual(toKeyEvents('abc\r', key()), [{kind: 'text', text: 'abc'}, {kind: 'enter'}]);
  });

  test('CR and LF are each an enter; two in a row are two', () => {
    assert.deepEqual(toKeyEvents('\n', key()), [{kind: 'enter'}]);
    assert.deepEqual(toKeyEvents('a\r\rb\n', key()), [
      {kind: 'text', text: 'a'},
      {kind: 'enter'},
      {kind: 'enter'},
      {kind: 'text', text: 'b'},
      {kind: 'enter'},
    ]);
  });

  test('CR LF (pasted Windows text) is one enter, not two', () => {
    assert.deepEqual(toKeyEvents('a\r\nb\r\n', key()), [
      {kind: 'text', text: 'a'},
      {kind: 'enter'},
      {kind: 'text', text: 'b'},
      {kind: 'enter'},
    ]);
    assert.deepEqual(toKeyEvents('\r\n\r\n', key()), [{kind: 'enter'}, {kind: 'enter'}]);
    assert.deepEqual(toKeyEvents('\n\r', key()), [{kind: 'enter'}, {kind: 'enter'}]);
  });

  test('a tab inside a burst splits the text around it', () => {
    assert.deepEqual(toKeyEvents('a\tb', key()), [
      {kind: 'text', text: 'a'},
      {kind: 'tab'},
      {kind: 'text', text: 'b'},
    ]);
  });

  test('other control characters are dropped without splitting the text', () => {
    assert.deepEqual(toKeyEvents('a\x00b\x1bc\x07d\x1f', key()), [{kind: 'text', text: 'abcd'}]);
    assert.deepEqual(toKeyEvents('\x02\x06', key()), []);
  });

  test('multi-code-point text stays whole: accents, emoji, surrogate pairs', () => {
    assert.deepEqual(toKeyEvents('é', key()), [{kind: 'text', text: 'é'}]);
    assert.deepEqual(toKeyEvents('e\u0301', key()), [{kind: 'text', text: 'e\u0301'}]);
    assert.deepEqual(toKeyEvents('😀', key()), [{kind: 'text', text: '😀'}]);
    assert.deepEqual(toKeyEvents('👩‍💻x\r', key()), [{kind: 'text', text: '👩‍💻x'}, {kind: 'enter'}]);
    assert.deepEqual(toKeyEvents('日本\t語', key()), [
      {kind: 'text', text: '日本'},
      {kind: 'tab'},
      {kind: 'text', text: '語'},
    ]);
  });

  test('a pasted multi-line JSON keeps every line and every line break', () => {
    const pasted = '{\n  "tags": {"a": 1}\n}';
    assert.deepEqual(toKeyEvents(pasted, key()), [
      {kind: 'text', text: '{'},
      {kind: 'enter'},
      {kind: 'text', text: '  "tags": {"a": 1}'},
      {kind: 'enter'},
      {kind: 'text', text: '}'},
    ]);
  });
});
