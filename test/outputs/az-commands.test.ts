import {before, describe, test} from 'node:test';
import assert from 'node:assert/strict';
import {execFile} from 'node:child_process';
import {promisify} from 'node:util';
import fc from 'fast-check';
import {
  caCertificateCommands,
  enrollmentGroupCommand,
  individualEnrollmentCommand,
  type AzTarget,
} from '../../source/outputs/az-commands.js';
import {shellQuote} from '../../source/outputs/shell-quote.js';
import type {EnrollmentGroup, IndividualEnrollment} from '../../source/dps/types.js';
import {expectedInfo, testCertificates} from '../helpers/test-certificates.js';

const run = promisify(execFile);

const azure: AzTarget = {mode: 'azure', dpsName: 'contoso-dps', resourceGroup: 'iot-rg'};
const sandbox: AzTarget = {mode: 'sandbox', dpsName: 'sandbox', resourceGroup: 'local'};
const connectionString: AzTarget = {mode: 'connection-string'};

/**
 * Runs `script` in /bin/sh with `az` defined as a function that prints its arguments, and returns
 * them: what the shell would hand to the real az.
 */
async function azArguments(script: string, env: Record<string, string> = {}): Promise<string[]> {
  const {stdout} = await run(
    '/bin/sh',
    ['-c', `az() { for argument in "$@"; do printf '%s\\0' "$argument"; done; }\n${script}`],
    {env: {PATH: process.env.PATH ?? '/usr/bin:/bin', ...env}},
  );
  return stdout.split('\0').slice(0, -1);
}

let devicePem: string;
let caPem: string;
before(async () => {
  ({devicePem, caPem} = await testCertificates());
});

