import type {FlowName, HandOff} from '../shared/effect.js';
import type {KeyEvent} from '../shared/key-event.js';
import {defaultViewport, type Viewport} from '../shared/layout.js';
import type {ConnectionInfo, LoadedCertificate, SettingsDraft} from '../shared/types.js';
import {
  applyUpdate,
  contextOf,
  flowOf,
  moduleOf,
  openFlow,
  stepOnScreen,
  withFlow,
  withoutWaiting,
} from './flows.js';
import {discardDraft, draftHasTyping, resumeDraft, type Draft} from './draft.js';
import {initialFlows} from './initial-flows.js';
import {emptySessionRecord, recordOutcome} from './session-record.js';
import type {HomeItem, Outcome, ScrollLimit, TaskProgress, WizardState} from './state.js';
import {addTask, dropTask, dropTasks, findTask} from './task-list.js';

/**
 * The wizard's reducer only routes: keys to the flow on screen (or home), outcomes to the flow that asked
 * for the effect, and what flows ask of each other (open a flow, go home) to the flow named. It also holds
 * keys typed while a step waits, and replays them in order when it is done.
 */

/** Everything that can happen to the wizard: keys, the terminal's size, and news from effects. */
export type Action =
  | {type: 'keys'; events: KeyEvent[]}
  | {type: 'viewport'; viewport: Viewport}
  /** The view measured how far the scrolling step on screen can scroll. */
  | ({type: 'scroll-limit'} & ScrollLimit)
  | {type: 'progress'; taskId: number; progress: TaskProgress}
  | {type: 'result'; taskId: number; outcome: Outcome};

export const homeItems: {item: HomeItem; label: string}[] = [
  {item: 'individual', label: 'Individual enrollment'},
  {item: 'group', label: 'Group enrollment'},
  {item: 'verify-ca', label: 'Verify a CA certificate'},
  {item: 'test-certificates', label: 'Generate test certificates'},
  {item: 'test-enrollment', label: 'Test an enrollment'},
  {item: 'browse', label: 'Browse DPS'},
  {item: 'quit', label: 'Quit'},
];

/** How each flow opens from the home screen. */
const fromHome: Record<FlowName, HandOff> = {
  individual: {flow: 'individual', with: {}},
  group: {flow: 'group', with: {kind: 'home'}},
  'verify-ca': {flow: 'verify-ca', with: {kind: 'home'}},
  'test-certificates': {flow: 'test-certificates', with: {kind: 'home'}},
  'test-enrollment': {flow: 'test-enrollment', with: {kind: 'home'}},
  browse: {flow: 'browse', with: {kind: 'home'}},
};

/**
 * The wizard as it starts: connecting, on the home screen, or on the resume prompt when a draft with typing
 * was found. `notice` is a one-line remark for the home screen (a draft that could not be read).
 */
export function initialState(
  cwd: string,
  target: string,
  viewport: Viewport = defaultViewport,
  start: {draft?: Draft; notice?: string} = {},
): WizardState {
  const home: WizardState['screen'] = {
    name: 'home',
    cursor: 0,
    ...(start.notice ? {notice: start.notice} : {}),
  };
  return {
    cwd,
    viewport,
    connection: {status: 'connecting', target},
    screen:
      start.draft && draftHasTyping(start.draft) ? {name: 'resume', draft: start.draft} : home,
    ...initialFlows(),
    tasks: [{id: 1, kind: 'connect', owner: 'wizard'}],
    nextTaskId: 2,
    typeAhead: [],
    session: emptySessionRecord,
  };
}

/** The step waits for a result; keys typed meanwhile wait too, so none is lost or reordered. */
export function isBusy(state: WizardState): boolean {
  if (state.tasks.some((task) => task.kind === 'complete-path' || task.kind === 'write-file')) {
    return true;
  }
  const step = stepOnScreen(state);
  return step?.spec.busy?.(step.flow) ?? false;
}

/** Letters are text to type on the step on screen, rather than one-letter commands. */
function takesText(state: WizardState): boolean {
  const step = stepOnScreen(state);
  const takes = step?.spec.takesText;
  if (typeof takes === 'function') return takes(step!.flow, contextOf(state));
  return takes ?? false;
}

/** Esc acts at once on the step on screen, although it waits (it cancels what it waits for). */
export function escapeActsAtOnce(state: WizardState): boolean {
  const step = stepOnScreen(state);
  return step?.spec.escapeActsAtOnce?.(step.flow) ?? false;
}

