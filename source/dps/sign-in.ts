import type {AccessToken, GetTokenOptions, TokenCredential} from '@azure/core-auth';
import {abortable} from './retry.js';
import {DpsError, redactSecrets} from './errors.js';

type AbortSignalLike = NonNullable<GetTokenOptions['abortSignal']>;

/** What the operator needs to sign in on another device: open the URL, enter the code. */
export type DeviceCodePrompt = {
  verificationUri: string;
  userCode: string;
  message: string;
  expiresOn: Date;
};

export type SignInOptions = {
  /** Interactive sign-in with a code shown in the wizard; absent: DefaultAzureCredential. */
  deviceCode?: {onPrompt(prompt: DeviceCodePrompt): void};
  tenantId?: string;
  /** Cancels a sign-in in progress (the wizard's Esc) and every later token request. */
  abortSignal?: AbortSignal;
  /** Tests only: a local authority, e.g. https://localhost:<port>, with its CA. */
  authorityHost?: string;
  ca?: string;
};

/** The operator cancelled the sign-in (or the connecting); not a failure to report. */
export class SignInCancelledError extends Error {
  override name = 'SignInCancelledError';
  constructor(message = 'Azure sign-in was cancelled') {
    super(message);
  }
}

/** Sign-in failures from @azure/identity, matched by name so the module need not be loaded to check. */
const signInErrorNames = new Set([
  'CredentialUnavailableError',
  'AuthenticationError',
  'AggregateAuthenticationError',
  'AuthenticationRequiredError',
]);

/** A device code is valid this long when the authority does not say. */
const defaultDeviceCodeLifetimeSeconds = 15 * 60;

const signInOperation = 'sign in to Azure';

/**
 * The credential the wizard signs in to Azure with. @azure/identity is loaded here, on first use, so the
 * first screen does not wait for it. The device-code prompt goes to `onPrompt` only: identity's default
 * prints it with console.log, which would corrupt the terminal UI.
 */
export async function createAzureCredential(options: SignInOptions): Promise<TokenCredential> {
  if (options.abortSignal?.aborted) throw new SignInCancelledError();
  const identity = await import('@azure/identity');
  const shared = {
    ...(options.tenantId ? {tenantId: options.tenantId} : {}),
    ...(options.authorityHost
      ? {authorityHost: options.authorityHost, disableInstanceDiscovery: true}
      : {}),
    ...(options.ca ? {tlsOptions: {ca: options.ca}} : {}),
  };
  const deviceCode = options.deviceCode;
  const credential: TokenCredential = deviceCode
    ? new identity.DeviceCodeCredential({
        ...shared,
        userPromptCallback: (info) => {
          const expiresIn = (info as {expiresIn?: unknown}).expiresIn;
          const seconds =
            typeof expiresIn === 'number' && expiresIn > 0
              ? expiresIn
              : defaultDeviceCodeLifetimeSeconds;
          deviceCode.onPrompt({
            verificationUri: info.verificationUri,
            userCode: info.userCode,
            message: info.message,
            expiresOn: new Date(Date.now() + seconds * 1000),
          });
        },
      })
    : new identity.DefaultAzureCredential(shared);
  return cancellable(credential, options.abortSignal, deviceCode !== undefined);
}

/**
 * Passes `signal` to every getToken (together with the caller's own signal) and rejects at once when it
 * fires: the device-code flow only notices a cancel between polls, which can be seconds apart.
 */
function cancellable(
  credential: TokenCredential,
  signal: AbortSignal | undefined,
  deviceCode: boolean,
): TokenCredential {
  return {
    async getToken(scopes: string | string[], options: GetTokenOptions = {}) {
      if (signal?.aborted) throw new SignInCancelledError();
      const both = bothSignals(signal, options.abortSignal);
      const attempt = credential.getToken(scopes, {
        ...options,
        // identity keeps CAE and non-CAE tokens in separate caches; one setting for every request (the ARM
        // pipeline asks with CAE) means one device-code sign-in covers them all.
        ...(deviceCode ? {enableCae: true} : {}),
        ...(both ? {abortSignal: both.signal} : {}),
      });
      attempt.finally(() => both?.release()).catch(() => {});
      try {
        return await untilAborted(attempt, signal);
      } catch (error) {
        if (signal?.aborted) throw new SignInCancelledError();
        throw signInError(error, deviceCode);
      }
    },
  };
}

/** One signal that fires when either fires; `release` drops the listeners once the request is over. */
function bothSignals(
  ours: AbortSignal | undefined,
  theirs: AbortSignalLike | undefined,
): {signal: AbortSignalLike; release(): void} | undefined {
  if (!ours || !theirs) {
    const only = ours ?? theirs;
    return only ? {signal: only, release: () => {}} : undefined;
  }
  const controller = new AbortController();
  const abort = () => controller.abort();
  if (ours.aborted || theirs.aborted) abort();
  ours.addEventListener('abort', abort);
  theirs.addEventListener('abort', abort);
  return {
    signal: controller.signal,
    release: () => {
      ours.removeEventListener('abort', abort);
      theirs.removeEventListener('abort', abort);
    },
  };
}

/** The attempt, or a cancelled sign-in as soon as `signal` aborts. */
function untilAborted(
  attempt: Promise<AccessToken | null>,
  signal: AbortSignal | undefined,
): Promise<AccessToken | null> {
  // The abandoned attempt settles later (MSAL stops at its next poll); its outcome no longer matters.
  attempt.catch(() => {});
  return abortable(attempt, signal, () => new SignInCancelledError());
}

/**
 * An identity failure as an 'unauthorized' DpsError that says what to do. Anything else (a socket error
 * from the pipeline) is left as it is for the gateway to classify.
 */
function signInError(error: unknown, deviceCode: boolean): unknown {
  const name = (error as {name?: unknown} | null)?.name;
  if (typeof name !== 'string' || !signInErrorNames.has(name)) return error;
  const reason = redactSecrets(String((error as Error).message ?? ''))
    .replace(/\s+/g, ' ')
    .trim()
    .slice(0, 300);
  const serviceMessage = deviceCode
    ? `the device-code sign-in did not complete (${reason || name}); start it again and enter the code before it expires`
    : name === 'AuthenticationError'
      ? `the credential was refused (${reason || name}); check AZURE_CLIENT_ID, AZURE_TENANT_ID and the secret or certificate, or use --device-code`
      : 'no Azure credential is available: run az login, set AZURE_CLIENT_ID/AZURE_TENANT_ID/AZURE_CLIENT_SECRET (or another identity DefaultAzureCredential accepts), or use --device-code';
  return new DpsError({kind: 'unauthorized', operation: signInOperation, serviceMessage});
}
