import {describe, test} from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {openFlow} from '../../../source/wizard/core/flows.js';
import type {KeyEvent} from '../../../source/wizard/shared/key-event.js';
import {draftOf} from '../../../source/wizard/shared/text-draft.js';
import type {CaCertificate, IndividualEnrollment} from '../../../source/dps/types.js';
import {
  backspace,
  caListRead,
  certificatesForFile,
  connected,
  cwd,
  down,
  enter,
  escape,
  info,
  left,
  onGroupScreen,
  pageDown,
  press,
  right,
  tab,
  task,
  text,
  up,
  throttledWait,
} from '../../helpers/app-state.js';
import {buildIndividualEnrollment} from '../../../source/wizard/flows/individual/enrollment.js';
import {
  homeItems,
  initialState,
  isBusy,
  reducer,
  type Action,
} from '../../../source/wizard/core/reducer.js';
import type {Failure} from '../../../source/wizard/shared/types.js';
import type {Task, WizardState} from '../../../source/wizard/core/state.js';

const certificate = certificatesForFile();

/** Opens the individual enrollment and types device-01.pem and Enter: the state while it is read, and the read task. */
function reading(state = connected()) {
  const next = press(state, enter, text('device-01.pem'), enter);
  return {state: next, read: task(next, 'read-certificate')};
}

/** What the effect runner reports when the read task found the certificate `name`. */
function certificateRead(read: {id: number}, name = 'device-01.pem'): Action {
  return {
    type: 'result',
    taskId: read.id,
    outcome: {kind: 'certificate-read', certificate: certificate(name)},
  };
}

/** Opens the individual enrollment, reads the certificate and stops on the secondary certificate. */
function withCertificate(state = connected()): WizardState {
  const {state: next, read} = reading(state);
  assert.deepEqual({field: read.field, path: read.path}, {field: 'primary', path: 'device-01.pem'});
  return press(reducer(next, certificateRead(read)), enter);
}

/** Enter on every step from the secondary certificate to the review: every setting left as it is. */
const toReview = (state: WizardState) => press(state, ...Array<KeyEvent>(9).fill(enter));

/** From the start to the review, every setting left as it is. */
function atReview(): WizardState {
  const state = toReview(withCertificate());
  assert.equal(state.individual.step, 'review', state.individual.stepError);
  return state;
}

/** Presses Enter on the review and returns the state with its save task. */
function saving(state = atReview()) {
  const next = press(state, enter);
  assert.equal(next.individual.step, 'saving');
  return {state: next, save: task(next, 'save-individual')};
}

const savedEnrollment = (enrollment: IndividualEnrollment): IndividualEnrollment => ({
  ...enrollment,
  etag: '"1"',
  createdDateTimeUtc: '2026-11-26T23:00:00Z',
});

/** Saving, and DPS throttling it: a second attempt after `retryAfterSeconds`, shown as such. */
function throttledSave(retryAfterSeconds: number) {
  const {state, save} = saving();
  const throttled = reducer(state, {
    type: 'progress',
    taskId: save.id,
    progress: {kind: 'waiting', wait: throttledWait(retryAfterSeconds, 2)},
  });
  assert.deepEqual(throttled.individual.waiting, throttledWait(retryAfterSeconds, 2));
  return {state: throttled, save};
}

/** What the effect runner reports when the save task created the enrollment. */
const savedResult = (save: Extract<Task, {kind: 'save-individual'}>): Action => ({
  type: 'result',
  taskId: save.id,
  outcome: {kind: 'saved', saved: savedEnrollment(save.enrollment)},
});

