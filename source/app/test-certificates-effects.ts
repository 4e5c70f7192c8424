import type {EffectContext} from './effects.js';
import type {TestCertificatesTask} from './test-certificates-flow.js';
import type {Action} from './reducer.js';

/** Runs the effects of the test-certificates flow with the services and connection of the context. */
export async function runTestCertificatesTask(
  task: TestCertificatesTask,
  _context: EffectContext,
): Promise<Action | undefined> {
  return {type: 'task-failed', taskId: task.id, message: `${task.kind} is not implemented`};
}
