import type {ConnectionState, Failure, Task, WizardState} from '../core/state.js';
import {dropTasksOfKind} from '../core/task-list.js';

/** Saving before the connection is up fails at once, saying why; undefined once connected. */
export function notConnectedFailure(connection: ConnectionState): Failure | undefined {
  if (connection.status === 'connected') return undefined;
  return {
    kind: 'network',
    message:
      connection.status === 'failed'
        ? `not connected to DPS: ${connection.failure.message}`
        : 'still connecting to DPS; try again in a moment',
  };
}

/**
 * A save cancelled with Esc: its task goes, and so do the keys typed during the save, which were meant
 * for the screen after it, which will not come.
 */
export const withoutSave = (state: WizardState, kind: Task['kind']): WizardState => ({
  ...dropTasksOfKind(state, kind),
  typeAhead: [],
});

/** The flow after a cancelled save: the throttling notice belonged to that save and goes with it. */
export function cancelledSave<F extends {throttled?: unknown; stepError?: string}>(
  flow: F,
  saved: 'enrollment' | 'group',
): F {
  const {throttled: _dropped, ...rest} = flow;
  return {
    ...rest,
    stepError: `saving was cancelled; if DPS had already received it, saving again shows the ${saved} as existing`,
  } as F;
}
