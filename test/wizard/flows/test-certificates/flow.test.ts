import {describe, test} from 'node:test';
import assert from 'node:assert/strict';
import type {TestCertificatesOutcome} from '../../../../source/wizard/flows/test-certificates/state.js';
import type {TestChainProgress, WrittenFile} from '../../../../source/certs/test-chain.js';
import {
  backspace,
  connected,
  cwd,
  down,
  enter,
  escape,
  pageDown,
  pageUp,
  press,
  tab,
  task,
  text,
  up,
} from '../../../helpers/app-state.js';
import {keyHints, reducer, type Action} from '../../../../source/wizard/core/reducer.js';
import type {WizardState} from '../../../../source/wizard/core/state.js';
import {
  daysProblem,
  deviceNamesOf,
  deviceNamesProblem,
  doneLayout,
  writtenFilesText,
} from '../../../../source/wizard/flows/test-certificates/chain.js';

/** Home → Generate test certificates. */
function opened(): WizardState {
  return press(connected(), down, down, down, enter);
}

/** The form filled in: `folder`, `devices`, EC keys, 30 days; the summary on screen. */
function summary(folder = 'chain', devices = 'edge-1, edge-2'): WizardState {
  return press(
    opened(),
    text(folder),
    enter,
    text(devices),
    enter,
    down,
    enter,
    backspace,
    backspace,
    text('30'),
    enter,
  );
}

/** The files createTestChain writes for `devices` under the absolute folder `outDir`. */
function chainFiles(outDir: string, devices: string[]): WrittenFile[] {
  const certificate = (path: string): WrittenFile => ({
    path: `${outDir}/${path}`,
    kind: 'certificate',
  });
  const key = (path: string): WrittenFile => ({path: `${outDir}/${path}`, kind: 'private-key'});
  return [
    certificate('certs/azure-iot-test-only.root.ca.cert.pem'),
    key('private/azure-iot-test-only.root.ca.key.pem'),
    certificate('certs/azure-iot-test-only.intermediate.cert.pem'),
    certificate('certs/azure-iot-test-only.intermediate-full-chain.cert.pem'),
    key('private/azure-iot-test-only.intermediate.key.pem'),
    ...devices.flatMap((name) => [
      certificate(`certs/iot-edge-device-identity-${name}.cert.pem`),
      certificate(`certs/iot-edge-device-identity-${name}-full-chain.cert.pem`),
      key(`private/iot-edge-device-identity-${name}.key.pem`),
    ]),
  ];
}

/** The generate-test-chain effect's outcome. */
const result = (taskId: number, outcome: TestCertificatesOutcome): Action => ({
  type: 'result',
  taskId,
  outcome,
});

/** News from the generate-test-chain effect while it runs. */
const chainProgress = (taskId: number, progress: TestChainProgress): Action => ({
  type: 'progress',
  taskId,
  progress: {kind: 'making-chain', progress},
});

/** Generated: the summary's Enter and the chain written under `${cwd}/${folder}`. */
function generated(folder = 'chain', devices = ['edge-1', 'edge-2']): WizardState {
  const generating = press(summary(folder, devices.join(' ')), enter);
  const {id} = task(generating, 'generate-test-chain');
  return reducer(
    generating,
    result(id, {
      kind: 'chain-written',
      outDir: `${cwd}/${folder}`,
      files: chainFiles(`${cwd}/${folder}`, devices),
    }),
  );
}