describe('individualEnrollmentCommand', () => {
  test('a full individual enrollment maps every field to its az option', async () => {
    const enrollment: IndividualEnrollment = {
      registrationId: 'edge-gateway-01',
      deviceId: 'edge-gateway-01',
      attestation: {
        type: 'x509',
        clientCertificates: {
          primary: {certificate: devicePem},
          secondary: {certificate: devicePem},
        },
      },
      capabilities: {iotEdge: true},
      provisioningStatus: 'enabled',
      reprovisionPolicy: {updateHubAssignment: true, migrateDeviceData: false},
      allocationPolicy: 'hashed',
      iotHubs: ['hub-a.azure-devices.net', 'hub-b.azure-devices.net'],
      initialTwin: {
        tags: {environment: 'test', site: "Bob's lab"},
        properties: {desired: {telemetry: {interval: 30}}},
      },
    };
    const command = individualEnrollmentCommand(enrollment, azure, {
      primary: '/home/ops/certs/iot-edge-device-identity-edge-gateway-01.cert.pem',
      secondary: '/home/ops/My Certs/secondary.pem',
    });
    assert.equal(
      command,
      [
        'az iot dps enrollment create \\',
        '  --dps-name contoso-dps \\',
        '  --resource-group iot-rg \\',
        '  --enrollment-id edge-gateway-01 \\',
        '  --attestation-type x509 \\',
        '  --certificate-path /home/ops/certs/iot-edge-device-identity-edge-gateway-01.cert.pem \\',
        "  --secondary-certificate-path '/home/ops/My Certs/secondary.pem' \\",
        '  --device-id edge-gateway-01 \\',
        '  --edge-enabled true \\',
        '  --provisioning-status enabled \\',
        '  --reprovision-policy reprovisionandresetdata \\',
        '  --allocation-policy hashed \\',
        "  --iot-hubs 'hub-a.azure-devices.net hub-b.azure-devices.net' \\",
        `  --initial-twin-tags '{"environment":"test","site":"Bob'\\''s lab"}' \\`,
        `  --initial-twin-properties '{"telemetry":{"interval":30}}'`,
      ].join('\n'),
    );
    const argv = await azArguments(command);
    assert.deepEqual(argv.slice(0, 3), ['iot', 'dps', 'enrollment']);
    const value = (flag: string) => argv[argv.indexOf(flag) + 1];
    assert.equal(value('--secondary-certificate-path'), '/home/ops/My Certs/secondary.pem');
    assert.equal(value('--iot-hubs'), 'hub-a.azure-devices.net hub-b.azure-devices.net');
    assert.deepEqual(JSON.parse(value('--initial-twin-tags') ?? ''), enrollment.initialTwin?.tags);
    assert.deepEqual(
      JSON.parse(value('--initial-twin-properties') ?? ''),
      enrollment.initialTwin?.properties?.desired,
    );
  });

  test('a minimal enrollment with an unknown certificate file gets a placeholder path', () => {
    const command = individualEnrollmentCommand(
      {
        registrationId: 'device-01',
        attestation: {type: 'x509', clientCertificates: {primary: {certificate: devicePem}}},
      },
      azure,
      {},
    );
    assert.equal(
      command,
      [
        'az iot dps enrollment create \\',
        '  --dps-name contoso-dps \\',
        '  --resource-group iot-rg \\',
        '  --enrollment-id device-01 \\',
        '  --attestation-type x509 \\',
        "  --certificate-path '<primary certificate file>'",
      ].join('\n'),
    );
  });

  test('custom allocation adds the webhook and its API version; the sandbox is marked reference only', async () => {
    const command = individualEnrollmentCommand(
      {
        registrationId: 'device-02',
        attestation: {type: 'x509', clientCertificates: {primary: {certificate: devicePem}}},
        allocationPolicy: 'custom',
        customAllocationDefinition: {
          webhookUrl: 'https://allocator.example.net/api/allocate?tier=gold&region=eu',
          apiVersion: '2021-10-01',
        },
        reprovisionPolicy: {updateHubAssignment: false, migrateDeviceData: false},
      },
      sandbox,
      {primary: '/tmp/device-02.pem'},
    );
    assert.equal(
      command,
      [
        '# For reference only: az cannot reach the local sandbox DPS.',
        'az iot dps enrollment create \\',
        '  --dps-name sandbox \\',
        '  --resource-group local \\',
        '  --enrollment-id device-02 \\',
        '  --attestation-type x509 \\',
        '  --certificate-path /tmp/device-02.pem \\',
        '  --reprovision-policy never \\',
        '  --allocation-policy custom \\',
        "  --webhook-url 'https://allocator.example.net/api/allocate?tier=gold&region=eu' \\",
        '  --api-version 2021-10-01',
      ].join('\n'),
    );
    const argv = await azArguments(command);
    assert.equal(
      argv[argv.indexOf('--webhook-url') + 1],
      'https://allocator.example.net/api/allocate?tier=gold&region=eu',
    );
  });

  test('an update keeps stored certificates, removes a null one and sends the etag', () => {
    const command = individualEnrollmentCommand(
      {
        registrationId: 'device-01',
        attestation: {
          type: 'x509',
          clientCertificates: {primary: {info: expectedInfo(devicePem)}, secondary: null},
        },
        capabilities: {iotEdge: false},
        provisioningStatus: 'disabled',
        reprovisionPolicy: {updateHubAssignment: true, migrateDeviceData: true},
        allocationPolicy: 'geoLatency',
        initialTwin: {tags: {}, properties: {desired: {}}},
        etag: 'AAAAAAAAAAE=',
      },
      azure,
      {primary: '/home/ops/unused.pem'},
      {update: true},
    );
    assert.equal(
      command,
      [
        'az iot dps enrollment update \\',
        '  --dps-name contoso-dps \\',
        '  --resource-group iot-rg \\',
        '  --enrollment-id device-01 \\',
        '  --remove-secondary-certificate \\',
        '  --edge-enabled false \\',
        '  --provisioning-status disabled \\',
        '  --reprovision-policy reprovisionandmigratedata \\',
        '  --allocation-policy geoLatency \\',
        "  --initial-twin-tags '{}' \\",
        "  --initial-twin-properties '{}' \\",
        "  --etag 'AAAAAAAAAAE='",
      ].join('\n'),
    );
  });

  test('an update with a new certificate uploads it', () => {
    const command = individualEnrollmentCommand(
      {
        registrationId: 'device-01',
        attestation: {type: 'x509', clientCertificates: {primary: {certificate: devicePem}}},
        etag: '"0a00b1c2-0000"',
      },
      azure,
      {primary: '/home/ops/renewed.pem'},
      {update: true},
    );
    assert.ok(command.includes('\n  --certificate-path /home/ops/renewed.pem \\\n'), command);
    assert.ok(command.endsWith(`\n  --etag '"0a00b1c2-0000"'`), command);
    assert.ok(!command.includes('--attestation-type'), command);
  });

  test('the connection-string target logs in from a variable and never contains a key', async () => {
    const enrollment: IndividualEnrollment = {
      registrationId: 'device-01',
      attestation: {type: 'x509', clientCertificates: {primary: {certificate: devicePem}}},
      capabilities: {iotEdge: true},
    };
    const command = individualEnrollmentCommand(enrollment, connectionString, {
      primary: '/certs/device-01.pem',
    });
    assert.ok(!command.includes('SharedAccessKey'), command);
    assert.equal(
      command,
      [
        '# First set DPS_CONNECTION_STRING to the service connection string: read -rs DPS_CONNECTION_STRING',
        'az iot dps enrollment create \\',
        '  --login "$DPS_CONNECTION_STRING" \\',
        '  --enrollment-id device-01 \\',
        '  --attestation-type x509 \\',
        '  --certificate-path /certs/device-01.pem \\',
        '  --edge-enabled true',
      ].join('\n'),
    );
    const secret =
      'HostName=contoso-dps.azure-devices-provisioning.net;SharedAccessKeyName=provisioningserviceowner;SharedAccessKey=c2VjcmV0IGtleQ==';
    const argv = await azArguments(command, {DPS_CONNECTION_STRING: secret});
    assert.equal(argv[argv.indexOf('--login') + 1], secret);
  });
});

