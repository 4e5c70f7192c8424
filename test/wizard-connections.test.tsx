import {after, before, describe, test} from 'node:test';
import assert from 'node:assert/strict';
import {mkdtemp, rm, writeFile} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {App} from '../source/app/app.js';
import {wizardConnector} from '../source/app/run-wizard.js';
import {createServices, type Connector} from '../source/app/services.js';
import type {ConnectionChoice} from '../source/app/connection-options.js';
import {connectToSandbox} from '../source/dps/gateway.js';
import {startEmulator} from '../source/emulator/emulator.js';
import {startFakeAuthority, type FakeAuthority} from './helpers/fake-authority.js';
import {burst, cleanup, frame, keys, press, render, waitForFrame} from './helpers/ink.js';
import {ecChain} from './helpers/test-certificates.js';

let emulator: Awaited<ReturnType<typeof startEmulator>>;
let folder: string;

before(async () => {
  emulator = await startEmulator({inMemory: true, port: 0});
  folder = await mkdtemp(join(tmpdir(), 'dps-enroll-connections-'));
});

after(async () => {
  await cleanup();
  await emulator.close();
  await rm(folder, {recursive: true, force: true});
});

async function openWith(target: string, connector: Connector) {
  const services = createServices({target, connect: connector, cwd: folder, home: folder});
  const app = await render(<App services={services} />);
  return {
    app,
    async close() {
      await cleanup();
      await services.closeAll();
    },
  };
}

describe('connection string', () => {
  test('the header names the DPS host, hubs are typed, and the config has an ID scope placeholder', async () => {
    const choice: ConnectionChoice = {
      mode: 'connection-string',
      connectionString: emulator.info.connectionString,
    };
    const testing = {servicePort: emulator.info.port, ca: emulator.caCertificatePem};
    const {leaf} = await ecChain('cs-device-01');
    await writeFile(join(folder, 'cs.cert.pem'), leaf.certificatePem);
    const lookup = await connectToSandbox(emulator.info, emulator.caCertificatePem);
    const {linkedHubs} = await lookup.getDpsResource().finally(() => lookup.close());
    const eastHub = linkedHubs.find((hub) => hub.location === 'eastus')?.hostName;
    assert.ok(eastHub);

    const wizard = await openWith('connection string', wizardConnector(choice, testing));
    const {app} = wizard;
    try {
      const home = await waitForFrame(app, 'CONNECTION STRING');
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
      await waitForFrame(app, 'How DPS chooses the hub');
      await press(app, keys.enter);
      await waitForFrame(app, 'Initial device twin');
      await press(app, keys.enter, keys.enter);
      await waitForFrame(app, 'Advanced settings');
      await press(app, keys.enter);
      await waitForFrame(app, 'Review');
      await press(app, keys.tab, keys.tab);
      const az = await waitForFrame(app, 'az iot dps enrollment create');
      assert.match(az, /--login "\$DPS_CONNECTION_STRING"/);
      assert.doesNotMatch(az, /SharedAccessKey=/);
      await press(app, keys.enter);
      await waitForFrame(app, 'Enrollment created');
      await press(app, keys.enter);
      await waitForFrame(app, 'Where the files will be on the device');
      await press(app, keys.enter, keys.enter);
      const config = await waitForFrame(app, '[provisioning]');
      assert.match(config, /id_scope = "<ID scope>"/);
    } finally {
      await wizard.close();
    }
    const gateway = await connectToSandbox(emulator.info, emulator.caCertificatePem);
    try {
      const saved = await gateway.getIndividualEnrollment('cs-device-01');
      assert.deepEqual(saved.iotHubs, [eastHub]);
    } finally {
      await gateway.close();
    }
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
      dpsName: emulator.info.dpsName,
      resourceGroup: emulator.info.resourceGroup,
      subscriptionId: emulator.info.subscriptionId,
    });
  });

  after(async () => {
    await authority?.close();
  });

  test('the code and URL are shown in the wizard; once signed in, the header shows the DPS and its ID scope', async () => {
    authority = await startFakeAuthority({accessToken: emulator.info.armToken, pendingPolls: 2});
    const testing = {
      authorityHost: authority.url,
      ca: `${emulator.caCertificatePem}\n${authority.caCertificatePem}`,
      armEndpoint: emulator.info.armEndpoint,
    };
    const wizard = await openWith(`Azure: ${choice.dpsName}`, wizardConnector(choice, testing));
    try {
      const signIn = await waitForFrame(wizard.app, 'Sign in to Azure');
      const code = authority.prompts[0]?.userCode;
      assert.ok(code);
      assert.ok(signIn.includes(code), signIn);
      assert.match(signIn, /Esc cancels the sign-in/);
      const connected = await waitForFrame(wizard.app, 'AZURE');
      assert.match(connected, new RegExp(`Writes go to DPS ${choice.dpsName}`));
      assert.ok(connected.includes(`ID scope ${emulator.info.idScope}`), connected);
      assert.doesNotMatch(frame(wizard.app), /Sign in to Azure/);
    } finally {
      await wizard.close();
      await authority.close();
    }
  });

  test('Esc cancels the sign-in, and r starts a new one', async () => {
    authority = await startFakeAuthority({
      accessToken: emulator.info.armToken,
      pendingPolls: Infinity,
    });
    const testing = {
      authorityHost: authority.url,
      ca: `${emulator.caCertificatePem}\n${authority.caCertificatePem}`,
      armEndpoint: emulator.info.armEndpoint,
    };
    const wizard = await openWith(`Azure: ${choice.dpsName}`, wizardConnector(choice, testing));
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
