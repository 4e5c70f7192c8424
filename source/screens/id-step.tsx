import {Box, Text} from 'ink';
import type {TextDraft} from '../app/text-draft.js';
import {StepError} from '../components/step-error.js';
import {TextField} from '../components/text-field.js';

/** One text value with a line of explanation (registration ID, device ID). */
export function IdStep({
  title,
  explanation,
  label,
  draft,
  placeholder,
  stepError,
}: {
  title: string;
  explanation: string;
  label: string;
  draft: TextDraft;
  placeholder?: string;
  stepError: string | undefined;
}) {
  return (
    <Box flexDirection="column">
      <Text bold>{title}</Text>
      <Text dimColor wrap="wrap">
        {explanation}
      </Text>
      <TextField label={label} draft={draft} focused {...(placeholder ? {placeholder} : {})} />
      <StepError message={stepError} />
    </Box>
  );
}
