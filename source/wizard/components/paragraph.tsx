import {Box, Text} from 'ink';
import type {ToneName} from './tone.js';

/**
 * Prose that wraps between words, with no space at the start of a wrapped line (Ink's own wrapping keeps
 * the space it broke at).
 */
export function Paragraph({
  children,
  dim = false,
  color,
}: {
  children: string;
  dim?: boolean;
  color?: ToneName | undefined;
}) {
  const words = children.split(/\s+/).filter((word) => word !== '');
  return (
    <Box flexWrap="wrap">
      {words.map((word, index) => (
        <Text key={index} dimColor={dim} color={color}>
          {index < words.length - 1 ? `${word} ` : word}
        </Text>
      ))}
    </Box>
  );
}
