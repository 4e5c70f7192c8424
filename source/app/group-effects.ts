import type {EffectContext} from './effects.js';
import type {GroupTask} from './group-flow.js';
import type {Action} from './reducer.js';

/** Runs the effects of the group flow with the services and connection of the context. */
export async function runGroupTask(
  task: GroupTask,
  _context: EffectContext,
): Promise<Action | undefined> {
  return {type: 'task-failed', taskId: task.id, message: `${task.kind} is not implemented`};
}
