import {test} from 'node:test';
import assert from 'node:assert/strict';
import {draftOf} from '../../../source/wizard/shared/text-draft.js';
import {initialIndividualFlow} from '../../../source/wizard/flows/individual/enrollment.js';
import {
  closingReport,
  individualAzCommand,
  individualRequestJson,
  reviewText,
} from '../../../source/wizard/flows/individual/outputs.js';
import {maskWebhookKey} from '../../../source/wizard/shared/outputs-view.js';
import type {ConnectionInfo} from '../../../source/wizard/shared/types.js';
import type {IndividualFlow} from '../../../source/wizard/flows/individual/state.js';

const info: ConnectionInfo = {
  mode: 'azure',
  serviceHostName: 'my-dps.azure-devices-provisioning.net',
  armAvailable: true,
  dpsName: 'my-dps',
  resourceGroup: 'my-rg',
  idScope: '0ne00000001',
  linkedHubs: [{hostName: 'hub-a.azure-devices.net', location: 'westeurope'}],
};

const key = 'c2VjcmV0LWZ1bmN0aW9uLWtleQ==';

function customFlow(): IndividualFlow {
  const flow = initialIndividualFlow(info.linkedHubs);
  return {
    ...flow,
    registrationId: draftOf('dev-01'),
    settings: {
      ...flow.settings,
      allocationPolicy: 'custom',
      webhookUrl: draftOf(`https://alloc.azurewebsites.net/api/allocate?code=${key}&x=1`),
    },
  };
}

test('the function key of a webhook URL is hidden, the rest of the URL kept', () => {
  assert.equal(
    maskWebhookKey(`https://a.azurewebsites.net/api/f?code=${key}&clientId=default`),
    'https://a.azurewebsites.net/api/f?code=<function key>&clientId=default',
  );
  assert.equal(maskWebhookKey('https://a.example/hook'), 'https://a.example/hook');
});

test('review panels, the az command and the closing report never show the function key', () => {
  const flow = customFlow();
  const shown = [
    reviewText({...flow, reviewPanel: 'summary'}, info),
    individualRequestJson(flow, info),
    individualAzCommand(flow, info),
    closingReport(
      {...flow, saved: {registrationId: 'dev-01', attestation: {type: 'x509'}, etag: 'e'}},
      info,
    ),
  ];
  for (const text of shown) {
    assert.ok(!text.includes(key), text);
    assert.match(text, /code=<function key>/);
  }
});

test('the closing report is empty until an enrollment was saved', () => {
  assert.equal(closingReport(customFlow(), info), '');
});
