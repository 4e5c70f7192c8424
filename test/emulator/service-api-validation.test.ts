import {test} from 'node:test';
import assert from 'node:assert/strict';
import {
  bodyOf,
  caReferenceGroup,
  individualEnrollment,
  serviceApi,
} from '../helpers/service-requests.js';
import {testCertificates} from '../helpers/test-certificates.js';

type Case = {name: string; path: string; body: unknown; message: RegExp};

async function expectBadRequest({name, path, body, message}: Case) {
  const {call} = serviceApi();
  const response = await call('PUT', path, {body});
  assert.equal(response.status, 400, `${name}: status`);
  const error = bodyOf(response);
  assert.equal(error.errorCode, 400004, `${name}: errorCode`);
  assert.match(error.message as string, message, name);
  assert.equal((await call('GET', path)).status, 404, `${name}: nothing stored`);
}

test('individual enrollments: each invalid field is refused with a message that names it', async () => {
  const {devicePem} = await testCertificates();
  const enrollment = (id: string, extra: Record<string, unknown> = {}) =>
    individualEnrollment(id, devicePem, extra);
  const cases: Case[] = [
    {name: 'not an object', path: '/enrollments/a', body: ['a'], message: /must be a JSON object/},
    {
      name: 'no id',
      path: '/enrollments/a',
      body: {attestation: {}},
      message: /'registrationId' is required/,
    },
    {
      name: 'id mismatch',
      path: '/enrollments/a',
      body: enrollment('b'),
      message: /registration ID in the body \('b'\) does not match the one in the path \('a'\)/,
    },
    {
      name: 'bad character',
      path: '/enrollments/dev%20one',
      body: enrollment('dev one'),
      message: /registration ID 'dev one' contains ' ', which is not allowed/,
    },
    {
      name: 'bad start',
      path: '/enrollments/-dev',
      body: enrollment('-dev'),
      message: /must start with a letter or digit/,
    },
    {
      name: 'bad end',
      path: '/enrollments/dev.',
      body: enrollment('dev.'),
      message: /must end with a letter, digit or '-'/,
    },
    {
      name: 'too long',
      path: `/enrollments/${'a'.repeat(129)}`,
      body: {registrationId: 'a'.repeat(129), attestation: {type: 'symmetricKey'}},
      message: /is 129 characters long/,
    },
    {
      name: 'X.509 id over 64',
      path: `/enrollments/${'a'.repeat(65)}`,
      body: enrollment('a'.repeat(65)),
      message:
        /an X\.509 registration ID must equal the device certificate's subject CN, which is at most 64/,
    },
    {
      name: 'no attestation',
      path: '/enrollments/a',
      body: {registrationId: 'a'},
      message: /has no attestation mechanism/,
    },
    {
      name: 'unknown attestation type',
      path: '/enrollments/a',
      body: {registrationId: 'a', attestation: {type: 'password'}},
      message: /'attestation.type' 'password' is not supported/,
    },
    {
      name: 'x509 without x509',
      path: '/enrollments/a',
      body: {registrationId: 'a', attestation: {type: 'x509'}},
      message: /'attestation.x509' is required/,
    },
    {
      name: 'individual with caReferences',
      path: '/enrollments/a',
      body: {
        registrationId: 'a',
        attestation: {type: 'x509', x509: {caReferences: {primary: 'root'}}},
      },
      message: /'signingCertificates' and 'caReferences' are for enrollment groups/,
    },
    {
      name: 'individual without certificate',
      path: '/enrollments/a',
      body: {registrationId: 'a', attestation: {type: 'x509', x509: {clientCertificates: {}}}},
      message: /needs the device certificate in 'attestation.x509.clientCertificates.primary'/,
    },
    {
      name: 'entry without certificate',
      path: '/enrollments/a',
      body: {
        registrationId: 'a',
        attestation: {type: 'x509', x509: {clientCertificates: {primary: {}}}},
      },
      message: /'attestation.x509.clientCertificates.primary' has no 'certificate'/,
    },
    {
      name: 'device id character',
      path: '/enrollments/a',
      body: enrollment('a', {deviceId: 'dev#1'}),
      message: /device ID 'dev#1' contains '#'/,
    },
    {
      name: 'device id length',
      path: '/enrollments/a',
      body: enrollment('a', {deviceId: 'd'.repeat(129)}),
      message: /device ID is 129 characters long/,
    },
    {
      name: 'tags too big',
      path: '/enrollments/a',
      body: enrollment('a', {initialTwin: {tags: {blob: 'x'.repeat(8 * 1024)}}}),
      message:
        /Invalid 'initialTwin': the tags are \d+ bytes as JSON; IoT Hub allows at most 8 KB \(8192 bytes\)/,
    },
    {
      name: 'desired too big',
      path: '/enrollments/a',
      body: enrollment('a', {initialTwin: {properties: {desired: {blob: 'x'.repeat(32 * 1024)}}}}),
      message:
        /the desired properties are \d+ bytes as JSON; IoT Hub allows at most 32 KB \(32768 bytes\)/,
    },
    {
      name: 'twin key with a dot',
      path: '/enrollments/a',
      body: enrollment('a', {initialTwin: {tags: {site: {'room.1': 'lab'}}}}),
      message:
        /the key 'room.1' in the tags under 'site' contains '.', which is not allowed in twin keys/,
    },
    {
      name: 'twin key with a dollar first',
      path: '/enrollments/a',
      body: enrollment('a', {initialTwin: {properties: {desired: {$version: 2}}}}),
      message: /the key '\$version' in the desired properties starts with '\$'/,
    },
    {
      name: 'twin nested too deep',
      path: '/enrollments/a',
      body: enrollment('a', {
        initialTwin: {tags: JSON.parse(`${'{"a":'.repeat(12)}1${'}'.repeat(12)}`) as object},
      }),
      message: /the tags nest objects more than 10 levels deep/,
    },
    {
      name: 'twin string too long',
      path: '/enrollments/a',
      body: enrollment('a', {initialTwin: {properties: {desired: {note: 'x'.repeat(4097)}}}}),
      message:
        /the value of 'note' in the desired properties is 4097 bytes long; twin strings can be at most 4 KB/,
    },
    {
      name: 'twin integer out of range',
      path: '/enrollments/a',
      body: enrollment('a', {initialTwin: {tags: {serial: 2 ** 53}}}),
      message: /the value of 'serial' in the tags is outside the integers IoT Hub accepts/,
    },
    {
      name: 'tags not an object',
      path: '/enrollments/a',
      body: enrollment('a', {initialTwin: {tags: 'env=test'}}),
      message: /'initialTwin.tags' must be a JSON object/,
    },
    {
      name: 'unlinked hub',
      path: '/enrollments/a',
      body: enrollment('a', {
        iotHubs: ['hub-west.azure-devices.net', 'elsewhere.azure-devices.net'],
      }),
      message:
        /'iotHubs\[1\]' names the IoT hub 'elsewhere.azure-devices.net', which is not linked to this DPS\. Linked hubs: hub-west/,
    },
    {
      name: 'unlinked legacy hub',
      path: '/enrollments/a',
      body: enrollment('a', {iotHubHostName: 'elsewhere.azure-devices.net'}),
      message: /'iotHubHostName' names the IoT hub 'elsewhere/,
    },
    {
      name: 'static with two hubs',
      path: '/enrollments/a',
      body: enrollment('a', {
        allocationPolicy: 'static',
        iotHubs: ['hub-west.azure-devices.net', 'hub-east.azure-devices.net'],
      }),
      message: /'static' allocation policy needs exactly one IoT hub in 'iotHubs'; 2 given/,
    },
    {
      name: 'static with no hub',
      path: '/enrollments/a',
      body: enrollment('a', {allocationPolicy: 'static'}),
      message: /exactly one IoT hub in 'iotHubs'; 0 given/,
    },
    {
      name: 'custom without definition',
      path: '/enrollments/a',
      body: enrollment('a', {allocationPolicy: 'custom'}),
      message:
        /'custom' allocation policy needs 'customAllocationDefinition' with 'webhookUrl' and 'apiVersion'/,
    },
    {
      name: 'custom without api version',
      path: '/enrollments/a',
      body: enrollment('a', {
        allocationPolicy: 'custom',
        customAllocationDefinition: {webhookUrl: 'https://example.com/allocate'},
      }),
      message: /needs 'customAllocationDefinition.apiVersion'/,
    },
    {
      name: 'custom with http webhook',
      path: '/enrollments/a',
      body: enrollment('a', {
        allocationPolicy: 'custom',
        customAllocationDefinition: {
          webhookUrl: 'http://example.com/allocate',
          apiVersion: '2021-10-01',
        },
      }),
      message: /must be an https URL/,
    },
    {
      name: 'custom with old api version',
      path: '/enrollments/a',
      body: enrollment('a', {
        allocationPolicy: 'custom',
        customAllocationDefinition: {webhookUrl: 'https://example.com/a', apiVersion: '2017-11-15'},
      }),
      message: /'customAllocationDefinition.apiVersion' '2017-11-15' is not valid/,
    },
    {
      name: 'unknown allocation policy',
      path: '/enrollments/a',
      body: enrollment('a', {allocationPolicy: 'roundRobin'}),
      message:
        /'allocationPolicy' "roundRobin" is not valid: use one of hashed, geoLatency, static, custom/,
    },
    {
      name: 'bad provisioning status',
      path: '/enrollments/a',
      body: enrollment('a', {provisioningStatus: 'paused'}),
      message: /'provisioningStatus' "paused" is not valid/,
    },
    {
      name: 'iotEdge not boolean',
      path: '/enrollments/a',
      body: enrollment('a', {capabilities: {iotEdge: 'yes'}}),
      message: /'capabilities.iotEdge' must be true or false/,
    },
    {
      name: 'reprovision flag not boolean',
      path: '/enrollments/a',
      body: enrollment('a', {reprovisionPolicy: {migrateDeviceData: 'no'}}),
      message: /'reprovisionPolicy.migrateDeviceData' must be true or false/,
    },
  ];
  for (const item of cases) await expectBadRequest(item);
});