describe('connecting and the home screen', () => {
  test('a first call that waits to be tried again shows on the connection until it is connected', () => {
    const start = initialState(cwd, 'the local sandbox');
    const wait = throttledWait(2);
    const waiting = reducer(start, {
      type: 'progress',
      taskId: 1,
      progress: {kind: 'waiting', wait},
    });
    assert.deepEqual(waiting.connection, {
      status: 'connecting',
      target: 'the local sandbox',
      waiting: wait,
    });
    const done = reducer(waiting, {type: 'result', taskId: 1, outcome: {kind: 'connected', info}});
    assert.equal(done.connection.status, 'connected');
    // News of a connection no longer waited for changes nothing.
    assert.equal(
      reducer(done, {type: 'progress', taskId: 1, progress: {kind: 'waiting', wait}}),
      done,
    );
  });

  test('the wizard starts connecting, and the connection chooses every linked hub', () => {
    const start = initialState(cwd, 'the local sandbox');
    assert.deepEqual(start.tasks, [{id: 1, kind: 'connect', owner: 'wizard'}]);
    assert.equal(start.connection.status, 'connecting');
    const state = connected();
    assert.deepEqual(state.tasks, []);
    assert.equal(state.connection.status, 'connected');
    assert.deepEqual(state.individual.settings.selectedHubs, [
      'hub-a.azure-devices.net',
      'hub-b.azure-devices.net',
    ]);
  });

  test('a failed connection is shown and r retries it with a new task', () => {
    const start = initialState(cwd, 'the local sandbox');
    const failed = reducer(start, {
      type: 'result',
      taskId: 1,
      outcome: {kind: 'connect-failed', failure: {kind: 'network', message: 'ECONNREFUSED'}},
    });
    assert.equal(failed.connection.status, 'failed');
    assert.deepEqual(failed.tasks, []);
    const retrying = press(failed, text('r'));
    assert.equal(retrying.connection.status, 'connecting');
    assert.equal(task(retrying, 'connect').id, 2);
  });

  test('up and down wrap, each item opens its screen, q quits', () => {
    const state = connected();
    assert.deepEqual(press(state, up).screen, {name: 'home', cursor: homeItems.length - 1});
    const downs = homeItems.map(() => down);
    assert.deepEqual(press(state, ...downs).screen, {name: 'home', cursor: 0});
    assert.equal(press(state, down, enter).screen.name, 'group');
    assert.equal(press(state, down, down, enter).screen.name, 'verify-ca');
    assert.equal(press(state, down, down, down, enter).screen.name, 'test-certificates');
    assert.equal(press(state, down, down, down, down, enter).screen.name, 'test-enrollment');
    assert.equal(press(state, down, down, down, down, down, enter).screen.name, 'browse');
    assert.deepEqual(press(state, text('q')).screen, {name: 'quit'});
    assert.deepEqual(press(state, up, enter).screen, {name: 'quit'});
    assert.deepEqual(press(state, enter).screen, {name: 'individual'});
  });

  test('Esc while signing in cancels it, and the late connection is ignored', () => {
    const start = initialState(cwd, 'Azure');
    const prompt = {
      verificationUri: 'https://microsoft.com/devicelogin',
      userCode: 'ABC',
      expiresOn: '',
    };
    const signingIn = reducer(start, {
      type: 'progress',
      taskId: 1,
      progress: {kind: 'sign-in-prompt', prompt},
    });
    assert.equal(signingIn.connection.status, 'signing-in');
    const cancelled = press(signingIn, escape);
    assert.equal(cancelled.connection.status, 'failed');
    assert.deepEqual(cancelled.tasks, []);
    assert.equal(
      reducer(cancelled, {type: 'result', taskId: 1, outcome: {kind: 'connected', info}}),
      cancelled,
    );
  });
});

