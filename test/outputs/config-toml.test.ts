import {describe, test} from 'node:test';
import assert from 'node:assert/strict';
import {
  defaultDevicePaths,
  devicePathProblem,
  provisioningToml,
  tomlString,
} from '../../source/outputs/config-toml.js';

const header = [
  '# For /etc/aziot/config.toml: after its top-level settings, in place of any other [provisioning].',
  '# Then apply it with: sudo iotedge config apply',
];
const certificateComment =
  '# The identity certificate followed by its intermediate CA certificates (the full chain).';
const keyComment = "# The identity certificate's private key (owner aziotks, mode 600).";

/**
 * A structural check that stands in for a TOML parser: every line is blank, a comment, a [table]
 * header, or `key = "basic string"` whose escapes are all valid TOML escapes.
 */
function assertSimpleToml(text: string) {
  assert.ok(text.endsWith('\n'), 'ends with a newline');
  const tables: string[] = [];
  const keysSeen = new Set<string>();
  let table = '';
  for (const line of text.slice(0, -1).split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const header = /^\[([a-z_]+(?:\.[a-z_]+)*)\]$/.exec(line);
    if (header) {
      table = header[1] ?? '';
      assert.ok(!tables.includes(table), `table [${table}] appears once`);
      tables.push(table);
      continue;
    }
    const pair =
      /^([a-z_]+) = "((?:[^"\\\u0000-\u001f\u007f]|\\["\\btnfr]|\\u[0-9a-f]{4})*)"$/.exec(line);
    assert.ok(pair, `line is key = "string": ${JSON.stringify(line)}`);
    assert.ok(table !== '', `key ${pair[1]} is inside a table`);
    const key = `${table}.${pair[1]}`;
    assert.ok(!keysSeen.has(key), `${key} is set once`);
    keysSeen.add(key);
  }
  assert.deepEqual(tables, ['provisioning', 'provisioning.attestation']);
}

describe('provisioningToml', () => {
  test('an individual enrollment with the default device paths', () => {
    const toml = provisioningToml({
      globalEndpoint: 'https://global.azure-devices-provisioning.net',
      idScope: '0ne00ABC123',
      registrationId: 'edge-gateway-01',
      ...defaultDevicePaths('edge-gateway-01'),
    });
    assert.equal(
      toml,
      [
        ...header,
        '[provisioning]',
        'source = "dps"',
        'global_endpoint = "https://global.azure-devices-provisioning.net"',
        'id_scope = "0ne00ABC123"',
        '',
        '[provisioning.attestation]',
        'method = "x509"',
        '# Must equal the common name (CN) of the identity certificate.',
        'registration_id = "edge-gateway-01"',
        certificateComment,
        'identity_cert = "file:///var/aziot/certs/iot-edge-device-identity-edge-gateway-01-full-chain.cert.pem"',
        keyComment,
        'identity_pk = "file:///var/aziot/secrets/iot-edge-device-identity-edge-gateway-01.key.pem"',
        '',
      ].join('\n'),
    );
    assertSimpleToml(toml);
  });

  test('a group template leaves the registration ID as the certificate CN placeholder', () => {
    const toml = provisioningToml({
      globalEndpoint: 'https://global.azure-devices-provisioning.net',
      idScope: '0ne00ABC123',
      registrationId: undefined,
      identityCertPath: '/var/aziot/certs/device-full-chain.cert.pem',
      identityKeyPath: '/var/aziot/secrets/device.key.pem',
    });
    const lines = toml.split('\n');
    const at = lines.indexOf('registration_id = "<device certificate CN>"');
    assert.ok(at > 0, toml);
    assert.equal(
      lines[at - 1],
      "# Replace with the common name (CN) of this device's identity certificate: its registration ID.",
    );
    assert.ok(
      lines.includes('identity_cert = "file:///var/aziot/certs/device-full-chain.cert.pem"'),
    );
    assert.ok(lines.includes('identity_pk = "file:///var/aziot/secrets/device.key.pem"'));
    assertSimpleToml(toml);
  });

  test('an unknown ID scope becomes a placeholder with a comment saying where to find it', () => {
    const toml = provisioningToml({
      globalEndpoint: 'https://global.azure-devices-provisioning.net',
      idScope: undefined,
      registrationId: 'device-01',
      ...defaultDevicePaths('device-01'),
    });
    const lines = toml.split('\n');
    const at = lines.indexOf('id_scope = "<ID scope>"');
    assert.ok(at > 0, toml);
    assert.equal(
      lines[at - 1],
      '# Replace <ID scope> with the ID scope on the DPS Overview page in the Azure portal.',
    );
    assertSimpleToml(toml);
  });

  test('an empty ID scope is treated as unknown', () => {
    const toml = provisioningToml({
      globalEndpoint: 'https://global.azure-devices-provisioning.net',
      idScope: '',
      registrationId: 'device-01',
      ...defaultDevicePaths('device-01'),
    });
    assert.ok(toml.includes('\nid_scope = "<ID scope>"\n'), toml);
  });

  test('a path with spaces and other URI characters is percent-encoded', () => {
    const toml = provisioningToml({
      globalEndpoint: 'https://global.azure-devices-provisioning.net',
      idScope: '0ne00ABC123',
      registrationId: 'device-01',
      identityCertPath: '/home/edge user/certs #1/device 100%.pem',
      identityKeyPath: '/home/edge user/keys?/device.key.pem',
    });
    const lines = toml.split('\n');
    assert.ok(
      lines.includes('identity_cert = "file:///home/edge%20user/certs%20%231/device%20100%25.pem"'),
      toml,
    );
    assert.ok(
      lines.includes('identity_pk = "file:///home/edge%20user/keys%3F/device.key.pem"'),
      toml,
    );
    for (const line of lines.filter((each) => each.startsWith('identity_'))) {
      const uri = /"(.*)"/.exec(line)?.[1] ?? '';
      assert.ok(URL.canParse(uri), uri);
    }
    assertSimpleToml(toml);
  });

  test('the sandbox gets a comment that only a device on this machine can reach it', () => {
    const toml = provisioningToml({
      globalEndpoint: 'https://global.azure-devices-provisioning.net',
      idScope: '0ne00SANDBOX',
      registrationId: 'device-01',
      sandbox: true,
      ...defaultDevicePaths('device-01'),
    });
    const lines = toml.split('\n');
    const at = lines.indexOf('id_scope = "0ne00SANDBOX"');
    assert.deepEqual(lines.slice(at - 2, at), [
      "# The sandbox's ID scope: a device on this machine can register against the",
      '# sandbox on loopback (trusting the sandbox CA); remote devices cannot.',
    ]);
    assertSimpleToml(toml);
    const real = provisioningToml({
      globalEndpoint: 'https://global.azure-devices-provisioning.net',
      idScope: '0ne00SANDBOX',
      registrationId: 'device-01',
      ...defaultDevicePaths('device-01'),
    });
    assert.ok(!real.includes('sandbox'));
  });

  test('quotes, backslashes and control characters in values are escaped', () => {
    const toml = provisioningToml({
      globalEndpoint: 'https://example.test/"a"\\b',
      idScope: 'scope\twith\ncontrol\u0001\u007f',
      registrationId: 'device-01',
      ...defaultDevicePaths('device-01'),
    });
    const lines = toml.split('\n');
    assert.ok(lines.includes('global_endpoint = "https://example.test/\\"a\\"\\\\b"'), toml);
    assert.ok(lines.includes('id_scope = "scope\\twith\\ncontrol\\u0001\\u007f"'), toml);
    assertSimpleToml(toml);
  });

  test('a path the device cannot use is refused with the reason', () => {
    assert.throws(
      () =>
        provisioningToml({
          globalEndpoint: 'https://global.azure-devices-provisioning.net',
          idScope: '0ne00ABC123',
          registrationId: 'device-01',
          identityCertPath: 'certs/device.pem',
          identityKeyPath: '/var/aziot/secrets/device.key.pem',
        }),
      /identity certificate path "certs\/device.pem" cannot be used: Use the full path/,
    );
  });
});

