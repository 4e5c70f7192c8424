import {browseFlow} from '../flows/browse/flow.js';
import {caFlow} from '../flows/ca/flow.js';
import {groupFlow} from '../flows/group/flow.js';
import {individualFlow} from '../flows/individual/flow.js';
import {testCertificatesFlow} from '../flows/test-certificates/flow.js';
import {testEnrollmentFlow} from '../flows/test-enrollment/flow.js';
import type {FlowName, FlowUpdate, HandOff, RouterEffect} from '../shared/effect.js';
import {stepOf, type FlowContext, type FlowModule, type StepSpec} from '../shared/flow.js';
import type {StepFlow} from '../shared/flow-step.js';
import {recordDropped} from './session-record.js';
import type {Effect, Task, WizardState} from './state.js';
import {addTask} from './task-list.js';

/**
 * The flows as the router sees them: every flow has the same shape (FlowModule), so the router reaches
 * them by name. This is the one place that knows which state slice holds which flow.
 */

type AnyFlow = StepFlow;
type AnyModule = FlowModule<AnyFlow, Effect, unknown, unknown>;

const modules = {
  individual: individualFlow,
  group: groupFlow,
  'verify-ca': caFlow,
  'test-certificates': testCertificatesFlow,
  'test-enrollment': testEnrollmentFlow,
  browse: browseFlow,
};

const slices = {
  individual: 'individual',
  group: 'group',
  'verify-ca': 'ca',
  'test-certificates': 'testCertificates',
  'test-enrollment': 'testEnrollment',
  browse: 'browse',
} as const satisfies Record<FlowName, keyof WizardState>;

export const moduleOf = (name: FlowName): AnyModule => modules[name] as unknown as AnyModule;

export const flowOf = (state: WizardState, name: FlowName): AnyFlow => state[slices[name]];

export function withFlow(state: WizardState, name: FlowName, flow: AnyFlow): WizardState {
  return flowOf(state, name) === flow ? state : {...state, [slices[name]]: flow};
}

/** What a flow may know of the wizard around it. */
export function contextOf(state: WizardState): FlowContext {
  const info = state.connection.status === 'connected' ? state.connection.info : undefined;
  return {
    cwd: state.cwd,
    viewport: state.viewport,
    connection: state.connection,
    info,
    linkedHubs: info?.linkedHubs ?? [],
  };
}

/** The flow on screen and its current step, or undefined on the home screen. */
export function stepOnScreen(
  state: WizardState,
): {name: FlowName; flow: AnyFlow; spec: StepSpec<AnyFlow>} | undefined {
  const {name} = state.screen;
  if (name === 'home' || name === 'quit' || name === 'resume') return undefined;
  const flow = flowOf(state, name);
  return {name, flow, spec: stepOf(moduleOf(name).steps, flow)};
}

/** Applies a flow's update: its new state, then each effect it asks for, in order. */
export function applyUpdate(
  state: WizardState,
  owner: FlowName,
  {flow, effects}: FlowUpdate<AnyFlow, Effect>,
): WizardState {
  let next = withFlow(state, owner, flow);
  for (const effect of effects) {
    next = isRouterEffect(effect)
      ? applyRouterEffect(next, owner, effect)
      : addTask(next, owner, effect);
  }
  return next;
}

const routerKinds: readonly string[] = ['open', 'home', 'cancel', 'discard-type-ahead'];
const isRouterEffect = (effect: Effect | RouterEffect): effect is RouterEffect =>
  routerKinds.includes(effect.kind);

function applyRouterEffect(state: WizardState, owner: FlowName, effect: RouterEffect): WizardState {
  switch (effect.kind) {
    case 'home':
      return {...state, screen: {name: 'home', cursor: 0}};
    case 'open':
      return openFlow(state, effect);
    case 'cancel': {
      const cancelled = (task: Task) => task.owner === owner && task.kind === effect.effect;
      const dropped = state.tasks.filter(cancelled);
      if (dropped.length === 0) return state;
      const kept = state.tasks.filter((task) => !cancelled(task));
      // What the cancelled call was waiting for goes with it; a save it dropped may have reached DPS.
      return recordDropped(withoutWaiting({...state, tasks: kept}, owner), dropped);
    }
    case 'discard-type-ahead':
      return state.typeAhead.length === 0 ? state : {...state, typeAhead: []};
  }
}

/** The flow no longer shows what a DPS call of it was waiting for: the call is over. */
export function withoutWaiting(state: WizardState, name: FlowName): WizardState {
  const flow = flowOf(state, name);
  if (flow.waiting === undefined) return state;
  const {waiting: _done, ...rest} = flow;
  return withFlow(state, name, rest);
}

/** Puts a flow on screen, opened from home or handed over by another flow. */
export function openFlow(state: WizardState, handOff: HandOff): WizardState {
  const name = handOff.flow;
  const opened: WizardState = {...state, screen: {name}};
  const opening = moduleOf(name).open(flowOf(opened, name), handOff.with, contextOf(opened));
  return applyUpdate(opened, name, opening);
}