describe('a whole individual enrollment through the reducer', () => {
  test('keys and effect results, from home to the written config.toml and back home', () => {
    let state = atReview();
    const {state: savingState, save} = saving(state);
    assert.deepEqual(save.enrollment, buildIndividualEnrollment(state.individual, info.linkedHubs));
    assert.equal(save.enrollment.registrationId, 'device-01');
    assert.equal(
      save.enrollment.etag,
      undefined,
      'a new enrollment is created, never blindly updated',
    );

    state = reducer(savingState, savedResult(save));
    assert.equal(state.individual.step, 'result');
    assert.deepEqual(state.tasks, []);
    assert.equal(state.individual.saved?.etag, '"1"');

    state = press(state, enter, enter, enter); // device paths (defaults), config
    assert.equal(state.individual.step, 'config', state.individual.stepError);
    state = press(state, text('w'), enter);
    const write = task(state, 'write-file');
    assert.equal(write.path, `${cwd}/device-01.config.toml`);
    assert.equal(write.overwrite, false);
    assert.match(write.content, /registration_id = "device-01"/);
    assert.match(write.content, /iot-edge-device-identity-device-01-full-chain\.cert\.pem/);
    assert.match(write.content, /0ne00000001/);

    state = reducer(state, {
      type: 'result',
      taskId: write.id,
      outcome: {kind: 'file-exists', path: write.path},
    });
    assert.equal(state.individual.confirmOverwrite, true);
    assert.match(
      state.individual.stepError ?? '',
      /already exists: press Enter again to replace it/,
    );
    state = press(state, enter);
    const overwrite = task(state, 'write-file');
    assert.equal(overwrite.overwrite, true);
    state = reducer(state, {
      type: 'result',
      taskId: overwrite.id,
      outcome: {kind: 'file-written', path: overwrite.path},
    });
    assert.equal(state.individual.step, 'config');
    assert.equal(state.individual.configWritten, write.path);
    assert.equal(state.individual.stepError, undefined);

    state = press(state, enter);
    assert.deepEqual(state.screen, {name: 'home', cursor: 0});
    state = press(state, enter);
    assert.equal(
      state.individual.step,
      'certificate',
      'a saved enrollment is done: the next starts clean',
    );
    assert.equal(state.individual.primary.path.value, '');
    assert.deepEqual(state.individual.settings.selectedHubs, [
      'hub-a.azure-devices.net',
      'hub-b.azure-devices.net',
    ]);
  });

  test('Esc on the first step goes home and keeps the form for the next visit', () => {
    const state = press(withCertificate(), escape, escape);
    assert.equal(state.screen.name, 'home');
    const back = press(state, enter);
    assert.equal(back.individual.step, 'certificate');
    assert.equal(back.individual.primary.status.state, 'loaded');
  });

  test('saving while not connected fails at once, saying why, without a task', () => {
    const {state: notConnected, read} = reading(initialState(cwd, 'the local sandbox'));
    let state = reducer(notConnected, certificateRead(read));
    state = press(state, enter, enter, enter, enter, enter, text('hub.example.net'), enter);
    state = press(state, enter, enter, enter, enter, enter);
    assert.equal(state.individual.step, 'save-failed', state.individual.stepError);
    assert.match(state.individual.failure?.message ?? '', /still connecting to DPS/);
    assert.deepEqual(
      state.tasks.map((item) => item.kind),
      ['connect'],
    );
  });
});

describe('results of tasks the user left behind', () => {
  test('a save cancelled with Esc: its late result is ignored', () => {
    const {state, save} = saving();
    const cancelled = press(state, escape);
    assert.equal(cancelled.individual.step, 'review');
    assert.deepEqual(cancelled.tasks, []);
    assert.match(cancelled.individual.stepError ?? '', /saving was cancelled/);
    const late: Action[] = [
      savedResult(save),
      {
        type: 'result',
        taskId: save.id,
        outcome: {kind: 'save-failed', failure: {kind: 'server', message: 'boom'}},
      },
      {
        type: 'result',
        taskId: save.id,
        outcome: {kind: 'exists', existing: savedEnrollment(save.enrollment)},
      },
      {
        type: 'progress',
        taskId: save.id,
        progress: {kind: 'waiting', wait: throttledWait(5, 2)},
      },
    ];
    for (const action of late) assert.equal(reducer(cancelled, action), cancelled, action.type);
  });

  test('a result for a task that never existed, or that already reported, is ignored', () => {
    const {state, save} = saving();
    const done = reducer(state, savedResult(save));
    assert.equal(
      reducer(done, {
        type: 'result',
        taskId: save.id,
        outcome: {kind: 'save-failed', failure: {kind: 'server', message: 'x'}},
      }),
      done,
    );
    assert.equal(reducer(done, certificateRead({id: 999}, 'device-02.pem')), done);
  });

  test('a new save replaces the one still running', () => {
    const {state, save} = saving();
    const retry = press(press(state, escape), enter);
    const again = task(retry, 'save-individual');
    assert.notEqual(again.id, save.id);
    assert.equal(reducer(retry, savedResult(save)), retry);
  });

  test('a save cancelled while DPS was throttling starts the next save without the old notice', () => {
    const {state: throttled} = throttledSave(30);
    const again = press(throttled, escape, enter);
    assert.equal(again.individual.step, 'saving');
    assert.equal(again.individual.waiting, undefined);
  });
});

