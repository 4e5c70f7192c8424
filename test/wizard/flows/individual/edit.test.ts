import {describe, test} from 'node:test';
import assert from 'node:assert/strict';
import type {DpsGateway, IndividualEnrollment} from '../../../../source/dps/types.js';
import {enrollmentDiff} from '../../../../source/outputs/enrollment-diff.js';
import {buildIndividualEnrollment} from '../../../../source/wizard/flows/individual/enrollment.js';
import {runIndividualEffect} from '../../../../source/wizard/flows/individual/effects.js';
import {individualFlow} from '../../../../source/wizard/flows/individual/flow.js';
import {reviewText} from '../../../../source/wizard/flows/individual/outputs.js';
import {initialIndividualFlow} from '../../../../source/wizard/flows/individual/enrollment.js';
import type {
  IndividualEffect,
  IndividualFlow,
} from '../../../../source/wizard/flows/individual/state.js';
import type {FlowContext} from '../../../../source/wizard/shared/flow.js';
import type {KeyEvent} from '../../../../source/wizard/shared/key-event.js';
import {defaultViewport} from '../../../../source/wizard/shared/layout.js';
import type {EffectContext, WizardServices} from '../../../../source/wizard/shared/services.js';
import {cwd, enter, info, text} from '../../../helpers/app-state.js';
import {expectedInfo} from '../../../helpers/test-certificates.js';
import {deviceCertificate, withGateway, wizardSandboxForFile} from '../../../helpers/wizard.js';

const sandbox = wizardSandboxForFile();

type Save = Extract<IndividualEffect, {kind: 'save-individual'}>;

/** Keys into the flow, one by one; the save effect asked for, if any. */
function keys(flow: IndividualFlow, context: FlowContext, ...events: KeyEvent[]) {
  let current = flow;
  let save: Save | undefined;
  for (const event of events) {
    const outcome = individualFlow.input(current, event, context);
    current = outcome.flow;
    for (const effect of outcome.effects) if (effect.kind === 'save-individual') save = effect;
  }
  return {flow: current, save};
}

/** The save effect run as the runtime runs it, against the sandbox through the real service SDK. */
function run(gateway: DpsGateway, save: Save) {
  const context: EffectContext = {
    services: {} as WizardServices,
    gateway: () => gateway,
    signal: new AbortController().signal,
    progress: () => {},
  };
  return runIndividualEffect(save, context);
}

