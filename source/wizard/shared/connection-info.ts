import type {ConnectionInfo, WizardState} from '../core/state.js';

/** What the wizard knows of the DPS it is connected to; undefined until it is connected. */
export const connectionInfoOf = (state: WizardState): ConnectionInfo | undefined =>
  state.connection.status === 'connected' ? state.connection.info : undefined;

/** The hubs linked to the DPS; none while connecting, or with only a connection string. */
export const linkedHubsOf = (state: WizardState) => connectionInfoOf(state)?.linkedHubs ?? [];