describe('type-ahead while a step is busy', () => {
  test('keys typed while the certificate is read wait, then replay in order', () => {
    const started = reading();
    let state = started.state;
    const {read} = started;
    assert.equal(isBusy(state), true);
    // The laggy link delivers: Enter (use it), Enter (no secondary), an edit of the ID, Enter, a device ID.
    const typed: KeyEvent[] = [enter, enter, backspace, text('1'), enter, text('edge-01')];
    state = press(state, ...typed.slice(0, 3));
    state = press(state, ...typed.slice(3));
    assert.deepEqual(state.typeAhead, typed);
    assert.equal(state.individual.step, 'certificate');
    assert.equal(state.individual.primary.path.value, 'device-01.pem');

    state = reducer(state, certificateRead(read));
    assert.deepEqual(state.typeAhead, []);
    assert.deepEqual(state.tasks, []);
    assert.equal(state.individual.step, 'device-id', state.individual.stepError);
    assert.equal(state.individual.registrationId.value, 'device-01');
    assert.equal(state.individual.deviceId.value, 'edge-01');
  });

  test('replay stops at the next read and resumes after it', () => {
    let state = withCertificate();
    state = press(state, text('device-01-renewed.pem'), enter);
    const secondary = task(state, 'read-certificate');
    assert.equal(secondary.field, 'secondary');
    state = press(state, enter, enter, text('x'));
    assert.equal(state.typeAhead.length, 3);
    state = reducer(state, certificateRead(secondary, 'device-01-renewed.pem'));
    assert.equal(state.individual.step, 'device-id');
    assert.equal(state.individual.deviceId.value, 'x');
    assert.equal(state.individual.secondary.status.state, 'loaded');
  });

  test('keys typed before a failed read replay on the failed field', () => {
    let state = press(connected(), enter, text('missing.pem'), enter);
    const read = task(state, 'read-certificate');
    state = press(state, backspace, backspace, backspace, text('cer'));
    state = reducer(state, {
      type: 'result',
      taskId: read.id,
      outcome: {kind: 'certificate-failed', message: 'missing.pem does not exist'},
    });
    assert.equal(state.individual.primary.path.value, 'missing.cer');
    assert.equal(state.individual.primary.status.state, 'empty');
    assert.deepEqual(state.typeAhead, []);
  });

  test('keys typed while a path is completed wait for the completion', () => {
    let state = press(connected(), enter, text('dev'), tab);
    const completion = task(state, 'complete-path');
    assert.deepEqual(
      {field: completion.field, text: completion.text},
      {field: 'primary', text: 'dev'},
    );
    state = press(state, text('01.pem'), enter);
    assert.equal(state.individual.primary.path.value, 'dev');
    state = reducer(state, {
      type: 'result',
      taskId: completion.id,
      outcome: {
        kind: 'path-completed',
        value: 'device-',
        candidates: ['device-01.pem', 'device-02.pem'],
        matches: 2,
      },
    });
    assert.equal(state.individual.primary.path.value, 'device-01.pem');
    assert.deepEqual(task(state, 'read-certificate').path, 'device-01.pem');
  });
});

