import {setTimeout as sleep} from 'node:timers/promises';
import {DpsError, type DpsErrorKind} from '../../dps/errors.js';
import type {DpsGateway} from '../../dps/types.js';
import type {SaveOutcome} from './save-request.js';
import type {EffectContext} from './services.js';
import type {Failure} from './types.js';

/** What the flows' effects do alike around a DPS call: the gateway, failures as data, "not found" as absent. */

function errorKind(error: unknown): DpsErrorKind | undefined {
  if (error instanceof Error && error.name === 'DpsError')
    return (error as {kind?: DpsErrorKind}).kind;
  return undefined;
}

/** A thrown error as plain data for the state. */
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

/** The gateway, or a network DpsError when the connection is not open yet. */
export function gatewayOf(context: EffectContext): DpsGateway {
  const gateway = context.gateway();
  if (!gateway) throw new DpsError({kind: 'network', operation: 'reach DPS (not connected yet)'});
  return gateway;
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

/** How many times a call is tried when DPS keeps answering 429 (each wait as long as it asks). */
export const maxThrottledAttempts = 4;

/** Retries a throttled call after the wait DPS asked for, telling the screen about each wait. */
export async function withThrottleRetry<T>(
  context: EffectContext,
  call: () => Promise<T>,
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await call();
    } catch (error) {
      const failure = toFailure(error);
      if (failure.kind !== 'throttled' || attempt >= maxThrottledAttempts) throw error;
      const retryAfterSeconds = failure.retryAfterSeconds ?? 2 ** attempt;
      context.progress({kind: 'throttled', retryAfterSeconds, attempt: attempt + 1});
      await sleep(retryAfterSeconds * 1000, undefined, {signal: context.signal});
    }
  }
}

/**
 * Saves without overwriting: with no etag, what DPS holds under the ID is read first and, when there,
 * shown rather than replaced; with the etag of what was shown, it is updated.
 */
export async function saveWithoutOverwriting<T extends {etag?: string}>(
  context: EffectContext,
  item: T,
  read: (gateway: DpsGateway) => Promise<T>,
  write: (gateway: DpsGateway) => Promise<T>,
): Promise<SaveOutcome<T>> {
  const gateway = context.gateway();
  if (!gateway) {
    return {kind: 'save-failed', failure: {kind: 'network', message: 'not connected to DPS'}};
  }
  try {
    return await withThrottleRetry(context, async () => {
      if (!item.etag) {
        const existing = await readIfPresent(() => read(gateway));
        if (existing) return {kind: 'exists' as const, existing};
      }
      return {kind: 'saved' as const, saved: await write(gateway)};
    });
  } catch (error) {
    return {kind: 'save-failed', failure: toFailure(error)};
  }
}
