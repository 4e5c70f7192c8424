import {Paragraph} from './paragraph.js';
import {tone} from './tone.js';

/** Why the step cannot move on, under the field it is about. */
export function StepError({message}: {message: string | undefined}) {
  if (!message) return null;
  return <Paragraph color={tone('red')}>{`✖ ${message}`}</Paragraph>;
}