describe('saving over an existing enrollment', () => {
  function existing(): {state: WizardState; current: IndividualEnrollment} {
    const {state, save} = saving();
    const current = {...savedEnrollment(save.enrollment), etag: '"old"'};
    const next = reducer(state, {
      type: 'result',
      taskId: save.id,
      outcome: {kind: 'exists', existing: current},
    });
    assert.equal(next.individual.step, 'exists');
    assert.deepEqual(next.tasks, []);
    return {state: next, current};
  }

  /** u on the "already exists" screen, and the update failing with `failure`. */
  function updateFailed(failure: Failure): WizardState {
    const update = press(existing().state, text('u'));
    const save = task(update, 'save-individual');
    return reducer(update, {
      type: 'result',
      taskId: save.id,
      outcome: {kind: 'save-failed', failure},
    });
  }

  test('a u typed while saving, before the existing enrollment was shown, never replaces it', () => {
    const {state, save} = saving();
    const typed = press(state, text('u'));
    assert.equal(typed.typeAhead.length, 1);
    const current = {...savedEnrollment(save.enrollment), etag: '"old"'};
    const next = reducer(typed, {
      type: 'result',
      taskId: save.id,
      outcome: {kind: 'exists', existing: current},
    });
    assert.equal(next.individual.step, 'exists');
    assert.deepEqual(next.tasks, []);
    assert.deepEqual(next.typeAhead, []);
  });

  test('u saves again with the etag of the enrollment shown', () => {
    const {state} = existing();
    const update = press(state, text('u'));
    assert.equal(task(update, 'save-individual').enrollment.etag, '"old"');
  });

  test('a stale etag drops the update etag, so the next save reads the enrollment first', () => {
    const failed = updateFailed({kind: 'stale-etag', message: 'the enrollment changed'});
    assert.equal(failed.individual.step, 'save-failed');
    assert.equal(failed.individual.updateEtag, undefined);
    const retry = press(failed, text('r'));
    assert.equal(task(retry, 'save-individual').enrollment.etag, undefined);
  });

  test('any other failure keeps the update etag for the retry', () => {
    const failed = updateFailed({kind: 'network', message: 'ECONNRESET'});
    assert.equal(failed.individual.updateEtag, '"old"');
    assert.equal(task(press(failed, enter), 'save-individual').enrollment.etag, '"old"');
  });

  test('throttling is shown while saving and cleared by the result', () => {
    const {state: throttled, save} = throttledSave(3);
    assert.equal(task(throttled, 'save-individual').id, save.id, 'the save is still running');
    const saved = reducer(throttled, savedResult(save));
    assert.equal(saved.individual.waiting, undefined);
  });
});

describe('type-ahead properties', () => {
  const anyKey: fc.Arbitrary<KeyEvent> = fc.oneof(
    fc.constantFrom<KeyEvent>(
      enter,
      enter,
      escape,
      up,
      down,
      tab,
      left,
      right,
      backspace,
      pageDown,
    ),
    fc.constantFrom('a', ' ', 'n', 'u', 'w', 'r', '1', 'x=1', '{').map(text),
  );

  test('keys typed while the certificate is read end where they would after it', () => {
    const {state: busy, read} = reading();
    const result = certificateRead(read);
    fc.assert(
      fc.property(fc.array(anyKey, {maxLength: 40}), fc.nat(), (keys, at) => {
        const split = keys.length === 0 ? 0 : at % (keys.length + 1);
        const after = press(reducer(busy, result), ...keys);
        const typedAhead = press(
          reducer(press(busy, ...keys.slice(0, split)), result),
          ...keys.slice(split),
        );
        assert.deepEqual(typedAhead, after);
      }),
      {numRuns: 300},
    );
  });
});

test('keys typed ahead as far as the review scroll it no further than keys typed later', () => {
  const {state: busy, read} = reading();
  const result = certificateRead(read);
  const keys: KeyEvent[] = [...Array<KeyEvent>(10).fill(enter), ...Array<KeyEvent>(200).fill(down)];
  const after = press(reducer(busy, result), ...keys);
  assert.equal(after.individual.step, 'review');
  const typedAhead = reducer(press(busy, ...keys), result);
  assert.equal(typedAhead.individual.reviewScroll, after.individual.reviewScroll);
});