test('enrollment groups: attestation slots, id rules and hub checks', async () => {
  const {devicePem, caPem} = await testCertificates();
  const cases: Case[] = [
    {
      name: 'group with clientCertificates',
      path: '/enrollmentGroups/g',
      body: {
        enrollmentGroupId: 'g',
        attestation: {
          type: 'x509',
          x509: {clientCertificates: {primary: {certificate: devicePem}}},
        },
      },
      message: /'clientCertificates' is for individual enrollments/,
    },
    {
      name: 'group with both',
      path: '/enrollmentGroups/g',
      body: {
        enrollmentGroupId: 'g',
        attestation: {
          type: 'x509',
          x509: {
            signingCertificates: {primary: {certificate: caPem}},
            caReferences: {primary: 'root'},
          },
        },
      },
      message: /either 'signingCertificates' .* or 'caReferences' .*, not both/,
    },
    {
      name: 'group with neither',
      path: '/enrollmentGroups/g',
      body: {
        enrollmentGroupId: 'g',
        attestation: {type: 'x509', x509: {caReferences: {primary: null}}},
      },
      message:
        /needs 'attestation.x509.signingCertificates.primary' .* or 'attestation.x509.caReferences.primary'/,
    },
    {
      name: 'caReference not a string',
      path: '/enrollmentGroups/g',
      body: {
        enrollmentGroupId: 'g',
        attestation: {type: 'x509', x509: {caReferences: {primary: 7}}},
      },
      message: /'attestation.x509.caReferences.primary' must be the name of a CA certificate/,
    },
    {
      name: 'group with TPM',
      path: '/enrollmentGroups/g',
      body: {enrollmentGroupId: 'g', attestation: {type: 'tpm', tpm: {endorsementKey: 'AAAA'}}},
      message: /TPM attestation is for individual enrollments only/,
    },
    {
      name: 'group id mismatch',
      path: '/enrollmentGroups/g',
      body: caReferenceGroup('h'),
      message: /enrollment group ID in the body \('h'\) does not match the one in the path \('g'\)/,
    },
    {
      name: 'group id character',
      path: '/enrollmentGroups/g%2F1',
      body: caReferenceGroup('g/1'),
      message: /enrollment group ID 'g\/1' contains '\/'/,
    },
    {
      name: 'group unlinked hub',
      path: '/enrollmentGroups/g',
      body: caReferenceGroup('g', {iotHubs: ['nope.azure-devices.net']}),
      message: /not linked to this DPS/,
    },
  ];
  for (const item of cases) await expectBadRequest(item);
});

