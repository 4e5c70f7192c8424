import {UsageError} from '../commands/args.js';
import {ConnectionStringError, parseConnectionString} from '../dps/index.js';

/** Which DPS the wizard or a command talks to, and how it gets there. */
export type ConnectionChoice =
  | {mode: 'sandbox'; stateDir?: string}
  | {mode: 'connection-string'; connectionString: string}
  | {
      mode: 'azure';
      dpsName: string;
      resourceGroup: string;
      subscriptionId: string;
      deviceCode: boolean;
      tenantId?: string;
    };

/** The connection flags of the wizard and of the DPS commands, for parseCommandArgs. */
export const connectionFlags = {
  sandbox: {type: 'boolean'},
  'state-dir': {type: 'string'},
  'connection-string': {type: 'string'},
  'dps-name': {type: 'string'},
  'resource-group': {type: 'string'},
  subscription: {type: 'string'},
  'device-code': {type: 'boolean'},
  tenant: {type: 'string'},
} as const;

/** The connection flags, as parsed from the command line. */
export type WizardFlags = {
  sandbox?: boolean;
  'connection-string'?: string;
  'dps-name'?: string;
  'resource-group'?: string;
  subscription?: string;
  'device-code'?: boolean;
  tenant?: string;
  'state-dir'?: string;
};

const guidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** Azure's rule for a DPS name. */
const dpsNamePattern = /^[A-Za-z0-9-]{3,64}$/;

/** Flags that only make sense with --dps-name (Azure sign-in). */
const azureOnlyFlags = ['resource-group', 'subscription', 'device-code', 'tenant'] as const;

/**
 * Flags first, then the environment (DPS_CONNECTION_STRING; AZURE_SUBSCRIPTION_ID for --subscription);
 * the sandbox when nothing is configured. A contradiction or a missing piece is a UsageError that says
 * which flag to fix.
 */
export function chooseConnection(flags: WizardFlags, env: NodeJS.ProcessEnv): ConnectionChoice {
  const chosen = [
    flags.sandbox ? '--sandbox' : undefined,
    flags['connection-string'] !== undefined ? '--connection-string' : undefined,
    flags['dps-name'] !== undefined ? '--dps-name' : undefined,
  ].filter((flag) => flag !== undefined);
  if (chosen.length > 1) {
    throw new UsageError(
      `${chosen.join(' and ')} choose different connections; use only one of --sandbox, --connection-string and --dps-name`,
    );
  }

  if (flags['dps-name'] === undefined) {
    const stray = azureOnlyFlags.find((flag) => flags[flag] !== undefined && flags[flag] !== false);
    if (stray) throw new UsageError(`--${stray} is for Azure sign-in and needs --dps-name`);
  }
  if (flags['state-dir'] !== undefined && chosen.length > 0 && !flags.sandbox) {
    throw new UsageError(`--state-dir is for the sandbox only, not with ${chosen[0]}`);
  }

  if (flags['dps-name'] !== undefined) return azureChoice(flags, env);
  if (flags['connection-string'] !== undefined) {
    return connectionStringChoice(flags['connection-string'], '--connection-string');
  }
  // An explicit sandbox flag (or a state folder) wins over a connection string in the environment.
  if (flags.sandbox || flags['state-dir'] !== undefined) return sandboxChoice(flags['state-dir']);
  const fromEnv = env.DPS_CONNECTION_STRING;
  if (fromEnv !== undefined && fromEnv.trim() !== '') {
    return connectionStringChoice(fromEnv, 'DPS_CONNECTION_STRING');
  }
  return sandboxChoice(undefined);
}

function sandboxChoice(stateDir: string | undefined): ConnectionChoice {
  if (stateDir === undefined) return {mode: 'sandbox'};
  if (stateDir.trim() === '') throw new UsageError('--state-dir needs a folder');
  return {mode: 'sandbox', stateDir};
}

function connectionStringChoice(connectionString: string, source: string): ConnectionChoice {
  try {
    parseConnectionString(connectionString);
  } catch (error) {
    if (!(error instanceof ConnectionStringError)) throw error;
    // The parser's messages never contain the key.
    throw new UsageError(`${source}: ${error.message}`);
  }
  return {mode: 'connection-string', connectionString: connectionString.trim()};
}

function azureChoice(flags: WizardFlags, env: NodeJS.ProcessEnv): ConnectionChoice {
  const dpsName = flags['dps-name']!.trim();
  if (!dpsNamePattern.test(dpsName)) {
    throw new UsageError(
      `--dps-name must be the name of a DPS (3 to 64 letters, digits and '-'), got "${dpsName}"`,
    );
  }
  const resourceGroup = flags['resource-group']?.trim();
  if (!resourceGroup) {
    throw new UsageError(`--dps-name needs --resource-group: the resource group of ${dpsName}`);
  }
  const fromFlag = flags.subscription?.trim();
  const subscriptionId = fromFlag || env.AZURE_SUBSCRIPTION_ID?.trim();
  if (!subscriptionId) {
    throw new UsageError(
      `--dps-name needs --subscription (or AZURE_SUBSCRIPTION_ID): the subscription ID of ${dpsName}`,
    );
  }
  if (!guidPattern.test(subscriptionId)) {
    throw new UsageError(
      `${fromFlag ? '--subscription' : 'AZURE_SUBSCRIPTION_ID'} must be a subscription ID (a GUID such as 00000000-0000-0000-0000-000000000000), got "${subscriptionId}"`,
    );
  }
  const choice: ConnectionChoice = {
    mode: 'azure',
    dpsName,
    resourceGroup,
    subscriptionId,
    deviceCode: flags['device-code'] === true,
  };
  if (flags.tenant !== undefined) {
    const tenantId = flags.tenant.trim();
    if (tenantId === '') throw new UsageError('--tenant needs a tenant ID or domain');
    choice.tenantId = tenantId;
  }
  return choice;
}

/** One line for the header and the connecting screen; never contains a key. */
export function describeChoice(choice: ConnectionChoice): string {
  switch (choice.mode) {
    case 'sandbox':
      return 'sandbox';
    case 'connection-string': {
      try {
        const parsed = parseConnectionString(choice.connectionString);
        return `connection string for ${parsed.hostName} (policy ${parsed.sharedAccessKeyName})`;
      } catch {
        return 'connection string (unreadable)';
      }
    }
    case 'azure':
      return `Azure: ${choice.dpsName} in ${choice.resourceGroup}`;
  }
}
