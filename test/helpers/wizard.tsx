import {after, afterEach, before} from 'node:test';
import assert from 'node:assert/strict';
import {mkdtemp, rm, writeFile} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {App} from '../../source/wizard/runtime/app.js';
import {wizardConnector} from '../../source/wizard/runtime/run-wizard.js';
import {sandboxDeviceEndpoint} from '../../source/connection/connect.js';
import {createServices, type Connector} from '../../source/wizard/runtime/services.js';
import {connectToSandbox} from '../../source/dps/gateway.js';
import type {RetrySettings} from '../../source/dps/retry.js';
import {startEmulator} from '../../source/emulator/emulator.js';
import type {DpsGateway, IndividualEnrollment} from '../../source/dps/types.js';
import {burst, cleanup, keys, press, render, waitForFrame, type Instance} from './ink.js';
import {ecChain} from './test-certificates.js';

type Emulator = Awaited<ReturnType<typeof startEmulator>>;

/** One in-memory emulator and one scratch folder for a test file. */
export type WizardSandbox = {emulator: Emulator; folder: string};

/** The sandbox of a test file; the faults a test leaves behind (failing before they are used) are cleared after it. */
export function wizardSandboxForFile(): WizardSandbox {
  const sandbox = {} as WizardSandbox;
  before(async () => {
    sandbox.emulator = await startEmulator({inMemory: true, port: 0});
    sandbox.folder = await mkdtemp(join(tmpdir(), 'dps-enroll-wizard-'));
  });
  afterEach(() => sandbox.emulator?.faults.clear());
  after(async () => {
    await cleanup();
    await sandbox.emulator?.close();
    if (sandbox.folder) await rm(sandbox.folder, {recursive: true, force: true});
  });
  return sandbox;
}

/** The wizard with its own connection (`connect`), relative paths starting in the scratch folder. */
export async function openWizardWith(
  sandbox: WizardSandbox,
  target: string,
  connect: Connector,
  options: {columns?: number; edgeRoot?: string} = {},
) {
  const services = createServices({
    target,
    connect,
    cwd: sandbox.folder,
    home: sandbox.folder,
    ...(options.edgeRoot ? {edgeRoot: options.edgeRoot} : {}),
  });
  const app: Instance = await render(<App services={services} />, options);
  return {
    app,
    async close() {
      await cleanup();
      await services.closeAll();
    },
  };
}

/**
 * The wizard as a user starts it, connected to the test's emulator through the real SDKs, with relative
 * paths starting in the scratch folder. Resolves once the header shows the connection.
 */
export async function openWizard(sandbox: WizardSandbox, options: WizardOptions = {}) {
  const wizard = await openWizardWith(
    sandbox,
    'the local sandbox DPS',
    async () => {
      const gateway = await connectToSandbox(
        sandbox.emulator.info,
        sandbox.emulator.caCertificatePem,
        options.retry ? {retry: options.retry} : {},
      );
      return {
        gateway,
        resource: await gateway.getDpsResource(),
        deviceEndpoint: sandboxDeviceEndpoint(
          sandbox.emulator.info,
          sandbox.emulator.caCertificatePem,
        ),
        close: () => gateway.close(),
      };
    },
    options,
  );
  await waitForFrame(wizard.app, 'SANDBOX');
  return wizard;
}

/** The terminal's width, and the gateway's retry policy when a test needs shorter waits than DPS's. */
export type WizardOptions = {
  columns?: number;
  retry?: RetrySettings;
  /** The folder that stands for / when the wizard installs on "this device". */
  edgeRoot?: string;
};

/** Opens the wizard on the sandbox, runs `body` with it and closes it, whether `body` passes or throws. */
export async function withWizard(
  sandbox: WizardSandbox,
  body: (app: Instance) => Promise<void>,
  options: WizardOptions = {},
): Promise<void> {
  const wizard = await openWizard(sandbox, options);
  try {
    await body(wizard.app);
  } finally {
    await wizard.close();
  }
}

