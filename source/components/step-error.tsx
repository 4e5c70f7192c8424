import {Text} from 'ink';
import {tone} from './tone.js';

/** Why the step cannot move on, under the field it is about. */
export function StepError({message}: {message: string | undefined}) {
  if (!message) return null;
  return (
    <Text color={tone('red')} wrap="wrap">
      ✖ {message}
    </Text>
  );
}
