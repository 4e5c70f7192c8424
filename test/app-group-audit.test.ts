import {describe, test} from 'node:test';
import assert from 'node:assert/strict';
import {caKeyHints, initialCaFlow} from '../source/app/ca-flow.js';
import {groupKey, groupKeyHints, initialGroupFlow} from '../source/app/group-flow.js';
import {toKeyEvents, type KeyEvent} from '../source/app/keys.js';
import {daysProblem} from '../source/app/test-certificates-flow.js';
import {initialState, reducer} from '../source/app/reducer.js';
import type {WizardState} from '../source/app/state.js';
import type {CaCertificate} from '../source/dps/types.js';
import {
  certificatesForFile,
  connected,
  cwd,
  down,
  enter,
  escape,
  info,
  inkKey,
  linkedHubs,
  onGroupPreflight,
  press,
  task,
  text,
} from './helpers/app-state.js';

const ca = (name: string, isVerified: boolean): CaCertificate => ({
  name,
  etag: `etag-${name}`,
  subject: `CN=${name}`,
  isVerified,
});

/** The group flow on its primary CA list, the DPS listing the certificates given. */
function onCaList(...certificates: CaCertificate[]): WizardState {
  const state = press(connected(), down, enter, text('line-7'), enter, enter);
  assert.equal(state.group.step, 'ca-primary');
  const listing = task(state, 'list-ca-certificates');
  return reducer(state, {type: 'ca-certificates-listed', taskId: listing.id, certificates});
}

describe('group flow: adding a CA from the CA list', () => {
  test('n opens the name of a new CA certificate, and Esc leads back through the list to the group', () => {
    let state = press(onCaList(ca('root-a', true)), text('n'));
    assert.equal(state.screen.name, 'verify-ca');
    assert.equal(state.ca.step, 'add-name');
    // The name typed is checked against the list the group showed.
    state = press(state, text('root-a'), enter);
    assert.equal(state.ca.step, 'name-exists');
    state = press(state, escape, escape, escape);
    assert.equal(state.ca.step, 'list');
    // The list is read again; the Esc typed meanwhile waits for it.
    const listing = task(state, 'list-ca-certificates');
    state = reducer(state, {
      type: 'ca-certificates-listed',
      taskId: listing.id,
      certificates: [ca('root-a', true)],
    });
    assert.equal(state.screen.name, 'group');
    assert.equal(state.group.step, 'ca-primary');
  });

  test('Enter on an empty list opens the name of a new CA certificate', () => {
    const state = press(onCaList(), enter);
    assert.equal(state.screen.name, 'verify-ca');
    assert.equal(state.ca.step, 'add-name');
  });
});

describe('group pre-flight key hints', () => {
  const files = certificatesForFile();

  test('after a check, the footer says Enter checks again, which it does', () => {
    const device = files('device-01.pem');
    const state = onGroupPreflight(device, {
      state: 'done',
      report: {registrationId: 'device-01', anchor: undefined, links: [], findings: []},
    });
    assert.ok(groupKeyHints(state).includes('Enter check'), groupKeyHints(state).join(' · '));
    const again = press(state, enter);
    assert.equal(again.group.preflight?.state, 'checking');
    assert.equal(task(again, 'check-group-device').leafPem, device.pem);
  });
});

describe('Esc and the next key in one packet', () => {
  test('Ink reports them as one key with meta set: the Esc comes first, then that key', () => {
    // "\x1b\r" and "\x1bp" as Ink's useInput hands them over.
    assert.deepEqual(toKeyEvents('', inkKey({return: true, meta: true})), [
      {kind: 'escape'},
      {kind: 'enter'},
    ]);
    assert.deepEqual(toKeyEvents('p', inkKey({meta: true})), [
      {kind: 'escape'},
      {kind: 'text', text: 'p'},
    ]);
  });

  test('Esc alone, Alt with an arrow and Alt+Backspace stay one key', () => {
    assert.deepEqual(toKeyEvents('', inkKey({delete: true, meta: true})), [{kind: 'backspace'}]);
    assert.deepEqual(toKeyEvents('', inkKey({escape: true, meta: true})), [{kind: 'escape'}]);
    assert.deepEqual(toKeyEvents('', inkKey({upArrow: true, meta: true})), [{kind: 'up'}]);
  });

  test('on the attestation step, Esc then Enter goes back to the name and forward again', () => {
    const onAttestation = press(connected(), down, enter, text('line-7'), enter);
    assert.equal(onAttestation.group.step, 'attestation');
    const state = press(onAttestation, ...toKeyEvents('', inkKey({return: true, meta: true})));
    assert.equal(state.group.step, 'attestation');
    assert.deepEqual(state.tasks, onAttestation.tasks);
  });
});

