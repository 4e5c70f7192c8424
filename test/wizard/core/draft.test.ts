import {describe, test} from 'node:test';
import assert from 'node:assert/strict';
import {
  draftHasTyping,
  draftOf,
  hasUnsavedWork,
  parseDraft,
  resumeDraft,
  type Draft,
} from '../../../source/wizard/core/draft.js';
import {initialState, reducer} from '../../../source/wizard/core/reducer.js';
import type {WizardState} from '../../../source/wizard/core/state.js';
import {draftOf as textOf} from '../../../source/wizard/shared/text-draft.js';
import {
  certificatesForFile,
  connected,
  cwd,
  enter,
  press,
  task,
  text,
} from '../../helpers/app-state.js';

/** What goes into a draft, what never does, and what resuming one gives back. */

const now = new Date('2026-11-27T10:00:00Z');
const target = 'the local sandbox DPS';

function draftFrom(state: WizardState): Draft {
  const draft = draftOf(state, target, now);
  assert.ok(draft, 'a draft of a state that is not the resume prompt');
  return draft;
}

describe('drafts', () => {
  const certificate = certificatesForFile();

  /** The individual flow on its registration ID step, the certificate read and the ID typed. */
  function typedIndividual(): WizardState {
    const loaded = certificate('device-01.pem');
    const state = connected();
    return {
      ...state,
      screen: {name: 'individual'},
      individual: {
        ...state.individual,
        step: 'registration-id',
        primary: {
          path: textOf('device-01.pem'),
          candidates: [],
          moreCandidates: 0,
          status: {state: 'loaded', certificate: loaded, warningsAccepted: true},
        },
        registrationId: textOf('edge-gateway-07'),
        registrationIdEdited: true,
      },
    };
  }

  test('a passphrase and the passphrase step never reach the draft', () => {
    const state = connected();
    const asking: WizardState = {
      ...state,
      screen: {name: 'verify-ca'},
      ca: {
        ...state.ca,
        step: 'passphrase',
        privateKeyFile: {...state.ca.privateKeyFile, path: textOf('private/root.key.pem')},
        passphraseAsked: true,
        passphrase: textOf('correct horse battery staple'),
      },
    };
    const draft = draftFrom(asking);
    const json = JSON.stringify(draft);
    assert.ok(!json.includes('correct horse'), 'the passphrase is not in the file');
    assert.equal(draft.ca.passphrase.value, '');
    assert.equal(draft.ca.passphraseAsked, false);
    assert.equal(draft.ca.step, 'prove', 'back to where the key signs');
    assert.equal(draft.ca.privateKeyFile.path.value, 'private/root.key.pem', 'the path is typing');
  });

  test('steps that wait for an effect are kept as the step before them', () => {
    const state = connected();
    const cases: [Partial<WizardState>, (draft: Draft) => string, string][] = [
      [{individual: {...state.individual, step: 'saving'}}, (d) => d.individual.step, 'review'],
      [{group: {...state.group, step: 'saving'}}, (d) => d.group.step, 'review'],
      [{ca: {...state.ca, step: 'uploading'}}, (d) => d.ca.step, 'add-verified'],
      [{ca: {...state.ca, step: 'generating'}}, (d) => d.ca.step, 'list'],
      [{ca: {...state.ca, step: 'signing'}}, (d) => d.ca.step, 'prove'],
      [{ca: {...state.ca, step: 'verifying'}}, (d) => d.ca.step, 'prove'],
      [
        {testCertificates: {...state.testCertificates, step: 'generating'}},
        (d) => d.testCertificates.step,
        'summary',
      ],
    ];
    for (const [slice, stepOf, expected] of cases) {
      assert.equal(stepOf(draftFrom({...state, ...slice})), expected);
    }
  });

  test('a certificate read is kept as its path only, and no task or type-ahead is kept', () => {
    const state = {...typedIndividual(), typeAhead: [text('x')]};
    const draft = draftFrom(state);
    assert.deepEqual(draft.individual.primary.status, {state: 'reading'});
    assert.equal(draft.individual.primary.path.value, 'device-01.pem');
    const json = JSON.stringify(draft);
    assert.ok(!json.includes('BEGIN CERTIFICATE'), 'nothing read from the file');
    assert.ok(!('tasks' in draft) && !('typeAhead' in draft));
    assert.equal(draft.screen, 'individual');
    assert.equal(draft.target, target);
    assert.equal(draft.savedAt, now.toISOString());
  });

  test('typing: a fresh or merely connected wizard has none; a typed ID is typing', () => {
    assert.equal(draftHasTyping(draftFrom(initialState(cwd, target))), false);
    assert.equal(draftHasTyping(draftFrom(connected())), false, 'the linked hubs are no typing');
    assert.equal(draftHasTyping(draftFrom(typedIndividual())), true);
  });

  test('resuming restores the screen and the typing, and reads the certificate again', () => {
    const written = JSON.stringify(draftFrom(typedIndividual()));
    const parsed = parseDraft(written);
    assert.ok(parsed);
    const offered = initialState(cwd, target, undefined, {draft: parsed});
    assert.equal(offered.screen.name, 'resume');
    assert.equal(draftOf(offered, target, now), undefined, 'the prompt does not replace the draft');

    const resumed = press(offered, enter);
    assert.deepEqual(resumed.screen, {name: 'individual'});
    assert.equal(resumed.individual.step, 'registration-id');
    assert.equal(resumed.individual.registrationId.value, 'edge-gateway-07');
    const read = task(resumed, 'read-certificate');
    assert.deepEqual(
      {owner: read.owner, field: read.field, path: read.path},
      {owner: 'individual', field: 'primary', path: 'device-01.pem'},
    );
    const loaded = reducer(resumed, {
      type: 'result',
      taskId: read.id,
      outcome: {kind: 'certificate-read', certificate: certificate('device-01.pem')},
    });
    assert.equal(loaded.individual.primary.status.state, 'loaded');
  });

  test('n on the prompt starts fresh: home, and the flows as they start', () => {
    const parsed = parseDraft(JSON.stringify(draftFrom(typedIndividual())));
    assert.ok(parsed);
    const fresh = press(initialState(cwd, target, undefined, {draft: parsed}), text('n'));
    assert.equal(fresh.screen.name, 'home');
    assert.equal(fresh.individual.registrationId.value, '');
    assert.equal(draftHasTyping(draftFrom(fresh)), false, 'its draft is empty: the file goes');
  });

  test('a draft without typing is not offered', () => {
    const empty = draftFrom(initialState(cwd, target));
    assert.equal(initialState(cwd, target, undefined, {draft: empty}).screen.name, 'home');
  });

  test('a corrupt or foreign file is no draft', () => {
    assert.equal(parseDraft('{"version": 1, "savedAt"'), undefined);
    assert.equal(parseDraft('[]'), undefined);
    assert.equal(parseDraft(JSON.stringify({...draftFrom(connected()), version: 99})), undefined);
    assert.equal(parseDraft(JSON.stringify({...draftFrom(connected()), screen: 'x'})), undefined);
  });

  test('unsaved work: typing on a step before the save; a saved flow is done', () => {
    const typed = typedIndividual();
    assert.equal(hasUnsavedWork(typed), true);
    assert.equal(
      hasUnsavedWork({...typed, individual: {...typed.individual, step: 'result'}}),
      false,
    );
    assert.equal(hasUnsavedWork(connected()), false);
  });

  test('resuming the CA list or a group CA step lists the CA certificates again', () => {
    const state = connected();
    const draft = draftFrom({
      ...state,
      screen: {name: 'group'},
      group: {...state.group, step: 'ca-primary', groupId: textOf('line-1')},
    });
    const resumed = resumeDraft(state, draft);
    assert.equal(task(resumed, 'list-ca-certificates').owner, 'group');
    assert.equal(resumed.group.caCertificates.state, 'loading');
  });
});
