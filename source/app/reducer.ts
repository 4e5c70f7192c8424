import type {IndividualEnrollment} from '../dps/types.js';
import {
  buildIndividualEnrollment,
  individualKey,
  initialIndividualFlow,
  type FlowRequest,
} from './individual-flow.js';
import type {KeyEvent} from './keys.js';
import {defaultViewport, maxScroll, type Viewport} from './layout.js';
import {individualConfigToml, reviewText} from './outputs-view.js';
import type {
  ConnectionInfo,
  DeviceCodePrompt,
  Failure,
  HomeItem,
  IndividualFlow,
  LoadedCertificate,
  Task,
  WizardState,
} from './state.js';
import {draftOf} from './text-draft.js';

/** Everything that can happen to the wizard: keys, and the results of the effects it asked for. */
export type Action =
  | {type: 'keys'; events: KeyEvent[]}
  | {type: 'viewport'; viewport: Viewport}
  | {type: 'sign-in-prompt'; taskId: number; prompt: DeviceCodePrompt}
  | {type: 'connected'; taskId: number; info: ConnectionInfo}
  | {type: 'connect-failed'; taskId: number; failure: Failure}
  | {type: 'certificate-read'; taskId: number; certificate: LoadedCertificate}
  | {type: 'certificate-failed'; taskId: number; message: string}
  | {type: 'path-completed'; taskId: number; value: string; candidates: string[]; matches: number}
  | {type: 'save-throttled'; taskId: number; retryAfterSeconds: number; attempt: number}
  | {type: 'save-exists'; taskId: number; existing: IndividualEnrollment}
  | {type: 'saved'; taskId: number; enrollment: IndividualEnrollment}
  | {type: 'save-failed'; taskId: number; failure: Failure}
  | {type: 'file-written'; taskId: number; path: string}
  | {type: 'file-exists'; taskId: number; path: string}
  | {type: 'file-failed'; taskId: number; message: string}
  /** An effect failed in a way its step does not expect. */
  | {type: 'task-failed'; taskId: number; message: string};

export const homeItems: {item: HomeItem; label: string; available: boolean}[] = [
  {item: 'individual', label: 'Individual enrollment', available: true},
  {item: 'group', label: 'Group enrollment', available: false},
  {item: 'verify-ca', label: 'Verify a CA certificate', available: false},
  {item: 'test-certificates', label: 'Generate test certificates', available: false},
  {item: 'quit', label: 'Quit', available: true},
];

export function initialState(
  cwd: string,
  target: string,
  viewport: Viewport = defaultViewport,
): WizardState {
  return {
    cwd,
    viewport,
    connection: {status: 'connecting', target},
    screen: {name: 'home', cursor: 0},
    individual: initialIndividualFlow([]),
    tasks: [{id: 1, kind: 'connect'}],
    nextTaskId: 2,
    typeAhead: [],
  };
}

export const connectionInfoOf = (state: WizardState): ConnectionInfo | undefined =>
  state.connection.status === 'connected' ? state.connection.info : undefined;

export const linkedHubsOf = (state: WizardState) => connectionInfoOf(state)?.linkedHubs ?? [];

type NewTask = Task extends infer T ? (T extends Task ? Omit<T, 'id'> : never) : never;

function addTask(state: WizardState, task: NewTask): WizardState {
  return {
    ...state,
    tasks: [...state.tasks, {...task, id: state.nextTaskId} as Task],
    nextTaskId: state.nextTaskId + 1,
  };
}

function dropTask(state: WizardState, taskId: number): WizardState {
  return {...state, tasks: state.tasks.filter((task) => task.id !== taskId)};
}

function dropTasksOfKind(state: WizardState, kind: Task['kind']): WizardState {
  return state.tasks.some((task) => task.kind === kind)
    ? {...state, tasks: state.tasks.filter((task) => task.kind !== kind)}
    : state;
}

