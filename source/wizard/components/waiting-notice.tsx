import {Text} from 'ink';
import type {RetryWait} from '../../dps/index.js';
import {tone} from './tone.js';

/** Says what a DPS call is waiting for before it tries again, and for how long. */
export function WaitingNotice({wait, cancellable}: {wait: RetryWait; cancellable: boolean}) {
  const seconds = Math.max(1, Math.round(wait.delayMs / 1000));
  const asked = wait.askedByDps ? ', as DPS asked' : '';
  const cancel = cancellable ? ' Esc cancels.' : '';
  return (
    <Text color={tone('yellow')} wrap="wrap">
      {`${wait.reason}: trying to ${wait.operation} again in ${seconds} s${asked} (attempt ${wait.attempt} of ${wait.maxAttempts}).${cancel}`}
    </Text>
  );
}
