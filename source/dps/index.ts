export {
  connectToSandbox,
  connectWithAzure,
  connectWithConnectionString,
  localAgent,
  staticTokenCredential,
  type AzureTarget,
} from './gateway.js';
export {DpsError, isDpsError, type DpsErrorKind} from './errors.js';
export type * from './types.js';
export {
  createAzureCredential,
  SignInCancelledError,
  type DeviceCodePrompt,
  type SignInOptions,
} from './sign-in.js';
