import {Box, Text} from 'ink';

/** The keys that work on this screen, one line at the bottom. */
export function KeyHints({hints}: {hints: readonly string[]}) {
  return (
    <Box>
      <Text dimColor wrap="truncate-end">
        {hints.join(' · ')}
      </Text>
    </Box>
  );
}
