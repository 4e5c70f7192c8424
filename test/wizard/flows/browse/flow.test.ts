import {describe, test} from 'node:test';
import assert from 'node:assert/strict';
import {
  backTab,
  backspace,
  connected,
  down,
  enter,
  escape,
  pageDown,
  press,
  tab,
  task,
  text,
  throttledWait,
  up,
} from '../../../helpers/app-state.js';
import {initialState, isBusy, keyHints, reducer} from '../../../../source/wizard/core/reducer.js';
import {openFlow} from '../../../../source/wizard/core/flows.js';
import type {WizardState} from '../../../../source/wizard/core/state.js';
import {visibleItems} from '../../../../source/wizard/flows/browse/list.js';
import {detailsText} from '../../../../source/wizard/flows/browse/details.js';
import type {BrowseItem, BrowseOutcome} from '../../../../source/wizard/flows/browse/state.js';
import type {ConnectionInfo} from '../../../../source/wizard/shared/types.js';

const enrollment = (id: string, etag = '"1"'): BrowseItem => ({
  tab: 'enrollments',
  item: {registrationId: id, attestation: {type: 'x509'}, etag},
});

const page = (from: number, count: number) =>
  Array.from({length: count}, (_, index) =>
    enrollment(`device-${String(from + index).padStart(4, '0')}`),
  );

/** The result of the one running task of `kind`. */
function settle(
  state: WizardState,
  kind: 'browse-page' | 'browse-read' | 'browse-delete',
  outcome: BrowseOutcome,
): WizardState {
  return reducer(state, {type: 'result', taskId: task(state, kind).id, outcome});
}

const openBrowse = (state: WizardState = connected()) =>
  openFlow(state, {flow: 'browse', with: {kind: 'home'}});

/** Browsing, with the first page of enrollments read; more in DPS. */
function firstPage(count = 100): WizardState {
  return settle(openBrowse(), 'browse-page', {
    kind: 'browse-page-read',
    items: page(0, count),
    continuationToken: 'token-1',
  });
}

