import type {LinkedHub} from '../../dps/index.js';
import type {KeyEvent} from './key-event.js';
import type {Viewport} from './layout.js';
import type {FlowUpdate, Progress, SharedOutcome} from './effect.js';
import type {ConnectionInfo, ConnectionState} from './types.js';

/** What a flow may know of the wizard around it. */
export type FlowContext = {
  /** The folder relative paths start from. */
  cwd: string;
  viewport: Viewport;
  connection: ConnectionState;
  /** What the wizard knows of the DPS; undefined until connected. */
  info: ConnectionInfo | undefined;
  /** The hubs linked to the DPS; none while connecting, or with only a connection string. */
  linkedHubs: readonly LinkedHub[];
};

/** What one step of a flow is, for the router: the same questions for every step of every flow. */
export type StepSpec<F> = {
  /** The step waits for a result: keys typed meanwhile wait too, so none is lost or reordered. */
  busy?: (flow: F) => boolean;
  /** Letters are text to type, rather than one-letter commands. */
  takesText?: boolean | ((flow: F, context: FlowContext) => boolean);
  /**
   * Esc acts at once although the step waits (cancelling a save or the making of keys, leaving a list being
   * read): a throttled save or a dropped link may wait for long. Keys typed for the step go with it.
   */
  escapeActsAtOnce?: (flow: F) => boolean;
  /** One letter decides something that cannot be undone: a longer text (a paste) is ignored here. */
  decidesByLetter?: boolean;
  /** The keys that do something on the step, for the footer. */
  hints: (flow: F, context: FlowContext) => string[];
  /** The step's scroll offset, when it scrolls: the router keeps it within what the view measured. */
  scroll?: {get: (flow: F) => number; set: (flow: F, offset: number) => F};
};

/** Every step of a flow with what it is. */
export type StepTable<F extends {step: string}> = {[S in F['step']]: StepSpec<F>};

/** The same shape for every flow: the router knows flows only through this. */
export type FlowModule<F extends {step: string}, E extends {kind: string}, O, Open> = {
  steps: StepTable<F>;
  /** Opens the flow on its screen, from home or handed over from another flow. */
  open(flow: F, open: Open, context: FlowContext): FlowUpdate<F, E>;
  /** What a key does on the step on screen. */
  input(flow: F, event: KeyEvent, context: FlowContext): FlowUpdate<F, E>;
  /** The outcome of one of the flow's effects (the effect is no longer running). */
  result(flow: F, effect: E, outcome: O | SharedOutcome, context: FlowContext): FlowUpdate<F, E>;
  /** News from an effect still running. */
  progress?(flow: F, effect: E, progress: Progress): F;
};

export const stepOf = <F extends {step: string}>(steps: StepTable<F>, flow: F): StepSpec<F> =>
  steps[flow.step as F['step']];

/** Footer hints many steps share. */
export const backHint = 'Esc back';
export const exitHint = 'Ctrl+C exit';
/** The keys of a step that edits a file path. */
export const pathFieldHints = (): string[] => [
  'Enter continue',
  'Tab complete path',
  '~ = home',
  backHint,
  exitHint,
];
