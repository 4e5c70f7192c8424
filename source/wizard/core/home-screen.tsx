import {Box, Text} from 'ink';
import type {ConnectionState} from '../shared/types.js';
import {ChoiceList} from '../components/choice-list.js';
import {tone} from '../components/tone.js';

export type HomeEntry = {label: string};

export function HomeScreen({
  entries,
  cursor,
  notice,
  connection,
}: {
  entries: readonly HomeEntry[];
  cursor: number;
  notice: string | undefined;
  connection: ConnectionState;
}) {
  return (
    <Box flexDirection="column" gap={1}>
      <Text wrap="wrap">
        Enroll IoT Edge devices that authenticate with X.509 certificates in the Device Provisioning
        Service.
      </Text>
      <ChoiceList cursor={cursor} choices={entries.map((entry) => ({label: entry.label}))} />
      {notice ? <Text color={tone('yellow')}>{notice}</Text> : null}
      <ConnectionPanel connection={connection} />
    </Box>
  );
}

function ConnectionPanel({connection}: {connection: ConnectionState}) {
  switch (connection.status) {
    case 'signing-in':
      return (
        <Box flexDirection="column" borderStyle="round" paddingX={1}>
          <Text bold>Sign in to Azure</Text>
          <Text wrap="wrap">
            On any device with a browser, open {connection.prompt.verificationUri}
          </Text>
          <Text>
            and enter the code{' '}
            <Text bold color={tone('cyan')}>
              {connection.prompt.userCode}
            </Text>
          </Text>
          <Text dimColor>Esc cancels the sign-in.</Text>
        </Box>
      );
    case 'failed':
      return (
        <Box flexDirection="column">
          <Text color={tone('red')} wrap="wrap">
            ✖ {connection.failure.message}
          </Text>
          <Text dimColor>Press r to try again.</Text>
        </Box>
      );
    case 'connected':
      return connection.info.sandboxStateDir ? (
        <Text dimColor wrap="truncate-middle">
          Sandbox data: {connection.info.sandboxStateDir}
        </Text>
      ) : null;
    case 'connecting':
      return null;
  }
}
