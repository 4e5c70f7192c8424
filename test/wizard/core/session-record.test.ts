import {describe, test} from 'node:test';
import assert from 'node:assert/strict';
import {reducer} from '../../../source/wizard/core/reducer.js';
import type {Task, WizardState} from '../../../source/wizard/core/state.js';
import {addTask} from '../../../source/wizard/core/task-list.js';
import {buildEnrollmentGroup} from '../../../source/wizard/flows/group/group.js';
import {initialGroupFlow} from '../../../source/wizard/flows/group/state.js';
import {
  buildIndividualEnrollment,
  initialIndividualFlow,
} from '../../../source/wizard/flows/individual/enrollment.js';
import {closingReport} from '../../../source/wizard/runtime/closing-report.js';
import {draftOf} from '../../../source/wizard/shared/text-draft.js';
import {connected, escape, linkedHubs, press, task} from '../../helpers/app-state.js';

/** The session record: every save of the session, and the saves whose outcome is unknown, at exit. */

/** The group flow on its saving step for `id`, with its save task running. */
function savingGroup(state: WizardState, id: string): WizardState {
  const group = {
    ...initialGroupFlow(linkedHubs),
    step: 'saving' as const,
    groupId: draftOf(id),
    caPrimary: draftOf('root-ca'),
  };
  const next = {...state, screen: {name: 'group' as const}, group};
  return addTask(next, 'group', {
    kind: 'save-group',
    group: buildEnrollmentGroup(group, linkedHubs),
  });
}

function savingIndividual(state: WizardState, id: string): WizardState {
  const individual = {
    ...initialIndividualFlow(linkedHubs),
    step: 'saving' as const,
    registrationId: draftOf(id),
    registrationIdEdited: true,
  };
  const next = {...state, screen: {name: 'individual' as const}, individual};
  return addTask(next, 'individual', {
    kind: 'save-individual',
    enrollment: buildIndividualEnrollment(individual, linkedHubs),
  });
}

/** DPS answers the running save: saved, with an etag. */
function savedBy(state: WizardState, kind: 'save-group' | 'save-individual'): WizardState {
  const save: Task = task(state, kind);
  const saved =
    save.kind === 'save-group'
      ? {...save.group, etag: '"g"'}
      : save.kind === 'save-individual'
        ? {...save.enrollment, etag: '"i"'}
        : undefined;
  assert.ok(saved);
  return reducer(state, {
    type: 'result',
    taskId: save.id,
    outcome: {kind: 'saved', saved} as never,
  });
}

describe('the session record and the exit text', () => {
  test('two group saves and one individual save: the exit text lists all three', () => {
    let state = connected();
    state = savedBy(savingGroup(state, 'line-1-sensors'), 'save-group');
    state = savedBy(savingGroup(state, 'line-2-sensors'), 'save-group');
    state = savedBy(savingIndividual(state, 'edge-gateway-07'), 'save-individual');
    assert.deepEqual(
      state.session.saves.map((save) => save.kind),
      ['group', 'group', 'individual'],
    );
    const report = closingReport({...state, screen: {name: 'quit'}});
    assert.match(report, /Group name: line-1-sensors/);
    assert.match(report, /Group name: line-2-sensors/);
    assert.match(report, /Registration ID: edge-gateway-07/);
    // Each save's az command, for the group it saved.
    assert.match(report, /az iot dps enrollment-group create[^]*--enrollment-id line-1-sensors/);
    assert.match(report, /az iot dps enrollment-group create[^]*--enrollment-id line-2-sensors/);
    assert.doesNotMatch(report, /Outcome unknown/);
  });

  test('the exit while a save runs (Ctrl+C, SIGHUP): listed as unknown, with the command that checks it', () => {
    const state = savingGroup(connected(), 'line-3-sensors');
    const report = closingReport(state);
    assert.match(report, /Outcome unknown/);
    assert.match(report, /Enrollment group 'line-3-sensors' \(the wizard stopped\)/);
    assert.match(
      report,
      /az iot dps enrollment-group show \\\n {2}--dps-name sandbox \\\n {2}--resource-group sandbox \\\n {2}--enrollment-id line-3-sensors/,
    );
  });

  test('Esc during a save: unknown (cancelled); a later outcome of the same save settles it', () => {
    const saving = savingIndividual(connected(), 'edge-gateway-08');
    const cancelled = press(saving, escape);
    assert.equal(cancelled.tasks.filter((item) => item.kind === 'save-individual').length, 0);
    assert.deepEqual(cancelled.session.unknown, [
      {kind: 'enrollment', id: 'edge-gateway-08', why: 'cancelled'},
    ]);
    const report = closingReport(cancelled);
    assert.match(report, /Individual enrollment 'edge-gateway-08' \(cancelled with Esc\)/);
    assert.match(report, /az iot dps enrollment show[^]*--enrollment-id edge-gateway-08/);

    const again = savedBy(savingIndividual(cancelled, 'edge-gateway-08'), 'save-individual');
    assert.deepEqual(again.session.unknown, []);
    assert.equal(again.session.saves.length, 1);
  });

  test('a CA certificate verified lands in the record and the exit text', () => {
    let state = connected();
    state = addTask(state, 'verify-ca', {
      kind: 'verify-ca-certificate',
      name: 'root-ca',
      etag: '"1"',
      certificatePem: 'PEM',
    });
    const verify = task(state, 'verify-ca-certificate');
    state = reducer(state, {
      type: 'result',
      taskId: verify.id,
      outcome: {
        kind: 'verified',
        certificate: {
          name: 'root-ca',
          etag: '"2"',
          isVerified: true,
          subject: 'CN=Root',
          thumbprint: 'AB12',
        },
      } as never,
    });
    assert.deepEqual(
      state.session.saves.map((save) => save.kind),
      ['ca'],
    );
    assert.match(closingReport(state), /root-ca: CN=Root, SHA-1 AB12/);
  });

  test('nothing saved: no exit text', () => {
    assert.equal(closingReport(connected()), '');
  });
});