describe('Ctrl editing keys inside a burst', () => {
  test('Ctrl+U then a new name in one packet replaces the name typed before', () => {
    const typed = press(connected(), down, enter, text('old-name'));
    assert.equal(typed.group.groupId.value, 'old-name');
    const state = press(typed, ...toKeyEvents('\x15new-name\r', inkKey()));
    assert.equal(state.group.groupId.value, 'new-name');
    assert.equal(state.group.step, 'attestation');
  });

  test('Ctrl+W, Ctrl+A, Ctrl+E and Ctrl+K keep their places in the burst', () => {
    assert.deepEqual(toKeyEvents('ab\x17c\x01d\x05\x0b', inkKey()), [
      {kind: 'text', text: 'ab'},
      {kind: 'ctrl', letter: 'w'},
      {kind: 'text', text: 'c'},
      {kind: 'ctrl', letter: 'a'},
      {kind: 'text', text: 'd'},
      {kind: 'ctrl', letter: 'e'},
      {kind: 'ctrl', letter: 'k'},
    ]);
  });
});

describe('test certificates: validity', () => {
  test('a number of days out of range is quoted as typed, not rounded', () => {
    const typed = '99999999999999999999';
    assert.match(daysProblem(typed) ?? '', new RegExp(`not ${typed}$`));
  });
});

describe('verified inline for the group: the footer', () => {
  test('with the verification certificate to save, every key hint fits in 80 columns', () => {
    const state: WizardState = {
      ...connected(),
      screen: {name: 'verify-ca'},
      ca: {
        ...initialCaFlow(),
        step: 'verified',
        returnTo: {slot: 'primary'},
        signedHere: true,
        verificationPem: '-----BEGIN CERTIFICATE-----',
        target: ca('root-a', true),
      },
    };
    const hints = caKeyHints(state);
    assert.equal(hints.length, 4, hints.join(' · '));
    assert.ok(hints.join(' · ').length <= 80, hints.join(' · '));
  });
});

describe('back from the CA flow without verifying', () => {
  test("the group's CA list shows what the CA flow listed, the CA uploaded there included", () => {
    let state = press(onCaList(ca('root-a', true)), text('n'));
    assert.equal(state.ca.step, 'add-name');
    state = press(state, escape);
    const listing = task(state, 'list-ca-certificates');
    state = reducer(state, {
      type: 'ca-certificates-listed',
      taskId: listing.id,
      certificates: [ca('root-a', true), ca('root-b', false)],
    });
    state = press(state, escape);
    assert.equal(state.screen.name, 'group');
    assert.equal(state.group.step, 'ca-primary');
    const names =
      state.group.caCertificates.state === 'loaded'
        ? state.group.caCertificates.certificates.map((certificate) => certificate.name)
        : [];
    assert.deepEqual(names, ['root-a', 'root-b']);
  });
});

describe('the group opened while still connecting', () => {
  test('the CA reference waits for the connection, then lists the CA certificates', () => {
    const start = initialState(cwd, 'the local sandbox');
    const connect = task(start, 'connect');
    let state = press(start, down, enter, text('early'), enter, enter);
    // Before: the CA step opened with no list task, and a spinner that never ended.
    assert.equal(state.group.step, 'attestation');
    assert.match(state.group.stepError ?? '', /not connected to DPS yet/);
    state = reducer(state, {type: 'connected', taskId: connect.id, info});
    state = press(state, enter);
    assert.equal(state.group.step, 'ca-primary');
    assert.equal(state.group.caCertificates.state, 'loading');
    assert.equal(task(state, 'list-ca-certificates').for, 'group');
  });
});

describe('Esc from the pre-flight', () => {
  const context = {linkedHubs, info, cwd};
  const key = (flow: ReturnType<typeof initialGroupFlow>, ...events: KeyEvent[]) =>
    events.reduce((current, event) => groupKey(current, event, context).flow, flow);

  test('goes back to the screen it was opened from: the config template, or the result', () => {
    const config = {...initialGroupFlow(linkedHubs), step: 'config' as const};
    const fromConfig = key(config, text('p'));
    assert.equal(fromConfig.step, 'preflight');
    assert.equal(key(fromConfig, escape).step, 'config');
    const result = {...initialGroupFlow(linkedHubs), step: 'result' as const};
    const fromResult = key(result, text('p'));
    assert.equal(fromResult.step, 'preflight');
    assert.equal(key(fromResult, escape).step, 'result');
  });
});

describe('Esc while the CA list is read', () => {
  test('goes back at once, and keys typed for the list are dropped', () => {
    let state = press(connected(), down, enter, text('line-7'), enter, enter);
    assert.equal(state.group.step, 'ca-primary');
    assert.equal(state.group.caCertificates.state, 'loading');
    const listing = task(state, 'list-ca-certificates');
    // An Enter for the list waits for it; Esc does not.
    state = press(state, enter, escape);
    assert.equal(state.group.step, 'attestation');
    assert.deepEqual(state.typeAhead, []);
    state = reducer(state, {
      type: 'ca-certificates-listed',
      taskId: listing.id,
      certificates: [ca('root-a', true)],
    });
    assert.equal(state.group.step, 'attestation');
    assert.equal(state.group.caCertificates.state, 'loaded');
  });
});