describe('browse: pages', () => {
  test('opening reads the first page of the tab; the list never waits for it', () => {
    const opened = openBrowse();
    assert.equal(opened.screen.name, 'browse');
    const asked = task(opened, 'browse-page');
    assert.equal(asked.tab, 'enrollments');
    assert.equal(asked.continuationToken, undefined);
    assert.equal(isBusy(opened), false);
    // Keys typed while the page is read go to the filter at once.
    const typed = press(opened, text('dev'));
    assert.equal(typed.browse.filter.value, 'dev');
    assert.deepEqual(typed.typeAhead, []);
  });

  test('Ctrl+R reads the list again from its first page, keeping the filter; older pages are ignored', () => {
    let state = press(firstPage(20), down, down, text('device-00'));
    const stale = task(state, 'browse-page');
    state = press(state, {kind: 'ctrl', letter: 'r'});
    assert.equal(state.browse.filter.value, 'device-00');
    assert.equal(state.browse.cursor, 0);
    assert.equal(state.browse.lists.enrollments.items.length, 0);
    const fresh = state.tasks.find(
      (running) => running.kind === 'browse-page' && running.id !== stale.id,
    );
    assert.ok(fresh?.kind === 'browse-page', 'a page is asked for anew');
    assert.equal(fresh.continuationToken, undefined);
    // The page asked for before the reload lands late: it belongs to the old list and is dropped.
    state = reducer(state, {
      type: 'result',
      taskId: stale.id,
      outcome: {kind: 'browse-page-read', items: page(20, 60)},
    });
    assert.equal(state.browse.lists.enrollments.items.length, 0);
    state = reducer(state, {
      type: 'result',
      taskId: fresh.id,
      outcome: {kind: 'browse-page-read', items: page(0, 3)},
    });
    assert.equal(state.browse.lists.enrollments.items.length, 3);
  });

  test('the next page is read with its continuation token when the cursor nears the end', () => {
    // 20 rows fill less than two screens: the next page is asked for at once.
    let state = firstPage(20);
    assert.equal(task(state, 'browse-page').continuationToken, 'token-1');
    state = settle(state, 'browse-page', {kind: 'browse-page-read', items: page(20, 60)});
    assert.equal(state.browse.lists.enrollments.items.length, 80);
    assert.equal(state.browse.lists.enrollments.next, undefined);
    // The last page read: nothing more is asked for, wherever the cursor goes.
    state = press(state, pageDown, pageDown, pageDown, pageDown, pageDown, pageDown, pageDown);
    assert.equal(state.browse.cursor, 79);
    assert.equal(
      state.tasks.filter((item) => item.kind === 'browse-page').length,
      0,
      'no page once all are read',
    );
  });

  test('a first page of 100 asks for no more until the cursor moves down', () => {
    let state = firstPage(100);
    assert.equal(state.tasks.filter((item) => item.kind === 'browse-page').length, 0);
    state = press(state, ...Array(7).fill(pageDown));
    assert.equal(task(state, 'browse-page').continuationToken, 'token-1');
  });

  test('a failed page keeps what was read, says why, and r asks for the same page again', () => {
    let state = firstPage(100);
    state = press(state, ...Array(7).fill(pageDown));
    state = settle(state, 'browse-page', {
      kind: 'browse-page-failed',
      failure: {kind: 'network', message: 'could not reach DPS (ECONNRESET)'},
    });
    assert.equal(state.browse.lists.enrollments.state, 'failed');
    assert.equal(state.browse.lists.enrollments.items.length, 100);
    assert.ok(keyHints(state).includes('r retry'));
    const retried = press(state, text('r'));
    assert.equal(task(retried, 'browse-page').continuationToken, 'token-1');
    assert.equal(retried.browse.filter.value, '', 'r retried, it was not typed');
  });

  test('a wait for a throttled page is shown on the flow', () => {
    const opened = openBrowse();
    const waiting = reducer(opened, {
      type: 'progress',
      taskId: task(opened, 'browse-page').id,
      progress: {kind: 'waiting', wait: throttledWait(3)},
    });
    assert.equal(waiting.browse.waiting?.delayMs, 3000);
  });

  test('a page that lands after the list started over is ignored', () => {
    const opened = openBrowse();
    const stale = task(opened, 'browse-page');
    const reopened = openBrowse({...opened, screen: {name: 'home', cursor: 0}});
    const landed = reducer(reopened, {
      type: 'result',
      taskId: stale.id,
      outcome: {kind: 'browse-page-read', items: page(0, 5)},
    });
    assert.equal(landed.browse.lists.enrollments.items.length, 0);
    assert.equal(landed.browse.lists.enrollments.state, 'loading');
  });

  test('Tab moves to groups and reads them; registrations wait for a group; CA needs ARM', () => {
    let state = press(firstPage(), tab);
    assert.equal(state.browse.tab, 'groups');
    assert.equal(task(state, 'browse-page').tab, 'groups');
    state = press(state, tab);
    assert.equal(state.browse.tab, 'registrations');
    assert.equal(state.tasks.filter((item) => item.kind === 'browse-page').length, 1);

    const connectionString: ConnectionInfo = {
      mode: 'connection-string',
      serviceHostName: 'contoso.azure-devices-provisioning.net',
      armAvailable: false,
      linkedHubs: [],
    };
    const start = initialState('/tmp', 'a connection string');
    const home = reducer(start, {
      type: 'result',
      taskId: task(start, 'connect').id,
      outcome: {kind: 'connected', info: connectionString},
    });
    const caTab = press(openBrowse(home), backTab);
    assert.equal(caTab.browse.tab, 'ca');
    assert.equal(caTab.browse.lists.ca.state, 'failed');
    assert.equal(caTab.browse.lists.ca.failure?.kind, 'needs-arm');
    assert.equal(caTab.tasks.filter((item) => item.kind === 'browse-page').length, 1);
  });
});