describe('test certificates flow', () => {
  test('the form: folder, devices, key type, validity, then a generate task with every value', () => {
    const state = summary();
    assert.equal(state.testCertificates.step, 'summary');
    const generating = press(state, enter);
    assert.equal(generating.testCertificates.step, 'generating');
    const {id: _id, ...request} = task(generating, 'generate-test-chain');
    assert.deepEqual(request, {
      kind: 'generate-test-chain',
      owner: 'test-certificates',
      folder: 'chain',
      devices: ['edge-1', 'edge-2'],
      keyType: 'ec',
      days: 30,
      overwrite: false,
    });
  });

  test('an empty folder is the working folder; RSA and 90 days are the defaults', () => {
    const state = press(opened(), enter, text('edge-1'), enter, enter, enter, enter);
    const {folder, keyType, days} = task(state, 'generate-test-chain');
    assert.deepEqual({folder, keyType, days}, {folder: '.', keyType: 'rsa', days: 90});
  });

  test('Tab completes the folder through the generic completion of the test-folder field', () => {
    const typed = press(opened(), text('ch'), tab);
    const completion = task(typed, 'complete-path');
    assert.deepEqual(
      {field: completion.field, text: completion.text},
      {field: 'test-folder', text: 'ch'},
    );
    const completed = reducer(typed, {
      type: 'result',
      taskId: completion.id,
      outcome: {kind: 'path-completed', value: 'chain/', candidates: [], matches: 1},
    });
    assert.equal(completed.testCertificates.folder.path.value, 'chain/');
  });

  test('device names: commas or spaces, each once; the first bad name is refused by name', () => {
    const state = press(opened(), enter, text('a1,  b2 a1 , c3'));
    assert.deepEqual(deviceNamesOf(state.testCertificates), ['a1', 'b2', 'c3']);
    const refused = press(opened(), enter, text('good-1, bad/2, -bad3'), enter);
    assert.equal(refused.testCertificates.step, 'devices');
    assert.match(refused.testCertificates.stepError ?? '', /'bad\/2' contains '\/'/);
    assert.equal(refused.testCertificates.devices.value, 'good-1, bad/2, -bad3');
    assert.match(deviceNamesProblem(['ok', 'has:colon']) ?? '', /'has:colon' contains ':'/);
    assert.match(deviceNamesProblem(['x'.repeat(65)]) ?? '', /at most 64/);
    assert.equal(deviceNamesProblem(['Upper-Case']), undefined);
    assert.match(
      deviceNamesProblem(['edge-1', 'Edge-1']) ?? '',
      /'edge-1' and 'Edge-1' are the same registration ID/,
    );
    const empty = press(opened(), enter, enter);
    assert.equal(empty.testCertificates.step, 'devices');
    assert.match(empty.testCertificates.stepError ?? '', /at least one device name/);
    // Typing again clears the complaint.
    assert.equal(press(refused, backspace).testCertificates.stepError, undefined);
  });

  test('validity: a whole number of days from 1 to 3650', () => {
    const atDays = press(opened(), enter, text('edge-1'), enter, enter);
    assert.equal(atDays.testCertificates.step, 'days');
    const clear = [backspace, backspace];
    for (const days of ['0', '3651', '1.5', 'ten']) {
      const refused = press(atDays, ...clear, text(days), enter);
      assert.equal(refused.testCertificates.step, 'days', days);
      assert.match(refused.testCertificates.stepError ?? '', /from 1 to 3650/, days);
    }
    assert.equal(press(atDays, ...clear, text('3650'), enter).testCertificates.step, 'summary');
  });

  test('Esc goes back one step keeping every value, and from the folder to home', () => {
    const state = summary();
    const back = press(state, escape, escape, escape);
    assert.equal(back.testCertificates.step, 'devices');
    assert.equal(back.testCertificates.devices.value, 'edge-1, edge-2');
    assert.equal(back.testCertificates.keyType, 'ec');
    assert.equal(back.testCertificates.days.value, '30');
    const home = press(back, escape, escape);
    assert.equal(home.screen.name, 'home');
    const again = press(home, down, down, down, enter);
    assert.equal(again.testCertificates.folder.path.value, 'chain');
  });

  test('progress keeps the task; the written files are shown under the folder as typed', () => {
    const generating = press(summary(), enter);
    const {id} = task(generating, 'generate-test-chain');
    const progress = reducer(generating, chainProgress(id, {stage: 'keys', done: 3, total: 4}));
    assert.deepEqual(progress.testCertificates.progress, {stage: 'keys', done: 3, total: 4});
    assert.equal(task(progress, 'generate-test-chain').id, id);
    const done = generated();
    assert.equal(done.testCertificates.step, 'done');
    assert.equal(done.tasks.filter((item) => item.kind === 'generate-test-chain').length, 0);
    assert.equal(
      done.testCertificates.written?.[0]?.path,
      'chain/certs/azure-iot-test-only.root.ca.cert.pem',
    );
    const listed = writtenFilesText(done.testCertificates);
    assert.match(listed, /^Root CA\s+certs\/azure-iot-test-only\.root\.ca\.cert\.pem$/m);
    assert.match(listed, /^Device edge-2\s+certs\/iot-edge-device-identity-edge-2\.cert\.pem$/m);
    assert.match(listed, /private\/iot-edge-device-identity-edge-2\.key\.pem {2}\(key, 0600\)/);
  });

  test('the working folder gives certs/… paths; an absolute or ~ folder keeps its form', () => {
    assert.equal(
      generated('.').testCertificates.written?.[0]?.path,
      'certs/azure-iot-test-only.root.ca.cert.pem',
    );
    const absolute = press(summary('/srv/pki'), enter);
    const {id} = task(absolute, 'generate-test-chain');
    const done = reducer(
      absolute,
      result(id, {
        kind: 'chain-written',
        outDir: '/srv/pki',
        files: chainFiles('/srv/pki', ['edge-1']),
      }),
    );
    assert.equal(
      done.testCertificates.written?.[0]?.path,
      '/srv/pki/certs/azure-iot-test-only.root.ca.cert.pem',
    );
    const home = press(summary('~/pki'), enter);
    const homeTask = task(home, 'generate-test-chain');
    assert.equal(homeTask.folder, '~/pki');
    const homeDone = reducer(
      home,
      result(homeTask.id, {
        kind: 'chain-written',
        outDir: '/home/op/pki',
        files: chainFiles('/home/op/pki', ['edge-1']),
      }),
    );
    assert.equal(
      homeDone.testCertificates.written?.[0]?.path,
      '~/pki/certs/azure-iot-test-only.root.ca.cert.pem',
    );
  });

  test('keys typed while generating wait and replay on the result; Esc cancels at once', () => {
    const generating = press(summary(), enter, down, down);
    assert.equal(generating.typeAhead.length, 2);
    const {id} = task(generating, 'generate-test-chain');
    // Progress leaves them waiting.
    const progressed = reducer(
      generating,
      chainProgress(id, {stage: 'certificates', done: 1, total: 4}),
    );
    assert.deepEqual(progressed.typeAhead, [down, down]);
    const done = reducer(
      progressed,
      result(id, {
        kind: 'chain-written',
        outDir: `${cwd}/chain`,
        files: chainFiles(`${cwd}/chain`, ['edge-1', 'edge-2']),
      }),
    );
    assert.equal(done.testCertificates.doneCursor, 2);
    assert.deepEqual(done.typeAhead, []);

    const cancelled = press(generating, escape);
    assert.equal(cancelled.testCertificates.step, 'summary');
    assert.match(cancelled.testCertificates.stepError ?? '', /cancelled: no file was written/);
    assert.equal(
      cancelled.tasks.some((item) => item.kind === 'generate-test-chain'),
      false,
    );
    assert.deepEqual(cancelled.typeAhead, []);
    // A result of the cancelled run changes nothing.
    const late = reducer(
      cancelled,
      result(id, {kind: 'chain-written', outDir: `${cwd}/chain`, files: []}),
    );
    assert.equal(late, cancelled);
  });

  test('files in the way: named, nothing decided by keys typed ahead; o overwrites, Esc changes the folder', () => {
    const generating = press(summary(), enter, text('o'));
    const {id} = task(generating, 'generate-test-chain');
    const exists = reducer(
      generating,
      result(id, {
        kind: 'chain-exists',
        outDir: `${cwd}/chain`,
        paths: [`${cwd}/chain/certs/azure-iot-test-only.root.ca.cert.pem`],
      }),
    );
    assert.equal(exists.testCertificates.step, 'exists');
    assert.deepEqual(exists.testCertificates.existing, [
      'chain/certs/azure-iot-test-only.root.ca.cert.pem',
    ]);
    assert.deepEqual(exists.typeAhead, []);
    assert.equal(
      exists.tasks.some((item) => item.kind === 'generate-test-chain'),
      false,
    );
    assert.deepEqual(keyHints(exists).slice(0, 2), ['o overwrite them', 'Esc change the folder']);

    assert.equal(press(exists, text('oops')).tasks.length, 0);
    const overwrite = press(exists, text('o'));
    assert.equal(overwrite.testCertificates.step, 'generating');
    assert.equal(task(overwrite, 'generate-test-chain').overwrite, true);

    const folder = press(exists, escape);
    assert.equal(folder.testCertificates.step, 'folder');
    assert.equal(folder.testCertificates.folder.path.value, 'chain');
    assert.equal(folder.testCertificates.existing, undefined);
  });

  test('a failure goes back to the summary with its message', () => {
    const generating = press(summary(), enter);
    const {id} = task(generating, 'generate-test-chain');
    const failed = reducer(
      generating,
      result(id, {
        kind: 'chain-failed',
        failure: {kind: 'other', message: 'cannot create the folder /x: permission denied'},
      }),
    );
    assert.equal(failed.testCertificates.step, 'summary');
    assert.match(
      failed.testCertificates.stepError ?? '',
      /could not write the test chain: cannot create the folder \/x: permission denied/,
    );
    assert.equal(failed.tasks.length, 0);
  });

  test('done: an individual enrollment per device opens with its certificate being read', () => {
    const individual = press(generated(), down, down, enter);
    assert.equal(individual.screen.name, 'individual');
    const path = 'chain/certs/iot-edge-device-identity-edge-2.cert.pem';
    assert.equal(individual.individual.primary.path.value, path);
    assert.equal(individual.individual.primary.status.state, 'reading');
    const read = task(individual, 'read-certificate');
    assert.deepEqual(
      {field: read.field, purpose: read.purpose, path: read.path},
      {field: 'primary', purpose: 'identity', path},
    );
  });

  test('done: the root CA opens "Verify a CA certificate" with its certificate and key', () => {
    const ca = press(generated(), enter);
    assert.equal(ca.screen.name, 'verify-ca');
    assert.equal(
      ca.ca.certificateFile.path.value,
      'chain/certs/azure-iot-test-only.root.ca.cert.pem',
    );
    assert.equal(
      ca.ca.privateKeyFile.path.value,
      'chain/private/azure-iot-test-only.root.ca.key.pem',
    );
  });

  test('done: Home, Esc home, and the form again with the same values', () => {
    const done = generated();
    assert.equal(press(done, up, enter).screen.name, 'home');
    const home = press(done, escape);
    assert.equal(home.screen.name, 'home');
    const again = press(home, down, down, down, enter);
    assert.equal(again.testCertificates.step, 'folder');
    assert.equal(again.testCertificates.written, undefined);
    assert.equal(again.testCertificates.devices.value, 'edge-1 edge-2');
  });

  test('done fits 80x24: one device shows every file; many scroll with PgDn, no further than the end', () => {
    const one = generated('chain', ['edge-1']).testCertificates;
    const viewport = {columns: 80, rows: 24};
    const layout = doneLayout(one, viewport);
    assert.ok(layout.fileLines.length <= layout.fileRows);
    assert.ok(layout.fileLines.every((line) => [...line].length <= 80));

    const devices = ['d1', 'd2', 'd3', 'd4', 'd5', 'd6'];
    const many = generated('chain', devices);
    const big = doneLayout(many.testCertificates, viewport);
    assert.ok(big.fileLines.length > big.fileRows);
    assert.ok(big.choiceRows < devices.length + 2);
    const end = press(many, pageDown, pageDown, pageDown, pageDown, pageDown, pageDown);
    assert.equal(end.testCertificates.filesScroll, big.fileLines.length - big.fileRows);
    assert.equal(
      press(end, pageUp, pageUp, pageUp, pageUp, pageUp, pageUp).testCertificates.filesScroll,
      0,
    );
    assert.ok(keyHints(many).includes('PgUp/PgDn files'));
  });
});

describe('the files written', () => {
  test('under a long device name line up with the others (the name has a line of its own)', () => {
    const devices = ['edge-1', 'edge-gateway-building-7'];
    const done = generated('chain', devices);
    const lines = writtenFilesText(done.testCertificates).split('\n');
    assert.ok(lines.includes('Device edge-gateway-building-7'), lines.join('\n'));
    const fileLines = lines.filter((line) => line.includes('.pem'));
    assert.equal(fileLines.length, chainFiles(`${cwd}/chain`, devices).length);
    for (const line of fileLines) {
      assert.equal(line.search(/(certs|private)\//), 16, `aligned at column 16: '${line}'`);
    }
    assert.ok(lines.includes('Device edge-1   certs/iot-edge-device-identity-edge-1.cert.pem'));
  });
});

describe('test certificates: validity', () => {
  test('a number of days out of range is quoted as typed, not rounded', () => {
    const typed = '99999999999999999999';
    assert.match(daysProblem(typed) ?? '', new RegExp(`not ${typed}$`));
  });
});
