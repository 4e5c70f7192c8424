import {startEmulator} from '../../source/emulator/emulator.js';
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
