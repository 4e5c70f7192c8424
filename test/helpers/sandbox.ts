import {after, before} from 'node:test';
import assert from 'node:assert/strict';
import {startEmulator} from '../../source/emulator/emulator.js';
import {isDpsError, type DpsError} from '../../source/dps/errors.js';
import {connectToSandbox} from '../../source/dps/gateway.js';
import type {DpsGateway} from '../../source/dps/types.js';

export type Sandbox = {
  emulator: Awaited<ReturnType<typeof startEmulator>>;
  gateway: DpsGateway;
  close(): Promise<void>;
};

/** An in-memory emulator on a free loopback port and a gateway connected to it over HTTPS. */
export async function startSandbox(): Promise<Sandbox> {
  const emulator = await startEmulator({inMemory: true, port: 0});
  try {
    const gateway = await connectToSandbox(emulator.info, emulator.caCertificatePem);
    return {
      emulator,
      gateway,
      close: async () => {
        await gateway.close();
        await emulator.close();
      },
    };
  } catch (error) {
    await emulator.close();
    throw error;
  }
}

/** A sandbox started before this file's tests and closed after them (use its fields inside tests). */
export function sandboxForFile(): Sandbox {
  const sandbox = {} as Sandbox;
  before(async () => {
    Object.assign(sandbox, await startSandbox());
  });
  after(async () => {
    await sandbox.close?.();
  });
  return sandbox;
}

/** Asserts that `promise` rejects with a DpsError of this kind (and HTTP status, if given); returns the error. */
export async function expectDpsError(
  promise: Promise<unknown>,
  kind: string,
  status?: number,
): Promise<DpsError> {
  let caught: DpsError | undefined;
  await assert.rejects(promise, (error: unknown) => {
    assert.ok(isDpsError(error), String(error));
    assert.equal(error.kind, kind, error.message);
    if (status !== undefined) assert.equal(error.status, status);
    caught = error;
    return true;
  });
  return caught!;
}
