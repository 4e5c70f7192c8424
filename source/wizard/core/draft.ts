import type {CaFlow} from '../flows/ca/state.js';
import type {GroupFlow} from '../flows/group/state.js';
import type {IndividualFlow} from '../flows/individual/state.js';
import type {TestCertificatesFlow} from '../flows/test-certificates/state.js';
import type {TestEnrollmentFlow} from '../flows/test-enrollment/state.js';
import {emptyDraft} from '../shared/text-draft.js';
import type {FlowName} from '../shared/effect.js';
import type {CaCertificateList, CertificateField, CertificatePurpose} from '../shared/types.js';
import {initialFlows} from './initial-flows.js';
import {draftVersion, type Draft} from './draft-shape.js';
import type {Effect, WizardState} from './state.js';

export type {Draft} from './draft-shape.js';
import {addTask} from './task-list.js';

/**
 * A draft: what the user typed in every flow and the screen they were on, kept on disk while the wizard
 * runs so that a dropped session can resume. Only typed values go in: never a passphrase, nothing read from
 * a file (a certificate read is read again on resume), no task and no type-ahead. A step that waits for an
 * effect is kept as the step before it, whose Enter asks for the effect again.
 */

type Flows = Pick<Draft, 'individual' | 'group' | 'ca' | 'testCertificates'> & {
  testEnrollment: TestEnrollmentFlow;
};

/**
 * A certificate field as a draft keeps it: its path, and "reading" when its file was read (or was being
 * read), so that resuming reads it again and shows what the file holds then.
 */
function draftCertificate(field: CertificateField): CertificateField {
  const read = field.status.state === 'loaded' || field.status.state === 'reading';
  return {
    path: field.path,
    candidates: [],
    moreCandidates: 0,
    status: read ? {state: 'reading'} : {state: 'empty'},
  };
}

/** A list being loaded is loaded again when its step asks for it. */
const settledList = (list: CaCertificateList): CaCertificateList =>
  list.state === 'loading' ? {state: 'idle'} : list;

/** What every flow drops: the notice of a retry, and the problem of the moment. */
function withoutMoment<F extends {waiting?: unknown; stepError?: string}>(flow: F): F {
  const {waiting: _waiting, stepError: _stepError, ...rest} = flow;
  return rest as F;
}

function individualDraft(flow: IndividualFlow): IndividualFlow {
  return {
    ...withoutMoment(flow),
    step: flow.step === 'saving' ? 'review' : flow.step,
    primary: draftCertificate(flow.primary),
    secondary: draftCertificate(flow.secondary),
  };
}

function groupDraft(flow: GroupFlow): GroupFlow {
  const {preflight, ...rest} = withoutMoment(flow);
  return {
    ...rest,
    ...(preflight?.state === 'done' ? {preflight} : {}),
    step: flow.step === 'saving' ? 'review' : flow.step,
    signingPrimary: draftCertificate(flow.signingPrimary),
    signingSecondary: draftCertificate(flow.signingSecondary),
    deviceCertificate: draftCertificate(flow.deviceCertificate),
    caCertificates: settledList(flow.caCertificates),
  };
}

/** The CA flow's step as a draft keeps it: a step that waits, or asks for the passphrase, goes back. */
function caStep(step: CaFlow['step']): CaFlow['step'] {
  switch (step) {
    case 'uploading':
      return 'add-verified';
    case 'generating':
      return 'list';
    case 'signing':
    case 'verifying':
    case 'passphrase':
      return 'prove';
    default:
      return step;
  }
}

function caDraft(flow: CaFlow): CaFlow {
  const verification = flow.verificationFile;
  return {
    ...withoutMoment(flow),
    step: caStep(flow.step),
    // The passphrase of the CA's private key never reaches the disk.
    passphrase: emptyDraft,
    passphraseAsked: false,
    certificates: settledList(flow.certificates),
    certificateFile: draftCertificate(flow.certificateFile),
    // Checked again against the code on Enter: its path is kept, not what was read.
    verificationFile: {...draftCertificate(verification), status: {state: 'empty'}},
  };
}

function testCertificatesDraft(flow: TestCertificatesFlow): TestCertificatesFlow {
  const {progress: _progress, ...rest} = withoutMoment(flow);
  return {...rest, step: flow.step === 'generating' ? 'summary' : flow.step};
}

