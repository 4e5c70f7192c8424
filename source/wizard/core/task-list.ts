import type {FlowName} from '../shared/effect.js';
import type {Effect, Task, WizardState} from './state.js';

/** The effects the wizard waits for, each with its id and the flow its outcome goes to. */

export function addTask(
  state: WizardState,
  owner: FlowName | 'wizard',
  effect: Effect,
): WizardState {
  return {
    ...state,
    tasks: [...state.tasks, {...effect, id: state.nextTaskId, owner}],
    nextTaskId: state.nextTaskId + 1,
  };
}

export function dropTask(state: WizardState, taskId: number): WizardState {
  return {...state, tasks: state.tasks.filter((task) => task.id !== taskId)};
}

/** Drops the running effects of one kind that `owner` asked for: their outcomes will not land. */
export function dropTasks(
  state: WizardState,
  owner: FlowName | 'wizard',
  kind: string,
): WizardState {
  const kept = state.tasks.filter((task) => !(task.owner === owner && task.kind === kind));
  return kept.length === state.tasks.length ? state : {...state, tasks: kept};
}

export const findTask = (state: WizardState, taskId: number): Task | undefined =>
  state.tasks.find((task) => task.id === taskId);
