/** What the rest of the project uses of the DPS gateway. */
export {
  connectToSandbox,
  connectWithAzure,
  connectWithConnectionString,
  localAgent,
  staticTokenCredential,
  type AzureTarget,
  type ConnectOptions,
} from './gateway.js';
export {
  DpsError,
  isDpsError,
  redactSecrets,
  type DpsErrorDetails,
  type DpsErrorKind,
} from './errors.js';
export {
  defaultRetryPolicy,
  nextWait,
  retryReason,
  type CallOptions,
  type RetryDecision,
  type RetryPolicy,
  type RetrySettings,
  type RetryWait,
} from './retry.js';
export type * from './types.js';
export {
  ConnectionStringError,
  formatConnectionString,
  parseConnectionString,
  type ServiceConnectionString,
} from './connection-string.js';
export {
  deviceIdProblem,
  enrollmentIdProblem,
  maxDeviceIdLength,
  maxIdLength,
  maxX509RegistrationIdLength,
  type IdProblem,
} from './id-rules.js';
export {decodeCertificate} from './certificate-decode.js';
export {writeEnrollmentGroup, writeIndividualEnrollment} from './wire.js';
export {
  createAzureCredential,
  SignInCancelledError,
  type DeviceCodePrompt,
  type SignInOptions,
} from './sign-in.js';
export {caNameProblem, maxCaNameLength, type CaNameProblem} from './ca-name-rules.js';
export {
  codePoint,
  maxDesiredBytes,
  maxTagsBytes,
  maxTwinDepth,
  maxTwinInteger,
  maxTwinKeyBytes,
  maxTwinStringBytes,
  minTwinInteger,
  showTwinText,
  twinKeyProblem,
  twinProblems,
  twinSize,
} from './twin-rules.js';
