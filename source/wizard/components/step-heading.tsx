import {Text} from 'ink';
import {Paragraph} from './paragraph.js';

/** A step's title in bold and, when given, the dimmed lines under it that say what the step is for. */
export function StepHeading({title, children}: {title: string; children?: string}) {
  return (
    <>
      <Text bold>{title}</Text>
      {children === undefined ? null : <Paragraph dim>{children}</Paragraph>}
    </>
  );
}
