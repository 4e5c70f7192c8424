import {Box, Text} from 'ink';
import {wrapLines} from '../shared/layout.js';

/** A window of `height` lines over a longer text, wrapped at `width`; says how much is above and below. */
export function ScrollView({
  text,
  scroll,
  height,
  width,
}: {
  text: string;
  scroll: number;
  height: number;
  width: number;
}) {
  const lines = wrapLines(text, width);
  const top = Math.min(scroll, Math.max(0, lines.length - height));
  const visible = lines.slice(top, top + height);
  const below = lines.length - top - visible.length;
  return (
    <Box flexDirection="column">
      {top > 0 ? <Text dimColor>↑ {top} more lines</Text> : null}
      {visible.map((line, index) => (
        <Text key={top + index} wrap="truncate-end">
          {line === '' ? ' ' : line}
        </Text>
      ))}
      {below > 0 ? <Text dimColor>↓ {below} more lines</Text> : null}
    </Box>
  );
}