/**
 * The test of an enrollment keeps its paths (the key's path, never the key) and what DPS answered; a step
 * that checks, registers or installs goes back to the transport, whose Enter checks again.
 */
function testEnrollmentDraft(flow: TestEnrollmentFlow): TestEnrollmentFlow {
  const {
    checking: _checking,
    stage: _stage,
    findings: _findings,
    installPlan: _plan,
    install: _install,
    installed: _installed,
    applying: _applying,
    applyResult: _applied,
    ...rest
  } = withoutMoment(flow);
  const again = ['preflight', 'confirm', 'registering', 'install-plan', 'installed'];
  return {
    ...rest,
    step: again.includes(flow.step) ? 'transport' : flow.step,
    certificate: draftCertificate(flow.certificate),
  };
}

function flowsDraft(state: Pick<WizardState, keyof Flows>): Flows {
  return {
    individual: individualDraft(state.individual),
    group: groupDraft(state.group),
    ca: caDraft(state.ca),
    testCertificates: testCertificatesDraft(state.testCertificates),
    testEnrollment: testEnrollmentDraft(state.testEnrollment),
  };
}

/** The screen a draft reopens: a flow, or home. */
function draftScreen(state: WizardState): Draft['screen'] {
  const {name} = state.screen;
  return name === 'home' || name === 'quit' || name === 'resume' || name === 'browse'
    ? 'home'
    : name;
}

/**
 * The draft of the state, or undefined while the resume prompt is on screen (the draft on disk is the one
 * it offers, and stays as it is until the user answers).
 */
export function draftOf(state: WizardState, target: string, now: Date): Draft | undefined {
  if (state.screen.name === 'resume') return undefined;
  return {
    version: draftVersion,
    savedAt: now.toISOString(),
    target,
    screen: draftScreen(state),
    ...flowsDraft(state),
  };
}

/** Whether anything was typed: any text field or path that is not what the flow starts with. */
export function draftHasTyping(draft: Pick<Draft, keyof Flows>): boolean {
  const fresh = initialFlows();
  const initial = texts(flowsDraft(fresh));
  const flows = {...draft, testEnrollment: draft.testEnrollment ?? fresh.testEnrollment};
  return [...texts(flowsDraft(flows))].some(([where, text]) => text !== (initial.get(where) ?? ''));
}

/** Every typed text of the flows by where it is: the values of their text drafts (a value and a cursor). */
function texts(flows: Flows): Map<string, string> {
  const found = new Map<string, string>();
  const visit = (value: unknown, key: string) => {
    if (Array.isArray(value)) return;
    if (typeof value !== 'object' || value === null) return;
    const record = value as Record<string, unknown>;
    if (typeof record['value'] === 'string' && typeof record['cursor'] === 'number') {
      found.set(key, record['value']);
      return;
    }
    // What DPS returned (saved, existing, lists) is not typing.
    for (const [name, child] of Object.entries(record)) {
      if (
        ['saved', 'existing', 'target', 'replacing', 'caCertificates', 'certificates'].includes(
          name,
        )
      )
        continue;
      visit(child, `${key}.${name}`);
    }
  };
  for (const [name, flow] of Object.entries(flows)) visit(flow, name);
  return found;
}

/** The content of a draft file, checked enough to be used; undefined when it is not a draft of this version. */
export function parseDraft(text: string): Draft | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof parsed !== 'object' || parsed === null) return undefined;
  const draft = parsed as Partial<Draft>;
  const flowsPresent = (['individual', 'group', 'ca', 'testCertificates'] as const).every(
    (name) => typeof draft[name] === 'object' && draft[name] !== null,
  );
  const screens: readonly string[] = [
    'home',
    'individual',
    'group',
    'verify-ca',
    'test-certificates',
    'test-enrollment',
  ];
  if (
    draft.version !== draftVersion ||
    typeof draft.savedAt !== 'string' ||
    typeof draft.target !== 'string' ||
    typeof draft.screen !== 'string' ||
    !screens.includes(draft.screen) ||
    !flowsPresent
  ) {
    return undefined;
  }
  return draft as Draft;
}