describe('editing an existing individual enrollment, prefilled', () => {
  test('every field is filled in from DPS; the save shows the diff, then u updates it with the etag and keeps the twin', async () => {
    const pem = await deviceCertificate(sandbox, 'edit-device-01');
    await withGateway(sandbox, async (gateway) => {
      const linkedHubs = (await gateway.getDpsResource()).linkedHubs;
      const hub = linkedHubs[0]!.hostName;
      await gateway.createOrUpdateIndividualEnrollment({
        registrationId: 'edit-device-01',
        deviceId: 'edit-device-id',
        attestation: {type: 'x509', clientCertificates: {primary: {certificate: pem}}},
        capabilities: {iotEdge: false},
        allocationPolicy: 'static',
        iotHubs: [hub],
        initialTwin: {tags: {site: {name: 'north', floor: 2}}, properties: {desired: {}}},
        provisioningStatus: 'disabled',
        reprovisionPolicy: {updateHubAssignment: false, migrateDeviceData: false},
      });
      const stored: IndividualEnrollment = await gateway.getIndividualEnrollment('edit-device-01');
      const context: FlowContext = {
        cwd,
        viewport: defaultViewport,
        connection: {status: 'connected', info: {...info, linkedHubs}},
        info: {...info, linkedHubs},
        linkedHubs,
      };

      const opened = individualFlow.open(
        initialIndividualFlow(linkedHubs),
        {edit: stored},
        context,
      ).flow;
      assert.equal(opened.step, 'certificate');
      assert.equal(opened.registrationId.value, 'edit-device-01');
      assert.equal(opened.deviceId.value, 'edit-device-id');
      assert.equal(opened.primary.status.state, 'in-dps');
      if (opened.primary.status.state === 'in-dps') {
        assert.equal(opened.primary.status.info.sha1Thumbprint, expectedInfo(pem).sha1Thumbprint);
      }
      assert.equal(opened.settings.iotEdge, false);
      assert.deepEqual(opened.settings.selectedHubs, [hub]);
      assert.equal(opened.settings.allocationPolicy, 'static');
      assert.equal(opened.settings.twinMode, 'json');
      assert.deepEqual(JSON.parse(opened.settings.twinJson.value).tags, {
        site: {name: 'north', floor: 2},
      });
      assert.equal(opened.settings.provisioningStatus, 'disabled');
      assert.equal(opened.settings.reprovision, 'never');
      // Sent as filled in, nothing differs from what DPS has.
      assert.deepEqual(enrollmentDiff(stored, buildIndividualEnrollment(opened, linkedHubs)), {
        entries: [],
        twinDropped: false,
      });

      // Enter keeps the certificate, no secondary, both IDs; y makes it an IoT Edge device; the rest kept.
      const walked = keys(
        opened,
        context,
        enter, // certificate (kept)
        enter, // no secondary
        enter, // registration ID
        enter, // device ID
        text('y'),
        enter, // IoT Edge
        enter, // hubs
        enter, // allocation
        enter, // twin (JSON)
        enter, // advanced
      );
      assert.equal(walked.flow.step, 'review', walked.flow.stepError);
      assert.match(
        reviewText(walked.flow, context.info),
        new RegExp(`kept as DPS has it \\(SHA-1 ${expectedInfo(pem).sha1Thumbprint}\\)`),
      );
      const reviewed = keys(walked.flow, context, enter);
      assert.ok(reviewed.save, 'Enter on the review saves');
      assert.equal(reviewed.save.enrollment.etag, undefined);

      const first = await run(gateway, reviewed.save);
      assert.equal(first.kind, 'exists', 'the enrollment is read first, never replaced unseen');
      const shown = individualFlow.result(reviewed.flow, reviewed.save, first, context).flow;
      assert.equal(shown.step, 'exists');
      const diff = enrollmentDiff(shown.existing!, buildIndividualEnrollment(shown, linkedHubs));
      assert.deepEqual(diff, {
        entries: [{field: 'IoT Edge', change: 'changed', before: 'no', after: 'yes'}],
        twinDropped: false,
      });

      const replaced = keys(shown, context, text('u'));
      assert.ok(replaced.save);
      assert.equal(replaced.save.enrollment.etag, stored.etag);
      const second = await run(gateway, replaced.save);
      assert.equal(second.kind, 'saved');
      const done = individualFlow.result(replaced.flow, replaced.save, second, context).flow;
      assert.equal(done.step, 'result');
    });

    const saved = await withGateway(sandbox, (gateway) =>
      gateway.getIndividualEnrollment('edit-device-01'),
    );
    assert.equal(saved.capabilities?.iotEdge, true);
    assert.equal(saved.deviceId, 'edit-device-id');
    assert.deepEqual(saved.initialTwin?.tags, {site: {name: 'north', floor: 2}});
    assert.equal(saved.allocationPolicy, 'static');
    assert.equal(saved.provisioningStatus, 'disabled');
    assert.deepEqual(saved.reprovisionPolicy, {
      updateHubAssignment: false,
      migrateDeviceData: false,
    });
    assert.equal(saved.attestation.type, 'x509');
    if (saved.attestation.type === 'x509') {
      assert.equal(
        saved.attestation.clientCertificates?.primary?.info?.sha1Thumbprint,
        expectedInfo(pem).sha1Thumbprint,
      );
    }
  });
});
