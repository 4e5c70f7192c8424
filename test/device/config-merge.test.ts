import {describe, test} from 'node:test';
import assert from 'node:assert/strict';
import {mergeProvisioning} from '../../source/device/config-merge.js';

const section = [
  '[provisioning]',
  'source = "dps"',
  'global_endpoint = "https://global.azure-devices-provisioning.net"',
  'id_scope = "0ne00ABCDEF"',
  '',
  '[provisioning.attestation]',
  'method = "x509"',
  'registration_id = "edge-01"',
  'identity_cert = "file:///var/aziot/certs/edge-01-full-chain.cert.pem"',
  'identity_pk = "file:///var/aziot/secrets/edge-01.key.pem"',
  '',
].join('\n');

// Shaped like an IoT Edge config.toml set up for a manual connection string first.
const existing = [
  'hostname = "gateway-7"',
  '',
  '# Manual provisioning with a connection string',
  '[provisioning]',
  'source = "manual"',
  'connection_string = "HostName=hub.azure-devices.net;DeviceId=gw;SharedAccessKey=abc="',
  '',
  '# Agent settings',
  '[agent]',
  'name = "edgeAgent"',
  'type = "docker"',
  '',
  '[agent.config]',
  'image = "mcr.microsoft.com/azureiotedge-agent:1.5"',
  '',
].join('\n');

describe('mergeProvisioning', () => {
  test('no existing file: the section alone', () => {
    assert.deepEqual(mergeProvisioning(undefined, section), {
      text: section,
      replacedTables: [],
      conflicts: [],
    });
  });

  test('replaces the [provisioning] table in place and keeps the rest, comments included', () => {
    const merged = mergeProvisioning(existing, section);
    assert.deepEqual(merged.replacedTables, ['[provisioning]']);
    assert.equal(
      merged.text,
      [
        'hostname = "gateway-7"',
        '',
        section.trimEnd(),
        '',
        '# Agent settings',
        '[agent]',
        'name = "edgeAgent"',
        'type = "docker"',
        '',
        '[agent.config]',
        'image = "mcr.microsoft.com/azureiotedge-agent:1.5"',
        '',
      ].join('\n'),
    );
    assert.ok(!merged.text.includes('connection_string'));
    assert.ok(!merged.text.includes('Manual provisioning'));
  });

  test('every [provisioning.*] table goes, wherever it is', () => {
    const text = [
      '[provisioning]',
      'source = "dps"',
      '[agent]',
      'name = "edgeAgent"',
      '[provisioning.attestation]',
      'method = "symmetric_key"',
      'symmetric_key = { value = "c2VjcmV0" }',
      '[ "provisioning" . "dynamic_reprovisioning" ]',
      'x = 1',
      '[connect]',
      'workload_uri = "unix:///var/run/iotedge/workload.sock"',
    ].join('\n');
    const merged = mergeProvisioning(text, section);
    assert.equal(merged.replacedTables.length, 3);
    assert.equal(merged.text.match(/^\[provisioning\]$/gm)?.length, 1);
    assert.equal(merged.text.match(/^\[provisioning\.attestation\]$/gm)?.length, 1);
    assert.ok(!merged.text.includes('symmetric_key'));
    assert.ok(merged.text.includes('[agent]\nname = "edgeAgent"'));
    assert.ok(
      merged.text.endsWith('[connect]\nworkload_uri = "unix:///var/run/iotedge/workload.sock"\n'),
    );
    assert.ok(merged.text.indexOf('[provisioning]') < merged.text.indexOf('[agent]'));
  });

  test('no [provisioning] yet: appended after the rest', () => {
    const text = 'hostname = "gateway-7"\n\n[agent]\nname = "edgeAgent"\n\n\n';
    const merged = mergeProvisioning(text, section);
    assert.equal(
      merged.text,
      `hostname = "gateway-7"\n\n[agent]\nname = "edgeAgent"\n\n${section}`,
    );
  });

  test('a header inside a multi-line string is text, not a table', () => {
    const text = [
      '[agent]',
      'notes = """',
      '[provisioning]',
      'not a table',
      '"""',
      'name = "edgeAgent"',
    ].join('\n');
    const merged = mergeProvisioning(text, section);
    assert.deepEqual(merged.replacedTables, []);
    assert.ok(merged.text.startsWith(`${text}\n\n[provisioning]`));
  });

  test('commented-out [provisioning] templates are left alone', () => {
    const text = '# [provisioning]\n# source = "dps"\nhostname = "x"\n';
    const merged = mergeProvisioning(text, section);
    assert.ok(
      merged.text.startsWith(
        '# [provisioning]\n# source = "dps"\nhostname = "x"\n\n[provisioning]',
      ),
    );
  });

  test('top-level dotted provisioning keys are reported as conflicts', () => {
    const merged = mergeProvisioning('provisioning.source = "manual"\n', section);
    assert.deepEqual(merged.conflicts, ['provisioning.source = "manual"']);
  });

  test('CRLF files stay CRLF', () => {
    const merged = mergeProvisioning(
      'hostname = "x"\r\n[provisioning]\r\nsource = "manual"\r\n',
      section,
    );
    assert.ok(!/[^\r]\n/.test(merged.text), JSON.stringify(merged.text));
    assert.ok(merged.text.includes('[provisioning]\r\nsource = "dps"\r\n'));
  });
});
