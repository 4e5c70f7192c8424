import type {RetryWait} from '../../dps/index.js';
import type {KeyEvent} from './key-event.js';
import {editDraft, type TextDraft} from './text-draft.js';

/**
 * What every flow of the wizard has: the step on screen, the problem that keeps it from moving on, and what
 * a DPS call of the flow is waiting for before it tries again (set by the router from the call's news).
 */
export type StepFlow = {step: string; stepError?: string; waiting?: RetryWait};

/** The flow on another step: the previous step's problem does not follow it there. */
export function withStep<F extends StepFlow>(flow: F, step: F['step']): F {
  const {stepError: _dropped, ...rest} = flow;
  return {...rest, step} as F;
}

/** The flow showing a problem on its step, or none (undefined). */
export function withError<F extends StepFlow>(flow: F, stepError: string | undefined): F {
  if (stepError === undefined) {
    if (flow.stepError === undefined) return flow;
    const {stepError: _dropped, ...rest} = flow;
    return rest as F;
  }
  return {...flow, stepError};
}

/** One editing key on a text field of the flow; an edit clears the step's problem. */
export function editTextField<K extends string, F extends StepFlow & Record<K, TextDraft>>(
  flow: F,
  field: K,
  event: KeyEvent,
): F {
  const edited = editDraft(flow[field], event);
  if (edited === undefined || edited === flow[field]) return flow;
  return withError({...flow, [field]: edited}, undefined);
}
