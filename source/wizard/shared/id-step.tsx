import {Box} from 'ink';
import type {TextDraft} from './text-draft.js';
import {StepError} from '../components/step-error.js';
import {StepHeading} from '../components/step-heading.js';
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
      <StepHeading title={title}>{explanation}</StepHeading>
      <TextField label={label} draft={draft} focused {...(placeholder ? {placeholder} : {})} />
      <StepError message={stepError} />
    </Box>
  );
}
