import {Box, Text} from 'ink';
import {WaitingNotice} from './waiting-notice.js';
import type {ConnectionState} from '../shared/types.js';
import {tone} from './tone.js';

/** Always says where writes go: the sandbox, or which DPS. */
export function Header({connection, title}: {connection: ConnectionState; title: string}) {
  return (
    <Box
      flexDirection="column"
      borderStyle="single"
      borderLeft={false}
      borderRight={false}
      borderTop={false}
    >
      <Box justifyContent="space-between">
        <Text bold>dps-enroll · {title}</Text>
        <ConnectionBadge connection={connection} />
      </Box>
      <ConnectionLine connection={connection} />
    </Box>
  );
}

function ConnectionBadge({connection}: {connection: ConnectionState}) {
  switch (connection.status) {
    case 'connected':
      return connection.info.mode === 'sandbox' ? (
        <Text color={tone('yellow')} bold>
          SANDBOX
        </Text>
      ) : (
        <Text color={tone('green')} bold>
          {connection.info.mode === 'azure' ? 'AZURE' : 'CONNECTION STRING'}
        </Text>
      );
    case 'failed':
      return (
        <Text color={tone('red')} bold>
          NOT CONNECTED
        </Text>
      );
    default:
      return <Text dimColor>connecting…</Text>;
  }
}

function ConnectionLine({connection}: {connection: ConnectionState}) {
  switch (connection.status) {
    case 'connected': {
      const {info} = connection;
      const scope = info.idScope ? ` · ID scope ${info.idScope}` : '';
      if (info.mode === 'sandbox') {
        return (
          <Text wrap="truncate-end">Local sandbox DPS: nothing leaves this machine{scope}</Text>
        );
      }
      const name = info.dpsName ? `${info.dpsName} ` : '';
      return (
        <Text wrap="truncate-end">
          Writes go to DPS {name}({info.serviceHostName}){scope}
        </Text>
      );
    }
    case 'failed':
      return (
        <Text color={tone('red')} wrap="truncate-end">
          {connection.failure.kind === 'cancelled' ? 'Sign-in cancelled' : 'Could not connect'}:
          press r on the home screen to retry
        </Text>
      );
    case 'signing-in':
      return <Text wrap="truncate-end">Signing in to Azure for {connection.target}…</Text>;
    case 'connecting':
      return connection.waiting ? (
        <WaitingNotice wait={connection.waiting} cancellable={false} />
      ) : (
        <Text wrap="truncate-end">Connecting to {connection.target}…</Text>
      );
  }
}
