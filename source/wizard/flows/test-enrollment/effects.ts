import {toFailure} from '../../shared/dps-calls.js';
import type {EffectContext} from '../../shared/services.js';
import type {TestEnrollmentEffect, TestEnrollmentOutcome} from './state.js';

/** Runs the flow's own effects: the device's pre-flight, its registration, the IoT Edge install. */
export async function runTestEnrollmentEffect(
  effect: Exclude<
    TestEnrollmentEffect,
    {kind: 'read-certificate' | 'complete-path' | 'write-file' | 'list-ca-certificates'}
  >,
  context: EffectContext,
): Promise<TestEnrollmentOutcome> {
  const {services} = context;
  switch (effect.kind) {
    case 'check-device': {
      const {kind: _kind, ...request} = effect;
      try {
        return {kind: 'device-checked', findings: await services.checkDevice(request)};
      } catch (error) {
        const {message} = toFailure(error);
        return {
          kind: 'device-checked',
          findings: [{severity: 'error', code: 'device-check-failed', message}],
        };
      }
    }
    case 'register-device': {
      const {kind: _kind, endpoint, ...request} = effect;
      if (!endpoint) {
        return {
          kind: 'registration-failed',
          failure: {kind: 'other', message: 'the connection does not say where devices register'},
        };
      }
      try {
        const outcome = await services.registerDevice({
          ...request,
          endpoint,
          onStage: (stage) => context.progress({kind: 'registration', stage}),
          signal: context.signal,
        });
        return {kind: 'device-registered', outcome};
      } catch (error) {
        return {kind: 'registration-failed', failure: toFailure(error)};
      }
    }
    case 'plan-edge-install':
      try {
        return {kind: 'edge-planned', plan: await services.planEdgeInstall(effect.request)};
      } catch (error) {
        return {kind: 'edge-failed', failure: toFailure(error)};
      }
    case 'apply-edge-install':
      try {
        return {kind: 'edge-installed', done: await services.applyEdgeInstall(effect.planId)};
      } catch (error) {
        return {kind: 'edge-failed', failure: toFailure(error)};
      }
    case 'run-config-apply':
      try {
        return {kind: 'config-applied', ...(await services.runIotedgeConfigApply())};
      } catch (error) {
        return {kind: 'config-applied', exitCode: -1, output: toFailure(error).message};
      }
  }
}
