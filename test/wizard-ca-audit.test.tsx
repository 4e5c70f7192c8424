import {afterEach, describe, test} from 'node:test';
import assert from 'node:assert/strict';
import {enterCa} from '../source/app/ca-flow.js';
import {bodySize} from '../source/app/layout.js';
import {reducer} from '../source/app/reducer.js';
import type {WizardState} from '../source/app/state.js';
import type {CaCertificate} from '../source/dps/types.js';
import {CaScreen} from '../source/screens/ca-screen.js';
import {connected, task} from './helpers/app-state.js';
import {cleanup, frame, render} from './helpers/ink.js';

afterEach(cleanup);

const certificates: CaCertificate[] = Array.from({length: 15}, (_, index) => ({
  name: `fleet-ca-${String(index + 1).padStart(2, '0')}`,
  etag: `E${index}`,
  isVerified: false,
  subject: `CN=Fleet CA ${index + 1}`,
  thumbprint: String(index).padStart(40, '0'),
}));

/** The CA list of 15 certificates on a terminal of `rows` lines, the cursor on the last certificate. */
function listedOn(rows: number): WizardState {
  const opened = enterCa({...connected(), viewport: {columns: 80, rows}});
  const state = reducer(opened, {
    type: 'ca-certificates-listed',
    taskId: task(opened, 'list-ca-certificates').id,
    certificates,
  });
  return {...state, ca: {...state.ca, listCursor: 14}};
}

describe('the CA list on a short terminal', () => {
  for (const rows of [24, 20, 18]) {
    test(`at 80x${rows} it fits the body and shows the cursor's row`, async () => {
      const state = listedOn(rows);
      const app = await render(<CaScreen state={state} />);
      const lines = frame(app).split('\n');
      assert.ok(
        lines.length <= bodySize(state.viewport).height,
        `${lines.length} lines in a body of ${bodySize(state.viewport).height}`,
      );
      assert.ok(
        lines.some((line) => line.startsWith('❯ fleet-ca-15')),
        `the cursor's row is shown:\n${frame(app)}`,
      );
    });
  }
});

describe('the CA list with long names', () => {
  test('names that differ only at the end can be told apart', async () => {
    const named = (name: string, index: number): CaCertificate => ({
      name,
      etag: `N${index}`,
      isVerified: false,
      subject: 'CN=Contoso Root',
      thumbprint: String(index).padStart(40, '0'),
    });
    const opened = enterCa(connected());
    const state = reducer(opened, {
      type: 'ca-certificates-listed',
      taskId: task(opened, 'list-ca-certificates').id,
      certificates: [
        named('contoso-fleet-root-ca-2025', 1),
        named('contoso-fleet-root-ca-2026', 2),
      ],
    });
    const app = await render(<CaScreen state={state} />);
    const rows = frame(app)
      .split('\n')
      .filter((line) => line.includes('Contoso Root'));
    assert.equal(rows.length, 2);
    assert.match(rows[0] ?? '', /contoso-f….*2025 /);
    assert.match(rows[1] ?? '', /contoso-f….*2026 /);
    assert.ok(rows.every((line) => [...line].length <= 80));
  });
});