/** The keys that do something on the current screen, for the footer. */
export function keyHints(state: WizardState): string[] {
  const step = stepOnScreen(state);
  if (step) return step.spec.hints(step.flow, contextOf(state));
  if (state.screen.name === 'resume') return ['Enter resume', 'n start fresh', 'Ctrl+C exit'];
  if (state.screen.name !== 'home') return [];
  const hints = ['↑↓ move', 'Enter choose', 'q quit'];
  if (state.connection.status === 'signing-in') hints.push('Esc cancel sign-in');
  if (state.connection.status === 'failed') hints.push('r retry connection');
  return [...hints, 'Ctrl+C exit'];
}

function homeKey(state: WizardState, event: KeyEvent): WizardState {
  if (state.screen.name !== 'home') return state;
  const count = homeItems.length;
  const {cursor} = state.screen;
  switch (event.kind) {
    case 'up':
    case 'down': {
      const delta = event.kind === 'up' ? -1 : 1;
      return {...state, screen: {name: 'home', cursor: (cursor + delta + count) % count}};
    }
    case 'text':
      if (event.text === 'q') return {...state, screen: {name: 'quit'}};
      if (event.text === 'r' && state.connection.status === 'failed') return retryConnection(state);
      return state;
    case 'escape':
      return state.connection.status === 'signing-in' ? cancelSignIn(state) : state;
    case 'enter': {
      const choice = homeItems[cursor];
      if (!choice) return state;
      if (choice.item === 'quit') return {...state, screen: {name: 'quit'}};
      return openFlow(state, fromHome[choice.item]);
    }
    default:
      return state;
  }
}

/** The resume prompt: Enter resumes the draft, n starts fresh (the draft on disk goes with it). */
function resumeKey(state: WizardState, event: KeyEvent): WizardState {
  if (state.screen.name !== 'resume') return state;
  if (event.kind === 'enter') return resumeDraft(state, state.screen.draft);
  if (event.kind === 'text' && event.text.toLowerCase() === 'n') return discardDraft(state);
  return state;
}

function cancelSignIn(state: WizardState): WizardState {
  if (state.connection.status !== 'signing-in') return state;
  return {
    ...dropTasks(state, 'wizard', 'connect'),
    connection: {
      status: 'failed',
      target: state.connection.target,
      failure: {kind: 'cancelled', message: 'sign-in cancelled'},
    },
  };
}

function retryConnection(state: WizardState): WizardState {
  if (state.connection.status !== 'failed') return state;
  return addTask(
    {...state, connection: {status: 'connecting', target: state.connection.target}},
    'wizard',
    {kind: 'connect'},
  );
}

/** Applies one key; scrolling it caused stops at the last line the view measured. */
function handleKey(state: WizardState, event: KeyEvent): WizardState {
  return clampScroll(routeKey(state, event));
}

function routeKey(state: WizardState, event: KeyEvent): WizardState {
  const step = stepOnScreen(state);
  if (isBusy(state)) {
    if (!(event.kind === 'escape' && escapeActsAtOnce(state))) {
      return {...state, typeAhead: [...state.typeAhead, event]};
    }
    // Keys typed while waiting were meant for a screen that Esc now leaves behind.
    state = {...state, typeAhead: []};
  }
  // Command keys pressed quickly over a laggy link arrive as one text: each letter is its own key. A longer
  // text on a step that decides by one letter (replace an enrollment?) is a paste, never a decision.
  if (event.kind === 'text' && [...event.text].length > 1 && !takesText(state)) {
    if (step?.spec.decidesByLetter) return state;
    let next = state;
    for (const letter of event.text) next = handleKey(next, {kind: 'text', text: letter});
    return next;
  }
  if (state.screen.name === 'resume') return resumeKey(state, event);
  if (!step) return homeKey(state, event);
  return applyUpdate(
    state,
    step.name,
    moduleOf(step.name).input(step.flow, event, contextOf(state)),
  );
}

/**
 * Replays keys that waited for a result, each as if typed now: on a step that waits again they wait again,
 * and an Esc among them still acts at once where Esc does.
 */
function replayTypeAhead(state: WizardState): WizardState {
  let next: WizardState = {...state, typeAhead: []};
  for (const event of state.typeAhead) next = handleKey(next, event);
  return next;
}

/** The hub choice starts with every linked hub, as the portal does, unless the user already chose. */
function withLinkedHubs(settings: SettingsDraft, info: ConnectionInfo): SettingsDraft {
  if (settings.selectedHubs.length > 0 || settings.hubCursor !== 0) return settings;
  return {...settings, selectedHubs: info.linkedHubs.map((hub) => hub.hostName)};
}

