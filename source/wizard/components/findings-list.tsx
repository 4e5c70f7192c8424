import {Box} from 'ink';
import type {Finding} from '../shared/types.js';
import {Paragraph} from './paragraph.js';
import {tone} from './tone.js';

const marks = {error: '✖', warning: '⚠', info: 'ℹ'} as const;
const colors = {error: 'red', warning: 'yellow', info: 'gray'} as const;

/** Check results, worst first, each with its fix. */
export function FindingsList({findings}: {findings: readonly Finding[]}) {
  const order = {error: 0, warning: 1, info: 2} as const;
  const sorted = [...findings].sort((a, b) => order[a.severity] - order[b.severity]);
  return (
    <Box flexDirection="column">
      {sorted.map((finding) => (
        <Box key={finding.code} flexDirection="column">
          <Paragraph color={tone(colors[finding.severity])}>
            {`${marks[finding.severity]} ${finding.message}`}
          </Paragraph>
          {finding.hint && finding.severity !== 'info' ? (
            <Box paddingLeft={2}>
              <Paragraph dim>{`fix: ${finding.hint}`}</Paragraph>
            </Box>
          ) : null}
        </Box>
      ))}
    </Box>
  );
}
