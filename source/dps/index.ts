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
export {caNameProblem, maxCaNameLength, type CaNameProblem} from './ca-name-rules.js';
export {
  deviceIdProblem,
  enrollmentIdProblem,
  maxDeviceIdLength,
  maxIdLength,
  maxX509RegistrationIdLength,
  type IdProblem,
} from './id-rules.js';
export {
  maxDesiredBytes,
  maxTagsBytes,
  maxTwinDepth,
  maxTwinInteger,
  maxTwinKeyBytes,
  maxTwinStringBytes,
  minTwinInteger,
  twinKeyProblem,
  twinProblems,
  twinSize,
} from './twin-rules.js';