function connectionResult(state: WizardState, outcome: Outcome): WizardState {
  switch (outcome.kind) {
    case 'connected':
      return {
        ...state,
        connection: {status: 'connected', info: outcome.info},
        individual: {
          ...state.individual,
          settings: withLinkedHubs(state.individual.settings, outcome.info),
        },
        group: {...state.group, settings: withLinkedHubs(state.group.settings, outcome.info)},
      };
    case 'connect-failed':
    case 'task-failed': {
      const target = state.connection.status === 'connected' ? '' : state.connection.target;
      const failure =
        outcome.kind === 'connect-failed'
          ? outcome.failure
          : {kind: 'other' as const, message: outcome.message};
      return {...state, connection: {status: 'failed', target, failure}};
    }
    default:
      return state;
  }
}

/** Shows a problem on the current step of a flow. */
function withStepError(state: WizardState, name: FlowName, stepError: string): WizardState {
  return withFlow(state, name, {...flowOf(state, name), stepError});
}

function progressOf(state: WizardState, taskId: number, progress: TaskProgress): WizardState {
  const task = findTask(state, taskId);
  if (!task) return state;
  if (progress.kind === 'sign-in-prompt') {
    if (state.connection.status === 'connected' || state.connection.status === 'failed')
      return state;
    return {
      ...state,
      connection: {status: 'signing-in', target: state.connection.target, prompt: progress.prompt},
    };
  }
  if (task.owner === 'wizard') {
    if (progress.kind !== 'waiting' || state.connection.status !== 'connecting') return state;
    return {...state, connection: {...state.connection, waiting: progress.wait}};
  }
  const {id: _id, owner, ...effect} = task;
  const flow = flowOf(state, owner);
  if (progress.kind === 'waiting') return withFlow(state, owner, {...flow, waiting: progress.wait});
  const module = moduleOf(owner);
  if (!module.progress) return state;
  return withFlow(state, owner, module.progress(flow, effect, progress));
}

function resultOf(state: WizardState, taskId: number, outcome: Outcome): WizardState {
  const task = findTask(state, taskId);
  if (!task) return state;
  if (task.owner === 'wizard') return connectionResult(dropTask(state, taskId), outcome);
  const next = withoutWaiting(dropTask(state, taskId), task.owner);
  if (outcome.kind === 'task-failed') return withStepError(next, task.owner, outcome.message);
  const {id: _id, owner, ...effect} = task;
  const update = moduleOf(owner).result(flowOf(next, owner), effect, outcome, contextOf(next));
  return recordOutcome(applyUpdate(next, owner, update), task, outcome);
}

/** Keeps a scrolling step from scrolling past the last line its view measured. */
function clampScroll(state: WizardState): WizardState {
  const limit = state.scrollLimit;
  const step = stepOnScreen(state);
  if (!limit || !step?.spec.scroll) return state;
  if (limit.screen !== step.name || limit.step !== step.flow.step) return state;
  const offset = step.spec.scroll.get(step.flow);
  if (offset <= limit.limit) return state;
  return withFlow(state, step.name, step.spec.scroll.set(step.flow, limit.limit));
}

const needsReading = (certificate: LoadedCertificate) =>
  certificate.findings.some((finding) => finding.severity !== 'info');

export function reducer(state: WizardState, action: Action): WizardState {
  switch (action.type) {
    case 'viewport': {
      const {viewport} = state;
      if (viewport.columns === action.viewport.columns && viewport.rows === action.viewport.rows) {
        return state;
      }
      return {...state, viewport: action.viewport};
    }
    case 'scroll-limit': {
      const {type: _type, ...limit} = action;
      const known = state.scrollLimit;
      if (
        known?.screen === limit.screen &&
        known.step === limit.step &&
        known.limit === limit.limit
      ) {
        return state;
      }
      return clampScroll({...state, scrollLimit: limit});
    }
    case 'keys': {
      let next = state;
      for (const event of action.events) next = handleKey(next, event);
      return next;
    }
    case 'progress':
      return progressOf(state, action.taskId, action.progress);
    case 'result': {
      if (!findTask(state, action.taskId)) return state;
      const next = resultOf(state, action.taskId, action.outcome);
      if (next.typeAhead.length === 0 || isBusy(next)) return next;
      const {outcome} = action;
      if (outcome.kind === 'certificate-read' && needsReading(outcome.certificate)) {
        // Keys typed ahead must not accept warnings the user has not seen: they are held back.
        const step = stepOnScreen(next);
        const held = {...next, typeAhead: []};
        if (!step) return held;
        return withStepError(
          held,
          step.name,
          'the keys typed while the file was read were held back: read the findings above first',
        );
      }
      return replayTypeAhead(next);
    }
  }
}