describe('enrollmentGroupCommand', () => {
  test('a group over verified CA certificates in DPS uses --ca-name', () => {
    const group: EnrollmentGroup = {
      enrollmentGroupId: 'line-7-gateways',
      attestation: {
        type: 'x509',
        caReferences: {primary: 'contoso-root', secondary: 'contoso root 2'},
      },
      capabilities: {iotEdge: true},
      provisioningStatus: 'enabled',
      reprovisionPolicy: {updateHubAssignment: true, migrateDeviceData: true},
      allocationPolicy: 'static',
      iotHubs: ['hub-a.azure-devices.net'],
      initialTwin: {tags: {environment: 'test'}},
    };
    assert.equal(
      enrollmentGroupCommand(group, azure, {}),
      [
        'az iot dps enrollment-group create \\',
        '  --dps-name contoso-dps \\',
        '  --resource-group iot-rg \\',
        '  --enrollment-id line-7-gateways \\',
        '  --ca-name contoso-root \\',
        "  --secondary-ca-name 'contoso root 2' \\",
        '  --edge-enabled true \\',
        '  --provisioning-status enabled \\',
        '  --reprovision-policy reprovisionandmigratedata \\',
        '  --allocation-policy static \\',
        '  --iot-hubs hub-a.azure-devices.net \\',
        `  --initial-twin-tags '{"environment":"test"}'`,
      ].join('\n'),
    );
  });

  test('a group with a signing certificate uploaded into it uses --certificate-path', () => {
    const group: EnrollmentGroup = {
      enrollmentGroupId: 'field-units',
      attestation: {type: 'x509', signingCertificates: {primary: {certificate: caPem}}},
      capabilities: {iotEdge: true},
      allocationPolicy: 'geoLatency',
      iotHubs: ['hub-eu.azure-devices.net', 'hub-us.azure-devices.net'],
      initialTwin: {tags: {}, properties: {desired: {logLevel: 'info'}}},
    };
    assert.equal(
      enrollmentGroupCommand(group, azure, {
        primary: '/home/ops/certs/azure-iot-test-only.intermediate-full-chain.cert.pem',
      }),
      [
        'az iot dps enrollment-group create \\',
        '  --dps-name contoso-dps \\',
        '  --resource-group iot-rg \\',
        '  --enrollment-id field-units \\',
        '  --certificate-path /home/ops/certs/azure-iot-test-only.intermediate-full-chain.cert.pem \\',
        '  --edge-enabled true \\',
        '  --allocation-policy geoLatency \\',
        "  --iot-hubs 'hub-eu.azure-devices.net hub-us.azure-devices.net' \\",
        `  --initial-twin-properties '{"logLevel":"info"}'`,
      ].join('\n'),
    );
  });

  test('a group update with a fresh etag; a group without certificates never turns symmetric-key', () => {
    const update = enrollmentGroupCommand(
      {
        enrollmentGroupId: 'field-units',
        attestation: {
          type: 'x509',
          signingCertificates: {primary: {info: expectedInfo(caPem)}, secondary: null},
        },
        provisioningStatus: 'disabled',
        etag: 'AAAAAAAAAAI=',
      },
      sandbox,
      {},
      {update: true},
    );
    assert.equal(
      update,
      [
        '# For reference only: az cannot reach the local sandbox DPS.',
        'az iot dps enrollment-group update \\',
        '  --dps-name sandbox \\',
        '  --resource-group local \\',
        '  --enrollment-id field-units \\',
        '  --remove-secondary-certificate \\',
        '  --provisioning-status disabled \\',
        "  --etag 'AAAAAAAAAAI='",
      ].join('\n'),
    );
    const empty = enrollmentGroupCommand(
      {enrollmentGroupId: 'g', attestation: {type: 'x509'}},
      azure,
      {},
    );
    assert.ok(empty.endsWith("\n  --certificate-path '<primary certificate file>'"), empty);
  });

  test('the connection-string target never contains a key', () => {
    const command = enrollmentGroupCommand(
      {enrollmentGroupId: 'g', attestation: {type: 'x509', caReferences: {primary: 'root'}}},
      connectionString,
      {},
    );
    assert.ok(command.includes('\n  --login "$DPS_CONNECTION_STRING" \\\n'), command);
    assert.ok(!command.includes('SharedAccessKey'), command);
  });
});

