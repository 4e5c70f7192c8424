import {test} from 'node:test';
import assert from 'node:assert/strict';
import {inspect} from 'node:util';
import fc from 'fast-check';
import {
  ConnectionStringError,
  formatConnectionString,
  parseConnectionString,
  parseRights,
  pickServicePolicy,
} from '../../source/dps/connection-string.js';

const key = 'MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=';

test('a DPS service connection string parses, with key parts in any order and case', () => {
  assert.deepEqual(
    parseConnectionString(
      `sharedaccesskey=${key};HostName=my-dps.azure-devices-provisioning.net;SharedAccessKeyName=provisioningserviceowner;`,
    ),
    {
      hostName: 'my-dps.azure-devices-provisioning.net',
      sharedAccessKeyName: 'provisioningserviceowner',
      sharedAccessKey: key,
    },
  );
});

test('format and parse round-trip', () => {
  const hostName = fc.stringMatching(/^[a-z0-9][a-z0-9-]{0,20}(\.[a-z0-9-]{1,10}){0,3}$/);
  const keyName = fc.stringMatching(/^[A-Za-z0-9_-]{1,30}$/);
  const base64Key = fc
    .uint8Array({minLength: 16, maxLength: 64})
    .map((bytes) => Buffer.from(bytes).toString('base64'));
  fc.assert(
    fc.property(hostName, keyName, base64Key, (host, name, secret) => {
      const value = {hostName: host, sharedAccessKeyName: name, sharedAccessKey: secret};
      assert.deepEqual(parseConnectionString(formatConnectionString(value)), value);
    }),
  );
});

test('malformed connection strings are refused with a message that names the problem, never the key', () => {
  const cases: Array<[string, RegExp]> = [
    [`HostName=dps.example;SharedAccessKey=${key}`, /no SharedAccessKeyName/],
    ['HostName=dps.example;SharedAccessKeyName=owner', /no SharedAccessKey/],
    [`SharedAccessKeyName=owner;SharedAccessKey=${key}`, /no HostName/],
    [`HostName=localhost:8443;SharedAccessKeyName=owner;SharedAccessKey=${key}`, /bare host name/],
    [
      `HostName=https://dps.example;SharedAccessKeyName=owner;SharedAccessKey=${key}`,
      /bare host name/,
    ],
    [
      `HostName=hub.azure-devices.net;SharedAccessKeyName=iothubowner;SharedAccessKey=${key}`,
      /IoT hub/,
    ],
    [
      `HostName=hub.azure-devices.net;DeviceId=dev-01;SharedAccessKey=${key}`,
      /device connection string/,
    ],
    ['HostName=dps.example;SharedAccessKeyName=owner;SharedAccessKey=not base64!', /base64/],
    ['just some text', /Key=Value/],
  ];
  for (const [text, message] of cases) {
    assert.throws(
      () => parseConnectionString(text),
      (error: unknown) => {
        assert.ok(error instanceof ConnectionStringError, text);
        assert.match(error.message, message);
        assert.ok(!error.message.includes(key), error.message);
        return true;
      },
    );
  }
});

test('rights are a ", "-joined list', () => {
  assert.deepEqual(parseRights('ServiceConfig, DeviceConnect, EnrollmentWrite'), [
    'ServiceConfig',
    'DeviceConnect',
    'EnrollmentWrite',
  ]);
  assert.deepEqual(parseRights('EnrollmentRead'), ['EnrollmentRead']);
  assert.deepEqual(parseRights(''), []);
});

test('the service policy is the first one with ServiceConfig and EnrollmentWrite and a key', () => {
  const policies = [
    {keyName: 'reader', rights: 'EnrollmentRead, RegistrationStatusRead', primaryKey: 'cg=='},
    {keyName: 'no-keys', rights: 'ServiceConfig, EnrollmentWrite'},
    {keyName: 'writer-only', rights: 'EnrollmentWrite', primaryKey: 'dw=='},
    {
      keyName: 'provisioningserviceowner',
      rights:
        'ServiceConfig, DeviceConnect, EnrollmentRead, EnrollmentWrite, RegistrationStatusRead, RegistrationStatusWrite',
      primaryKey: 'b3duZXI=',
      secondaryKey: 'c2Vjb25k',
    },
    {keyName: 'second-owner', rights: 'ServiceConfig, EnrollmentWrite', primaryKey: 'eA=='},
  ];
  const picked = pickServicePolicy(policies);
  assert.equal(picked?.keyName, 'provisioningserviceowner');
  assert.equal(picked?.key, 'b3duZXI=');
  assert.equal(
    pickServicePolicy([
      {keyName: 's', rights: 'ServiceConfig, EnrollmentWrite', secondaryKey: 'cw=='},
    ])?.key,
    'cw==',
  );
  assert.equal(pickServicePolicy(policies.slice(0, 3)), undefined);
});

test('a key pasted into any field is never echoed by the error', () => {
  // Base64 keys with and without the characters a host name cannot hold.
  const secrets = [key, 'S3cr3tKeyMaterial0123456789abcdefGHIJ'];
  const host = 'my-dps.azure-devices-provisioning.net';
  for (const secret of secrets) {
    const texts = [
      // (A key of letters and digits only is a valid host name, so only the other key is refused here.)
      ...(/[+/=]/.test(secret)
        ? [`HostName=${secret};SharedAccessKeyName=owner;SharedAccessKey=${key}`]
        : []),
      `HostName=${secret}.azure-devices.net;SharedAccessKeyName=owner;SharedAccessKey=${key}`,
      `HostName=${secret}:443;SharedAccessKeyName=owner;SharedAccessKey=${key}`,
      `HostName=${host};SharedAccessKeyName=owner;SharedAccessKey=${secret}!`,
      `HostName=${host};SharedAccessKeyName=${secret}`,
      `SharedAccessKeyName=owner;SharedAccessKey=${secret}`,
      `HostName=${host};DeviceId=${secret};SharedAccessKey=${secret}`,
      `HostName=${host};RegistrationId=${secret}`,
      `HostName=${host};Unknown=${secret}`,
      `${secret}`,
      `HostName=${host};${secret}`,
      `${secret}=${secret}`,
    ];
    for (const text of texts) {
      assert.throws(
        () => parseConnectionString(text),
        (error: unknown) => {
          assert.ok(error instanceof ConnectionStringError, text);
          for (let start = 0; start + 8 <= secret.length; start++) {
            const piece = secret.slice(start, start + 8);
            assert.ok(!inspect(error).includes(piece), `${text}: ${error.message}`);
          }
          return true;
        },
      );
    }
  }
});
