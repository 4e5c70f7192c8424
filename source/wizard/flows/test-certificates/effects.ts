import type {ChainKeyType, TestChainProgress, WrittenFile} from '../../../certs/test-chain.js';
import {toFailure, type EffectContext} from '../../runtime/task-runner.js';
import type {TestCertificatesResult, TestCertificatesTask} from './flow.js';
import type {Action} from '../../core/reducer.js';

/** What the test chain service is asked for: the folder as typed (relative to the working folder, or ~/…). */
export type TestChainRequest = {
  folder: string;
  devices: string[];
  keyType: ChainKeyType;
  days: number;
  overwrite: boolean;
  onProgress(progress: TestChainProgress): void;
  signal: AbortSignal;
};

/** Absolute paths, under `outDir`; 'exists' when files are in the way and nothing was written. */
export type TestChainOutcome =
  | {outcome: 'written'; outDir: string; files: WrittenFile[]}
  | {outcome: 'exists'; outDir: string; paths: string[]};

/** Runs the effects of the test-certificates flow with the services and connection of the context. */
export async function runTestCertificatesTask(
  task: TestCertificatesTask,
  context: EffectContext,
): Promise<Action | undefined> {
  const result = (result: TestCertificatesResult): Action => ({
    type: 'test-certificates',
    taskId: task.id,
    result,
  });
  try {
    const made = await context.services.generateTestChain({
      folder: task.folder,
      devices: task.devices,
      keyType: task.keyType,
      days: task.days,
      overwrite: task.overwrite,
      onProgress: (progress) => {
        if (!context.signal.aborted) context.dispatch(result({kind: 'progress', progress}));
      },
      signal: context.signal,
    });
    return made.outcome === 'written'
      ? result({kind: 'written', outDir: made.outDir, files: made.files})
      : result({kind: 'exists', outDir: made.outDir, paths: made.paths});
  } catch (error) {
    const failure = toFailure(error);
    // The toolkit's folder errors are worded for the command line.
    const message = failure.message.replace('choose another --out folder', 'choose another folder');
    return result({kind: 'failed', failure: {...failure, message}});
  }
}
