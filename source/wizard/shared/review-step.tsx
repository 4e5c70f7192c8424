import {Box, Text} from 'ink';
import type {ReviewPanel} from './types.js';
import {ScrollView} from '../components/scroll-view.js';
import {StepError} from '../components/step-error.js';
import {tone} from '../components/tone.js';

const panelTitles: Record<ReviewPanel, string> = {
  summary: 'Values',
  request: 'Request JSON',
  az: 'az command',
};

/** Everything that will be sent, three ways: the values, the request body, and the az equivalent. */
export function ReviewStep({
  panel,
  scroll,
  text,
  height,
  width,
  stepError,
  note,
}: {
  panel: ReviewPanel;
  scroll: number;
  text: string;
  height: number;
  width: number;
  stepError: string | undefined;
  note?: string;
}) {
  return (
    <Box flexDirection="column">
      <Text>
        <Text bold>Review</Text>
        {'  '}
        {(Object.keys(panelTitles) as ReviewPanel[]).map((name) => (
          <Text key={name} inverse={name === panel}>
            {' '}
            {panelTitles[name]}{' '}
          </Text>
        ))}
      </Text>
      {note ? <Text color={tone('yellow')}>{note}</Text> : null}
      <ScrollView text={text} scroll={scroll} height={height} width={width} />
      <StepError message={stepError} />
    </Box>
  );
}
