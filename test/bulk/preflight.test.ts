import {after, test} from 'node:test';
import assert from 'node:assert/strict';
import {copyFile, mkdir, mkdtemp as makeTemp, rm, writeFile} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {differingFields, enrollmentRequest} from '../../source/bulk/enrollment.js';
import {preflight} from '../../source/bulk/preflight.js';
import {findCandidates} from '../../source/bulk/sources.js';
import type {IndividualEnrollment} from '../../source/dps/index.js';
import {issue, makeCa} from '../helpers/test-certificates.js';

const signal = new AbortController().signal;

const folders: string[] = [];
after(() => Promise.all(folders.map((folder) => rm(folder, {recursive: true, force: true}))));

async function mkdtemp(prefix: string) {
  const folder = await makeTemp(prefix);
  folders.push(folder);
  return folder;
}

async function checkFolder(folder: string) {
  const sources = await findCandidates({folder: '.'}, folder);
  assert.equal(sources.kind, 'folder');
  return preflight(sources.kind === 'folder' ? sources.candidates : [], true, signal);
}

test('a folder: device certificates planned; keys, CAs, other files and hidden files left out with a reason', async () => {
  const folder = await mkdtemp(join(tmpdir(), 'dps-preflight-'));
  const ca = await makeCa('preflight.root.ca');
  const device = await issue('edge-a', 'identity', ca);
  const other = await issue('edge-b', 'identity', ca);
  await mkdir(join(folder, 'nested', 'deeper'), {recursive: true});
  await mkdir(join(folder, '.git'));
  await writeFile(join(folder, 'ca.cert.pem'), ca.certificatePem);
  await writeFile(join(folder, 'edge-a.cert.pem'), device.certificatePem);
  // A full-chain file holds the same leaf: enrolled once.
  await writeFile(
    join(folder, 'edge-a-full-chain.cert.pem'),
    device.certificatePem + ca.certificatePem,
  );
  await writeFile(join(folder, 'nested', 'deeper', 'edge-b.der'), derOf(other.certificatePem));
  await writeFile(join(folder, 'nested', 'edge-b.key.pem'), other.privateKeyPem);
  await writeFile(join(folder, 'README.txt'), 'certificates of the line 3 gateways\n');
  await writeFile(join(folder, '.git', 'edge-c.cert.pem'), device.certificatePem);

  const result = await checkFolder(folder);
  assert.deepEqual(
    result.planned.map((planned) => [
      planned.registrationId,
      planned.deviceId,
      planned.primary.file,
    ]),
    [
      ['edge-a', 'edge-a', 'edge-a-full-chain.cert.pem'],
      ['edge-b', 'edge-b', 'nested/deeper/edge-b.der'],
    ],
  );
  assert.equal(result.filesRead, 6);
  const notes = result.notes.map((note) => [note.kind, note.file, note.message]);
  assert.deepEqual(notes.sort(), [
    [
      'skipped',
      'README.txt',
      'no certificate found: the file is text but has no PEM "-----BEGIN CERTIFICATE-----" block',
    ],
    [
      'skipped',
      'ca.cert.pem',
      'a CA certificate (CA:TRUE, "preflight.root.ca"), not a device certificate',
    ],
    [
      'skipped',
      'edge-a.cert.pem',
      'the same certificate as edge-a-full-chain.cert.pem, which enrolls it',
    ],
    [
      'skipped',
      'nested/edge-b.key.pem',
      'a private key, not a certificate (it stays on this machine)',
    ],
  ]);
});

test('two certificates with one CN, an expired one and a bad CN are errors; soon-expiring is a warning', async () => {
  const folder = await mkdtemp(join(tmpdir(), 'dps-preflight-'));
  const ca = await makeCa('preflight-errors.root.ca');
  const first = await issue('edge-twice', 'identity', ca);
  const second = await issue('edge-twice', 'identity', ca);
  const expired = await issue('edge-old', 'identity', ca, {
    notBefore: new Date(Date.now() - 10 * 86_400_000),
    validityDays: 5,
  });
  const soon = await issue('edge-soon', 'identity', ca, {validityDays: 10});
  const badName = await issue('edge one', 'identity', ca);
  await writeFile(join(folder, 'a.pem'), first.certificatePem);
  await writeFile(join(folder, 'b.pem'), second.certificatePem);
  await writeFile(join(folder, 'old.pem'), expired.certificatePem);
  await writeFile(join(folder, 'soon.pem'), soon.certificatePem);
  await writeFile(join(folder, 'space.pem'), badName.certificatePem);

  const {notes} = await checkFolder(folder);
  const byFile = (file: string) => notes.filter((note) => note.file === file);
  assert.deepEqual(
    byFile('b.pem').map((note) => [note.kind, note.message]),
    [['error', "the registration ID 'edge-twice' is also enrolled by a.pem"]],
  );
  assert.deepEqual(
    byFile('old.pem').map((note) => [note.kind, note.registrationId]),
    [['error', 'edge-old']],
  );
  assert.match(byFile('old.pem')[0]!.message, /expired on/);
  assert.deepEqual(
    byFile('soon.pem').map((note) => note.kind),
    ['warning'],
  );
  assert.equal(byFile('space.pem')[0]?.kind, 'error');
  assert.match(byFile('space.pem')[0]!.message, /contains/);
  assert.deepEqual(byFile('a.pem'), []);
});

