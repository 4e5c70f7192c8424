import {setTimeout as sleep} from 'node:timers/promises';
import type {DpsErrorKind} from '../../dps/errors.js';
import type {DpsGateway, IndividualEnrollment} from '../../dps/types.js';
import type {Action} from '../core/reducer.js';
import {runCaTask} from '../flows/ca/effects.js';
import type {SigningOutcome, SigningRequest} from '../flows/ca/signing.js';
import {runGroupTask} from '../flows/group/effects.js';
import {namesFolder} from '../shared/path-field.js';
import type {
  CertificatePurpose,
  ConnectionInfo,
  DeviceCodePrompt,
  Failure,
  LoadedCertificate,
  Task,
} from '../core/state.js';
import {
  runTestCertificatesTask,
  type TestChainOutcome,
  type TestChainRequest,
} from '../flows/test-certificates/effects.js';

/** An open connection to DPS, as the effects use it. */
export type OpenConnection = {gateway: DpsGateway; info: ConnectionInfo; close(): Promise<void>};

/** What the wizard needs from the outside world; cli.tsx hands in the real ones, tests their own set. */
export type WizardServices = {
  /** The folder relative paths start from. */
  cwd: string;
  /** One line naming what the wizard connects to, shown while it connects (no secrets). */
  target: string;
  connect(hooks: {
    onDeviceCode(prompt: DeviceCodePrompt): void;
    signal: AbortSignal;
  }): Promise<OpenConnection>;
  /** Throws an Error whose message the user can act on. */
  readCertificate(typedPath: string, purpose: CertificatePurpose): Promise<LoadedCertificate>;
  completePath(
    text: string,
    options: {foldersOnly: boolean},
  ): Promise<{value: string; candidates: string[]; matches: number}>;
  writeTextFile(path: string, content: string, overwrite: boolean): Promise<'written' | 'exists'>;
  /** Makes a test chain (root, intermediate, device certificates) under the folder; never overwrites unasked. */
  generateTestChain(request: TestChainRequest): Promise<TestChainOutcome>;
  /** Proof of possession: reads the CA's key, checks it matches, signs CN=<code>; the key stays inside. */
  signVerificationCertificate(request: SigningRequest): Promise<SigningOutcome>;
  /** Reads a verification certificate signed elsewhere and checks its CN and issuer against the CA. */
  checkVerificationCertificate(request: {
    path: string;
    caCertificatePem: string;
    verificationCode: string;
  }): Promise<{certificate: LoadedCertificate; problem?: string}>;
};

/** How many times a save is tried when DPS keeps answering 429 (each wait as long as it asks). */
export const maxSaveAttempts = 4;

type Dispatch = (action: Action) => void;

export type EffectContext = {
  services: WizardServices;
  dispatch: Dispatch;
  signal: AbortSignal;
  /** The connection once open (set by the connect effect, read by the others). */
  connection: {current: OpenConnection | undefined};
};

function errorKind(error: unknown): DpsErrorKind | undefined {
  if (error instanceof Error && error.name === 'DpsError')
    return (error as {kind?: DpsErrorKind}).kind;
  return undefined;
}

export function toFailure(error: unknown): Failure {
  const message = error instanceof Error ? error.message : String(error);
  const kind = errorKind(error);
  const retryAfterSeconds = (error as {retryAfterSeconds?: number} | undefined)?.retryAfterSeconds;
  return {
    kind:
      kind ??
      (error instanceof Error && error.name === 'SignInCancelledError' ? 'cancelled' : 'other'),
    message,
    ...(retryAfterSeconds === undefined ? {} : {retryAfterSeconds}),
  };
}

/** What `read` finds in DPS, or undefined when DPS answers that it is not there. */
export async function readIfPresent<T>(read: () => Promise<T>): Promise<T | undefined> {
  try {
    return await read();
  } catch (error) {
    if (errorKind(error) !== 'not-found') throw error;
    return undefined;
  }
}

async function saveIndividual(
  task: Extract<Task, {kind: 'save-individual'}>,
  gateway: DpsGateway,
): Promise<Action> {
  const {enrollment} = task;
  // Creating never overwrites: an enrollment with this ID is shown first, and updated only with its etag.
  if (!enrollment.etag) {
    const existing = await readIfPresent(() =>
      gateway.getIndividualEnrollment(enrollment.registrationId),
    );
    if (existing) return {type: 'save-exists', taskId: task.id, existing};
  }
  const saved: IndividualEnrollment = await gateway.createOrUpdateIndividualEnrollment(enrollment);
  return {type: 'saved', taskId: task.id, enrollment: saved};
}

