import {Box, Text} from 'ink';
import {createContext, useContext, useEffect} from 'react';
import {wrapLines} from '../shared/layout.js';

/** Where a scrolling view reports how far it can scroll: the reducer keeps the offset within it. */
export const ScrollLimitContext = createContext<(limit: number) => void>(() => {});

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
  const limit = Math.max(0, lines.length - height);
  const reportLimit = useContext(ScrollLimitContext);
  useEffect(() => {
    reportLimit(limit);
  }, [reportLimit, limit]);
  const top = Math.min(scroll, limit);
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