/** The step is waiting for a result; keys typed meanwhile wait too, so none is lost or reordered. */
export function isBusy(state: WizardState): boolean {
  if (state.screen.name !== 'individual') return false;
  const flow = state.individual;
  return (
    (flow.step === 'certificate' && flow.primary.status.state === 'reading') ||
    (flow.step === 'secondary-certificate' && flow.secondary.status.state === 'reading') ||
    flow.step === 'saving' ||
    state.tasks.some((task) => task.kind === 'complete-path' || task.kind === 'write-file')
  );
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
      if (!choice.available) {
        return {
          ...state,
          screen: {
            name: 'home',
            cursor,
            notice: `${choice.label} is not in this version yet: the individual enrollment is.`,
          },
        };
      }
      // A saved enrollment is done: the next one starts from a clean form.
      const individual = state.individual.saved
        ? initialIndividualFlow(linkedHubsOf(state))
        : state.individual;
      return {...state, screen: {name: 'individual'}, individual};
    }
    default:
      return state;
  }
}

function cancelSignIn(state: WizardState): WizardState {
  if (state.connection.status !== 'signing-in') return state;
  return {
    ...dropTasksOfKind(state, 'connect'),
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
    {
      kind: 'connect',
    },
  );
}

function applyFlowRequest(state: WizardState, request: FlowRequest): WizardState {
  switch (request.kind) {
    case 'none':
      return state;
    case 'home':
      return {...state, screen: {name: 'home', cursor: 0}};
    case 'read-certificate':
      return addTask(state, {kind: 'read-certificate', slot: request.slot, path: request.path});
    case 'complete-path':
      return addTask(state, {kind: 'complete-path', field: request.field, text: request.text});
    case 'save':
      if (state.connection.status !== 'connected') {
        const individual: IndividualFlow = {
          ...state.individual,
          step: 'save-failed',
          failure: {
            kind: 'network',
            message:
              state.connection.status === 'failed'
                ? `not connected to DPS: ${state.connection.failure.message}`
                : 'still connecting to DPS; try again in a moment',
          },
        };
        return {...state, individual};
      }
      return addTask(dropTasksOfKind(state, 'save-individual'), {
        kind: 'save-individual',
        enrollment: buildIndividualEnrollment(state.individual, linkedHubsOf(state)),
      });
    case 'cancel-save': {
      // The throttling notice belonged to the cancelled save; the next save starts without it.
      const {throttled: _t, ...individual} = state.individual;
      // Keys typed during the save were meant for the screen after it, which will not come.
      return {
        ...dropTasksOfKind(state, 'save-individual'),
        typeAhead: [],
        individual: {
          ...individual,
          stepError:
            'saving was cancelled; if DPS had already received it, saving again shows the enrollment as existing',
        },
      };
    }
    case 'write-config':
      return addTask(state, {
        kind: 'write-file',
        path: request.path,
        content: individualConfigToml(state.individual, connectionInfoOf(state)),
        overwrite: request.overwrite,
      });
  }
}

function individualKeyInState(state: WizardState, event: KeyEvent): WizardState {
  const {flow, request} = individualKey(state.individual, event, linkedHubsOf(state), state.cwd);
  return applyFlowRequest(
    flow === state.individual ? state : {...state, individual: flow},
    request,
  );
}

/** Steps where letters are text to type, rather than one-letter commands. */
const textSteps: readonly IndividualFlow['step'][] = [
  'certificate',
  'secondary-certificate',
  'registration-id',
  'device-id',
  'custom-allocation',
  'twin',
  'device-paths',
  'write-config',
];

function takesText(state: WizardState): boolean {
  if (state.screen.name !== 'individual') return false;
  const {step} = state.individual;
  return textSteps.includes(step) || (step === 'hubs' && linkedHubsOf(state).length === 0);
}

/** Applies one key; scrolling it caused stops at the last line. */
function handleKey(state: WizardState, event: KeyEvent): WizardState {
  return clampScroll(routeKey(state, event));
}

