import type {Action} from '../core/reducer.js';
import type {Outcome, Task} from '../core/state.js';
import {runBrowseEffect} from '../flows/browse/effects.js';
import {runCaEffect} from '../flows/ca/effects.js';
import {runGroupEffect} from '../flows/group/effects.js';
import {runIndividualEffect} from '../flows/individual/effects.js';
import {runTestCertificatesEffect} from '../flows/test-certificates/effects.js';
import {runTestEnrollmentEffect} from '../flows/test-enrollment/effects.js';
import {callOptions, toFailure} from '../shared/dps-calls.js';
import type {EffectContext, OpenConnection, WizardServices} from '../shared/services.js';

/** Runs the effects the reducer named, with the services handed to the app, and reports their outcomes. */

export type TaskContext = {
  services: WizardServices;
  dispatch: (action: Action) => void;
  signal: AbortSignal;
  /** The connection once open (set by the connect effect, read by the others). */
  connection: {current: OpenConnection | undefined};
};

async function connect(task: Task, context: TaskContext): Promise<Outcome | undefined> {
  try {
    const previous = context.connection.current;
    context.connection.current = undefined;
    await previous?.close();
    const opened = await context.services.connect({
      signal: context.signal,
      onWait: (wait) =>
        context.dispatch({type: 'progress', taskId: task.id, progress: {kind: 'waiting', wait}}),
      onDeviceCode: (prompt) =>
        context.dispatch({
          type: 'progress',
          taskId: task.id,
          progress: {kind: 'sign-in-prompt', prompt},
        }),
    });
    if (context.signal.aborted) {
      await opened.close();
      return undefined;
    }
    context.connection.current = opened;
    return {kind: 'connected', info: opened.info};
  } catch (error) {
    return {kind: 'connect-failed', failure: toFailure(error)};
  }
}

async function run(task: Task, context: TaskContext): Promise<Outcome | undefined> {
  const {services} = context;
  const effectContext: EffectContext = {
    services,
    gateway: () => context.connection.current?.gateway,
    signal: context.signal,
    progress: (progress) => {
      if (!context.signal.aborted) context.dispatch({type: 'progress', taskId: task.id, progress});
    },
  };
  switch (task.kind) {
    case 'connect':
      return connect(task, context);
    case 'read-certificate':
      try {
        const certificate = await services.readCertificate(task.path, task.purpose);
        return {kind: 'certificate-read', certificate};
      } catch (error) {
        return {kind: 'certificate-failed', message: toFailure(error).message};
      }
    case 'complete-path': {
      const completion = await services.completePath(task.text, {foldersOnly: task.foldersOnly});
      return {kind: 'path-completed', ...completion};
    }
    case 'write-file':
      try {
        const outcome = await services.writeTextFile(task.path, task.content, task.overwrite);
        return outcome === 'written'
          ? {kind: 'file-written', path: task.path}
          : {kind: 'file-exists', path: task.path};
      } catch (error) {
        return {
          kind: 'file-failed',
          message: `could not write ${task.path}: ${toFailure(error).message}`,
        };
      }
    case 'list-ca-certificates': {
      const gateway = context.connection.current?.gateway;
      if (!gateway) {
        return {
          kind: 'ca-certificates-failed',
          failure: {kind: 'network', message: 'not connected to DPS'},
        };
      }
      try {
        const certificates = await gateway.listCaCertificates(callOptions(effectContext));
        return {kind: 'ca-certificates-listed', certificates};
      } catch (error) {
        return {kind: 'ca-certificates-failed', failure: toFailure(error)};
      }
    }
    case 'save-individual':
      return runIndividualEffect(task, effectContext);
    case 'save-group':
    case 'check-group-device':
      return runGroupEffect(task, effectContext);
    case 'upload-ca-certificate':
    case 'generate-verification-code':
    case 'sign-verification-certificate':
    case 'check-verification-certificate':
    case 'verify-ca-certificate':
      return runCaEffect(task, effectContext);
    case 'generate-test-chain':
      return runTestCertificatesEffect(task, effectContext);
    case 'check-device':
    case 'register-device':
    case 'plan-edge-install':
    case 'apply-edge-install':
    case 'run-config-apply':
      return runTestEnrollmentEffect(task, effectContext);
    case 'browse-page':
    case 'browse-read':
    case 'browse-delete':
      return runBrowseEffect(task, effectContext);
  }
}

/** Runs one task; its outcome is dispatched unless the task was cancelled meanwhile. */
export async function runTask(task: Task, context: TaskContext): Promise<void> {
  let outcome: Outcome | undefined;
  try {
    outcome = await run(task, context);
  } catch (error) {
    outcome = {kind: 'task-failed', message: toFailure(error).message};
  }
  if (outcome && !context.signal.aborted) {
    context.dispatch({type: 'result', taskId: task.id, outcome});
  }
}
