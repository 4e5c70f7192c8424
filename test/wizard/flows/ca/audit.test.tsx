import {afterEach, describe, test} from 'node:test';
import {mkdtemp, rm, writeFile} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import assert from 'node:assert/strict';
import {contextOf, openFlow} from '../../../../source/wizard/core/flows.js';
import {bodySize} from '../../../../source/wizard/shared/layout.js';
import type {CaCertificate} from '../../../../source/dps/types.js';
import {CaScreen} from '../../../../source/wizard/flows/ca/view.js';
import {CertificateStep} from '../../../../source/wizard/shared/certificate-step.js';
import {readCertificateFor} from '../../../../source/wizard/runtime/certificate-file.js';
import {caListRead, connected, enter, press} from '../../../helpers/app-state.js';
import {cleanup, frame, render} from '../../../helpers/ink.js';
import {makeCa, signedBy} from '../../../helpers/test-certificates.js';
import type {WizardState} from '../../../../source/wizard/core/state.js';
import {emptyCertificateField} from '../../../../source/wizard/shared/certificate-field.js';

afterEach(cleanup);

/** The CA flow opened from the home screen. */
const enterCa = (state: WizardState) => openFlow(state, {flow: 'verify-ca', with: {kind: 'home'}});

/** The CA screen of `state`, as the wizard draws it. */
const caScreenOf = (state: WizardState) => <CaScreen flow={state.ca} context={contextOf(state)} />;

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
  const state = caListRead(opened, certificates);
  return {...state, ca: {...state.ca, listCursor: 14}};
}

describe('the CA list on a short terminal', () => {
  for (const rows of [24, 20, 18]) {
    test(`at 80x${rows} it fits the body and shows the cursor's row`, async () => {
      const state = listedOn(rows);
      const app = await render(caScreenOf(state));
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
  test("the chosen certificate's name is shown in full, so names cut alike can be told apart", async () => {
    const named = (name: string, index: number): CaCertificate => ({
      name,
      etag: `N${index}`,
      isVerified: false,
      subject: 'CN=Contoso Root',
      thumbprint: String(index).padStart(40, '0'),
    });
    const opened = enterCa(connected());
    const listedState = caListRead(opened, [
      named('contoso-fleet-root-ca-2025', 1),
      named('contoso-fleet-root-ca-2026', 2),
      named('short-ca', 3),
    ]);
    const on = (cursor: number): WizardState => ({
      ...listedState,
      ca: {...listedState.ca, listCursor: cursor},
    });
    const first = await render(caScreenOf(on(0)), {columns: 80});
    assert.match(frame(first), /^ {2}contoso-fleet-root-ca-2025 · Contoso Root$/m);
    assert.doesNotMatch(frame(first), /contoso-fleet-root-ca-2026 ·/);
    await cleanup();
    const second = await render(caScreenOf(on(1)), {columns: 80});
    assert.match(frame(second), /^ {2}contoso-fleet-root-ca-2026 · Contoso Root$/m);
    await cleanup();
    const short = await render(caScreenOf(on(2)), {columns: 80});
    assert.match(frame(short), /^ {2}SHA-1 0{39}3$/m, 'the full thumbprint, on a line of its own');
    const lines = frame(short).split('\n');
    assert.ok(lines.every((line) => [...line].length <= 80));
  });
});

describe('the CA list with a notice', () => {
  test('at 80x24 a verified certificate with a long name keeps its whole notice on screen', async () => {
    const long = certificates.map((certificate, index) => ({
      ...certificate,
      name: `${certificate.name}-with-a-rather-long-name`,
      isVerified: index === 7,
    }));
    const opened = enterCa(connected());
    const state = caListRead(opened, long);
    const noticed = press({...state, ca: {...state.ca, listCursor: 7}}, enter);
    assert.match(noticed.ca.notice ?? '', /is verified already/);
    const app = await render(caScreenOf(noticed), {columns: 80});
    const lines = frame(app).split('\n');
    assert.ok(lines.length <= bodySize(noticed.viewport).height, frame(app));
    assert.match(frame(app), /can reference it/);
    assert.ok(lines.some((line) => line.startsWith('❯ fleet-ca-08')));
  });
});

describe('a certificate file that holds a chain', () => {
  test('says that only its first certificate is sent', async () => {
    const folder = await mkdtemp(join(tmpdir(), 'dps-enroll-ca-audit-chain-'));
    try {
      const root = await makeCa('chain-root');
      const intermediate = await signedBy(root, 'chain-intermediate', 'ca');
      const path = join(folder, 'full-chain.pem');
      await writeFile(path, intermediate.certificatePem + root.certificatePem);
      const certificate = await readCertificateFor('ca', 'full-chain.pem', path);
      assert.equal(certificate.moreCertificates, 1);
      const step = (loaded: typeof certificate) => (
        <CertificateStep
          title="CA certificate file"
          explanation="The root or intermediate CA certificate."
          field={{
            ...emptyCertificateField,
            status: {state: 'loaded', certificate: loaded, warningsAccepted: false},
          }}
          stepError={undefined}
          width={80}
        />
      );
      const app = await render(step(certificate), {columns: 80});
      assert.match(
        frame(app),
        /Chain {4}the file holds 1 more certificate; only this first one is sent to DPS/,
      );
      await cleanup();
      const single = await render(step({...certificate, moreCertificates: 0, chainPems: []}), {
        columns: 80,
      });
      assert.doesNotMatch(frame(single), /Chain/);
    } finally {
      await rm(folder, {recursive: true, force: true});
    }
  });
});
