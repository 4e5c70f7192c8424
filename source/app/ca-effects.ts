import type {EffectContext} from './effects.js';
import type {CaTask} from './ca-flow.js';
import type {Action} from './reducer.js';

/** Runs the effects of the ca flow with the services and connection of the context. */
export async function runCaTask(
  task: CaTask,
  _context: EffectContext,
): Promise<Action | undefined> {
  return {type: 'task-failed', taskId: task.id, message: `${task.kind} is not implemented`};
}
