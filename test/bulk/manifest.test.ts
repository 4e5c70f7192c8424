import {test} from 'node:test';
import assert from 'node:assert/strict';
import {parseManifest} from '../../source/bulk/manifest.js';

test('a CSV manifest gives one row per line, with optional columns and quoted values', () => {
  const manifest = parseManifest(
    [
      'registrationId,certificatePath,deviceId,secondaryCertificatePath',
      'edge-01,certs/edge-01.cert.pem,,',
      '',
      '"edge-02","certs/with, comma.pem",device-2,certs/edge-02-next.cert.pem',
      'edge-03,"certs/say ""hi"".pem"',
    ].join('\r\n'),
  );
  assert.deepEqual(manifest.problems, []);
  assert.deepEqual(manifest.rows, [
    {where: 'line 2', registrationId: 'edge-01', certificatePath: 'certs/edge-01.cert.pem'},
    {
      where: 'line 4',
      registrationId: 'edge-02',
      certificatePath: 'certs/with, comma.pem',
      deviceId: 'device-2',
      secondaryCertificatePath: 'certs/edge-02-next.cert.pem',
    },
    {where: 'line 5', registrationId: 'edge-03', certificatePath: 'certs/say "hi".pem'},
  ]);
});

test('CSV problems name their line', () => {
  assert.deepEqual(parseManifest('registrationId,certificate\nedge-01,a.pem\n').problems, [
    {
      where: 'line 1',
      message:
        'has an unknown field "certificate": the fields are registrationId, certificatePath, deviceId, secondaryCertificatePath',
    },
    {
      where: 'line 1',
      message:
        'the header has no certificatePath column: start the file with registrationId,certificatePath',
    },
  ]);
  const rows = parseManifest(
    'registrationId,certificatePath\nedge-01,a.pem\nedge-02,\nedge-03,"b.pem\n',
  );
  assert.deepEqual(rows.problems, [
    {where: 'line 3', message: 'has no certificatePath: give the device certificate file'},
    {where: 'line 4', message: 'has a quote (") that is never closed'},
  ]);
  assert.equal(parseManifest('\n\n').problems[0]?.where, 'the file');
});

test('a JSON manifest is an array of objects with the same fields', () => {
  const manifest = parseManifest(
    JSON.stringify([
      {registrationId: 'edge-01', certificatePath: 'a.pem'},
      {certificatePath: 'b.pem', deviceId: 'device-b'},
    ]),
  );
  assert.deepEqual(manifest.problems, []);
  assert.deepEqual(manifest.rows, [
    {where: 'item 1', registrationId: 'edge-01', certificatePath: 'a.pem'},
    {where: 'item 2', registrationId: '', certificatePath: 'b.pem', deviceId: 'device-b'},
  ]);
  assert.deepEqual(
    parseManifest('[{"certificatePath": 3}, "x", {"certificatePath": "a", "hub": "h"}]').problems,
    [
      {where: 'item 1', message: '"certificatePath" must be a string'},
      {where: 'item 2', message: 'is not an object with registrationId and certificatePath'},
      {
        where: 'item 3',
        message:
          'has an unknown field "hub": the fields are registrationId, certificatePath, deviceId, secondaryCertificatePath',
      },
    ],
  );
  assert.match(parseManifest('[{"certificatePath": }]').problems[0]!.message, /is not valid JSON/);
});
