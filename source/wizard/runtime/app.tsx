import {Box, useApp, useInput, useStdout, type Key} from 'ink';
import {useCallback, useEffect, useReducer, useRef} from 'react';
import {Header} from '../components/header.js';
import {KeyHints} from '../components/key-hints.js';
import {WaitingNotice} from '../components/waiting-notice.js';
import {flowTitles, type Draft} from '../core/draft.js';
import {HomeScreen} from '../core/home-screen.js';
import {ResumeScreen} from '../core/resume-screen.js';
import type {DraftStore} from './drafts.js';
import {BrowseScreen} from '../flows/browse/view.js';
import {CaScreen} from '../flows/ca/view.js';
import {GroupScreen} from '../flows/group/view.js';
import {IndividualScreen} from '../flows/individual/view.js';
import {TestCertificatesScreen} from '../flows/test-certificates/view.js';
import {TestEnrollmentScreen} from '../flows/test-enrollment/view.js';
import {ScrollLimitContext} from '../components/scroll-view.js';
import {contextOf, flowOf} from '../core/flows.js';
import type {OpenConnection, WizardServices} from '../shared/services.js';
import {runTask} from './task-runner.js';
import {toKeyEvents} from '../shared/key-event.js';
import {bodySize, defaultViewport} from '../shared/layout.js';
import {
  escapeActsAtOnce,
  homeItems,
  initialState,
  keyHints,
  reducer,
  type Action,
} from '../core/reducer.js';
import type {Task, WizardState} from '../core/state.js';

/** Starts each task once, and aborts the ones the reducer dropped (the user left their step). */
function useTaskRunner(
  tasks: readonly Task[],
  dispatch: (action: Action) => void,
  services: WizardServices,
) {
  const started = useRef(new Set<number>());
  const controllers = useRef(new Map<number, AbortController>());
  const connection = useRef<OpenConnection | undefined>(undefined);
  useEffect(() => {
    const current = new Set(tasks.map((task) => task.id));
    for (const [id, controller] of controllers.current) {
      if (!current.has(id)) {
        controller.abort();
        controllers.current.delete(id);
      }
    }
    for (const task of tasks) {
      if (started.current.has(task.id)) continue;
      started.current.add(task.id);
      const controller = new AbortController();
      controllers.current.set(task.id, controller);
      void runTask(task, {services, dispatch, signal: controller.signal, connection});
    }
  }, [tasks, dispatch, services]);
  useEffect(() => {
    const running = controllers.current;
    return () => {
      for (const controller of running.values()) controller.abort();
    };
  }, []);
}

/** Tells the reducer the terminal's size now and after every resize. */
function useViewport(dispatch: (action: Action) => void) {
  const {stdout} = useStdout();
  useEffect(() => {
    const report = () =>
      dispatch({
        type: 'viewport',
        viewport: {
          columns: stdout.columns || defaultViewport.columns,
          rows: stdout.rows || defaultViewport.rows,
        },
      });
    report();
    stdout.on('resize', report);
    return () => {
      stdout.off('resize', report);
    };
  }, [stdout, dispatch]);
}

const titles: Record<WizardState['screen']['name'], string> = {
  home: 'Home',
  ...flowTitles,
  resume: 'Resume',
  quit: '',
};

export function App({
  services,
  onClose,
  start,
  drafts,
}: {
  services: WizardServices;
  /** Called with the last state when the wizard closes (quit or Ctrl+C). */
  onClose?: (state: WizardState) => void;
  /** The draft found at start (offered for resuming), or a notice that it could not be used. */
  start?: {draft?: Draft; notice?: string};
  /** Where the draft of every state is kept, a moment after it changes. */
  drafts?: DraftStore;
}) {
  const [state, dispatch] = useReducer(reducer, undefined, () =>
    initialState(services.cwd, services.target, undefined, start),
  );
  useEffect(() => {
    drafts?.schedule(state);
  }, [drafts, state]);
  const {exit} = useApp();
  useViewport(dispatch);
  const latest = useRef(state);
  useEffect(() => {
    latest.current = state;
  }, [state]);
  const close = useRef(onClose);
  useEffect(() => {
    const last = latest;
    const callback = close.current;
    return () => callback?.(last.current);
  }, []);

  // One input handler for the whole app: the reducer routes every key by the state it meets, so keys that
  // arrive together (a paste, a laggy link) are applied in order and none reaches a screen already left.
  const onInput = useCallback((input: string, key: Key) => {
    const events = toKeyEvents(input, key);
    if (events.length > 0) dispatch({type: 'keys', events});
  }, []);
  useInput(onInput);
  useTaskRunner(state.tasks, dispatch, services);

  const quitting = state.screen.name === 'quit';
  useEffect(() => {
    if (quitting) exit();
  }, [quitting, exit]);

  // The scrolling view on screen says how far it can scroll, for the step it was drawn for.
  const onScreen = state.screen.name;
  const flowOnScreen =
    onScreen === 'home' || onScreen === 'quit' || onScreen === 'resume' ? undefined : onScreen;
  const step = flowOnScreen === undefined ? undefined : flowOf(state, flowOnScreen).step;
  const reportScrollLimit = useCallback(
    (limit: number) => {
      if (flowOnScreen === undefined || step === undefined) return;
      dispatch({type: 'scroll-limit', screen: flowOnScreen, step, limit});
    },
    [flowOnScreen, step],
  );

  const waiting = flowOnScreen === undefined ? undefined : flowOf(state, flowOnScreen).waiting;
  const body = bodySize(state.viewport);
  const context = contextOf(state);
  return (
    <Box flexDirection="column" width={body.width}>
      <Header connection={state.connection} title={titles[state.screen.name]} />
      <Box flexDirection="column" height={body.height} overflow="hidden">
        {/* A step taller than the body keeps its natural height and is cut at the bottom: without this,
            the layout shrinks its lines and draws them over each other. */}
        <Box flexDirection="column" flexShrink={0}>
          {state.screen.name === 'home' ? (
            <HomeScreen
              entries={homeItems}
              cursor={state.screen.cursor}
              notice={state.screen.notice}
              connection={state.connection}
            />
          ) : null}
          {state.screen.name === 'resume' ? (
            <ResumeScreen draft={state.screen.draft} target={services.target} now={new Date()} />
          ) : null}
          <ScrollLimitContext.Provider value={reportScrollLimit}>
            {onScreen === 'individual' ? (
              <IndividualScreen flow={state.individual} context={context} />
            ) : null}
            {onScreen === 'group' ? <GroupScreen flow={state.group} context={context} /> : null}
            {onScreen === 'verify-ca' ? <CaScreen flow={state.ca} context={context} /> : null}
            {onScreen === 'test-certificates' ? (
              <TestCertificatesScreen flow={state.testCertificates} context={context} />
            ) : null}
            {onScreen === 'test-enrollment' ? (
              <TestEnrollmentScreen flow={state.testEnrollment} context={context} />
            ) : null}
            {onScreen === 'browse' ? <BrowseScreen flow={state.browse} context={context} /> : null}
          </ScrollLimitContext.Provider>
        </Box>
      </Box>
      {waiting ? <WaitingNotice wait={waiting} cancellable={escapeActsAtOnce(state)} /> : null}
      <KeyHints hints={keyHints(state)} />
    </Box>
  );
}
