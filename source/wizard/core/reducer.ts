import type {CaCertificate, IndividualEnrollment} from '../../dps/types.js';
import {
  caBusy,
  caKeyInState,
  caResult,
  caTakesText,
  enterCa,
  initialCaFlow,
  type CaResult,
} from '../flows/ca/flow.js';
import {
  clampGroupScroll,
  enterGroup,
  groupBusy,
  groupEscapeActsAtOnce,
  groupKeyInState,
  groupResult,
  groupTakesText,
  initialGroupFlow,
  type GroupResult,
} from '../flows/group/flow.js';
import {connectionInfoOf, linkedHubsOf} from '../shared/connection-info.js';
import {enterIndividual} from '../flows/individual/open.js';
import {
  buildIndividualEnrollment,
  individualKey,
  initialIndividualFlow,
  type FlowRequest,
} from '../flows/individual/input.js';
import type {KeyEvent} from '../shared/key-event.js';
import {defaultViewport, maxScroll, type Viewport} from '../shared/layout.js';
import {individualConfigToml, reviewText} from '../shared/outputs-view.js';
import type {
  ConnectionInfo,
  DeviceCodePrompt,
  CaCertificateList,
  Failure,
  HomeItem,
  IndividualFlow,
  LoadedCertificate,
  SettingsDraft,
  WizardState,
} from './state.js';
import {
  getCertificateField,
  getPathField,
  isCertificateFieldKey,
  setCertificateField,
  setPathField,
} from '../shared/path-field.js';
import {cancelledSave, notConnectedFailure, withoutSave} from '../shared/save-request.js';
import {addTask, dropTask, dropTasksOfKind, findTask, hasTask} from './task-list.js';
import {
  enterTestCertificates,
  initialTestCertificatesFlow,
  testCertificatesBusy,
  testCertificatesKeyInState,
  testCertificatesResult,
  testCertificatesTakesText,
  type TestCertificatesResult,
} from '../flows/test-certificates/flow.js';
import {draftOf} from '../shared/text-draft.js';

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
  | {type: 'ca-certificates-listed'; taskId: number; certificates: CaCertificate[]}
  | {type: 'ca-certificates-failed'; taskId: number; failure: Failure}
  | {type: 'group'; taskId: number; result: GroupResult}
  | {type: 'ca'; taskId: number; result: CaResult}
  | {type: 'test-certificates'; taskId: number; result: TestCertificatesResult}
  /** An effect failed in a way its step does not expect. */
  | {type: 'task-failed'; taskId: number; message: string};

export const homeItems: {item: HomeItem; label: string}[] = [
  {item: 'individual', label: 'Individual enrollment'},
  {item: 'group', label: 'Group enrollment'},
  {item: 'verify-ca', label: 'Verify a CA certificate'},
  {item: 'test-certificates', label: 'Generate test certificates'},
  {item: 'quit', label: 'Quit'},
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
    group: initialGroupFlow([]),
    ca: initialCaFlow(),
    testCertificates: initialTestCertificatesFlow(),
    tasks: [{id: 1, kind: 'connect'}],
    nextTaskId: 2,
    typeAhead: [],
  };
}

