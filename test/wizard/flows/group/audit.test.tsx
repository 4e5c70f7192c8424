import {after, describe, test} from 'node:test';
import assert from 'node:assert/strict';
import {Box} from 'ink';
import {bodySize, defaultViewport, type Viewport} from '../../../../source/wizard/shared/layout.js';
import type {CaCertificate} from '../../../../source/dps/types.js';
import {GroupScreen} from '../../../../source/wizard/flows/group/view.js';
import {
  certificatesForFile,
  cwd,
  down,
  enter,
  onGroupPreflight,
  onGroupScreen,
  press,
  text,
} from '../../../helpers/app-state.js';
import {cleanup, frame, render} from '../../../helpers/ink.js';
import type {PreflightReport} from '../../../../source/wizard/flows/group/state.js';
import type {WizardState} from '../../../../source/wizard/core/state.js';
import {initialState} from '../../../../source/wizard/core/reducer.js';
import {contextOf} from '../../../../source/wizard/core/flows.js';

after(cleanup);

/** A long report: a bad CN, an expired CA and a chain that misses the group's CA. */
const longReport: PreflightReport = {
  registrationId: 'Bad Name!',
  anchor: 'azure-iot-test-only.intermediate.ca',
  links: [
    {subject: 'Bad Name!', signedBy: 'expired-ca', ok: true},
    {subject: 'expired-ca', signedBy: 'old-root', ok: true},
  ],
  findings: [
    {
      severity: 'error',
      code: 'registration-id-invalid',
      message:
        "the registration ID 'Bad Name!' contains ' ', '!', which are not allowed; use up to 64 letters, digits, '-', '.', '_' and ':', starting with a letter or digit and ending with a letter, digit or '-'",
      hint: 'issue the certificate with a CN made of letters, digits, hyphens, dots, underscores or colons',
    },
    {
      severity: 'error',
      code: 'expired',
      message: 'link 2: "expired-ca" expired on 2024-01-31T00:00:00.000Z',
      hint: 'issue a new certificate (and update the enrollment if it holds this one)',
    },
    {
      severity: 'error',
      code: 'chain-misses-ca',
      message:
        'the chain ends at the root "old-root" without passing the CA "azure-iot-test-only.intermediate.ca"',
      hint: 'this certificate was not issued under the CA you enrolled: check which CA signed it',
    },
  ],
};

/** The group screen in the body as the app lays it out: a step taller than it is cut at the bottom. */
function renderBody(state: WizardState, viewport: Viewport) {
  const body = bodySize(viewport);
  return render(
    <Box flexDirection="column" width={body.width} height={body.height} overflow="hidden">
      <Box flexDirection="column" flexShrink={0}>
        <GroupScreen flow={state.group} context={contextOf({...state, viewport})} />
      </Box>
    </Box>,
  );
}

describe('group pre-flight on an 80x24 terminal', () => {
  const files = certificatesForFile();

  test('a report longer than the screen still shows whether the device would be refused', async () => {
    const device = files('device-01.pem');
    const state = onGroupPreflight(device, {state: 'done', report: longReport});
    const app = await renderBody(state, defaultViewport);
    assert.match(frame(app), /This device would be refused/);
  });
});

describe('the group CA list on a short terminal', () => {
  test('at 80x16 the row under the cursor and its note stay on screen', async () => {
    const certificates: CaCertificate[] = Array.from({length: 18}, (_, index) => ({
      name: `ca-${String(index + 1).padStart(2, '0')}`,
      etag: `etag-${index}`,
      subject: 'CN=azure-iot-test-only.root.ca',
      isVerified: index < 17,
    }));
    const state = onGroupScreen({
      step: 'ca-primary',
      caCertificates: {state: 'loaded', certificates},
      caCursor: 17,
    });
    const app = await renderBody(state, {columns: 80, rows: 16});
    assert.match(frame(app), /❯ ca-18/);
    assert.match(frame(app), /'ca-18' is not verified/);
  });
});

describe('the attestation step while still connecting', () => {
  test('Enter on the CA reference says to wait for the connection, and no connection string is blamed', async () => {
    const state = press(
      initialState(cwd, 'the local sandbox'),
      down,
      enter,
      text('early'),
      enter,
      enter,
    );
    assert.equal(state.group.step, 'attestation');
    const app = await renderBody(state, defaultViewport);
    assert.match(frame(app), /not connected to DPS yet/);
    assert.doesNotMatch(frame(app), /service connection string/);
  });
});

describe('the group CA list with long names', () => {
  test('every row keeps saying whether its CA is verified, and the chosen name is shown in full', async () => {
    const long = (year: number, isVerified: boolean): CaCertificate => ({
      name: `contoso-${'x'.repeat(60)}-root-ca-${year}`,
      etag: `etag-${year}`,
      subject: 'CN=contoso-root',
      isVerified,
    });
    const chosen = long(2025, true);
    const state = onGroupScreen({
      step: 'ca-primary',
      caCertificates: {state: 'loaded', certificates: [chosen, long(2026, false)]},
      caCursor: 0,
    });
    const app = await renderBody(state, defaultViewport);
    const rows = frame(app)
      .split('\n')
      .filter((line) => line.includes('contoso-') && line.includes(' · '));
    assert.equal(rows.length, 2, frame(app));
    assert.match(rows[0]!, /✔ verified/);
    assert.match(rows[1]!, /not verified/);
    // The row under the cursor is named in full below the list.
    assert.ok(frame(app).replace(/\n/g, '').includes(chosen.name), frame(app));
  });
});
