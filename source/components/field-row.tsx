import {Text} from 'ink';
import type {ReactNode} from 'react';

/** "Label      value" with the values of a block lined up. */
export function FieldRow({
  label,
  width = 16,
  children,
}: {
  label: string;
  width?: number;
  children: ReactNode;
}) {
  return (
    <Text wrap="truncate-end">
      {label.padEnd(width)}
      {children}
    </Text>
  );
}
