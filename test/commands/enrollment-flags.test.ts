import {test} from 'node:test';
import assert from 'node:assert/strict';
import {UsageError} from '../../source/commands/args.js';
import {readAll} from '../../source/commands/dps-calls.js';
import {table} from '../../source/commands/dps-output.js';
import {mergeEnrollment} from '../../source/commands/enrollment-command.js';
import {applySettingChanges, readSettingFlags} from '../../source/commands/enrollment-flags.js';
import {mergeGroup} from '../../source/commands/group-command.js';
import type {EnrollmentGroup, IndividualEnrollment} from '../../source/dps/types.js';

const info = (subject: string) => ({
  subjectName: subject,
  sha1Thumbprint: 'A'.repeat(40),
  sha256Thumbprint: 'B'.repeat(64),
  issuerName: 'CN=root',
  notBeforeUtc: '2026-01-01T00:00:00Z',
  notAfterUtc: '2027-01-01T00:00:00Z',
  serialNumber: '01',
  version: 3,
});

const stored: IndividualEnrollment = {
  registrationId: 'edge-01',
  deviceId: 'edge-01',
  attestation: {
    type: 'x509',
    clientCertificates: {primary: {info: info('CN=edge-01')}, secondary: {info: info('CN=old')}},
  },
  capabilities: {iotEdge: true},
  provisioningStatus: 'enabled',
  iotHubs: ['hub-1.azure-devices.net'],
  initialTwin: {tags: {environment: 'test'}, properties: {desired: {interval: 10}}},
  etag: 'e1',
};

test('readSettingFlags reads az spellings, case-insensitively, and leaves out flags not given', () => {
  assert.deepEqual(
    readSettingFlags({
      'edge-enabled': 'False',
      'provisioning-status': 'disabled',
      'reprovision-policy': 'reprovisionandresetdata',
      'allocation-policy': 'GeoLatency',
      'iot-hubs': ['hub-1.azure-devices.net hub-2.azure-devices.net', 'hub-3.azure-devices.net,'],
      'initial-twin-tags': '{"environment": "test"}',
    }),
    {
      iotEdge: false,
      provisioningStatus: 'disabled',
      reprovisionPolicy: {updateHubAssignment: true, migrateDeviceData: false},
      allocationPolicy: 'geoLatency',
      iotHubs: ['hub-1.azure-devices.net', 'hub-2.azure-devices.net', 'hub-3.azure-devices.net'],
      tags: {environment: 'test'},
    },
  );
  assert.deepEqual(readSettingFlags({}), {});
  assert.deepEqual(
    readSettingFlags({
      'allocation-policy': 'custom',
      'webhook-url': 'https://fn.example.net/api/allocate',
      'api-version': '2021-10-01',
    }).customAllocationDefinition,
    {webhookUrl: 'https://fn.example.net/api/allocate', apiVersion: '2021-10-01'},
  );
});

test('readSettingFlags names the flag of a value DPS would refuse', () => {
  const cases: Array<[Parameters<typeof readSettingFlags>[0], RegExp]> = [
    [{'edge-enabled': 'yes'}, /--edge-enabled must be one of true, false, got "yes"/],
    [{'initial-twin-tags': '{"a": '}, /--initial-twin-tags must be a JSON object/],
    [{'initial-twin-properties': '"text"'}, /--initial-twin-properties must be a JSON object/],
    [{'initial-twin-tags': '{"a.b": 1}'}, /the initial twin: /],
    [
      {'webhook-url': 'https://x'},
      /--webhook-url and --api-version go with --allocation-policy custom/,
    ],
  ];
  for (const [values, message] of cases) {
    assert.throws(
      () => readSettingFlags(values),
      (error: unknown) => {
        assert.ok(error instanceof UsageError);
        assert.match(error.message, message);
        return true;
      },
    );
  }
});