/** The certificate fields a draft reads again, by the flow that owns them and its field's name. */
const readAgain: {
  owner: FlowName;
  field: string;
  purpose: CertificatePurpose;
  get: (flows: Flows) => CertificateField;
}[] = [
  {owner: 'individual', field: 'primary', purpose: 'identity', get: (f) => f.individual.primary},
  {
    owner: 'individual',
    field: 'secondary',
    purpose: 'identity',
    get: (f) => f.individual.secondary,
  },
  {
    owner: 'group',
    field: 'group-signing-primary',
    purpose: 'ca',
    get: (f) => f.group.signingPrimary,
  },
  {
    owner: 'group',
    field: 'group-signing-secondary',
    purpose: 'ca',
    get: (f) => f.group.signingSecondary,
  },
  {
    owner: 'group',
    field: 'group-device',
    purpose: 'identity',
    get: (f) => f.group.deviceCertificate,
  },
  {owner: 'verify-ca', field: 'ca-certificate', purpose: 'ca', get: (f) => f.ca.certificateFile},
  {
    owner: 'test-enrollment',
    field: 'test-certificate',
    purpose: 'identity',
    get: (f) => f.testEnrollment.certificate,
  },
];

/**
 * The wizard as the draft left it: its flows (over fresh ones, so a field the draft lacks starts empty), its
 * screen, and a read of every certificate file it had read, through the router like any read.
 */
export function resumeDraft(state: WizardState, draft: Draft): WizardState {
  const fresh = initialFlows();
  const flows: Flows = {
    individual: {...fresh.individual, ...draft.individual},
    group: {...fresh.group, ...draft.group},
    ca: {...fresh.ca, ...draft.ca},
    testCertificates: {...fresh.testCertificates, ...draft.testCertificates},
    testEnrollment: {...fresh.testEnrollment, ...draft.testEnrollment},
  };
  const screen: WizardState['screen'] =
    draft.screen === 'home' ? {name: 'home', cursor: 0} : {name: draft.screen};
  let next: WizardState = {...state, ...flows, screen};
  // A list of CA certificates the step shows is listed again, as opening the step does.
  const listing =
    (draft.screen === 'group' &&
      ['ca-primary', 'ca-secondary'].includes(flows.group.step) &&
      flows.group.caCertificates.state !== 'loaded') ||
    (draft.screen === 'verify-ca' &&
      flows.ca.step === 'list' &&
      flows.ca.certificates.state !== 'loaded');
  if (listing) {
    const owner = draft.screen as 'group' | 'verify-ca';
    next =
      owner === 'group'
        ? {...next, group: {...next.group, caCertificates: {state: 'loading'}}}
        : {...next, ca: {...next.ca, certificates: {state: 'loading'}}};
    next = addTask(next, owner, {kind: 'list-ca-certificates'});
  }
  for (const {owner, field, purpose, get} of readAgain) {
    const certificate = get(flows);
    const path = certificate.path.value.trim();
    if (certificate.status.state !== 'reading' || path === '') continue;
    next = addTask(next, owner, {kind: 'read-certificate', field, purpose, path} as Effect);
  }
  return next;
}

/** Starting fresh: the home screen, the flows as they start. */
export function discardDraft(state: WizardState): WizardState {
  return {...state, ...initialFlows(), screen: {name: 'home', cursor: 0}};
}

/** What each flow is called: in the header, and on the resume prompt. */
export const flowTitles: Record<FlowName, string> = {
  individual: 'Individual enrollment',
  group: 'Group enrollment',
  'verify-ca': 'Verify a CA certificate',
  'test-certificates': 'Generate test certificates',
  'test-enrollment': 'Test an enrollment',
  browse: 'Browse DPS',
};

/**
 * Whether quitting would lose typed work: a flow has typing and is not at a step after its work was done
 * (saved, verified, generated).
 */
export function hasUnsavedWork(state: WizardState): boolean {
  const draft = flowsDraft(state);
  const done: Record<keyof Flows, readonly string[]> = {
    individual: ['result', 'config'],
    group: ['result', 'config', 'preflight'],
    ca: ['verified', 'save', 'commands', 'list', 'needs-arm'],
    testCertificates: ['done'],
    testEnrollment: ['assigned', 'installed'],
  };
  const initial = initialFlows();
  return (Object.keys(done) as (keyof Flows)[]).some((name) => {
    if (done[name].includes(draft[name].step)) return false;
    const only = {...initial, [name]: state[name]};
    return draftHasTyping(only);
  });
}