/**
 * Opens the wizard connected with the emulator's service connection string (no ARM), runs `body` once the
 * header shows the connection, and closes it, whether `body` passes or throws.
 */
export async function withConnectionStringWizard(
  sandbox: WizardSandbox,
  body: (app: Instance) => Promise<void>,
): Promise<void> {
  const connect = wizardConnector(
    {mode: 'connection-string', connectionString: sandbox.emulator.info.connectionString},
    {servicePort: sandbox.emulator.info.port, ca: sandbox.emulator.caCertificatePem},
  );
  const wizard = await openWizardWith(sandbox, 'connection string', connect);
  try {
    await waitForFrame(wizard.app, 'CONNECTION STRING');
    await body(wizard.app);
  } finally {
    await wizard.close();
  }
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

/** The enrollment as DPS has it now. */
export function readEnrollment(
  sandbox: WizardSandbox,
  registrationId: string,
): Promise<IndividualEnrollment> {
  return withGateway(sandbox, (gateway) => gateway.getIndividualEnrollment(registrationId));
}

/**
 * Writes a fresh device certificate with CN = `name` into the scratch folder (`fileName`, by default
 * `${name}.cert.pem`); returns its PEM.
 */
export async function deviceCertificate(
  sandbox: WizardSandbox,
  name: string,
  fileName = `${name}.cert.pem`,
): Promise<string> {
  const {leaf} = await ecChain(name);
  await writeFile(join(sandbox.folder, fileName), leaf.certificatePem);
  return leaf.certificatePem;
}

/** Enter, then the screen once it shows `title`. */
export async function forward(app: Instance, title: string | RegExp) {
  await press(app, keys.enter);
  return waitForFrame(app, title);
}

/** Esc once, then the step it lands on. */
export async function back(app: Instance, title: string) {
  await press(app, keys.escape);
  return waitForFrame(app, title);
}

/** From the home screen to the individual enrollment's certificate step. */
export async function startIndividual(app: Instance) {
  await press(app, keys.enter);
  await waitForFrame(app, 'Device identity certificate');
}

/**
 * From a certificate that is ready (or only warned about) to the device ID step: Enter uses it, no
 * secondary, the registration ID filled in from the CN (`registrationId`) is kept.
 */
export async function acceptCertificateToDeviceId(app: Instance, registrationId: string) {
  await forward(app, 'Secondary certificate');
  assert.match(await forward(app, 'Registration ID'), new RegExp(`› ${registrationId}`));
  await forward(app, 'IoT Hub device ID');
}

/** From the home screen to the device ID step, with the certificate `${name}.cert.pem` and no secondary. */
export async function toDeviceId(app: Instance, name: string) {
  await startIndividual(app);
  await burst(app, `${name}.cert.pem`, keys.enter);
  await waitForFrame(app, 'Ready: press Enter');
  await acceptCertificateToDeviceId(app, name);
}

/** What the twin step gets: the chunks of `twin` in one burst, or Enter twice (no tags, no desired properties). */
type TwinInput = {twin?: string[]};

/** From the IoT Edge step to the review, keeping every default (all linked hubs, evenly weighted, no twin). */
export async function acceptSettingsToReview(app: Instance, input: TwinInput = {}) {
  await waitForFrame(app, 'IoT Edge device?');
  await forward(app, 'IoT hubs this device can be assigned to');
  await press(app, keys.enter);
  await acceptAllocationToReview(app, input);
}

/** From the allocation step to the review, keeping the allocation shown and the advanced settings. */
export async function acceptAllocationToReview(app: Instance, {twin}: TwinInput = {}) {
  await waitForFrame(app, 'How DPS chooses the hub');
  await forward(app, 'Initial device twin');
  if (twin) await burst(app, ...twin);
  else await press(app, keys.enter, keys.enter); // tags, desired properties
  await waitForFrame(app, 'Advanced settings');
  await forward(app, 'Review');
}