test('applySettingChanges replaces what the flags name and keeps the other twin section', () => {
  const next = applySettingChanges(stored, {tags: {site: 'plant-1'}, iotEdge: false});
  assert.deepEqual(next.initialTwin, {
    tags: {site: 'plant-1'},
    properties: {desired: {interval: 10}},
  });
  assert.deepEqual(next.capabilities, {iotEdge: false});
  assert.deepEqual(next.iotHubs, stored.iotHubs);
  assert.deepEqual(stored.initialTwin?.tags, {environment: 'test'}, 'the input is not changed');
  const noLongerCustom = applySettingChanges(
    {
      ...stored,
      allocationPolicy: 'custom',
      customAllocationDefinition: {webhookUrl: 'u', apiVersion: 'v'},
    },
    {allocationPolicy: 'hashed'},
  );
  assert.equal(noLongerCustom.customAllocationDefinition, undefined);
});

test('mergeEnrollment keeps untouched certificates, replaces or removes the named ones, sets the etag', () => {
  const kept = mergeEnrollment(stored, {}, {}, {removeSecondary: false, etag: 'e1'});
  assert.deepEqual(kept.attestation, stored.attestation);
  assert.equal(kept.etag, 'e1');
  const replaced = mergeEnrollment(
    stored,
    {},
    {primary: {certificate: 'PEM'}},
    {removeSecondary: true, deviceId: 'edge-01b', etag: 'given'},
  );
  assert.deepEqual(replaced.attestation, {
    type: 'x509',
    clientCertificates: {primary: {certificate: 'PEM'}, secondary: null},
  });
  assert.equal(replaced.deviceId, 'edge-01b');
  assert.equal(replaced.etag, 'given');
  assert.throws(
    () =>
      mergeEnrollment(
        {...stored, attestation: {type: 'symmetricKey'}},
        {},
        {primary: {certificate: 'PEM'}},
        {removeSecondary: false},
      ),
    /uses symmetricKey attestation/,
  );
});

test('mergeGroup switches the kind of attestation and keeps a secondary of the same kind', () => {
  const group: EnrollmentGroup = {
    enrollmentGroupId: 'line-3',
    attestation: {type: 'x509', caReferences: {primary: 'root-a', secondary: 'root-b'}},
    etag: 'g1',
  };
  assert.deepEqual(
    mergeGroup(group, {}, {type: 'x509', caReferences: {primary: 'root-c'}}, 'g1').attestation,
    {type: 'x509', caReferences: {primary: 'root-c', secondary: 'root-b'}},
  );
  assert.deepEqual(
    mergeGroup(
      group,
      {},
      {type: 'x509', signingCertificates: {primary: {certificate: 'PEM'}}},
      undefined,
    ).attestation,
    {type: 'x509', signingCertificates: {primary: {certificate: 'PEM'}}},
  );
  assert.deepEqual(mergeGroup(group, {}, undefined, undefined).attestation, group.attestation);
});

test('table pads every column but the last to its widest cell', () => {
  assert.equal(
    table(
      ['ID', 'STATUS', 'HUB'],
      [
        ['edge-01', 'enabled', 'hub-1'],
        ['e2', 'disabled', ''],
      ],
    ),
    'ID       STATUS    HUB\nedge-01  enabled   hub-1\ne2       disabled\n',
  );
});

test('readAll follows continuation tokens and stops at top', async () => {
  const pages = new Map<string | undefined, {items: number[]; continuationToken?: string}>([
    [undefined, {items: [1, 2], continuationToken: 'b'}],
    ['b', {items: [3, 4], continuationToken: 'c'}],
    ['c', {items: [5]}],
  ]);
  const asked: Array<[number | undefined, string | undefined]> = [];
  const fetchPage = async (page: {pageSize?: number; continuationToken?: string}) => {
    asked.push([page.pageSize, page.continuationToken]);
    return pages.get(page.continuationToken)!;
  };
  assert.deepEqual(await readAll(fetchPage), [1, 2, 3, 4, 5]);
  asked.length = 0;
  assert.deepEqual(await readAll(fetchPage, 3), [1, 2, 3]);
  assert.deepEqual(asked, [
    [3, undefined],
    [1, 'b'],
  ]);
});
