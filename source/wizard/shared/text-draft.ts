import type {KeyEvent} from './key-event.js';

/** The text of one input field and where the cursor is (an index into the string's code points). */
export type TextDraft = {value: string; cursor: number};

export function draftOf(value: string): TextDraft {
  return {value, cursor: [...value].length};
}

export const emptyDraft: TextDraft = {value: '', cursor: 0};

/**
 * Applies one editing keystroke. Returns undefined for keys that do not edit text (Enter, Esc, Tab,
 * arrows up/down), so the caller can give them their meaning on that screen.
 */
export function editDraft(draft: TextDraft, event: KeyEvent): TextDraft | undefined {
  const characters = [...draft.value];
  const cursor = Math.min(draft.cursor, characters.length);
  const result = (next: string[], nextCursor: number): TextDraft => ({
    value: next.join(''),
    cursor: nextCursor,
  });
  switch (event.kind) {
    case 'text': {
      const inserted = [...event.text];
      return result(
        [...characters.slice(0, cursor), ...inserted, ...characters.slice(cursor)],
        cursor + inserted.length,
      );
    }
    case 'backspace':
      if (cursor === 0) return draft;
      return result([...characters.slice(0, cursor - 1), ...characters.slice(cursor)], cursor - 1);
    case 'left':
      return cursor === 0 ? draft : {...draft, cursor: cursor - 1};
    case 'right':
      return cursor >= characters.length ? draft : {...draft, cursor: cursor + 1};
    case 'home':
      return {...draft, cursor: 0};
    case 'end':
      return {...draft, cursor: characters.length};
    case 'ctrl':
      switch (event.letter) {
        case 'a':
          return {...draft, cursor: 0};
        case 'e':
          return {...draft, cursor: characters.length};
        case 'u':
          return result(characters.slice(cursor), 0);
        case 'k':
          return result(characters.slice(0, cursor), cursor);
        case 'w': {
          let start = cursor;
          while (start > 0 && characters[start - 1] === ' ') start--;
          while (start > 0 && characters[start - 1] !== ' ') start--;
          return result([...characters.slice(0, start), ...characters.slice(cursor)], start);
        }
        default:
          return undefined;
      }
    default:
      return undefined;
  }
}
