import {before, describe, test} from 'node:test';
import assert from 'node:assert/strict';
import type {IndividualEnrollment} from '../../../../source/dps/types.js';
import {homeItems} from '../../../../source/wizard/core/reducer.js';
import {expectDpsError} from '../../../helpers/sandbox.js';
import {ecChain, makeCa} from '../../../helpers/test-certificates.js';
import {burst, frame, keys, press, waitForFrame, type Instance} from '../../../helpers/ink.js';
import {
  withConnectionStringWizard,
  withGateway,
  withWizard,
  wizardSandboxForFile,
} from '../../../helpers/wizard.js';

const sandbox = wizardSandboxForFile();

/** Downs from the first home item to Browse DPS. */
const toBrowse = Array<string>(homeItems.findIndex(({item}) => item === 'browse')).fill(keys.down);

/** An enrollment of the device certificate with CN = id, with a tag so its twin shows. */
async function enrollmentOf(id: string): Promise<IndividualEnrollment> {
  const {leaf} = await ecChain(id);
  return {
    registrationId: id,
    attestation: {type: 'x509', clientCertificates: {primary: {certificate: leaf.certificatePem}}},
    capabilities: {iotEdge: true},
    initialTwin: {tags: {site: `site-of-${id}`}},
  };
}

/** From the home screen to Browse DPS, once the first page of enrollments is on screen. */
async function openBrowse(app: Instance) {
  await press(app, ...toBrowse);
  assert.match(frame(app), /❯ Browse DPS/);
  await press(app, keys.enter);
  return waitForFrame(app, /plant-01[\s\S]*all read/);
}