describe('caCertificateCommands', () => {
  test('upload, verification code and verify, with the etag passed from step to step', async () => {
    const commands = caCertificateCommands(
      {
        name: 'contoso-root',
        certificatePath: '/home/ops/certs/azure-iot-test-only.root.ca.cert.pem',
        verificationCertificatePath: '/home/ops/certs/iot-device-verification-code.cert.pem',
      },
      azure,
    );
    assert.deepEqual(commands, [
      [
        'az iot dps certificate create \\',
        '  --dps-name contoso-dps \\',
        '  --resource-group iot-rg \\',
        '  --certificate-name contoso-root \\',
        '  --path /home/ops/certs/azure-iot-test-only.root.ca.cert.pem',
      ].join('\n'),
      [
        '# ETAG: the etag the create command printed.',
        "# It prints a verificationCode: sign a certificate whose subject CN is that code with this CA's key.",
        'az iot dps certificate generate-verification-code \\',
        '  --dps-name contoso-dps \\',
        '  --resource-group iot-rg \\',
        '  --certificate-name contoso-root \\',
        '  --etag "$ETAG"',
      ].join('\n'),
      [
        '# ETAG: the new etag generate-verification-code printed.',
        'az iot dps certificate verify \\',
        '  --dps-name contoso-dps \\',
        '  --resource-group iot-rg \\',
        '  --certificate-name contoso-root \\',
        '  --path /home/ops/certs/iot-device-verification-code.cert.pem \\',
        '  --etag "$ETAG"',
      ].join('\n'),
    ]);
    const argv = await azArguments(commands[2] ?? '', {ETAG: 'AAAAAAAAAAM='});
    assert.deepEqual(argv.slice(0, 4), ['iot', 'dps', 'certificate', 'verify']);
    assert.equal(argv.at(-1), 'AAAAAAAAAAM=');
  });

  test('a certificate uploaded as verified needs only the create command', () => {
    assert.deepEqual(
      caCertificateCommands(
        {name: 'contoso-root', certificatePath: '/certs/root ca.pem', verified: true},
        azure,
      ),
      [
        [
          'az iot dps certificate create \\',
          '  --dps-name contoso-dps \\',
          '  --resource-group iot-rg \\',
          '  --certificate-name contoso-root \\',
          "  --path '/certs/root ca.pem' \\",
          '  --verified true',
        ].join('\n'),
      ],
    );
  });

  test('with only a connection string they say sign-in is needed; an unknown file is a placeholder', () => {
    const commands = caCertificateCommands(
      {name: 'root', certificatePath: '/certs/root.pem'},
      connectionString,
    );
    assert.equal(commands.length, 3);
    const note =
      '# Certificate commands take no connection string: they need az login and the DPS name.\n' +
      '# First set DPS_NAME and RESOURCE_GROUP to the DPS name and its resource group.\n';
    // The commands are shown as one block: the note comes once, before the first.
    assert.ok(commands[0]?.startsWith(note), commands[0]);
    assert.ok(!commands.slice(1).some((command) => command.includes(note)));
    for (const command of commands) {
      assert.ok(command.includes('\n  --dps-name "$DPS_NAME" \\\n'), command);
      assert.ok(command.includes('\n  --resource-group "$RESOURCE_GROUP" \\\n'), command);
      assert.ok(!command.includes('--login'), command);
    }
    assert.ok(commands[2]?.includes("\n  --path '<verification certificate file>' \\\n"));
  });

  test('a certificate already in DPS gets only the proof; a replaced one the update with its etag', () => {
    const proofOnly = caCertificateCommands(
      {name: 'root', certificatePath: '/certs/root.pem', upload: 'none'},
      sandbox,
    );
    assert.equal(proofOnly.length, 2);
    assert.ok(
      proofOnly[0]?.startsWith('# For reference only: az cannot reach the local sandbox DPS.\n'),
    );
    assert.match(proofOnly[0] ?? '', /current etag[^]*generate-verification-code/);
    assert.ok(!proofOnly.join('\n').includes('/certs/root.pem'));
    const replaced = caCertificateCommands(
      {name: 'root', certificatePath: '/certs/root.pem', upload: 'update'},
      sandbox,
    );
    assert.equal(replaced.length, 3);
    assert.match(
      replaced[0] ?? '',
      /az iot dps certificate update \\\n[^]*--path \/certs\/root\.pem \\\n {2}--etag "\$ETAG"/,
    );
    assert.match(replaced[1] ?? '', /the etag the update command printed/);
  });

  test('the sandbox marks the commands as reference only, once', () => {
    const commands = caCertificateCommands(
      {name: 'root', certificatePath: '/certs/root.pem'},
      sandbox,
    );
    assert.equal(commands.length, 3);
    const note = '# For reference only: az cannot reach the local sandbox DPS.';
    assert.equal(commands.join('\n\n').split(note).length - 1, 1);
    assert.ok(commands[0]?.startsWith(`${note}\n`));
  });
});