/** The step is waiting for a result; keys typed meanwhile wait too, so none is lost or reordered. */
export function isBusy(state: WizardState): boolean {
  if (state.tasks.some((task) => task.kind === 'complete-path' || task.kind === 'write-file')) {
    return true;
  }
  switch (state.screen.name) {
    case 'individual': {
      const flow = state.individual;
      return (
        (flow.step === 'certificate' && flow.primary.status.state === 'reading') ||
        (flow.step === 'secondary-certificate' && flow.secondary.status.state === 'reading') ||
        flow.step === 'saving'
      );
    }
    case 'group':
      return groupBusy(state);
    case 'verify-ca':
      return caBusy(state);
    case 'test-certificates':
      return testCertificatesBusy(state);
    case 'home':
    case 'quit':
      return false;
  }
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
      switch (choice.item) {
        case 'quit':
          return {...state, screen: {name: 'quit'}};
        case 'individual':
          return enterIndividual(state);
        case 'group':
          return enterGroup(state);
        case 'verify-ca':
          return enterCa(state);
        case 'test-certificates':
          return enterTestCertificates(state);
      }
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
      return addTask(state, {
        kind: 'read-certificate',
        field: request.slot,
        purpose: 'identity',
        path: request.path,
      });
    case 'complete-path':
      return addTask(state, {kind: 'complete-path', field: request.field, text: request.text});
    case 'save': {
      const failure = notConnectedFailure(state.connection);
      if (failure)
        return {...state, individual: {...state.individual, step: 'save-failed', failure}};
      return addTask(dropTasksOfKind(state, 'save-individual'), {
        kind: 'save-individual',
        enrollment: buildIndividualEnrollment(state.individual, linkedHubsOf(state)),
      });
    }
    case 'cancel-save':
      return {
        ...withoutSave(state, 'save-individual'),
        individual: cancelledSave(state.individual, 'enrollment'),
      };
    case 'write-config':
      return addTask(state, {
        kind: 'write-file',
        field: 'config-file',
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
  switch (state.screen.name) {
    case 'individual': {
      const {step} = state.individual;
      return textSteps.includes(step) || (step === 'hubs' && linkedHubsOf(state).length === 0);
    }
    case 'group':
      return groupTakesText(state);
    case 'verify-ca':
      return caTakesText(state);
    case 'test-certificates':
      return testCertificatesTakesText(state);
    case 'home':
    case 'quit':
      return false;
  }
}

/** Screens where one letter decides something that cannot be undone: a pasted text there is ignored. */
function decidesByLetter(state: WizardState): boolean {
  return (
    (state.screen.name === 'individual' && state.individual.step === 'exists') ||
    (state.screen.name === 'group' && state.group.step === 'exists')
  );
}

/** Applies one key; scrolling it caused stops at the last line. */
function handleKey(state: WizardState, event: KeyEvent): WizardState {
  return clampScroll(routeKey(state, event));
}

function routeKey(state: WizardState, event: KeyEvent): WizardState {
  if (isBusy(state)) {
    if (!(event.kind === 'escape' && escapeActsAtOnce(state))) {
      return {...state, typeAhead: [...state.typeAhead, event]};
    }
    // Keys typed while waiting were meant for a screen that Esc now leaves behind.
    state = {...state, typeAhead: []};
  }
  // Command keys pressed quickly over a laggy link arrive as one text: each letter is its own key. A longer
  // text on the "already exists" screen is a paste, never a decision to replace an enrollment.
  if (event.kind === 'text' && [...event.text].length > 1 && !takesText(state)) {
    if (decidesByLetter(state)) return state;
    let next = state;
    for (const letter of event.text) next = handleKey(next, {kind: 'text', text: letter});
    return next;
  }
  switch (state.screen.name) {
    case 'home':
      return homeKey(state, event);
    case 'individual':
      return individualKeyInState(state, event);
    case 'group':
      return groupKeyInState(state, event);
    case 'verify-ca':
      return caKeyInState(state, event);
    case 'test-certificates':
      return testCertificatesKeyInState(state, event);
    case 'quit':
      return state;
  }
}

/**
 * Steps where Esc acts at once even though the step waits for a result: cancelling a save or the generation
 * of keys, or leaving a list that is being read (a throttled save or a dropped link may wait for long).
 */
function escapeActsAtOnce(state: WizardState): boolean {
  switch (state.screen.name) {
    case 'individual':
      return state.individual.step === 'saving';
    case 'group':
      return groupEscapeActsAtOnce(state.group);
    case 'verify-ca':
      return state.ca.step === 'list' && state.ca.certificates.state === 'loading';
    case 'test-certificates':
      return state.testCertificates.step === 'generating';
    case 'home':
    case 'quit':
      return false;
  }
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
      return {
        ...next,
        connection: {status: 'connected', info: action.info},
        individual: {...flow, settings: withLinkedHubs(flow.settings, action.info)},
        group: {...state.group, settings: withLinkedHubs(state.group.settings, action.info)},
      };
    }
    case 'connect-failed': {
      const target = state.connection.status === 'connected' ? '' : state.connection.target;
      return {
        ...dropTask(state, action.taskId),
        connection: {status: 'failed', target, failure: action.failure},
      };
    }
    case 'certificate-read':
    case 'certificate-failed': {
      const task = findTask(state, action.taskId);
      if (task?.kind !== 'read-certificate' || !isCertificateFieldKey(task.field)) return state;
      const next = dropTask(state, action.taskId);
      const field = getCertificateField(state, task.field);
      if (field.status.state !== 'reading') return next;
      return setCertificateField(next, task.field, {
        ...field,
        status:
          action.type === 'certificate-read'
            ? {state: 'loaded', certificate: action.certificate, warningsAccepted: false}
            : {state: 'failed', message: action.message},
      });
    }
    case 'path-completed': {
      const task = findTask(state, action.taskId);
      if (task?.kind !== 'complete-path') return state;
      const next = dropTask(state, action.taskId);
      const field = getPathField(state, task.field);
      if (field.path.value !== task.text) return next;
      return setPathField(next, task.field, {
        path: draftOf(action.value),
        candidates: action.candidates,
        moreCandidates: Math.max(0, action.matches - action.candidates.length),
      });
    }
    case 'ca-certificates-listed':
    case 'ca-certificates-failed': {
      const task = findTask(state, action.taskId);
      if (task?.kind !== 'list-ca-certificates') return state;
      const list: CaCertificateList =
        action.type === 'ca-certificates-listed'
          ? {state: 'loaded', certificates: action.certificates}
          : {state: 'failed', failure: action.failure};
      const next = dropTask(state, action.taskId);
      return task.for === 'group'
        ? {...next, group: {...next.group, caCertificates: list}}
        : {...next, ca: {...next.ca, certificates: list}};
    }
    case 'group':
      return groupResult(state, action.taskId, action.result);
    case 'ca':
      return caResult(state, action.taskId, action.result);
    case 'test-certificates':
      return testCertificatesResult(state, action.taskId, action.result);
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
      if (writesGroupConfig(state, action.taskId)) return groupFileResult(state, action);
      return withFlow(dropTask(state, action.taskId), {
        ...rest,
        step: 'config',
        confirmOverwrite: false,
        configWritten: action.path,
      });
    }
    case 'file-exists':
      if (writesGroupConfig(state, action.taskId)) return groupFileResult(state, action);
      return withFlow(dropTask(state, action.taskId), {
        ...flow,
        confirmOverwrite: true,
        stepError: `${action.path} already exists: press Enter again to replace it, or Esc to keep it`,
      });
    case 'file-failed':
      if (writesGroupConfig(state, action.taskId)) return groupFileResult(state, action);
      return withFlow(dropTask(state, action.taskId), {...flow, stepError: action.message});
    case 'task-failed':
      return withStepError(dropTask(state, action.taskId), action.message);
  }
}

