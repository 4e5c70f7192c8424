import type {Task, WizardState} from './state.js';

/** A task as a flow asks for it; the state gives it its id. */
export type NewTask = Task extends infer T ? (T extends Task ? Omit<T, 'id'> : never) : never;

export function addTask(state: WizardState, task: NewTask): WizardState {
  return {
    ...state,
    tasks: [...state.tasks, {...task, id: state.nextTaskId} as Task],
    nextTaskId: state.nextTaskId + 1,
  };
}

export function dropTask(state: WizardState, taskId: number): WizardState {
  return {...state, tasks: state.tasks.filter((task) => task.id !== taskId)};
}

export function dropTasksOfKind(state: WizardState, kind: Task['kind']): WizardState {
  return state.tasks.some((task) => task.kind === kind)
    ? {...state, tasks: state.tasks.filter((task) => task.kind !== kind)}
    : state;
}

/**
 * Asks for the CA certificates of DPS for one flow, dropping a reading still running for it: only the answer to the
 * last request lands.
 */
export function listCaCertificates(state: WizardState, owner: 'verify-ca' | 'group'): WizardState {
  const others = state.tasks.filter(
    (task) => !(task.kind === 'list-ca-certificates' && task.for === owner),
  );
  return addTask({...state, tasks: others}, {kind: 'list-ca-certificates', for: owner});
}

export const findTask = (state: WizardState, taskId: number): Task | undefined =>
  state.tasks.find((task) => task.id === taskId);

export const hasTask = (state: WizardState, taskId: number) =>
  state.tasks.some((task) => task.id === taskId);
