import {type CallOptions, type DpsGateway, isDpsError} from '../../../dps/index.js';
import {callOptions, gatewayOf, readIfPresent, toFailure} from '../../shared/dps-calls.js';
import type {SharedEffect} from '../../shared/effect.js';
import type {EffectContext} from '../../shared/services.js';
import type {CaEffect, CaOutcome} from './state.js';

/** Runs the CA flow's own effects: upload, code, signing, checking the proof, verifying. */
export async function runCaEffect(
  effect: Exclude<CaEffect, SharedEffect>,
  context: EffectContext,
): Promise<CaOutcome> {
  try {
    return await run(effect, context);
  } catch (error) {
    return {kind: 'ca-failed', failure: toFailure(error)};
  }
}

async function run(
  task: Exclude<CaEffect, SharedEffect>,
  context: EffectContext,
): Promise<CaOutcome> {
  const {services} = context;
  const options = callOptions(context);
  switch (task.kind) {
    case 'upload-ca-certificate': {
      const gateway = gatewayOf(context);
      if (!task.replaceEtag) {
        // Creating never replaces: a certificate with this name is shown first.
        const existing = await readIfPresent(() => gateway.getCaCertificate(task.name, options));
        if (existing) return {kind: 'name-taken', certificate: existing};
      }
      const certificate = await gateway.uploadCaCertificate(
        {
          name: task.name,
          certificatePem: task.certificatePem,
          verified: task.verified,
          ...(task.replaceEtag ? {etag: task.replaceEtag} : {}),
        },
        options,
      );
      return {kind: 'uploaded', certificate};
    }
    case 'generate-verification-code': {
      const gateway = gatewayOf(context);
      const generate = (etag: string) => gateway.generateVerificationCode(task.name, etag, options);
      try {
        const {etag, verificationCode} = await generate(task.etag);
        return {kind: 'code', etag, verificationCode};
      } catch (error) {
        if (!isDpsError(error, 'stale-etag')) throw error;
        // The certificate changed since it was read: once more with its current etag.
        const fresh = await gateway.getCaCertificate(task.name, options);
        const {etag, verificationCode} = await generate(fresh.etag);
        return {kind: 'code', etag, verificationCode};
      }
    }
    case 'sign-verification-certificate': {
      const {kind: _kind, ...request} = task;
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
      const {kind: _kind, ...request} = task;
      const checked = await services.checkVerificationCertificate(request);
      return {kind: 'verification-checked', ...checked};
    }
    case 'verify-ca-certificate':
      return verify(task, gatewayOf(context), options);
  }
}

/**
 * Verifies with the etag the code came with. On a stale etag, the certificate is read again and the proof
 * sent once more with its current etag; if that fails too, the code was changed elsewhere meanwhile.
 */
async function verify(
  task: Extract<CaEffect, {kind: 'verify-ca-certificate'}>,
  gateway: DpsGateway,
  options: CallOptions,
): Promise<CaOutcome> {
  const send = (etag: string) =>
    gateway.verifyCaCertificate(task.name, etag, task.certificatePem, options);
  try {
    return {kind: 'verified', certificate: await send(task.etag)};
  } catch (error) {
    if (!isDpsError(error, 'stale-etag')) throw error;
  }
  const fresh = await gateway.getCaCertificate(task.name, options);
  if (fresh.isVerified) return {kind: 'verified', certificate: fresh};
  try {
    return {kind: 'verified', certificate: await send(fresh.etag)};
  } catch (error) {
    if (!isDpsError(error, 'stale-etag') && !isDpsError(error, 'bad-request')) throw error;
    const current = await gateway.getCaCertificate(task.name, options);
    return {
      kind: 'code-changed',
      certificate: current,
      message: `a new verification code was generated elsewhere meanwhile: '${task.name}' changed in DPS (etag mismatch) and its current code is not the one signed here; generate a new one here and sign again`,
    };
  }
}
