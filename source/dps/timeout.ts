import {DpsError} from './errors.js';
import {noAnswerCode} from './retry.js';

/** How long one DPS call may take before the gateway gives up on it (flaky uplinks hang rather than fail). */
export const defaultRequestTimeoutMs = 60_000;

/**
 * Settles like `promise`, or fails with a 'network' DpsError when it takes longer than `ms`; `onTimeout`
 * then cancels the request where the SDK allows it (ARM). The service SDK's calls cannot be cancelled: their
 * late result is ignored.
 */
export function withTimeout<T>(
  promise: Promise<T>,
  ms: number,
  operation: string,
  onTimeout?: () => void,
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => {
      reject(
        new DpsError({
          kind: 'network',
          operation,
          errorCode: noAnswerCode,
          serviceMessage: `no answer within ${ms >= 1000 ? `${Math.round(ms / 1000)} s` : `${ms} ms`}`,
        }),
      );
      onTimeout?.();
    }, ms);
    timer.unref();
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error);
      },
    );
  });
}