describe('browse: filter and cursor', () => {
  test('typing filters the IDs read, any case; Esc clears the filter, then goes home', () => {
    let state = firstPage(100);
    state = press(state, text('DEVICE-004'));
    assert.deepEqual(
      visibleItems(state.browse).map((entry) => entry.item.etag && entry.tab),
      Array(10).fill('enrollments'),
    );
    state = press(state, text('2'));
    assert.equal(visibleItems(state.browse).length, 1);
    state = press(state, backspace, backspace);
    assert.equal(state.browse.filter.value, 'DEVICE-00');
    state = press(state, escape);
    assert.equal(state.browse.filter.value, '');
    assert.equal(state.screen.name, 'browse');
    assert.equal(press(state, escape).screen.name, 'home');
  });

  test('a filter with few matches reads further pages, and pauses after a few', () => {
    let state = press(firstPage(100), text('device-9'));
    for (let read = 1; read < 30; read++) {
      const asked = state.tasks.find((item) => item.kind === 'browse-page');
      if (!asked) break;
      state = settle(state, 'browse-page', {
        kind: 'browse-page-read',
        items: page(read * 100, 100),
        continuationToken: `token-${read + 1}`,
      });
    }
    const read = state.browse.lists.enrollments.items.length;
    assert.ok(read > 100 && read <= 2100, `${read} read`);
    assert.equal(state.tasks.filter((item) => item.kind === 'browse-page').length, 0);
    // Down at the end of the matches searches on.
    state = press(state, down);
    assert.equal(task(state, 'browse-page').tab, 'enrollments');
  });

  test('the cursor stays within the rows, and the rows on screen follow it', () => {
    let state = firstPage(100);
    state = press(state, up);
    assert.equal(state.browse.cursor, 0);
    state = press(state, ...Array(20).fill(down));
    assert.equal(state.browse.cursor, 20);
    assert.ok(state.browse.top > 0 && state.browse.top <= 20);
  });
});

describe('browse: keys while the next page is read', () => {
  /** The cursor on the last of the 100 rows read, the next page being read. */
  function onLastRowRead(): WizardState {
    const state = press(firstPage(100), ...Array(99).fill(down));
    assert.equal(state.browse.cursor, 99);
    assert.equal(task(state, 'browse-page').continuationToken, 'token-1');
    return state;
  }
  const secondPage = {
    kind: 'browse-page-read',
    items: page(100, 100),
    continuationToken: 'token-2',
  } as const;

  test('Down on the last row read moves on when the page lands; the next Down moves once more', () => {
    let state = press(onLastRowRead(), down);
    assert.equal(state.browse.cursor, 99, 'row 100 is not read yet');
    assert.equal(isBusy(state), true);
    state = settle(state, 'browse-page', secondPage);
    assert.equal(state.browse.cursor, 100);
    assert.equal(isBusy(state), false);
    state = press(state, down);
    assert.equal(state.browse.cursor, 101);
    assert.equal(visibleItems(state.browse)[state.browse.cursor]?.item.etag, '"1"');
    assert.ok(state.browse.top <= 101 && state.browse.top + 12 > 101, 'the cursor is on screen');
  });

  test('keys pressed before the page lands wait for it and are applied in order', () => {
    let state = press(onLastRowRead(), down, down, up, down, enter);
    assert.equal(state.typeAhead.length, 4);
    state = settle(state, 'browse-page', secondPage);
    assert.deepEqual(state.typeAhead, []);
    assert.equal(state.browse.step, 'details');
    assert.equal(
      state.browse.shown?.tab === 'enrollments' && state.browse.shown.item.registrationId,
      'device-0101',
    );
  });

  test('PgDn past the rows read goes as far as it can, and the rest when the page lands', () => {
    let state = press(firstPage(100), ...Array(8).fill(pageDown));
    assert.equal(state.browse.cursor, 96);
    state = press(state, pageDown);
    assert.equal(state.browse.cursor, 99);
    state = settle(state, 'browse-page', secondPage);
    assert.equal(state.browse.cursor, 108);
  });

  test('a failed page leaves the cursor on the last row read; the keys that waited are applied', () => {
    let state = press(onLastRowRead(), down, up);
    state = settle(state, 'browse-page', {
      kind: 'browse-page-failed',
      failure: {kind: 'network', message: 'could not reach DPS (ECONNRESET)'},
    });
    assert.equal(state.browse.cursor, 98);
    assert.equal(isBusy(state), false);
  });

  test('Esc while the cursor waits for a page gives up the wait at once', () => {
    const waiting = press(onLastRowRead(), down, text('x'));
    assert.deepEqual(waiting.typeAhead, [text('x')]);
    const left = press(waiting, escape);
    assert.equal(left.screen.name, 'home');
    assert.deepEqual(left.typeAhead, []);
    assert.equal(left.browse.cursorTarget, undefined);
  });

  test('Down at the end of a list read to its end does nothing and waits for nothing', () => {
    let state = settle(openBrowse(), 'browse-page', {kind: 'browse-page-read', items: page(0, 5)});
    state = press(state, ...Array(6).fill(down));
    assert.equal(state.browse.cursor, 4);
    assert.equal(isBusy(state), false);
  });
});

