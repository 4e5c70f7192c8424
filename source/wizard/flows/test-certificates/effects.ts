import {toFailure} from '../../shared/dps-calls.js';
import type {EffectContext} from '../../shared/services.js';
import type {TestCertificatesEffect, TestCertificatesOutcome} from './state.js';

/** Runs the flow's own effect: making the test chain, with progress on the way. */
export async function runTestCertificatesEffect(
  effect: Extract<TestCertificatesEffect, {kind: 'generate-test-chain'}>,
  context: EffectContext,
): Promise<TestCertificatesOutcome> {
  try {
    const made = await context.services.generateTestChain({
      folder: effect.folder,
      devices: effect.devices,
      keyType: effect.keyType,
      days: effect.days,
      overwrite: effect.overwrite,
      onProgress: (progress) => context.progress({kind: 'making-chain', progress}),
      signal: context.signal,
    });
    return made.outcome === 'written'
      ? {kind: 'chain-written', outDir: made.outDir, files: made.files}
      : {kind: 'chain-exists', outDir: made.outDir, paths: made.paths};
  } catch (error) {
    const failure = toFailure(error);
    // The toolkit's folder errors are worded for the command line.
    const message = failure.message.replace('choose another --out folder', 'choose another folder');
    return {kind: 'chain-failed', failure: {...failure, message}};
  }
}
