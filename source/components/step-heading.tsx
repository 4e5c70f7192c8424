import {Text} from 'ink';
import type {ReactNode} from 'react';

/** A step's title in bold and, when given, the dimmed lines under it that say what the step is for. */
export function StepHeading({title, children}: {title: string; children?: ReactNode}) {
  return (
    <>
      <Text bold>{title}</Text>
      {children === undefined ? null : (
        <Text dimColor wrap="wrap">
          {children}
        </Text>
      )}
    </>
  );
}