/** The hub choice starts with every linked hub, as the portal does, unless the user already chose. */
function withLinkedHubs(settings: SettingsDraft, info: ConnectionInfo): SettingsDraft {
  if (settings.selectedHubs.length > 0 || settings.hubCursor !== 0) return settings;
  return {...settings, selectedHubs: info.linkedHubs.map((hub) => hub.hostName)};
}

/** Config files are written for the individual enrollment or for a group; the group handles its own. */
function writesGroupConfig(state: WizardState, taskId: number): boolean {
  const task = findTask(state, taskId);
  return task?.kind === 'write-file' && task.field === 'group-config-file';
}

type FileResult = Extract<Action, {type: 'file-written' | 'file-exists' | 'file-failed'}>;

const groupFileResult = (state: WizardState, action: FileResult) =>
  groupResult(state, action.taskId, {kind: 'file', action});

/** Shows a problem on the current step of whichever flow is on screen. */
function withStepError(state: WizardState, stepError: string): WizardState {
  switch (state.screen.name) {
    case 'individual':
      return {...state, individual: {...state.individual, stepError}};
    case 'group':
      return {...state, group: {...state.group, stepError}};
    case 'verify-ca':
      return {...state, ca: {...state.ca, stepError}};
    case 'test-certificates':
      return {...state, testCertificates: {...state.testCertificates, stepError}};
    case 'home':
    case 'quit':
      return state;
  }
}

/** Keeps the review and config screens from scrolling past their last line. */
function clampScroll(state: WizardState): WizardState {
  if (state.screen.name === 'group') return clampGroupScroll(state);
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
    return withStepError(
      {...next, typeAhead: []},
      'the keys typed while the file was read were held back: read the findings above first',
    );
  }
  return replayTypeAhead(next);
}

const needsReading = (certificate: LoadedCertificate) =>
  certificate.findings.some((finding) => finding.severity !== 'info');
