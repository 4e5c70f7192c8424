import {before, describe, test} from 'node:test';
import assert from 'node:assert/strict';
import {diffText, enrollmentDiff} from '../../source/outputs/enrollment-diff.js';
import type {EnrollmentGroup, IndividualEnrollment} from '../../source/dps/types.js';
import {expectedInfo, testCertificates} from '../helpers/test-certificates.js';

let devicePem: string;
let otherDevicePem: string;
before(async () => {
  ({devicePem, otherDevicePem} = await testCertificates());
});

/** An enrollment as DPS returns it: the certificate as its info block only. */
function stored(overrides: Partial<IndividualEnrollment> = {}): IndividualEnrollment {
  return {
    registrationId: 'edge-device-01',
    deviceId: 'edge-device-01',
    attestation: {
      type: 'x509',
      clientCertificates: {primary: {info: expectedInfo(devicePem)}},
    },
    capabilities: {iotEdge: true},
    provisioningStatus: 'enabled',
    allocationPolicy: 'hashed',
    iotHubs: ['hub-a.azure-devices.net'],
    initialTwin: {tags: {environment: 'test'}, properties: {desired: {interval: 30}}},
    reprovisionPolicy: {updateHubAssignment: true, migrateDeviceData: true},
    etag: 'AAAAAAAAAAE=',
    ...overrides,
  };
}

/** The same enrollment as the wizard sends it: the certificate as PEM. */
function sent(overrides: Partial<IndividualEnrollment> = {}): IndividualEnrollment {
  const {etag: _etag, ...rest} = stored();
  return {
    ...rest,
    attestation: {type: 'x509', clientCertificates: {primary: {certificate: devicePem}}},
    ...overrides,
  };
}

