import {test} from 'node:test';
import assert from 'node:assert/strict';
import {UsageError} from '../../source/commands/args.js';
import {
  chooseConnection,
  describeChoice,
  type WizardFlags,
} from '../../source/connection/connection-options.js';

const key = Buffer.alloc(32, 5).toString('base64');
const connectionString = `HostName=my-dps.azure-devices-provisioning.net;SharedAccessKeyName=provisioningserviceowner;SharedAccessKey=${key}`;
const subscription = '11111111-2222-3333-4444-555555555555';
const azureFlags: WizardFlags = {
  'dps-name': 'my-dps',
  'resource-group': 'my-rg',
  subscription,
};

/** Asserts a UsageError whose message matches, and that it never shows the key. */
function usageError(flags: WizardFlags, env: NodeJS.ProcessEnv, message: RegExp) {
  assert.throws(
    () => chooseConnection(flags, env),
    (error: unknown) => {
      assert.ok(error instanceof UsageError, String(error));
      assert.match(error.message, message);
      assert.ok(!error.message.includes(key), error.message);
      return true;
    },
  );
}

test('nothing configured: the sandbox', () => {
  assert.deepEqual(chooseConnection({}, {}), {mode: 'sandbox'});
  assert.deepEqual(chooseConnection({}, {DPS_CONNECTION_STRING: '  '}), {mode: 'sandbox'});
});

test('--sandbox with a state folder; --state-dir alone also means the sandbox', () => {
  assert.deepEqual(chooseConnection({sandbox: true, 'state-dir': '/tmp/x'}, {}), {
    mode: 'sandbox',
    stateDir: '/tmp/x',
  });
  assert.deepEqual(chooseConnection({'state-dir': 'here'}, {}), {
    mode: 'sandbox',
    stateDir: 'here',
  });
});

test('a connection string from the flag, else from DPS_CONNECTION_STRING', () => {
  assert.deepEqual(chooseConnection({'connection-string': connectionString}, {}), {
    mode: 'connection-string',
    connectionString,
  });
  assert.deepEqual(chooseConnection({}, {DPS_CONNECTION_STRING: ` ${connectionString}\n`}), {
    mode: 'connection-string',
    connectionString,
  });
  const other = connectionString.replace('my-dps', 'other-dps');
  assert.deepEqual(
    chooseConnection({'connection-string': other}, {DPS_CONNECTION_STRING: connectionString}),
    {mode: 'connection-string', connectionString: other},
    'the flag wins over the environment',
  );
});

test('flags win over the environment: --sandbox and --dps-name ignore DPS_CONNECTION_STRING', () => {
  const env = {DPS_CONNECTION_STRING: connectionString};
  assert.equal(chooseConnection({sandbox: true}, env).mode, 'sandbox');
  assert.equal(chooseConnection(azureFlags, env).mode, 'azure');
});

test('Azure sign-in: DefaultAzureCredential unless --device-code; tenant kept', () => {
  assert.deepEqual(chooseConnection(azureFlags, {}), {
    mode: 'azure',
    dpsName: 'my-dps',
    resourceGroup: 'my-rg',
    subscriptionId: subscription,
    deviceCode: false,
  });
  assert.deepEqual(
    chooseConnection({...azureFlags, 'device-code': true, tenant: 'contoso.onmicrosoft.com'}, {}),
    {
      mode: 'azure',
      dpsName: 'my-dps',
      resourceGroup: 'my-rg',
      subscriptionId: subscription,
      deviceCode: true,
      tenantId: 'contoso.onmicrosoft.com',
    },
  );
});

test('the subscription comes from AZURE_SUBSCRIPTION_ID when --subscription is absent', () => {
  const other = 'aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee';
  const choice = chooseConnection(
    {'dps-name': 'my-dps', 'resource-group': 'my-rg'},
    {AZURE_SUBSCRIPTION_ID: other},
  );
  assert.equal(choice.mode === 'azure' && choice.subscriptionId, other);
  const flagWins = chooseConnection(azureFlags, {AZURE_SUBSCRIPTION_ID: other});
  assert.equal(flagWins.mode === 'azure' && flagWins.subscriptionId, subscription);
});

test('two connection modes at once are refused, naming both flags', () => {
  usageError(
    {sandbox: true, 'connection-string': connectionString},
    {},
    /--sandbox and --connection-string/,
  );
  usageError({sandbox: true, ...azureFlags}, {}, /--sandbox and --dps-name/);
  usageError(
    {'connection-string': connectionString, ...azureFlags},
    {},
    /--connection-string and --dps-name/,
  );
});

test('--dps-name needs a resource group and a subscription', () => {
  usageError({'dps-name': 'my-dps', subscription}, {}, /--dps-name needs --resource-group/);
  usageError(
    {'dps-name': 'my-dps', 'resource-group': 'my-rg'},
    {},
    /--dps-name needs --subscription \(or AZURE_SUBSCRIPTION_ID\)/,
  );
  usageError(
    {...azureFlags, subscription: 'not-a-guid'},
    {},
    /--subscription must be a subscription ID/,
  );
  usageError(
    {'dps-name': 'my-dps', 'resource-group': 'my-rg'},
    {AZURE_SUBSCRIPTION_ID: 'nope'},
    /AZURE_SUBSCRIPTION_ID must be a subscription ID/,
  );
  usageError({...azureFlags, 'dps-name': 'a b'}, {}, /--dps-name must be the name of a DPS/);
});

test('Azure-only flags without --dps-name are refused', () => {
  usageError({'device-code': true}, {}, /--device-code is for Azure sign-in and needs --dps-name/);
  usageError({sandbox: true, 'resource-group': 'rg'}, {}, /--resource-group .* needs --dps-name/);
  usageError({tenant: 'contoso'}, {}, /--tenant .* needs --dps-name/);
  usageError({subscription}, {}, /--subscription .* needs --dps-name/);
});

test('--state-dir is for the sandbox only', () => {
  usageError({...azureFlags, 'state-dir': '/tmp/x'}, {}, /--state-dir is for the sandbox only/);
  usageError(
    {'connection-string': connectionString, 'state-dir': '/tmp/x'},
    {},
    /--state-dir is for the sandbox only, not with --connection-string/,
  );
});

test('a malformed connection string is refused with the parser message and its source, never the key', () => {
  usageError(
    {'connection-string': `HostName=my-dps.azure-devices-provisioning.net;SharedAccessKey=${key}`},
    {},
    /^--connection-string: the connection string has no SharedAccessKeyName$/,
  );
  usageError(
    {},
    {
      DPS_CONNECTION_STRING: `HostName=hub.azure-devices.net;SharedAccessKeyName=o;SharedAccessKey=${key}`,
    },
    /^DPS_CONNECTION_STRING: HostName is an IoT hub \(…azure-devices\.net\)/,
  );
  usageError(
    {
      'connection-string': `HostName=x;DeviceId=dev;SharedAccessKeyName=o;SharedAccessKey=${key}`,
    },
    {},
    /device connection string/,
  );
});

test('describeChoice: one line per mode, without the key', () => {
  assert.equal(describeChoice({mode: 'sandbox'}), 'sandbox');
  const described = describeChoice({mode: 'connection-string', connectionString});
  assert.equal(
    described,
    'connection string for my-dps.azure-devices-provisioning.net (policy provisioningserviceowner)',
  );
  assert.ok(!described.includes(key));
  assert.equal(describeChoice(chooseConnection(azureFlags, {})), 'Azure: my-dps in my-rg');
  const unreadable = describeChoice({mode: 'connection-string', connectionString: `junk ${key}`});
  assert.ok(!unreadable.includes(key), unreadable);
});
