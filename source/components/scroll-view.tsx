import {Box, Text} from 'ink';

/** A window of `height` lines over a longer text; says how much is above and below. */
export function ScrollView({text, scroll, height}: {text: string; scroll: number; height: number}) {
  const lines = text.replace(/\n$/, '').split('\n');
  const maxScroll = Math.max(0, lines.length - height);
  const top = Math.min(scroll, maxScroll);
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
