import type {WizardState} from '../core/state.js';
import {caClosingReport} from '../flows/ca/outputs.js';
import {groupClosingReport} from '../flows/group/outputs.js';
import {closingReport as individualClosingReport} from '../flows/individual/outputs.js';

/** What the wizard prints when it ends, so it can be copied: what each flow did. */
export function closingReport(state: WizardState): string {
  const info = state.connection.status === 'connected' ? state.connection.info : undefined;
  return [
    caClosingReport(state.ca, info),
    individualClosingReport(state.individual, info),
    groupClosingReport(state.group, info),
  ]
    .filter((text) => text !== '')
    .join('\n');
}