describe('enrollmentDiff', () => {
  test('the same values, one side as PEM and the other as info: nothing differs', () => {
    const diff = enrollmentDiff(stored(), sent());
    assert.deepEqual(diff, {entries: [], twinDropped: false});
    assert.match(diffText(diff), /Nothing differs/);
  });

  test('a re-save with no twin: every tag and desired property is dropped, and the whole twin', () => {
    const {initialTwin: _twin, ...noTwin} = sent();
    const diff = enrollmentDiff(stored(), noTwin);
    assert.equal(diff.twinDropped, true);
    assert.deepEqual(diff.entries, [
      {field: 'Twin tag environment', change: 'removed', before: '"test"'},
      {field: 'Twin desired interval', change: 'removed', before: '30'},
    ]);
    const text = diffText(diff);
    assert.match(text, /whole initial twin would be dropped/);
    assert.match(text, /- Twin tag environment\s+"test" \(dropped\)/);
  });

  test('twin keys added, removed and changed, per key', () => {
    const diff = enrollmentDiff(
      stored(),
      sent({initialTwin: {tags: {environment: 'prod', site: 'north'}, properties: {desired: {}}}}),
    );
    assert.equal(diff.twinDropped, false);
    assert.deepEqual(diff.entries, [
      {field: 'Twin tag environment', change: 'changed', before: '"test"', after: '"prod"'},
      {field: 'Twin tag site', change: 'added', after: '"north"'},
      {field: 'Twin desired interval', change: 'removed', before: '30'},
    ]);
  });

  test('another certificate: subject and thumbprint of both', () => {
    const diff = enrollmentDiff(
      stored(),
      sent({
        attestation: {type: 'x509', clientCertificates: {primary: {certificate: otherDevicePem}}},
      }),
    );
    const old = expectedInfo(devicePem);
    const next = expectedInfo(otherDevicePem);
    assert.deepEqual(diff.entries, [
      {
        field: 'Primary certificate',
        change: 'changed',
        before: `${old.subjectName}, SHA-1 ${old.sha1Thumbprint}`,
        after: `${next.subjectName}, SHA-1 ${next.sha1Thumbprint}`,
      },
    ]);
  });

  test('a certificate sent back as its info keeps the stored one: no difference', () => {
    const diff = enrollmentDiff(stored(), stored({etag: undefined}));
    assert.deepEqual(diff.entries, []);
  });

  test('device ID, hubs, allocation with its webhook (key hidden), IoT Edge, status and reprovision', () => {
    const diff = enrollmentDiff(
      stored(),
      sent({
        deviceId: 'renamed',
        iotHubs: ['hub-b.azure-devices.net', 'hub-a.azure-devices.net'],
        allocationPolicy: 'custom',
        customAllocationDefinition: {
          webhookUrl: 'https://f.azurewebsites.net/api/allocate?code=SECRETKEY',
          apiVersion: '2021-10-01',
        },
        capabilities: {iotEdge: false},
        provisioningStatus: 'disabled',
        reprovisionPolicy: {updateHubAssignment: false, migrateDeviceData: false},
      }),
    );
    assert.deepEqual(
      diff.entries.map((entry) => [entry.field, entry.change, entry.before, entry.after]),
      [
        ['Device ID', 'changed', 'edge-device-01', 'renamed'],
        [
          'IoT hubs',
          'changed',
          'hub-a.azure-devices.net',
          'hub-a.azure-devices.net, hub-b.azure-devices.net',
        ],
        ['Allocation policy', 'changed', 'hashed', 'custom'],
        [
          'Custom allocation webhook',
          'added',
          undefined,
          'https://f.azurewebsites.net/api/allocate?code=<function key>',
        ],
        ['Webhook API version', 'added', undefined, '2021-10-01'],
        ['IoT Edge', 'changed', 'yes', 'no'],
        ['Provisioning status', 'changed', 'enabled', 'disabled'],
        ['Reprovision policy', 'changed', 're-provision and migrate data', 'never re-provision'],
      ],
    );
    assert.doesNotMatch(diffText(diff), /SECRETKEY/);
  });

  test('groups: CA references by name, and switching to a certificate uploaded into the group', () => {
    const group: EnrollmentGroup = {
      enrollmentGroupId: 'line-1',
      attestation: {type: 'x509', caReferences: {primary: 'root-a', secondary: 'root-b'}},
    };
    const renamed = enrollmentDiff(group, {
      ...group,
      attestation: {type: 'x509', caReferences: {primary: 'root-c'}},
    });
    assert.deepEqual(renamed.entries, [
      {field: 'Primary CA reference', change: 'changed', before: 'root-a', after: 'root-c'},
      {field: 'Secondary CA reference', change: 'removed', before: 'root-b'},
    ]);
    const uploaded = enrollmentDiff(group, {
      ...group,
      attestation: {type: 'x509', signingCertificates: {primary: {certificate: devicePem}}},
    });
    assert.deepEqual(
      uploaded.entries.map((entry) => [entry.field, entry.change]),
      [
        ['Attestation', 'changed'],
        ['Primary signing certificate', 'added'],
        ['Primary CA reference', 'removed'],
        ['Secondary CA reference', 'removed'],
      ],
    );
  });
});

describe('diffText', () => {
  test('fits 80 columns: a long value is shortened on its line and given in full below', () => {
    const long = 'x'.repeat(150);
    const diff = enrollmentDiff(
      stored(),
      sent({
        initialTwin: {
          tags: {environment: 'test', note: long},
          properties: {desired: {interval: 30}},
        },
      }),
    );
    const lines = diffText(diff, 80).split('\n');
    const summary = lines.find((line) => line.startsWith('+ Twin tag note'));
    assert.ok(summary, lines.join('\n'));
    assert.ok([...summary].length <= 80, summary);
    assert.match(summary, /…/);
    const full = lines.indexOf('In full:');
    assert.ok(full > 0, lines.join('\n'));
    assert.ok(lines.slice(full).some((line) => line.includes(`"${long}"`)));
    for (const line of lines.slice(0, full)) assert.ok([...line].length <= 80, line);
  });
});