describe('Browse DPS against the sandbox (real service SDK)', () => {
  before(async () => {
    const enrollments = await Promise.all(
      ['plant-01', 'plant-02', 'line-03', 'line-04', 'stale-05'].map(enrollmentOf),
    );
    await withGateway(sandbox, async (gateway) => {
      const result = await gateway.runIndividualEnrollmentBulk('create', enrollments);
      assert.equal(result.isSuccessful, true);
    });
  });

  test('lists enrollments in 80x24, filters as typed, shows the details of one', async () => {
    await withWizard(
      sandbox,
      async (app) => {
        const list = await openBrowse(app);
        assert.match(list, /Registration ID/);
        assert.match(list, /plant-02/);
        const lines = list.split('\n');
        assert.ok(lines.length <= 24, `${lines.length} lines`);
        assert.ok(
          lines.every((line) => [...line].length <= 80),
          'no line wider than 80',
        );

        await burst(app, 'LINE');
        const filtered = await waitForFrame(app, /line-03[\s\S]*2 matching/);
        assert.doesNotMatch(filtered, /plant-01/);

        await press(app, keys.down, keys.enter);
        const details = await waitForFrame(app, /individual enrollment line-04(?! \(reading)/);
        assert.match(details, /Subject\s+CN=line-04/);
        assert.match(details, /Etag\s+\S+/);
        // Further down: the thumbprints and validity, the twin, the registration.
        await press(app, ...Array<string>(12).fill(keys.down));
        const below = await waitForFrame(app, /"site": "site-of-line-04"/);
        assert.match(below, /SHA-256\s+[0-9A-F]{64}/);
        assert.match(below, /Valid until\s+20\d\d-/);
        assert.match(below, /the device has not registered yet/);

        // Esc back to the list keeps the filter; Esc again clears it; once more goes home.
        await press(app, keys.escape);
        await waitForFrame(app, /Filter IDs › LINE/);
        await press(app, keys.escape);
        await waitForFrame(app, /plant-01/);
        await press(app, keys.escape);
        await waitForFrame(app, /❯ Individual enrollment/);
      },
      {columns: 80},
    );
  });

  test('keys typed while a page is read are all applied, in order, as it lands', async () => {
    await withWizard(sandbox, async (app) => {
      sandbox.emulator.faults.add({
        path: /\/enrollments\/query/,
        count: 1,
        fault: {kind: 'delay', ms: 300},
      });
      await press(app, ...toBrowse, keys.enter);
      await waitForFrame(app, 'Reading DPS');
      // One key at a time, each its own chunk, while the page is on its way and as it lands.
      for (const letter of 'plant-0') await press(app, letter);
      await waitForFrame(app, /plant-01[\s\S]*all read/);
      for (const letter of '2') await press(app, letter);
      const shown = await waitForFrame(app, /Filter IDs › plant-02/);
      assert.match(shown, /1 matching/);
    });
  });

  test('e opens the enrollment in its flow, prefilled from DPS', async () => {
    await withWizard(sandbox, async (app) => {
      await openBrowse(app);
      await burst(app, 'plant-02', keys.enter);
      await waitForFrame(app, /individual enrollment plant-02(?! \(reading)/);
      await press(app, 'e');
      const opened = await waitForFrame(app, 'Device identity certificate');
      assert.match(opened, /dps-enroll · Individual enrollment/);
      assert.match(opened, /CN=plant-02/);
    });
  });

  test('deletes an enrollment once its ID is typed; a wrong ID deletes nothing', async () => {
    await withWizard(sandbox, async (app) => {
      await openBrowse(app);
      await burst(app, 'line-03', keys.enter);
      await waitForFrame(app, /individual enrollment line-03(?! \(reading)/);
      await press(app, 'd');
      await waitForFrame(app, 'Type line-03 to confirm');
      await burst(app, 'line-3', keys.enter);
      await waitForFrame(app, /"line-3" is not line-03/);
      await readBack('line-03');

      await burst(app, keys.ctrlU, 'line-03', keys.enter);
      await waitForFrame(app, 'Deleted individual enrollment line-03.');
      await withGateway(sandbox, (gateway) =>
        expectDpsError(gateway.getIndividualEnrollment('line-03'), 'not-found', 404),
      );
    });
  });

  test('an enrollment changed after it was shown is not deleted: it is read again', async () => {
    await withWizard(sandbox, async (app) => {
      await openBrowse(app);
      await burst(app, 'stale-05', keys.enter);
      await waitForFrame(app, /individual enrollment stale-05(?! \(reading)/);
      // Someone else updates it meanwhile: its etag changes.
      const before = await readBack('stale-05');
      await withGateway(sandbox, (gateway) =>
        gateway.createOrUpdateIndividualEnrollment({...before, provisioningStatus: 'disabled'}),
      );
      await press(app, 'd');
      await burst(app, 'stale-05', keys.enter);
      const refused = await waitForFrame(app, /changed in DPS after it was read/);
      assert.match(refused.replace(/\s+/g, ' '), /nothing was deleted/);
      await waitForFrame(app, /Status\s+disabled/);
      const after = await readBack('stale-05');
      assert.equal(after.provisioningStatus, 'disabled');
    });
  });

  test('a throttled page is shown waiting, then arrives; a dropped link is retried with r', async () => {
    await withWizard(
      sandbox,
      async (app) => {
        sandbox.emulator.faults.add({
          path: /\/enrollments\/query/,
          count: 1,
          fault: {kind: 'status', status: 429, retryAfterSeconds: 1},
        });
        await press(app, ...toBrowse, keys.enter);
        await waitForFrame(app, 'DPS is throttling requests (429)');
        await waitForFrame(app, /plant-01[\s\S]*all read/);

        await press(app, keys.tab);
        await waitForFrame(app, /No enrollment groups in DPS/);
        sandbox.emulator.faults.add({
          path: /\/enrollmentGroups\/query/,
          count: 1000,
          fault: {kind: 'reset'},
        });
        await press(app, keys.escape);
        await press(app, ...toBrowse, keys.enter);
        // Reopened on the Groups tab: its first page is read again and fails.
        const failed = await waitForFrame(app, /DPS could not be reached[\s\S]*r retry/);
        assert.match(failed, /Press r to retry/);
        sandbox.emulator.faults.clear();
        await press(app, 'r');
        await waitForFrame(app, /No enrollment groups in DPS/);
      },
      {retry: {policy: {maxRetries: 1, baseDelayMs: 5}}},
    );
  });

  test('v on an unverified CA certificate opens its proof of possession with a new code', async () => {
    const root = await makeCa('browse-root');
    await withGateway(sandbox, (gateway) =>
      gateway.uploadCaCertificate({name: 'browse-root', certificatePem: root.certificatePem}),
    );
    await withWizard(sandbox, async (app) => {
      await openBrowse(app);
      await press(app, '\u001B[Z');
      await waitForFrame(app, /❯ browse-root\s+no/);
      await press(app, keys.enter);
      const details = await waitForFrame(app, /CA certificate browse-root(?! \(reading)/);
      assert.match(details, /Subject\s+CN=browse-root/);
      assert.match(details, /v verify/);
      await press(app, 'v');
      const prove = await waitForFrame(app, /Verification code\s*\n\s*[0-9A-F]{48}/);
      assert.match(prove, /Verify a CA certificate/);
    });
  });

  test('with a connection string, the CA tab says why it cannot list them', async () => {
    await withConnectionStringWizard(sandbox, async (app) => {
      await press(app, ...toBrowse, keys.enter);
      await waitForFrame(app, /plant-01/);
      await press(app, '\u001B[Z');
      const explained = (await waitForFrame(app, /CA certificates/)).replace(/\s+/g, ' ');
      await waitForFrame(app, /Resource Manager/);
      assert.match(
        frame(app).replace(/\s+/g, ' '),
        /a service connection string cannot list them/,
        explained,
      );
    });
  });
});

describe('Browse DPS past its first page (real service SDK)', () => {
  const many = wizardSandboxForFile();

  before(async () => {
    const {leaf} = await ecChain('row');
    const certificate = leaf.certificatePem;
    const ids = Array.from({length: 130}, (_, index) => `row-${String(index).padStart(3, '0')}`);
    await withGateway(many, async (gateway) => {
      for (let from = 0; from < ids.length; from += 10) {
        const batch = ids.slice(from, from + 10).map((registrationId): IndividualEnrollment => ({
          registrationId,
          attestation: {type: 'x509', clientCertificates: {primary: {certificate}}},
        }));
        const result = await gateway.runIndividualEnrollmentBulk('create', batch);
        assert.equal(result.isSuccessful, true);
      }
    });
  });

  test('a page landing between two Downs on the last row read swallows neither', async () => {
    await withWizard(many, async (app) => {
      await press(app, ...toBrowse, keys.enter);
      await waitForFrame(app, /❯ row-000[\s\S]*100 read, more in DPS/);
      // The second page takes its time, so that the cursor reaches the last row read before it lands.
      many.emulator.faults.add({
        path: /\/enrollments\/query/,
        count: 1,
        fault: {kind: 'delay', ms: 3000},
      });
      await burst(app, ...Array<string>(99).fill(keys.down));
      const last = await waitForFrame(app, /❯ row-099/);
      assert.match(last, /reading the next page/);
      await press(app, keys.down);
      await waitForFrame(app, /❯ row-100[\s\S]*130 read, all read/);
      await press(app, keys.down);
      const moved = await waitForFrame(app, /❯ row-101/);
      assert.match(moved, /\d+–\d+ of 130/);
    });
  });
});

async function readBack(id: string): Promise<IndividualEnrollment> {
  return withGateway(sandbox, (gateway) => gateway.getIndividualEnrollment(id));
}
