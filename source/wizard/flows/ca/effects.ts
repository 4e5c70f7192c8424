import {DpsError, isDpsError} from '../../../dps/errors.js';
import type {DpsGateway} from '../../../dps/types.js';
import type {CaResult, CaTask} from './flow.js';
import {
  readIfPresent,
  toFailure,
  withThrottleRetry,
  type EffectContext,
} from '../../runtime/task-runner.js';
import type {Action} from '../../core/reducer.js';

/** Runs the effects of the ca flow with the services and connection of the context. */
export async function runCaTask(task: CaTask, context: EffectContext): Promise<Action | undefined> {
  const done = (result: CaResult): Action => ({type: 'ca', taskId: task.id, result});
  try {
    return done(await run(task, context));
  } catch (error) {
    return done({kind: 'failed', failure: toFailure(error)});
  }
}

function gatewayOf(context: EffectContext): DpsGateway {
  const gateway = context.connection.current?.gateway;
  if (!gateway) {
    throw new DpsError({kind: 'network', operation: 'reach DPS (not connected yet)'});
  }
  return gateway;
}

async function run(task: CaTask, context: EffectContext): Promise<CaResult> {
  const {services} = context;
  const retrying = <T>(call: () => Promise<T>) =>
    withThrottleRetry(
      context,
      (retryAfterSeconds, attempt) =>
        context.dispatch({
          type: 'ca',
          taskId: task.id,
          result: {kind: 'throttled', retryAfterSeconds, attempt},
        }),
      call,
    );
  switch (task.kind) {
    case 'upload-ca-certificate': {
      const gateway = gatewayOf(context);
      if (!task.replaceEtag) {
        // Creating never replaces: a certificate with this name is shown first.
        const existing = await retrying(() =>
          readIfPresent(() => gateway.getCaCertificate(task.name)),
        );
        if (existing) return {kind: 'exists', certificate: existing};
      }
      const certificate = await retrying(() =>
        gateway.uploadCaCertificate({
          name: task.name,
          certificatePem: task.certificatePem,
          verified: task.verified,
          ...(task.replaceEtag ? {etag: task.replaceEtag} : {}),
        }),
      );
      return {kind: 'uploaded', certificate};
    }
    case 'generate-verification-code': {
      const gateway = gatewayOf(context);
      const generate = (etag: string) =>
        retrying(() => gateway.generateVerificationCode(task.name, etag));
      try {
        const {etag, verificationCode} = await generate(task.etag);
        return {kind: 'code', etag, verificationCode};
      } catch (error) {
        if (!isDpsError(error, 'stale-etag')) throw error;
        // The certificate changed since it was read: once more with its current etag.
        const fresh = await retrying(() => gateway.getCaCertificate(task.name));
        const {etag, verificationCode} = await generate(fresh.etag);
        return {kind: 'code', etag, verificationCode};
      }
    }
    case 'sign-verification-certificate': {
      const {id: _id, kind: _kind, ...request} = task;
      const outcome = await services.signVerificationCertificate(request);
      switch (outcome.outcome) {
        case 'signed':
          return {kind: 'signed', certificatePem: outcome.certificatePem};
        case 'passphrase-required':
          return {kind: 'passphrase-required'};
        case 'wrong-passphrase':
          return {kind: 'wrong-passphrase', message: outcome.message};
        case 'key-problem':
          return {kind: 'key-problem', message: outcome.message};
      }
      break;
    }
    case 'check-verification-certificate': {
      const {id: _id, kind: _kind, ...request} = task;
      const checked = await services.checkVerificationCertificate(request);
      return {kind: 'verification-checked', ...checked};
    }
    case 'verify-ca-certificate':
      return verify(task, gatewayOf(context), retrying);
    case 'save-verification-certificate': {
      const outcome = await services.writeTextFile(task.path, task.content, task.overwrite);
      return outcome === 'written'
        ? {kind: 'file-written', path: task.path}
        : {kind: 'file-exists', path: task.path};
    }
  }
}

/**
 * Verifies with the etag the code came with. On a stale etag, the certificate is read again and the proof
 * sent once more with its current etag; if that fails too, the code was changed elsewhere meanwhile.
 */
async function verify(
  task: Extract<CaTask, {kind: 'verify-ca-certificate'}>,
  gateway: DpsGateway,
  retrying: <T>(call: () => Promise<T>) => Promise<T>,
): Promise<CaResult> {
  const send = (etag: string) =>
    retrying(() => gateway.verifyCaCertificate(task.name, etag, task.certificatePem));
  try {
    return {kind: 'verified', certificate: await send(task.etag)};
  } catch (error) {
    if (!isDpsError(error, 'stale-etag')) throw error;
  }
  const fresh = await retrying(() => gateway.getCaCertificate(task.name));
  if (fresh.isVerified) return {kind: 'verified', certificate: fresh};
  try {
    return {kind: 'verified', certificate: await send(fresh.etag)};
  } catch (error) {
    if (!isDpsError(error, 'stale-etag') && !isDpsError(error, 'bad-request')) throw error;
    const current = await retrying(() => gateway.getCaCertificate(task.name));
    return {
      kind: 'code-changed',
      certificate: current,
      message: `a new verification code was generated elsewhere meanwhile: '${task.name}' changed in DPS (etag mismatch) and its current code is not the one signed here; generate a new one here and sign again`,
    };
  }
}