function routeKey(state: WizardState, event: KeyEvent): WizardState {
  // Esc still cancels a save at once (a throttled save may wait for long).
  const cancelsSave = event.kind === 'escape' && state.individual.step === 'saving';
  if (isBusy(state) && !cancelsSave) return {...state, typeAhead: [...state.typeAhead, event]};
  // Command keys pressed quickly over a laggy link arrive as one text: each letter is its own key. A longer
  // text on the "already exists" screen is a paste, never a decision to replace an enrollment.
  if (event.kind === 'text' && [...event.text].length > 1 && !takesText(state)) {
    if (state.screen.name === 'individual' && state.individual.step === 'exists') return state;
    let next = state;
    for (const letter of event.text) next = handleKey(next, {kind: 'text', text: letter});
    return next;
  }
  switch (state.screen.name) {
    case 'home':
      return homeKey(state, event);
    case 'individual':
      return individualKeyInState(state, event);
    case 'quit':
      return state;
  }
}

/** Replays keys that waited for a result. */
function replayTypeAhead(state: WizardState): WizardState {
  let next: WizardState = {...state, typeAhead: []};
  for (const [index, event] of state.typeAhead.entries()) {
    if (isBusy(next))
      return {...next, typeAhead: [...next.typeAhead, ...state.typeAhead.slice(index)]};
    next = handleKey(next, event);
  }
  return next;
}

const hasTask = (state: WizardState, taskId: number) =>
  state.tasks.some((task) => task.id === taskId);

function withFlow(state: WizardState, individual: IndividualFlow): WizardState {
  return {...state, individual};
}

function resultAction(
  state: WizardState,
  action: Exclude<Action, {type: 'keys'} | {type: 'viewport'}>,
): WizardState {
  const flow = state.individual;
  switch (action.type) {
    case 'sign-in-prompt':
      if (state.connection.status === 'connected' || state.connection.status === 'failed')
        return state;
      return {
        ...state,
        connection: {status: 'signing-in', target: state.connection.target, prompt: action.prompt},
      };
    case 'connected': {
      const next = dropTask(state, action.taskId);
      const hubs = action.info.linkedHubs.map((hub) => hub.hostName);
      // The hub choice starts with every linked hub, as the portal does, unless the user already chose.
      const settings =
        flow.settings.selectedHubs.length === 0 && flow.settings.hubCursor === 0
          ? {...flow.settings, selectedHubs: hubs}
          : flow.settings;
      return {
        ...next,
        connection: {status: 'connected', info: action.info},
        individual: {...flow, settings},
      };
    }
    case 'connect-failed': {
      const target = state.connection.status === 'connected' ? '' : state.connection.target;
      return {
        ...dropTask(state, action.taskId),
        connection: {status: 'failed', target, failure: action.failure},
      };
    }
    case 'certificate-read': {
      const task = state.tasks.find((t) => t.id === action.taskId);
      if (task?.kind !== 'read-certificate') return state;
      const field = flow[task.slot];
      if (field.status.state !== 'reading') return dropTask(state, action.taskId);
      return withFlow(dropTask(state, action.taskId), {
        ...flow,
        [task.slot]: {
          ...field,
          status: {state: 'loaded', certificate: action.certificate, warningsAccepted: false},
        },
      });
    }
    case 'certificate-failed': {
      const task = state.tasks.find((t) => t.id === action.taskId);
      if (task?.kind !== 'read-certificate') return state;
      const field = flow[task.slot];
      return withFlow(dropTask(state, action.taskId), {
        ...flow,
        [task.slot]: {...field, status: {state: 'failed', message: action.message}},
      });
    }
    case 'path-completed': {
      const task = state.tasks.find((t) => t.id === action.taskId);
      if (task?.kind !== 'complete-path') return state;
      const next = dropTask(state, action.taskId);
      if (task.field === 'config-file') {
        if (flow.configFile.value !== task.text) return next;
        return withFlow(next, {
          ...flow,
          configFile: draftOf(action.value),
          configFileCandidates: action.candidates,
          confirmOverwrite: false,
        });
      }
      const field = flow[task.field];
      if (field.path.value !== task.text) return next;
      return withFlow(next, {
        ...flow,
        [task.field]: {
          path: draftOf(action.value),
          candidates: action.candidates,
          moreCandidates: Math.max(0, action.matches - action.candidates.length),
          status: action.value === task.text ? field.status : {state: 'empty'},
        },
      });
    }
    case 'save-throttled':
      return withFlow(state, {
        ...flow,
        throttled: {retryAfterSeconds: action.retryAfterSeconds, attempt: action.attempt},
      });
    case 'save-exists': {
      const {throttled: _t, ...rest} = flow;
      // Keys typed before the existing enrollment was on screen never decide to replace it.
      return withFlow(
        {...dropTask(state, action.taskId), typeAhead: []},
        {...rest, step: 'exists', existing: action.existing},
      );
    }
    case 'saved': {
      const {throttled: _t, failure: _f, ...rest} = flow;
      return withFlow(dropTask(state, action.taskId), {
        ...rest,
        step: 'result',
        saved: action.enrollment,
      });
    }
    case 'save-failed': {
      // A stale etag means the enrollment changed meanwhile: the next save reads it again first.
      const {throttled: _t, updateEtag, ...rest} = flow;
      const keepEtag =
        action.failure.kind === 'stale-etag' || updateEtag === undefined ? {} : {updateEtag};
      return withFlow(dropTask(state, action.taskId), {
        ...rest,
        ...keepEtag,
        step: 'save-failed',
        failure: action.failure,
      });
    }
    case 'file-written': {
      const {stepError: _e, ...rest} = flow;
      return withFlow(dropTask(state, action.taskId), {
        ...rest,
        step: 'config',
        confirmOverwrite: false,
        configWritten: action.path,
      });
    }
    case 'file-exists':
      return withFlow(dropTask(state, action.taskId), {
        ...flow,
        confirmOverwrite: true,
        stepError: `${action.path} already exists: press Enter again to replace it, or Esc to keep it`,
      });
    case 'file-failed':
    case 'task-failed':
      return withFlow(dropTask(state, action.taskId), {...flow, stepError: action.message});
  }
}

