import {Text} from 'ink';
import type {WizardState} from '../app/state.js';

export function GroupScreen({state}: {state: WizardState}) {
  return <Text>{state.screen.name}</Text>;
}
