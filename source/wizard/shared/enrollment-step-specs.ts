import {pathFieldHints, type StepSpec} from './flow.js';
import {savingKeyHints, type ReviewView} from './save-steps.js';
import {settingsKeyHints} from './settings-steps.js';
import type {SettingsDraft, SettingsStep} from './types.js';

/**
 * What the steps individual enrollments and groups share are, for their step tables: the settings steps, and
 * the steps from the review to the config file.
 */

/** The settings steps of a flow with `settings`. */
export function settingsStepSpecs<F extends {settings: SettingsDraft}>(): Record<
  SettingsStep,
  StepSpec<F>
> {
  const spec = (step: SettingsStep, takesText: StepSpec<F>['takesText'] = false): StepSpec<F> => ({
    takesText,
    hints: (flow, context) => settingsKeyHints(step, flow.settings, context.linkedHubs.length > 0),
  });
  return {
    edge: spec('edge'),
    // With no linked hubs known, host names are typed.
    hubs: spec('hubs', (_flow, context) => context.linkedHubs.length === 0),
    allocation: spec('allocation'),
    'custom-allocation': spec('custom-allocation', true),
    twin: spec('twin', true),
    advanced: spec('advanced'),
  };
}

/** The steps from the review to writing the config file, of a flow that saves (without result and config). */
export function saveStepSpecs<
  F extends ReviewView & {confirmOverwrite: boolean; configFile?: unknown},
>(): Record<
  'review' | 'saving' | 'exists' | 'save-failed' | 'device-paths' | 'write-config',
  StepSpec<F>
> {
  return {
    review: {
      hints: () => savingKeyHints('review'),
      scroll: {
        get: (flow) => flow.reviewScroll,
        set: (flow, reviewScroll) => ({...flow, reviewScroll}),
      },
    },
    saving: {busy: () => true, escapeActsAtOnce: () => true, hints: () => savingKeyHints('saving')},
    exists: {
      decidesByLetter: true,
      hints: () => savingKeyHints('exists'),
      scroll: {
        get: (flow) => flow.reviewScroll,
        set: (flow, reviewScroll) => ({...flow, reviewScroll}),
      },
    },
    'save-failed': {hints: () => savingKeyHints('save-failed')},
    'device-paths': {takesText: true, hints: () => savingKeyHints('device-paths')},
    'write-config': {
      takesText: true,
      hints: pathFieldHints,
    },
  };
}

/** The config step's scroll, shared by individual enrollments and groups. */
export const configScroll = <F extends {configScroll: number}>(): NonNullable<
  StepSpec<F>['scroll']
> => ({
  get: (flow) => flow.configScroll,
  set: (flow, configScroll) => ({...flow, configScroll}),
});
