import {describe, test} from 'node:test';
import assert from 'node:assert/strict';
import {groupKeyHints, initialGroupFlow} from '../source/app/group-flow.js';
import {reducer} from '../source/app/reducer.js';
import type {WizardState} from '../source/app/state.js';
import {draftOf} from '../source/app/text-draft.js';
import type {CaCertificate} from '../source/dps/types.js';
import {
  certificatesForFile,
  connected,
  down,
  enter,
  escape,
  linkedHubs,
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
    const state: WizardState = {
      ...connected(),
      screen: {name: 'group'},
      group: {
        ...initialGroupFlow(linkedHubs),
        step: 'preflight',
        deviceCertificate: {
          path: draftOf(device.path),
          candidates: [],
          moreCandidates: 0,
          status: {state: 'loaded', certificate: device, warningsAccepted: true},
        },
        preflight: {
          state: 'done',
          report: {registrationId: 'device-01', anchor: undefined, links: [], findings: []},
        },
      },
    };
    assert.ok(groupKeyHints(state).includes('Enter check'), groupKeyHints(state).join(' · '));
    const again = press(state, enter);
    assert.equal(again.group.preflight?.state, 'checking');
    assert.equal(task(again, 'check-group-device').leafPem, device.pem);
  });
});
