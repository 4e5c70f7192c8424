import {Box, Text} from 'ink';
import type {ReactNode} from 'react';

/**
 * "Label      value" with the values of a block lined up. A long value is cut with "…", unless `wrap`:
 * then it goes on under its own column (for values the user must read whole, such as IDs).
 */
export function FieldRow({
  label,
  width = 16,
  wrap = false,
  children,
}: {
  label: string;
  width?: number;
  wrap?: boolean;
  children: ReactNode;
}) {
  if (wrap) {
    return (
      <Box>
        <Box width={width} flexShrink={0}>
          <Text>{label}</Text>
        </Box>
        <Text wrap="wrap">{children}</Text>
      </Box>
    );
  }
  return (
    <Text wrap="truncate-end">
      {label.padEnd(width)}
      {children}
    </Text>
  );
}
