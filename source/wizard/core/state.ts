import type {BrowseEffect, BrowseFlow, BrowseOutcome} from '../flows/browse/state.js';
import type {CaEffect, CaFlow, CaOutcome} from '../flows/ca/state.js';
import type {GroupEffect, GroupFlow, GroupOutcome} from '../flows/group/state.js';
import type {
  IndividualEffect,
  IndividualFlow,
  IndividualOutcome,
} from '../flows/individual/state.js';
import type {
  TestCertificatesEffect,
  TestCertificatesFlow,
  TestCertificatesOutcome,
} from '../flows/test-certificates/state.js';
import type {
  TestEnrollmentEffect,
  TestEnrollmentFlow,
  TestEnrollmentOutcome,
} from '../flows/test-enrollment/state.js';
import type {FlowName, Progress, SharedOutcome} from '../shared/effect.js';
import type {KeyEvent} from '../shared/key-event.js';
import type {Viewport} from '../shared/layout.js';
import type {ConnectionInfo, ConnectionState, DeviceCodePrompt, Failure} from '../shared/types.js';
import type {CaCertificate} from '../../dps/index.js';
import type {SavedKind} from '../../outputs/az-commands.js';
import type {Draft} from './draft-shape.js';

/** Plain data only: the gateway and the emulator live outside the state, with the task runner. */

export type HomeItem = FlowName | 'quit';

export type Screen =
  | {name: 'home'; cursor: number; notice?: string}
  /** The draft of a session that stopped: resume it (Enter) or start fresh (n). */
  | {name: 'resume'; draft: Draft}
  | {name: FlowName}
  | {name: 'quit'};

/** Every effect by its one name: what the runtime runs. */
export type Effect =
  | {kind: 'connect'}
  | IndividualEffect
  | GroupEffect
  | CaEffect
  | TestCertificatesEffect
  | TestEnrollmentEffect
  | BrowseEffect;

/** An effect while it runs: its id, and who gets its outcome (a flow, or the wizard for the connection). */
export type Task = Effect & {id: number; owner: FlowName | 'wizard'};

/** Every outcome of every effect, as the runtime reports it. */
export type Outcome =
  | SharedOutcome
  | {kind: 'connected'; info: ConnectionInfo}
  | {kind: 'connect-failed'; failure: Failure}
  | IndividualOutcome
  | GroupOutcome
  | CaOutcome
  | TestCertificatesOutcome
  | TestEnrollmentOutcome
  | BrowseOutcome;

/** News from an effect still running: the wizard's sign-in prompt, or a flow's progress. */
export type TaskProgress = Progress | {kind: 'sign-in-prompt'; prompt: DeviceCodePrompt};

/** The scroll limit the view measured for the step it drew. */
export type ScrollLimit = {screen: FlowName; step: string; limit: number};

export type WizardState = {
  /** The folder relative paths start from. */
  cwd: string;
  viewport: Viewport;
  connection: ConnectionState;
  screen: Screen;
  individual: IndividualFlow;
  group: GroupFlow;
  ca: CaFlow;
  testCertificates: TestCertificatesFlow;
  testEnrollment: TestEnrollmentFlow;
  browse: BrowseFlow;
  /** Effects to run; one leaves the list when its outcome arrives or when the user leaves it behind. */
  tasks: Task[];
  nextTaskId: number;
  /** Keys that arrived while a step was busy; they are replayed, in order, when it is done. */
  typeAhead: KeyEvent[];
  /** How far the scrolling step on screen can scroll, as its view last measured it. */
  scrollLimit?: ScrollLimit;
  /** What this session saved in DPS, and the saves whose outcome is unknown, for the exit text. */
  session: SessionRecord;
};

/** What this session saved in DPS, for the text printed at exit (core/session-record.ts keeps it). */
export type SessionSave =
  /** The flow as it was when its save landed: the exit text renders the enrollment from it. */
  | {kind: 'individual'; flow: IndividualFlow}
  | {kind: 'group'; flow: GroupFlow}
  /** A CA certificate verified, or uploaded as verified. */
  | {kind: 'ca'; certificate: CaCertificate};

/** A save that may or may not have reached DPS: what it was, and why its outcome is unknown. */
export type UnknownSave = {kind: SavedKind; id: string; why: 'cancelled' | 'interrupted'};

export type SessionRecord = {saves: SessionSave[]; unknown: UnknownSave[]};
