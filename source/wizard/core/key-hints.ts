import {caKeyHints} from '../flows/ca/flow.js';
import {savingKeyHints} from '../shared/save-steps.js';
import {groupKeyHints} from '../flows/group/flow.js';
import {isSettingsStep, settingsKeyHints} from '../shared/settings-steps.js';
import type {WizardState} from './state.js';
import {testCertificatesKeyHints} from '../flows/test-certificates/flow.js';

/** The keys that do something on the current screen, for the footer. */
export function keyHints(state: WizardState): string[] {
  if (state.screen.name === 'home') {
    const hints = ['↑↓ move', 'Enter choose', 'q quit'];
    if (state.connection.status === 'signing-in') hints.push('Esc cancel sign-in');
    if (state.connection.status === 'failed') hints.push('r retry connection');
    return [...hints, 'Ctrl+C exit'];
  }
  if (state.screen.name === 'group') return groupKeyHints(state);
  if (state.screen.name === 'verify-ca') return caKeyHints(state);
  if (state.screen.name === 'test-certificates') return testCertificatesKeyHints(state);
  if (state.screen.name !== 'individual') return [];
  const flow = state.individual;
  const back = 'Esc back';
  const exit = 'Ctrl+C exit';
  if (isSettingsStep(flow.step)) {
    const hasLinkedHubs =
      state.connection.status === 'connected' && state.connection.info.linkedHubs.length > 0;
    return settingsKeyHints(flow.step, flow.settings, hasLinkedHubs);
  }
  switch (flow.step) {
    case 'certificate':
    case 'secondary-certificate':
    case 'write-config':
      return ['Enter continue', 'Tab complete path', '~ = home', back, exit];
    case 'registration-id':
    case 'device-id':
      return ['Enter continue', back, exit];
    case 'review':
    case 'saving':
    case 'exists':
    case 'save-failed':
    case 'device-paths':
      return savingKeyHints(flow.step);
    case 'result':
      return ['Enter device config', 'Esc home', exit];
    case 'config':
      return ['w write to a file', '↑↓ scroll', 'Enter done', back, exit];
  }
}
