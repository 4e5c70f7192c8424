import {Text} from 'ink';
import type {TextDraft} from '../shared/text-draft.js';
import {tone} from './tone.js';

/** One line of editable text with its cursor (shown only while the field has the focus). */
export function TextField({
  label,
  draft,
  focused,
  placeholder,
}: {
  label?: string;
  draft: TextDraft;
  focused: boolean;
  placeholder?: string;
}) {
  const characters = [...draft.value];
  const cursor = Math.min(draft.cursor, characters.length);
  const before = characters.slice(0, cursor).join('');
  const atCursor = characters[cursor] ?? ' ';
  const after = characters.slice(cursor + 1).join('');
  return (
    <Text wrap="wrap">
      {label ? <Text bold={focused}>{label} </Text> : null}
      <Text color={tone(focused ? 'cyan' : 'gray')}>{focused ? '› ' : '  '}</Text>
      {draft.value === '' && placeholder && !focused ? <Text dimColor>{placeholder}</Text> : null}
      {focused ? (
        <>
          {before}
          <Text inverse>{atCursor === '\n' ? ' ' : atCursor}</Text>
          {atCursor === '\n' ? '\n' : ''}
          {after}
          {draft.value === '' && placeholder ? <Text dimColor> {placeholder}</Text> : null}
        </>
      ) : (
        draft.value
      )}
    </Text>
  );
}