describe('browse: details and delete', () => {
  test('Enter shows the item at once and reads it again; the read replaces it', () => {
    let state = press(firstPage(), down, enter);
    assert.equal(state.browse.step, 'details');
    assert.equal(state.browse.shown?.item.etag, '"1"');
    const read = task(state, 'browse-read');
    assert.equal(
      read.target.tab === 'enrollments' && read.target.item.registrationId,
      'device-0001',
    );
    state = settle(state, 'browse-read', {
      kind: 'browse-item-read',
      item: {
        tab: 'enrollments',
        item: {
          registrationId: 'device-0001',
          attestation: {type: 'x509'},
          etag: '"2"',
          registrationState: {
            registrationId: 'device-0001',
            status: 'assigned',
            assignedHub: 'hub-1.azure-devices.net',
          },
        },
      },
    });
    assert.equal(state.browse.shown?.item.etag, '"2"');
    assert.equal(state.browse.reading, false);
    assert.match(detailsText(state.browse.shown!), /Assigned hub\s+hub-1\.azure-devices\.net/);
  });

  test('d asks for the ID typed; a wrong one deletes nothing; the right one deletes with the etag', () => {
    let state = press(firstPage(), enter);
    state = settle(state, 'browse-read', {
      kind: 'browse-item-read',
      item: enrollment('device-0000', '"7"'),
    });
    state = press(state, text('d'));
    assert.equal(state.browse.step, 'delete');
    state = press(state, text('device-000'), enter);
    assert.equal(state.browse.step, 'delete');
    assert.match(state.browse.stepError ?? '', /not device-0000/);
    assert.equal(state.tasks.filter((item) => item.kind === 'browse-delete').length, 0);
    state = press(state, text('0'), enter);
    assert.equal(state.browse.step, 'deleting');
    assert.equal(isBusy(state), true);
    const deleting = task(state, 'browse-delete');
    assert.equal(deleting.target.item.etag, '"7"');
    state = settle(state, 'browse-delete', {kind: 'browse-deleted'});
    assert.equal(state.browse.step, 'list');
    assert.match(state.browse.notice ?? '', /Deleted individual enrollment device-0000/);
    assert.equal(state.browse.lists.enrollments.items.length, 99);
  });

  test('a stale etag deletes nothing: the item is read again and shown with why', () => {
    let state = press(firstPage(), enter, text('d'), text('device-0000'), enter);
    state = settle(state, 'browse-delete', {
      kind: 'browse-delete-failed',
      failure: {kind: 'stale-etag', message: 'the enrollment changed (412)'},
    });
    assert.equal(state.browse.step, 'details');
    assert.match(state.browse.stepError ?? '', /changed in DPS after it was read/);
    assert.equal(task(state, 'browse-read').target.item.etag, '"1"');
    assert.equal(state.browse.lists.enrollments.items.length, 100, 'nothing removed');
  });

  test('a refused delete keeps the typed ID and says what to do; Enter tries again', () => {
    let state = press(firstPage(), enter, text('d'), text('device-0000'), enter);
    state = settle(state, 'browse-delete', {
      kind: 'browse-delete-failed',
      failure: {kind: 'unauthorized', message: 'DPS refused the credentials (401)'},
    });
    assert.equal(state.browse.step, 'delete');
    assert.equal(state.browse.confirm.value, 'device-0000');
    assert.match(state.browse.stepError ?? '', /check the connection string/);
    assert.equal(press(state, enter).browse.step, 'deleting');
  });

  test('e hands the enrollment or group, as last read, to its flow to edit', () => {
    let state = press(firstPage(), enter);
    state = settle(state, 'browse-read', {
      kind: 'browse-item-read',
      item: enrollment('device-0000', '"9"'),
    });
    assert.ok(keyHints(state).includes('e edit'));
    const editing = press(state, text('e'));
    assert.equal(editing.screen.name, 'individual');
    assert.equal(editing.individual.registrationId.value, 'device-0000');

    let groups = press(firstPage(), tab);
    groups = settle(groups, 'browse-page', {
      kind: 'browse-page-read',
      items: [{tab: 'groups', item: {enrollmentGroupId: 'line-7', attestation: {type: 'x509'}}}],
    });
    const group = press(groups, enter, text('e'));
    assert.equal(group.screen.name, 'group');
    assert.equal(group.group.groupId.value, 'line-7');
  });

  test('t tests the enrollment, or a device of the group, with its ID filled in', () => {
    let state = press(firstPage(), enter);
    state = settle(state, 'browse-read', {
      kind: 'browse-item-read',
      item: enrollment('device-0000', '"9"'),
    });
    assert.ok(keyHints(state).includes('t test'));
    const testing = press(state, text('t'));
    assert.equal(testing.screen.name, 'test-enrollment');
    assert.equal(testing.testEnrollment.registrationId.value, 'device-0000');

    let groups = press(firstPage(), tab);
    groups = settle(groups, 'browse-page', {
      kind: 'browse-page-read',
      items: [{tab: 'groups', item: {enrollmentGroupId: 'line-7', attestation: {type: 'x509'}}}],
    });
    const group = press(groups, enter, text('t'));
    assert.equal(group.screen.name, 'test-enrollment');
    assert.equal(group.testEnrollment.group, 'line-7');
  });

  test('v on an unverified CA opens its proof of possession; a verified one has no v', () => {
    let state = press(firstPage(), backTab);
    state = settle(state, 'browse-page', {
      kind: 'browse-page-read',
      items: [
        {tab: 'ca', item: {name: 'root-a', etag: '"a"', isVerified: true}},
        {tab: 'ca', item: {name: 'root-b', etag: '"b"', isVerified: false}},
      ],
    });
    const verified = press(state, enter);
    assert.ok(!keyHints(verified).includes('v verify'));
    assert.equal(press(verified, text('v')).screen.name, 'browse');
    const unverified = press(state, down, enter);
    assert.ok(keyHints(unverified).includes('v verify'));
    const opened = press(unverified, text('v'));
    assert.equal(opened.screen.name, 'verify-ca');
    assert.equal(opened.ca.opening, 'root-b');
    // The CA flow reads the list for the current etag, then starts the loop for that CA.
    const listed = reducer(opened, {
      type: 'result',
      taskId: task(opened, 'list-ca-certificates').id,
      outcome: {
        kind: 'ca-certificates-listed',
        certificates: [{name: 'root-b', etag: '"b2"', isVerified: false}],
      },
    });
    assert.equal(listed.ca.step, 'generating');
    assert.equal(task(listed, 'generate-verification-code').etag, '"b2"');
  });

  test('g on a group lists the registration states of that group', () => {
    let state = press(firstPage(), tab);
    state = settle(state, 'browse-page', {
      kind: 'browse-page-read',
      items: [{tab: 'groups', item: {enrollmentGroupId: 'line-7', attestation: {type: 'x509'}}}],
    });
    state = press(state, enter, text('g'));
    assert.equal(state.browse.step, 'list');
    assert.equal(state.browse.tab, 'registrations');
    const asked = task(state, 'browse-page');
    assert.equal(asked.groupId, 'line-7');
  });
});