test('a manifest: files are relative to it, and a missing or non-certificate file is an error', async () => {
  const folder = await mkdtemp(join(tmpdir(), 'dps-preflight-'));
  const ca = await makeCa('preflight-manifest.root.ca');
  const device = await issue('edge-m', 'identity', ca);
  const next = await issue('edge-m', 'identity', ca);
  await mkdir(join(folder, 'lists'));
  await writeFile(join(folder, 'edge-m.pem'), device.certificatePem);
  await writeFile(join(folder, 'edge-m-next.pem'), next.certificatePem);
  await copyFile(join(folder, 'edge-m.pem'), join(folder, 'copy.pem'));
  await writeFile(join(folder, 'key.pem'), device.privateKeyPem);
  await writeFile(
    join(folder, 'lists', 'devices.csv'),
    'registrationId,certificatePath,deviceId,secondaryCertificatePath\n' +
      'edge-m,../edge-m.pem,edge-m-device,../edge-m-next.pem\n' +
      ',../missing.pem\n' +
      ',../key.pem\n',
  );
  const sources = await findCandidates({manifest: 'lists/devices.csv'}, folder);
  assert.equal(sources.kind, 'manifest');
  const result = await preflight(
    sources.kind === 'manifest' ? sources.candidates : [],
    false,
    signal,
  );
  assert.equal(result.planned.length, 1);
  assert.equal(result.planned[0]!.deviceId, 'edge-m-device');
  assert.equal(result.planned[0]!.secondary?.file, 'edge-m-next.pem');
  assert.deepEqual(
    result.notes.map((note) => [note.kind, note.file, note.message.replace(folder, '<dir>')]),
    [
      ['error', 'missing.pem', 'lists/devices.csv line 3: <dir>/missing.pem does not exist'],
      [
        'error',
        'key.pem',
        'lists/devices.csv line 4: a private key, not a certificate (it stays on this machine)',
      ],
    ],
  );
  const unusable = await findCandidates({manifest: 'nope.csv'}, folder);
  assert.deepEqual(unusable, {
    kind: 'unusable',
    problems: [
      {
        where: 'nope.csv',
        message: 'does not exist: check the path (it is relative to the current folder)',
      },
    ],
  });
});

test('what differs is named by field; what DPS fills in when unset is no difference', async () => {
  const ca = await makeCa('compare.root.ca');
  const device = await issue('edge-cmp', 'identity', ca);
  const folder = await mkdtemp(join(tmpdir(), 'dps-compare-'));
  await writeFile(join(folder, 'edge.pem'), device.certificatePem);
  const [planned] = (await checkFolder(folder)).planned;
  assert.ok(planned);
  const settings = {iotEdge: true, iotHubs: ['hub-a.azure-devices.net', 'hub-b.azure-devices.net']};
  const request = enrollmentRequest(planned, settings);
  assert.equal(
    request.attestation.type === 'x509' &&
      request.attestation.clientCertificates?.primary?.certificate,
    planned.primary.pem,
  );
  const stored: IndividualEnrollment = {
    registrationId: 'edge-cmp',
    attestation: {
      type: 'x509',
      clientCertificates: {primary: {info: {sha256Thumbprint: planned.primary.sha256} as never}},
    },
    capabilities: {iotEdge: true},
    provisioningStatus: 'enabled',
    reprovisionPolicy: {updateHubAssignment: true, migrateDeviceData: true},
    iotHubs: ['HUB-B.azure-devices.net', 'hub-a.azure-devices.net'],
    initialTwin: {tags: {}, properties: {desired: {$version: 1} as never}},
    etag: '"1"',
  };
  assert.deepEqual(differingFields(planned, settings, stored), []);
  assert.deepEqual(
    differingFields(planned, settings, {
      ...stored,
      deviceId: 'other',
      attestation: {
        type: 'x509',
        clientCertificates: {
          primary: {info: {sha256Thumbprint: 'AB'} as never},
          secondary: {info: {sha256Thumbprint: 'CD'} as never},
        },
      },
      provisioningStatus: 'disabled',
      allocationPolicy: 'static',
      iotHubs: ['hub-a.azure-devices.net'],
      reprovisionPolicy: {updateHubAssignment: false, migrateDeviceData: false},
      initialTwin: {tags: {site: 'x'}, properties: {desired: {mode: 1}}},
    }),
    [
      'primary certificate',
      'secondary certificate',
      'deviceId',
      'provisioningStatus',
      'allocationPolicy',
      'iotHubs',
      'reprovisionPolicy',
      'initialTwin.tags',
      'initialTwin.properties.desired',
    ],
  );
  assert.deepEqual(
    differingFields(planned, settings, {...stored, attestation: {type: 'symmetricKey'}}),
    ['attestation (symmetricKey, not X.509)'],
  );
});

function derOf(pem: string): Buffer {
  return Buffer.from(pem.replace(/-----[A-Z ]+-----/g, '').replace(/\s+/g, ''), 'base64');
}
