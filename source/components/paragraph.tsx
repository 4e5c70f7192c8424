import {Box, Text} from 'ink';

/**
 * Prose that wraps between words, with no space at the start of a wrapped line (Ink's own wrapping keeps
 * the space it broke at).
 */
export function Paragraph({children, dim = false}: {children: string; dim?: boolean}) {
  const words = children.split(/\s+/).filter((word) => word !== '');
  return (
    <Box flexWrap="wrap">
      {words.map((word, index) => (
        <Text key={index} dimColor={dim}>
          {index < words.length - 1 ? `${word} ` : word}
        </Text>
      ))}
    </Box>
  );
}
