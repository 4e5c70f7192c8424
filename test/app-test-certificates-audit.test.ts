import {describe, test} from 'node:test';
import assert from 'node:assert/strict';
import {reducer} from '../source/app/reducer.js';
import type {WizardState} from '../source/app/state.js';
import {writtenFilesText} from '../source/app/test-certificates-flow.js';
import type {WrittenFile} from '../source/certs/test-chain.js';
import {connected, cwd, down, enter, press, task, text} from './helpers/app-state.js';

/** Generated in ./chain for `devices` (EC), as the generate task reports it. */
function generated(devices: string[]): WizardState {
  const generating = press(
    connected(),
    down,
    down,
    down,
    enter,
    text('chain'),
    enter,
    text(devices.join(' ')),
    enter,
    down,
    enter,
    enter,
    enter,
  );
  const outDir = `${cwd}/chain`;
  const file = (path: string, kind: WrittenFile['kind'] = 'certificate'): WrittenFile => ({
    path: `${outDir}/${path}`,
    kind,
  });
  const files: WrittenFile[] = [
    file('certs/azure-iot-test-only.root.ca.cert.pem'),
    file('private/azure-iot-test-only.root.ca.key.pem', 'private-key'),
    ...devices.flatMap((name) => [
      file(`certs/iot-edge-device-identity-${name}.cert.pem`),
      file(`private/iot-edge-device-identity-${name}.key.pem`, 'private-key'),
    ]),
  ];
  return reducer(generating, {
    type: 'test-certificates',
    taskId: task(generating, 'generate-test-chain').id,
    result: {kind: 'written', outDir, files},
  });
}

describe('the files written', () => {
  test('under a long device name line up with the others (the name has a line of its own)', () => {
    const done = generated(['edge-1', 'edge-gateway-building-7']);
    const lines = writtenFilesText(done.testCertificates).split('\n');
    assert.ok(lines.includes('Device edge-gateway-building-7'), lines.join('\n'));
    const fileLines = lines.filter((line) => line.includes('.pem'));
    assert.equal(fileLines.length, 6);
    for (const line of fileLines) {
      assert.equal(line.search(/(certs|private)\//), 16, `aligned at column 16: '${line}'`);
    }
    assert.ok(lines.includes('Device edge-1   certs/iot-edge-device-identity-edge-1.cert.pem'));
  });
});