describe('shellQuote', () => {
  test('leaves plain words bare and single-quotes everything else', () => {
    const cases: Array<[string, string]> = [
      ['device-01', 'device-01'],
      ['/var/aziot/certs/a_b.pem', '/var/aziot/certs/a_b.pem'],
      ['hub.azure-devices.net', 'hub.azure-devices.net'],
      ['', "''"],
      ['two words', "'two words'"],
      ["Bob's", "'Bob'\\''s'"],
      ['"quoted"', `'"quoted"'`],
      ['$HOME', "'$HOME'"],
      ['`id`', "'`id`'"],
      ['line\nbreak', "'line\nbreak'"],
      ['*.pem', "'*.pem'"],
      ['~/cert.pem', "'~/cert.pem'"],
      ['AAAA=', "'AAAA='"],
      ['a;b&c|d', "'a;b&c|d'"],
    ];
    for (const [value, quoted] of cases) assert.equal(shellQuote(value), quoted, value);
  });

  test('/bin/sh turns the quoted text back into the original string', async () => {
    const shellCharacters = fc.constantFrom(
      ...`'"$\`\\\n\t !#&()*;<>?[]^{|}~=%+,-./:@_aZ0é東😀`.split(/(?:)/u),
    );
    const text = fc.oneof(
      fc.string({unit: shellCharacters, maxLength: 20}),
      fc.string({unit: 'grapheme', maxLength: 20}),
      fc.string({unit: 'binary-ascii', maxLength: 20}).filter((value) => !value.includes('\0')),
    );
    await fc.assert(
      fc.asyncProperty(text, async (value) => {
        const {stdout} = await run('/bin/sh', ['-c', `printf %s ${shellQuote(value)}`]);
        assert.equal(stdout, value);
      }),
      {numRuns: 50},
    );
  });
});
