import {type CallOptions, DpsError, type DpsErrorKind, type DpsGateway} from '../../dps/index.js';
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

/** How a DPS call of an effect is run: Esc (the effect dropped) cancels it, and its waits show on screen. */
export const callOptions = (context: EffectContext): CallOptions => ({
  signal: context.signal,
  onWait: (wait) => context.progress({kind: 'waiting', wait}),
});

/**
 * Saves without overwriting: with no etag, what DPS holds under the ID is read first and, when there,
 * shown rather than replaced; with the etag of what was shown, it is updated. When that etag is stale
 * (someone changed it meanwhile), the version DPS holds now is read and shown instead.
 */
export async function saveWithoutOverwriting<T extends {etag?: string}>(
  context: EffectContext,
  item: T,
  read: (gateway: DpsGateway, options: CallOptions) => Promise<T>,
  write: (gateway: DpsGateway, options: CallOptions) => Promise<T>,
): Promise<SaveOutcome<T>> {
  const gateway = context.gateway();
  if (!gateway) {
    return {kind: 'save-failed', failure: {kind: 'network', message: 'not connected to DPS'}};
  }
  const options = callOptions(context);
  try {
    if (!item.etag) {
      const existing = await readIfPresent(() => read(gateway, options));
      if (existing) return {kind: 'exists', existing};
    }
    try {
      return {kind: 'saved', saved: await write(gateway, options)};
    } catch (error) {
      if (!item.etag || errorKind(error) !== 'stale-etag') throw error;
      const current = await readIfPresent(() => read(gateway, options));
      if (!current) throw error;
      return {kind: 'exists', existing: current, changedMeanwhile: true};
    }
  } catch (error) {
    return {kind: 'save-failed', failure: toFailure(error)};
  }
}
