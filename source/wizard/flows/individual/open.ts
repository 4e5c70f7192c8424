import {linkedHubsOf} from '../../shared/connection-info.js';
import {initialIndividualFlow} from './input.js';
import type {WizardState} from '../../core/state.js';
import {addTask} from '../../core/task-list.js';
import {draftOf} from '../../shared/text-draft.js';

/**
 * Opens the individual enrollment. A saved enrollment is done, so the next one starts from a clean form; with
 * `certificatePath` (a device certificate just generated) the form starts over with that file being read.
 */
export function enterIndividual(
  state: WizardState,
  options: {certificatePath?: string} = {},
): WizardState {
  const linkedHubs = linkedHubsOf(state);
  const {certificatePath} = options;
  if (certificatePath === undefined) {
    const individual = state.individual.saved
      ? initialIndividualFlow(linkedHubs)
      : state.individual;
    return {...state, screen: {name: 'individual'}, individual};
  }
  const fresh = initialIndividualFlow(linkedHubs);
  return addTask(
    {
      ...state,
      screen: {name: 'individual'},
      individual: {
        ...fresh,
        primary: {...fresh.primary, path: draftOf(certificatePath), status: {state: 'reading'}},
      },
    },
    {kind: 'read-certificate', field: 'primary', purpose: 'identity', path: certificatePath},
  );
}
