import {Box, useApp, useInput, useStdout, type Key} from 'ink';
import {useCallback, useEffect, useReducer, useRef, useState} from 'react';
import {Header} from '../components/header.js';
import {KeyHints} from '../components/key-hints.js';
import {HomeScreen} from '../screens/home-screen.js';
import {IndividualScreen} from '../screens/individual-screen.js';
import {runTask, type OpenConnection, type WizardServices} from './effects.js';
import {keyHints} from './key-hints.js';
import {toKeyEvents} from './keys.js';
import {homeItems, initialState, reducer, type Action} from './reducer.js';
import type {Task} from './state.js';

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

function useTerminalSize() {
  const {stdout} = useStdout();
  const read = useCallback(
    () => ({columns: stdout.columns || 80, rows: stdout.rows || 24}),
    [stdout],
  );
  const [size, setSize] = useState(read);
  useEffect(() => {
    const onResize = () => setSize(read());
    stdout.on('resize', onResize);
    return () => {
      stdout.off('resize', onResize);
    };
  }, [stdout, read]);
  return size;
}

const titles = {home: 'Home', individual: 'Individual enrollment', quit: ''} as const;

export function App({services}: {services: WizardServices}) {
  const [state, dispatch] = useReducer(reducer, undefined, () =>
    initialState(services.cwd, services.target),
  );
  const {exit} = useApp();
  const {columns, rows} = useTerminalSize();

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

  // Header (2 lines and a rule), footer (1 line), and a spare line so the frame never scrolls the terminal.
  const bodyHeight = Math.max(6, rows - 5);
  return (
    <Box flexDirection="column" width={Math.min(columns, 120)}>
      <Header connection={state.connection} title={titles[state.screen.name]} />
      <Box flexDirection="column" height={bodyHeight} overflow="hidden">
        {state.screen.name === 'home' ? (
          <HomeScreen
            entries={homeItems}
            cursor={state.screen.cursor}
            notice={state.screen.notice}
            connection={state.connection}
          />
        ) : null}
        {state.screen.name === 'individual' ? (
          <IndividualScreen state={state} bodyHeight={bodyHeight} />
        ) : null}
      </Box>
      <KeyHints hints={keyHints(state)} />
    </Box>
  );
}
