import {DpsError} from './errors.js';

/** How long one DPS call may take before the gateway gives up on it (flaky uplinks hang rather than fail). */
export const defaultRequestTimeoutMs = 60_000;

/**
 * Settles like `promise`, or fails with a 'network' DpsError when it takes longer than `ms`. The SDK call
 * itself cannot be cancelled; its late result is ignored.
 */
export function withTimeout<T>(promise: Promise<T>, ms: number, operation: string): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => {
      reject(
        new DpsError({
          kind: 'network',
          operation,
          serviceMessage: `no answer within ${ms >= 1000 ? `${Math.round(ms / 1000)} s` : `${ms} ms`}`,
        }),
      );
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
