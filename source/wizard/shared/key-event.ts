import type {Key} from 'ink';

/**
 * One keystroke, whatever the terminal sent. A burst (a paste, or typed text and Enter that a laggy link
 * delivers in one packet) reaches Ink as a single input string; it is split here into keystrokes in order.
 */
export type KeyEvent =
  | {kind: 'text'; text: string}
  | {kind: 'enter'}
  | {kind: 'escape'}
  | {kind: 'tab'}
  | {kind: 'back-tab'}
  | {kind: 'backspace'}
  | {kind: 'up'}
  | {kind: 'down'}
  | {kind: 'left'}
  | {kind: 'right'}
  | {kind: 'home'}
  | {kind: 'end'}
  | {kind: 'page-up'}
  | {kind: 'page-down'}
  /** Ctrl with a letter, e.g. {kind: 'ctrl', letter: 'u'}. */
  | {kind: 'ctrl'; letter: string};

function specialKey(key: Key): KeyEvent | undefined {
  if (key.upArrow) return {kind: 'up'};
  if (key.downArrow) return {kind: 'down'};
  if (key.leftArrow) return {kind: 'left'};
  if (key.rightArrow) return {kind: 'right'};
  if (key.pageUp) return {kind: 'page-up'};
  if (key.pageDown) return {kind: 'page-down'};
  if (key.home) return {kind: 'home'};
  if (key.end) return {kind: 'end'};
  if (key.escape) return {kind: 'escape'};
  if (key.tab) return key.shift ? {kind: 'back-tab'} : {kind: 'tab'};
  if (key.return) return {kind: 'enter'};
  // Most terminals send DEL (0x7f) for the Backspace key, which Ink reports as `delete`.
  if (key.backspace || key.delete) return {kind: 'backspace'};
  return undefined;
}

/**
 * Esc and the key after it, arriving in one packet, reach Ink as that key with `meta` set (Esc then Enter,
 * Esc then p): the Esc comes first. Arrows, paging keys and Backspace are left alone, since Alt gives them
 * `meta` too (Alt+Backspace is a habit in text fields).
 */
function escapeCameFirst(key: Key): boolean {
  if (!key.meta || key.escape || key.ctrl || key.backspace || key.delete) return false;
  const navigation =
    key.upArrow ||
    key.downArrow ||
    key.leftArrow ||
    key.rightArrow ||
    key.pageUp ||
    key.pageDown ||
    key.home ||
    key.end;
  return !navigation;
}

/** Ctrl+A, E, K, U, W: the text field's editing keys, kept when they come inside a burst. */
const editingControls = new Set([0x01, 0x05, 0x0b, 0x15, 0x17]);

/** Splits what Ink hands to useInput into keystrokes, keeping their order. */
export function toKeyEvents(input: string, key: Key): KeyEvent[] {
  const events = keystrokes(input, key);
  return events.length > 0 && escapeCameFirst(key) ? [{kind: 'escape'}, ...events] : events;
}

function keystrokes(input: string, key: Key): KeyEvent[] {
  const special = specialKey(key);
  if (special) return [special];
  if (key.ctrl && /^[a-z]$/.test(input)) return [{kind: 'ctrl', letter: input}];

  const events: KeyEvent[] = [];
  let text = '';
  const flush = () => {
    if (text !== '') events.push({kind: 'text', text});
    text = '';
  };
  let previous = '';
  for (const character of input) {
    const code = character.codePointAt(0) ?? 0;
    const crlf = previous === '\r' && character === '\n';
    previous = character;
    // CR LF (a paste of Windows text) is one line end, as in Node's readline, not two Enters.
    if (crlf) continue;
    if (character === '\r' || character === '\n') {
      flush();
      events.push({kind: 'enter'});
    } else if (character === '\t') {
      flush();
      events.push({kind: 'tab'});
    } else if (code === 0x7f || code === 0x08) {
      flush();
      events.push({kind: 'backspace'});
    } else if (editingControls.has(code)) {
      // Ctrl+U then the new text in one packet: the Ctrl key, in its place.
      flush();
      events.push({kind: 'ctrl', letter: String.fromCharCode(code + 0x60)});
    } else if (code >= 0x20) {
      text += character;
    }
  }
  flush();
  return events;
}
