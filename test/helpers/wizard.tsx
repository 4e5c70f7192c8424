import {after, before} from 'node:test';
import {mkdtemp, rm} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {App} from '../../source/app/app.js';
import {createServices} from '../../source/app/services.js';
import {connectToSandbox} from '../../source/dps/gateway.js';
import {startEmulator} from '../../source/emulator/emulator.js';
import type {DpsGateway} from '../../source/dps/types.js';
import {cleanup, keys, press, render, waitForFrame, type Instance} from './ink.js';

type Emulator = Awaited<ReturnType<typeof startEmulator>>;

/** One in-memory emulator and one scratch folder for a test file. */
export type WizardSandbox = {emulator: Emulator; folder: string};

export function wizardSandboxForFile(): WizardSandbox {
  const sandbox = {} as WizardSandbox;
  before(async () => {
    sandbox.emulator = await startEmulator({inMemory: true, port: 0});
    sandbox.folder = await mkdtemp(join(tmpdir(), 'dps-enroll-wizard-'));
  });
  after(async () => {
    await cleanup();
    await sandbox.emulator?.close();
    if (sandbox.folder) await rm(sandbox.folder, {recursive: true, force: true});
  });
  return sandbox;
}

/**
 * The wizard as a user starts it, connected to the test's emulator through the real SDKs, with relative
 * paths starting in the scratch folder. Resolves once the header shows the connection.
 */
export async function openWizard(sandbox: WizardSandbox, options: {columns?: number} = {}) {
  const services = createServices({
    target: 'the local sandbox DPS',
    cwd: sandbox.folder,
    home: sandbox.folder,
    connect: async () => {
      const gateway = await connectToSandbox(
        sandbox.emulator.info,
        sandbox.emulator.caCertificatePem,
      );
      return {gateway, resource: await gateway.getDpsResource(), close: () => gateway.close()};
    },
  });
  const app: Instance = await render(<App services={services} />, options);
  await waitForFrame(app, 'SANDBOX');
  return {
    app,
    async close() {
      await cleanup();
      await services.closeAll();
    },
  };
}

/** A gateway of its own (the real service SDK) for setting up and reading back enrollments, closed after `body`. */
export async function withGateway<T>(
  sandbox: WizardSandbox,
  body: (gateway: DpsGateway) => Promise<T>,
): Promise<T> {
  const gateway = await connectToSandbox(sandbox.emulator.info, sandbox.emulator.caCertificatePem);
  try {
    return await body(gateway);
  } finally {
    await gateway.close();
  }
}

/** From the home screen to the individual enrollment's certificate step. */
export async function startIndividual(app: Instance) {
  await press(app, keys.enter);
  await waitForFrame(app, 'Device identity certificate');
}

/** From the IoT Edge step to the review, keeping every default (all linked hubs, evenly weighted, no twin). */
export async function acceptSettingsToReview(app: Instance) {
  await waitForFrame(app, 'IoT Edge device?');
  await press(app, keys.enter);
  await waitForFrame(app, 'IoT hubs this device can be assigned to');
  await press(app, keys.enter);
  await waitForFrame(app, 'How DPS chooses the hub');
  await press(app, keys.enter);
  await waitForFrame(app, 'Initial device twin');
  await press(app, keys.enter, keys.enter); // tags, desired properties
  await waitForFrame(app, 'Advanced settings');
  await press(app, keys.enter);
  await waitForFrame(app, 'Review');
}