test('valid edge cases are accepted and stored in canonical form', async () => {
  const {call} = serviceApi();
  const {devicePem} = await testCertificates();
  const id = 'a'.repeat(64);
  const response = await call('PUT', `/enrollments/${id}`, {
    body: individualEnrollment(id, devicePem, {
      deviceId: "edge(1):=@$'!*?,%_.-",
      allocationPolicy: 'GEOLATENCY',
      iotHubs: ['HUB-WEST.azure-devices.net'],
      provisioningStatus: 'Disabled',
      initialTwin: {tags: {environment: 'test'}, properties: {desired: {interval: 30}}},
      reprovisionPolicy: {updateHubAssignment: false},
    }),
  });
  assert.equal(response.status, 200, JSON.stringify(response.body));
  const record = bodyOf(response);
  assert.equal(record.allocationPolicy, 'geoLatency');
  assert.deepEqual(record.iotHubs, ['hub-west.azure-devices.net']);
  assert.equal(record.provisioningStatus, 'disabled');
  assert.deepEqual(record.initialTwin, {
    tags: {environment: 'test'},
    properties: {desired: {interval: 30}},
  });
  assert.deepEqual(record.reprovisionPolicy, {updateHubAssignment: false, migrateDeviceData: true});

  const staticOne = await call('PUT', '/enrollments/dev-static', {
    body: individualEnrollment('dev-static', devicePem, {
      allocationPolicy: 'static',
      iotHubs: ['hub-east.azure-devices.net'],
    }),
  });
  assert.equal(staticOne.status, 200);

  const custom = await call('PUT', '/enrollmentGroups/g-custom', {
    body: caReferenceGroup('g-custom', {
      allocationPolicy: 'custom',
      customAllocationDefinition: {
        webhookUrl: 'https://example.com/allocate',
        apiVersion: '2021-10-01',
      },
    }),
  });
  assert.equal(custom.status, 200);
  assert.deepEqual(bodyOf(custom).customAllocationDefinition, {
    webhookUrl: 'https://example.com/allocate',
    apiVersion: '2021-10-01',
  });

  const symmetric = await call('PUT', '/enrollments/sym-1', {
    body: {registrationId: 'sym-1', attestation: {type: 'symmetrickey'}},
  });
  assert.equal(symmetric.status, 200);
  const keys = (
    bodyOf(symmetric).attestation as {symmetricKey: {primaryKey: string; secondaryKey: string}}
  ).symmetricKey;
  assert.equal(Buffer.from(keys.primaryKey, 'base64').length, 64);
  assert.notEqual(keys.primaryKey, keys.secondaryKey);
});
