import type {LinkedHub} from '../../dps/index.js';
import {devicePathProblem} from '../../outputs/config-toml.js';
import {withError, withStep, type StepFlow} from './flow-step.js';
import type {KeyEvent} from './key-event.js';
import {settingsKey} from './settings-steps.js';
import type {ReviewPanel, SaveStep, SettingsDraft, SettingsStep} from './types.js';
import {draftOf, editDraft, emptyDraft, type TextDraft} from './text-draft.js';

/**
 * What individual enrollments and groups do alike: Esc, the shared settings steps, and the steps from the
 * review on (the review, saving, an existing enrollment, a failed save, the device paths and the config),
 * with their footer hints.
 */

/** The review's panel and scroll position, shared by individual enrollments and groups. */
export type ReviewView = {reviewPanel: ReviewPanel; reviewScroll: number};

/** Where the device keeps its identity certificate (chain) and key, as config.toml names them. */
export type DevicePathsDraft = {
  deviceCertPath: TextDraft;
  deviceKeyPath: TextDraft;
  devicePathFocus: 'certificate' | 'key';
};

/** How the review, device paths and config steps start, in individual enrollments and groups alike. */
export const initialSaveSteps: ReviewView &
  DevicePathsDraft & {configScroll: number; confirmOverwrite: boolean} = {
  reviewPanel: 'summary',
  reviewScroll: 0,
  deviceCertPath: emptyDraft,
  deviceKeyPath: emptyDraft,
  devicePathFocus: 'certificate',
  configScroll: 0,
  confirmOverwrite: false,
};

/** A flow that saves an enrollment (individual or group): every step of SaveStep is one of its steps. */
export type SavingFlow = StepFlow &
  ReviewView & {
    settings: SettingsDraft;
    existing?: {etag?: string};
    updateEtag?: string;
    confirmOverwrite: boolean;
  };

/** What these keys ask of the app; each flow's own request type has these kinds too. */
export type SavingRequest =
  {kind: 'none'} | {kind: 'home'} | {kind: 'save'} | {kind: 'cancel-save'};

export type SavingOutcome<F> = {flow: F; request: SavingRequest};

const none: SavingRequest = {kind: 'none'};

/** The flow on one of the shared steps, which are steps of every saving flow. */
const onStep = <F extends SavingFlow>(flow: F, step: SaveStep): F =>
  withStep(flow, step as F['step']);

/**
 * Esc: cancels a save under way, keeps a file rather than replacing it, or goes one step back (to the
 * home screen before the first step).
 */
export function escapeKey<F extends SavingFlow>(
  flow: F,
  previous: F['step'] | undefined,
): SavingOutcome<F> {
  if (flow.step === 'saving') return {flow: onStep(flow, 'review'), request: {kind: 'cancel-save'}};
  if (flow.step === 'write-config' && flow.confirmOverwrite) {
    // The file is kept: the question about replacing it goes too.
    return {flow: withError({...flow, confirmOverwrite: false}, undefined), request: none};
  }
  return previous === undefined
    ? {flow: withError(flow, undefined), request: {kind: 'home'}}
    : {flow: withStep(flow, previous), request: none};
}

/** One key on a settings step; `next` names the step after it in the flow's form. */
export function settingsStepKey<F extends SavingFlow>(
  flow: F,
  step: SettingsStep,
  event: KeyEvent,
  linkedHubs: readonly LinkedHub[],
  next: (flow: F) => F['step'],
): F {
  const outcome = settingsKey(step, flow.settings, event, linkedHubs);
  const updated = outcome.settings === flow.settings ? flow : {...flow, settings: outcome.settings};
  if (outcome.move === 'next') return withStep(updated, next(updated));
  // Any edit clears the previous complaint; a refused Enter shows its reason.
  if (outcome.error !== undefined) return withError(updated, outcome.error);
  return updated === flow ? flow : withError(updated, undefined);
}

/** Switches the review's panel or scrolls it; undefined for keys that do neither. */
export function reviewViewKey<V extends ReviewView>(view: V, event: KeyEvent): V | undefined {
  const panels: ReviewPanel[] = ['summary', 'request', 'az'];
  switch (event.kind) {
    case 'tab':
    case 'back-tab':
    case 'left':
    case 'right': {
      const delta = event.kind === 'tab' || event.kind === 'right' ? 1 : -1;
      const index = panels.indexOf(view.reviewPanel);
      const reviewPanel = panels[(index + delta + panels.length) % panels.length] ?? 'summary';
      return {...view, reviewPanel, reviewScroll: 0};
    }
    case 'up':
      return {...view, reviewScroll: Math.max(0, view.reviewScroll - 1)};
    case 'down':
      return {...view, reviewScroll: view.reviewScroll + 1};
    case 'page-up':
      return {...view, reviewScroll: Math.max(0, view.reviewScroll - 10)};
    case 'page-down':
      return {...view, reviewScroll: view.reviewScroll + 10};
    default:
      return undefined;
  }
}

/**
 * One key on the review, on an enrollment that exists already, or after a failed save; `editStep` is
 * where e (edit) goes after a failed save. Undefined on other steps.
 */