describe('tomlString', () => {
  test('keeps text that needs no escaping as it is, non-ASCII included', () => {
    assert.equal(tomlString('Zürich 東京'), '"Zürich 東京"');
  });

  test('escapes every character TOML does not allow bare in a basic string', () => {
    assert.equal(tomlString('"\\\b\t\n\f\r\u001b'), '"\\"\\\\\\b\\t\\n\\f\\r\\u001b"');
  });
});

describe('defaultDevicePaths', () => {
  test('uses the IoT Edge file names in the folders IoT Edge reads', () => {
    assert.deepEqual(defaultDevicePaths('gw-7'), {
      identityCertPath: '/var/aziot/certs/iot-edge-device-identity-gw-7-full-chain.cert.pem',
      identityKeyPath: '/var/aziot/secrets/iot-edge-device-identity-gw-7.key.pem',
    });
  });
});

describe('devicePathProblem', () => {
  test('accepts absolute paths, spaces inside included', () => {
    for (const path of [
      '/var/aziot/certs/device.pem',
      '/home/edge user/device cert.pem',
      '/mnt/usb/certs/device-01_full.chain.pem',
    ]) {
      assert.equal(devicePathProblem(path), undefined, path);
    }
  });

  test('names the problem of each unusable path', () => {
    const cases: Array<[string, RegExp]> = [
      ['', /Enter the full path/],
      ['   ', /Enter the full path/],
      ['/var/aziot/certs/device.pem ', /starts or ends with a space/],
      ['certs/device.pem', /starting with \//],
      ['~/device.pem', /starting with \//],
      ['/var/aziot/"device".pem', /quotes/],
      ["/var/aziot/device's.pem", /quotes/],
      ['/var/aziot/`id`.pem', /quotes/],
      ['/var/aziot/device\n.pem', /control characters/],
      ['/var/aziot/device\t.pem', /control characters/],
      ['/var/aziot\\certs\\device.pem', /Use \/ between folders/],
      ['/var/aziot/\ud800.pem', /broken character/],
      ['/var/aziot/certs/', /names a folder/],
      ['/var/aziot/../etc/device.pem', /without \. or \.\./],
      ['/var/aziot/./device.pem', /without \. or \.\./],
    ];
    for (const [path, problem] of cases) {
      assert.match(devicePathProblem(path) ?? '(no problem)', problem, JSON.stringify(path));
    }
  });
});
