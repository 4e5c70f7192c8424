import {update, type FlowUpdate, type SharedOutcome} from './effect.js';
import type {FlowContext} from './flow.js';
import {withError, withStep, type StepFlow} from './flow-step.js';
import type {SavingOutcome} from './save-steps.js';
import type {ConnectionState, Failure, SaveStep} from './types.js';

/**
 * Saving an enrollment or a group, alike for both: asking for the save, cancelling it, what comes back, and
 * writing the device's config file afterwards.
 */

/** What a save reports: the ID exists already (shown, never replaced unasked), saved, or failed. */
export type SaveOutcome<T> =
  /** `changedMeanwhile`: an update with the etag shown found a newer version, which this is. */
  | {kind: 'exists'; existing: T; changedMeanwhile?: boolean}
  | {kind: 'saved'; saved: T}
  | {kind: 'save-failed'; failure: Failure};

/** A flow that saves: the saving steps are its steps. */
export type SaveFlow<T> = StepFlow & {
  /** Also the scroll of the diff on the exists step. */
  reviewScroll: number;
  existing?: T;
  updateEtag?: string;
  failure?: Failure;
  saved?: T;
  confirmOverwrite: boolean;
  configWritten?: string;
};

const onStep = <F extends StepFlow>(flow: F, step: SaveStep): F =>
  withStep(flow, step as F['step']);

/** Saving before the connection is up fails at once, saying why; undefined once connected. */
export function notConnectedFailure(connection: ConnectionState): Failure | undefined {
  if (connection.status === 'connected') return undefined;
  return {
    kind: 'network',
    message:
      connection.status === 'failed'
        ? `not connected to DPS: ${connection.failure.message}`
        : 'still connecting to DPS; try again in a moment',
  };
}

/** Asks for the save `effect`; a save of the same kind still running is dropped first. */
export function requestSave<F extends SaveFlow<unknown>, E extends {kind: string}>(
  flow: F,
  connection: ConnectionState,
  effect: E,
): FlowUpdate<F, E> {
  const failure = notConnectedFailure(connection);
  if (failure) return update({...onStep(flow, 'save-failed'), failure});
  return update(flow, {kind: 'cancel', effect: effect.kind}, effect);
}

/**
 * A save cancelled with Esc: its effect goes, and so do the keys typed during the save, which were meant
 * for the screen after it, which will not come. The throttling notice belonged to that save and goes too.
 */
export function cancelSave<F extends SaveFlow<unknown>, E>(
  flow: F,
  effect: string,
  saved: 'enrollment' | 'group',
): FlowUpdate<F, E> {
  const cancelled = {
    ...flow,
    stepError: `saving was cancelled; if DPS had already received it, saving again shows the ${saved} as existing`,
  } as F;
  return update<F, E>(cancelled, {kind: 'cancel', effect}, {kind: 'discard-type-ahead'});
}

/** Where a save's outcome leaves the flow. */
export function saveResult<T, F extends SaveFlow<T>, E>(
  flow: F,
  outcome: SaveOutcome<T>,
): FlowUpdate<F, E> {
  const settled = flow;
  switch (outcome.kind) {
    case 'exists': {
      // The etag chosen was for the version shown before: u chooses again, for this one.
      const {updateEtag: _stale, ...shown} = settled;
      const existing = {
        ...onStep(shown as F, 'exists'),
        existing: outcome.existing,
        reviewScroll: 0,
      };
      // Keys typed before the existing one was on screen never decide to replace it.
      return update<F, E>(
        outcome.changedMeanwhile
          ? withError(
              existing,
              `someone changed it in DPS after it was read: this is what replacing the version it has now changes`,
            )
          : withError(existing, undefined),
        {kind: 'discard-type-ahead'},
      );
    }
    case 'saved': {
      const {failure: _f, ...done} = settled;
      return update({...onStep(done as F, 'result'), saved: outcome.saved});
    }
    case 'save-failed': {
      // A stale etag means it changed meanwhile: the next save reads it again first.
      const {updateEtag, ...failed} = settled;
      const keepEtag =
        outcome.failure.kind === 'stale-etag' || updateEtag === undefined ? {} : {updateEtag};
      return update({
        ...onStep(failed as F, 'save-failed'),
        ...keepEtag,
        failure: outcome.failure,
      });
    }
  }
}

/** Where writing the config file leaves the flow: back on the config, or asked to confirm, or the error. */
export function configFileResult<F extends SaveFlow<unknown>>(
  flow: F,
  outcome: Extract<SharedOutcome, {kind: 'file-written' | 'file-exists' | 'file-failed'}>,
): F {
  switch (outcome.kind) {
    case 'file-written':
      return {
        ...onStep(flow, 'config'),
        confirmOverwrite: false,
        configWritten: outcome.path,
      };
    case 'file-exists':
      return withError(
        {...flow, confirmOverwrite: true},
        `${outcome.path} already exists: press Enter again to replace it, or Esc to keep it`,
      );
    case 'file-failed':
      return withError(flow, outcome.message);
  }
}

/**
 * What a shared saving step asked for, as the flow's effects: `save` makes the flow's own save effect (of an
 * enrollment or a group), whose kind is `saveKind`.
 */
export function savingUpdate<F extends SaveFlow<unknown>, E extends {kind: string}>(
  outcome: SavingOutcome<F>,
  context: FlowContext,
  saveKind: E['kind'],
  save: (flow: F) => E,
): FlowUpdate<F, E> {
  const {flow, request} = outcome;
  switch (request.kind) {
    case 'none':
      return update<F, E>(flow);
    case 'home':
      return update<F, E>(flow, {kind: 'home'});
    case 'save':
      return requestSave(flow, context.connection, save(flow));
    case 'cancel-save':
      return cancelSave(flow, saveKind, saveKind === 'save-group' ? 'group' : 'enrollment');
  }
}