export function saveStepKey<F extends SavingFlow>(
  flow: F,
  event: KeyEvent,
  editStep: F['step'],
): SavingOutcome<F> | undefined {
  const save = (saving: F): SavingOutcome<F> => ({
    flow: onStep(saving, 'saving'),
    request: {kind: 'save'},
  });
  switch (flow.step) {
    case 'review':
      if (event.kind === 'enter') return save(flow);
      return {flow: reviewViewKey(flow, event) ?? flow, request: none};
    case 'exists':
      // Only u replaces it, as the screen says: an Enter pressed while saving must not overwrite unseen.
      if (event.kind === 'text' && event.text === 'u') {
        const etag = flow.existing?.etag;
        if (!etag) return {flow, request: none};
        return save({...flow, updateEtag: etag});
      }
      // ↑↓ scroll the diff; the review's panels are not on this screen.
      if (
        event.kind === 'tab' ||
        event.kind === 'back-tab' ||
        event.kind === 'left' ||
        event.kind === 'right'
      ) {
        return {flow, request: none};
      }
      return {flow: reviewViewKey(flow, event) ?? flow, request: none};
    case 'save-failed':
      if (event.kind === 'enter' || (event.kind === 'text' && event.text === 'r'))
        return save(flow);
      if (event.kind === 'text' && event.text === 'e') {
        return {flow: withStep(flow, editStep), request: none};
      }
      return {flow, request: none};
    default:
      return undefined;
  }
}

/**
 * One key on the device paths step: moves the focus, edits the focused path, or (Enter on the key path)
 * checks both paths and moves on.
 */
export function devicePathsKey<F extends DevicePathsDraft>(
  paths: F,
  event: KeyEvent,
): {paths: F; move: 'stay' | 'next'; error?: string; edited: boolean} {
  if (
    event.kind === 'up' ||
    event.kind === 'down' ||
    event.kind === 'tab' ||
    event.kind === 'back-tab'
  ) {
    return {
      paths: {
        ...paths,
        devicePathFocus: paths.devicePathFocus === 'certificate' ? 'key' : 'certificate',
      },
      move: 'stay',
      edited: false,
    };
  }
  if (event.kind === 'enter') {
    if (paths.devicePathFocus === 'certificate') {
      return {paths: {...paths, devicePathFocus: 'key'}, move: 'stay', edited: false};
    }
    const problem =
      devicePathProblem(paths.deviceCertPath.value.trim()) ??
      devicePathProblem(paths.deviceKeyPath.value.trim());
    if (problem) return {paths, move: 'stay', error: problem, edited: false};
    return {paths, move: 'next', edited: false};
  }
  const field = paths.devicePathFocus === 'certificate' ? 'deviceCertPath' : 'deviceKeyPath';
  const edited = editDraft(paths[field], event);
  if (edited === undefined || edited === paths[field]) return {paths, move: 'stay', edited: false};
  return {paths: {...paths, [field]: edited}, move: 'stay', edited: true};
}

/** The device paths step of a flow: on to the config once both paths are fine. */
export function devicePathsStepKey<
  F extends SavingFlow & DevicePathsDraft & {configScroll: number},
>(flow: F, event: KeyEvent): F {
  const outcome = devicePathsKey(flow, event);
  if (outcome.move === 'next') return onStep({...outcome.paths, configScroll: 0}, 'config');
  if (outcome.error !== undefined) return withError(outcome.paths, outcome.error);
  return outcome.edited ? withError(outcome.paths, undefined) : outcome.paths;
}

/**
 * Where Esc goes from a step: from the steps after the review as below, otherwise one step back in the
 * form (`formSteps`); undefined means the home screen.
 */
export function previousEnrollmentStep<S extends string>(
  step: S | SaveStep,
  formSteps: readonly (S | SaveStep)[],
): S | SaveStep | undefined {
  switch (step) {
    case 'exists':
    case 'save-failed':
    case 'saving':
      return 'review';
    case 'result':
      return undefined;
    case 'device-paths':
      return 'result';
    case 'config':
      return 'device-paths';
    case 'write-config':
      return 'config';
    default: {
      const index = formSteps.indexOf(step);
      return index > 0 ? formSteps[index - 1] : undefined;
    }
  }
}

/** From the result to the device paths: a path not typed yet starts as the default one. */
export function openDevicePaths<F extends SavingFlow & DevicePathsDraft>(
  flow: F,
  defaults: {identityCertPath: string; identityKeyPath: string},
): F {
  return onStep(
    {
      ...flow,
      deviceCertPath:
        flow.deviceCertPath.value === '' ? draftOf(defaults.identityCertPath) : flow.deviceCertPath,
      deviceKeyPath:
        flow.deviceKeyPath.value === '' ? draftOf(defaults.identityKeyPath) : flow.deviceKeyPath,
      devicePathFocus: 'certificate',
    },
    'device-paths',
  );
}

/** The footer's keys on the review, the save steps and the device paths. */
export function savingKeyHints(
  step: 'review' | 'saving' | 'exists' | 'save-failed' | 'device-paths',
): string[] {
  const back = 'Esc back';
  const exit = 'Ctrl+C exit';
  switch (step) {
    case 'review':
      return ['Enter save', 'Tab values/JSON/az', '↑↓ scroll', back, exit];
    case 'saving':
      return ['Esc cancel', exit];
    case 'exists':
      return ['u replace it', '↑↓ scroll', back, exit];
    case 'save-failed':
      return ['r retry', 'e edit', back, exit];
    case 'device-paths':
      return ['↑↓ field', 'Enter continue', back, exit];
  }
}

/** On the config: ↑↓ scroll it and Enter is done (home); undefined for other keys. */
export function configViewKey<F extends SavingFlow & {configScroll: number}>(
  flow: F,
  event: KeyEvent,
): SavingOutcome<F> | undefined {
  switch (event.kind) {
    case 'up':
      return {flow: {...flow, configScroll: Math.max(0, flow.configScroll - 1)}, request: none};
    case 'down':
      return {flow: {...flow, configScroll: flow.configScroll + 1}, request: none};
    case 'enter':
      return {flow: withError(flow, undefined), request: {kind: 'home'}};
    default:
      return undefined;
  }
}
