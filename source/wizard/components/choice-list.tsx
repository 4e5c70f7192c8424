import {Box, Text} from 'ink';
import {tone} from './tone.js';

export type Choice = {label: string; detail?: string; checked?: boolean; disabled?: boolean};

/** A vertical list with a pointer; checkboxes when items carry `checked`. */
export function ChoiceList({choices, cursor}: {choices: readonly Choice[]; cursor: number}) {
  return (
    <Box flexDirection="column">
      {choices.map((choice, index) => {
        const active = index === cursor;
        const box = choice.checked === undefined ? '' : choice.checked ? '[x] ' : '[ ] ';
        return (
          <Text key={choice.label} wrap="truncate-end">
            <Text color={tone(active ? 'cyan' : undefined)}>{active ? '❯ ' : '  '}</Text>
            <Text bold={active} dimColor={choice.disabled}>
              {box}
              {choice.label}
            </Text>
            {choice.detail ? <Text dimColor> {choice.detail}</Text> : null}
          </Text>
        );
      })}
    </Box>
  );
}