/** Retries a throttled call after the wait DPS asked for, telling the screen about each wait. */
export async function withThrottleRetry<T>(
  context: EffectContext,
  onWait: (retryAfterSeconds: number, attempt: number) => void,
  call: () => Promise<T>,
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await call();
    } catch (error) {
      const failure = toFailure(error);
      if (failure.kind !== 'throttled' || attempt >= maxSaveAttempts) throw error;
      const retryAfterSeconds = failure.retryAfterSeconds ?? 2 ** attempt;
      onWait(retryAfterSeconds, attempt + 1);
      await sleep(retryAfterSeconds * 1000, undefined, {signal: context.signal});
    }
  }
}

async function run(task: Task, context: EffectContext): Promise<Action | undefined> {
  const {services} = context;
  switch (task.kind) {
    case 'connect': {
      try {
        const previous = context.connection.current;
        context.connection.current = undefined;
        await previous?.close();
        const opened = await services.connect({
          signal: context.signal,
          onDeviceCode: (prompt) =>
            context.dispatch({type: 'sign-in-prompt', taskId: task.id, prompt}),
        });
        if (context.signal.aborted) {
          await opened.close();
          return undefined;
        }
        context.connection.current = opened;
        return {type: 'connected', taskId: task.id, info: opened.info};
      } catch (error) {
        return {type: 'connect-failed', taskId: task.id, failure: toFailure(error)};
      }
    }
    case 'read-certificate':
      try {
        const certificate = await services.readCertificate(task.path, task.purpose);
        return {type: 'certificate-read', taskId: task.id, certificate};
      } catch (error) {
        return {type: 'certificate-failed', taskId: task.id, message: toFailure(error).message};
      }
    case 'complete-path': {
      const completion = await services.completePath(task.text, {
        foldersOnly: namesFolder(task.field),
      });
      return {type: 'path-completed', taskId: task.id, ...completion};
    }
    case 'save-individual': {
      const gateway = context.connection.current?.gateway;
      if (!gateway) {
        return {
          type: 'save-failed',
          taskId: task.id,
          failure: {kind: 'network', message: 'not connected to DPS'},
        };
      }
      try {
        const onWait = (retryAfterSeconds: number, attempt: number) =>
          context.dispatch({type: 'save-throttled', taskId: task.id, retryAfterSeconds, attempt});
        return await withThrottleRetry(context, onWait, () => saveIndividual(task, gateway));
      } catch (error) {
        return {type: 'save-failed', taskId: task.id, failure: toFailure(error)};
      }
    }
    case 'list-ca-certificates': {
      const gateway = context.connection.current?.gateway;
      if (!gateway) {
        return {
          type: 'ca-certificates-failed',
          taskId: task.id,
          failure: {kind: 'network', message: 'not connected to DPS'},
        };
      }
      try {
        const certificates = await gateway.listCaCertificates();
        return {type: 'ca-certificates-listed', taskId: task.id, certificates};
      } catch (error) {
        return {type: 'ca-certificates-failed', taskId: task.id, failure: toFailure(error)};
      }
    }
    case 'save-group':
    case 'check-group-device':
      return runGroupTask(task, context);
    case 'upload-ca-certificate':
    case 'generate-verification-code':
    case 'sign-verification-certificate':
    case 'check-verification-certificate':
    case 'verify-ca-certificate':
    case 'save-verification-certificate':
      return runCaTask(task, context);
    case 'generate-test-chain':
      return runTestCertificatesTask(task, context);
    case 'write-file':
      try {
        const outcome = await services.writeTextFile(task.path, task.content, task.overwrite);
        return outcome === 'written'
          ? {type: 'file-written', taskId: task.id, path: task.path}
          : {type: 'file-exists', taskId: task.id, path: task.path};
      } catch (error) {
        return {
          type: 'file-failed',
          taskId: task.id,
          message: `could not write ${task.path}: ${toFailure(error).message}`,
        };
      }
  }
}

/** Runs one task; its result is dispatched unless the task was cancelled meanwhile. */
export async function runTask(task: Task, context: EffectContext): Promise<void> {
  let action: Action | undefined;
  try {
    action = await run(task, context);
  } catch (error) {
    action = {type: 'task-failed', taskId: task.id, message: toFailure(error).message};
  }
  if (action && !context.signal.aborted) context.dispatch(action);
}