/** Keeps the review and config screens from scrolling past their last line. */
function clampScroll(state: WizardState): WizardState {
  const flow = state.individual;
  if (state.screen.name !== 'individual') return state;
  const info = connectionInfoOf(state);
  if (flow.step === 'review') {
    const limit = maxScroll(reviewText(flow, info), state.viewport);
    return flow.reviewScroll > limit ? withFlow(state, {...flow, reviewScroll: limit}) : state;
  }
  if (flow.step === 'config') {
    const limit = maxScroll(individualConfigToml(flow, info), state.viewport);
    return flow.configScroll > limit ? withFlow(state, {...flow, configScroll: limit}) : state;
  }
  return state;
}

export function reducer(state: WizardState, action: Action): WizardState {
  if (action.type === 'viewport') {
    const {viewport} = state;
    if (viewport.columns === action.viewport.columns && viewport.rows === action.viewport.rows) {
      return state;
    }
    return clampScroll({...state, viewport: action.viewport});
  }
  if (action.type === 'keys') {
    let next = state;
    for (const event of action.events) next = handleKey(next, event);
    return next;
  }
  if (!hasTask(state, action.taskId)) return state;
  const next = resultAction(state, action);
  if (next.typeAhead.length === 0 || isBusy(next)) return next;
  if (action.type === 'certificate-read' && needsReading(action.certificate)) {
    // Keys typed ahead must not accept warnings the user has not seen: they are held back.
    return withFlow(
      {...next, typeAhead: []},
      {
        ...next.individual,
        stepError: `the keys typed while the file was read were held back: read the findings above first`,
      },
    );
  }
  return replayTypeAhead(next);
}

const needsReading = (certificate: LoadedCertificate) =>
  certificate.findings.some((finding) => finding.severity !== 'info');
