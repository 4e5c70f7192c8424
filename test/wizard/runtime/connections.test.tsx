import {after, before, describe, test} from 'node:test';
import assert from 'node:assert/strict';
import {wizardConnector} from '../../../source/wizard/runtime/run-wizard.js';
import type {ConnectionChoice} from '../../../source/connection/connection-options.js';
import {
  azureTestingAt,
  startFakeAuthority,
  type FakeAuthority,
} from '../../helpers/fake-authority.js';
import {burst, frame, keys, press, waitForFrame} from '../../helpers/ink.js';
import {
  acceptAllocationToReview,
  deviceCertificate,
  forward,
  openWizardWith,
  readEnrollment,
  withConnectionStringWizard,
  withGateway,
  wizardSandboxForFile,
} from '../../helpers/wizard.js';

const sandbox = wizardSandboxForFile();

describe('connection string', () => {
  test('the header names the DPS host, hubs are typed, and the config has an ID scope placeholder', async () => {
    await deviceCertificate(sandbox, 'cs-device-01', 'cs.cert.pem');
    const {linkedHubs} = await withGateway(sandbox, (gateway) => gateway.getDpsResource());
    const eastHub = linkedHubs.find((hub) => hub.location === 'eastus')?.hostName;
    assert.ok(eastHub);

    await withConnectionStringWizard(sandbox, async (app) => {
      const home = frame(app);
      assert.match(home, /Writes go to DPS \(localhost\)/);
      assert.doesNotMatch(home, /SharedAccessKey|ID scope/);
      await press(app, keys.enter);
      await burst(app, 'cs.cert.pem', keys.enter);
      await waitForFrame(app, 'Ready: press Enter');
      await press(app, keys.enter, keys.enter, keys.enter, keys.enter, keys.enter);
      assert.match(await waitForFrame(app, 'not known with a connection string'), /Hubs/);
      await press(app, keys.enter);
      assert.match(await waitForFrame(app, 'at least one IoT hub'), /host name/);
      await burst(app, eastHub, keys.enter);
      await acceptAllocationToReview(app);
      await press(app, keys.tab, keys.tab);
      const az = await waitForFrame(app, 'az iot dps enrollment create');
      assert.match(az, /--login "\$DPS_CONNECTION_STRING"/);
      assert.doesNotMatch(az, /SharedAccessKey=/);
      await forward(app, 'Enrollment created');
      await forward(app, 'Where the files will be on the device');
      await press(app, keys.enter, keys.enter);
      const config = await waitForFrame(app, '[provisioning]');
      assert.match(config, /id_scope = "<ID scope>"/);
    });
    const saved = await readEnrollment(sandbox, 'cs-device-01');
    assert.deepEqual(saved.iotHubs, [eastHub]);
  });
});

describe('Azure sign-in with a device code', () => {
  let authority: FakeAuthority;
  const choice: ConnectionChoice = {
    mode: 'azure',
    dpsName: '',
    resourceGroup: '',
    subscriptionId: '',
    deviceCode: true,
  };

  before(() => {
    Object.assign(choice, {
      dpsName: sandbox.emulator.info.dpsName,
      resourceGroup: sandbox.emulator.info.resourceGroup,
      subscriptionId: sandbox.emulator.info.subscriptionId,
    });
  });

  after(async () => {
    await authority?.close();
  });

  test('the code and URL are shown in the wizard; once signed in, the header shows the DPS and its ID scope', async () => {
    authority = await startFakeAuthority({
      accessToken: sandbox.emulator.info.armToken,
      pendingPolls: 2,
    });
    const wizard = await openWizardWith(
      sandbox,
      `Azure: ${choice.dpsName}`,
      wizardConnector(choice, azureTestingAt(authority, sandbox.emulator)),
    );
    try {
      const signIn = await waitForFrame(wizard.app, 'Sign in to Azure');
      const code = authority.prompts[0]?.userCode;
      assert.ok(code);
      assert.ok(signIn.includes(code), signIn);
      assert.match(signIn, /Esc cancels the sign-in/);
      const connected = await waitForFrame(wizard.app, 'AZURE');
      assert.match(connected, new RegExp(`Writes go to DPS ${choice.dpsName}`));
      assert.ok(connected.includes(`ID scope ${sandbox.emulator.info.idScope}`), connected);
      assert.doesNotMatch(frame(wizard.app), /Sign in to Azure/);
    } finally {
      await wizard.close();
      await authority.close();
    }
  });

  test('Esc cancels the sign-in, and r starts a new one', async () => {
    authority = await startFakeAuthority({
      accessToken: sandbox.emulator.info.armToken,
      pendingPolls: Infinity,
    });
    const wizard = await openWizardWith(
      sandbox,
      `Azure: ${choice.dpsName}`,
      wizardConnector(choice, azureTestingAt(authority, sandbox.emulator)),
    );
    try {
      await waitForFrame(wizard.app, 'Sign in to Azure');
      await press(wizard.app, keys.escape);
      const cancelled = await waitForFrame(wizard.app, 'Sign-in cancelled');
      assert.match(cancelled, /NOT CONNECTED/);
      await press(wizard.app, 'r');
      await waitForFrame(wizard.app, 'Sign in to Azure');
      assert.equal(authority.prompts.length, 2);
    } finally {
      await wizard.close();
      await authority.close();
    }
  });
});