describe('command letters that arrive together', () => {
  test('two Spaces in one chunk on the hub list toggle twice, like two presses', () => {
    let state = press(withCertificate(), enter, enter, enter, enter);
    assert.equal(state.individual.step, 'hubs');
    const before = state.individual.settings.selectedHubs;
    state = press(state, text(' '));
    assert.equal(state.individual.settings.selectedHubs.length, before.length - 1);
    state = press(state, text('  '));
    assert.equal(state.individual.settings.selectedHubs.length, before.length - 1);
    assert.notDeepEqual(
      press(state, text('   ')).individual.settings.selectedHubs,
      state.individual.settings.selectedHubs,
    );
  });

  test('a pasted text on the "already exists" screen never replaces the enrollment', () => {
    let state = toReview(withCertificate());
    assert.equal(state.individual.step, 'review');
    state = press(state, enter);
    const save = task(state, 'save-individual');
    const existing: IndividualEnrollment = {
      registrationId: 'device-01',
      etag: '"e1"',
      attestation: {type: 'x509'},
    };
    state = reducer(state, {type: 'result', taskId: save.id, outcome: {kind: 'exists', existing}});
    assert.equal(state.individual.step, 'exists');
    const pasted = press(state, text('update'));
    assert.equal(pasted.individual.step, 'exists');
    assert.equal(
      pasted.tasks.some((item) => item.kind === 'save-individual'),
      false,
    );
    assert.equal(press(state, text('u')).individual.step, 'saving');
  });
});

describe('test chain files handed to the CA flow', () => {
  test('without ARM they are kept unread, not left reading with no read task', () => {
    const start = initialState(cwd, 'a connection string');
    const home = reducer(start, {
      type: 'result',
      taskId: task(start, 'connect').id,
      outcome: {
        kind: 'connected',
        info: {...info, mode: 'connection-string', armAvailable: false, linkedHubs: []},
      },
    });
    const opened = openFlow(home, {
      flow: 'verify-ca',
      with: {
        kind: 'files',
        certificatePath: 'out/certs/azure-iot-test-only.root.ca.cert.pem',
        keyPath: 'out/private/azure-iot-test-only.root.ca.key.pem',
        name: 'azure-iot-test-only-root',
      },
    });
    assert.equal(opened.ca.step, 'needs-arm');
    assert.deepEqual(opened.tasks, []);
    assert.equal(opened.ca.certificateFile.status.state, 'empty');
    assert.equal(
      opened.ca.certificateFile.path.value,
      'out/certs/azure-iot-test-only.root.ca.cert.pem',
    );
  });
});

describe("the group's CA list read again while the cursor was on its last row", () => {
  test('Enter chooses a listed CA, never moves on without a primary CA', () => {
    const verified: CaCertificate = {name: 'root-ca', etag: '"1"', isVerified: true};
    const unverified: CaCertificate = {name: 'intermediate-ca', etag: '"1"', isVerified: false};
    const listing = press(
      onGroupScreen({step: 'attestation', groupId: draftOf('edge-group')}),
      enter,
    );
    const onLast = press(caListRead(listing, [verified, unverified]), down);
    assert.equal(onLast.group.caCursor, 1);
    // n adds a CA; Esc leaves the add form for the list, read again: root-ca was deleted meanwhile.
    const adding = press(onLast, text('n'), escape);
    const back = press(caListRead(adding, [unverified]), escape);
    assert.equal(back.screen.name, 'group');
    assert.equal(back.group.step, 'ca-primary');
    const chosen = press(back, enter);
    assert.equal(chosen.screen.name, 'verify-ca', 'the unverified CA is verified first');
    assert.equal(chosen.ca.target?.name, 'intermediate-ca');
    assert.equal(chosen.group.caPrimary.value, '');
    assert.equal(chosen.group.step, 'ca-primary');
  });
});

describe('Esc typed ahead', () => {
  test('replayed onto a step where Esc acts at once, it acts at once too', () => {
    const unverified: CaCertificate = {name: 'intermediate-ca', etag: '"1"', isVerified: false};
    const listed = caListRead(press(connected(), down, down, enter), [unverified]);
    const generating = press(listed, enter);
    assert.equal(generating.ca.step, 'generating');
    // Esc, Esc while the code is made: back to the list (read again), and from it home, as typed after.
    const typed = press(generating, escape, escape);
    const code = reducer(typed, {
      type: 'result',
      taskId: task(typed, 'generate-verification-code').id,
      outcome: {kind: 'code', etag: '"2"', verificationCode: 'ABC123'},
    });
    assert.deepEqual(code.screen, {name: 'home', cursor: 0});
    assert.deepEqual(code.typeAhead, []);
  });
});
