import {describe, test} from 'node:test';
import assert from 'node:assert/strict';
import type {KeyEvent} from '../../../../source/wizard/shared/key-event.js';
import {draftOf} from '../../../../source/wizard/shared/text-draft.js';
import type {IndividualEnrollment} from '../../../../source/dps/types.js';
import {defaultDevicePaths} from '../../../../source/outputs/config-toml.js';
import {
  backspace,
  certificatesForFile,
  cwd,
  down,
  enter,
  escape,
  home,
  left,
  info,
  linkedHubs as hubs,
  tab,
  text,
} from '../../../helpers/app-state.js';
import {
  buildIndividualEnrollment,
  formSteps,
  initialIndividualFlow,
  previousStep,
  registrationIdOf,
} from '../../../../source/wizard/flows/individual/enrollment.js';
import {individualInput} from '../../../../source/wizard/flows/individual/input.js';
import {individualConfigToml} from '../../../../source/wizard/flows/individual/outputs.js';
import type {FlowUpdate} from '../../../../source/wizard/shared/effect.js';
import type {FlowContext} from '../../../../source/wizard/shared/flow.js';
import {defaultViewport} from '../../../../source/wizard/shared/layout.js';
import type {CertificateField, LoadedCertificate} from '../../../../source/wizard/shared/types.js';
import type {
  IndividualEffect,
  IndividualFlow,
  IndividualStep,
} from '../../../../source/wizard/flows/individual/state.js';

const certificate = certificatesForFile();

/** Connected to the sandbox with the two linked hubs. */
const context: FlowContext = {
  cwd,
  viewport: defaultViewport,
  connection: {status: 'connected', info},
  info,
  linkedHubs: hubs,
};

type Walk = {flow: IndividualFlow; requests: Requested[]};
type Requested = FlowUpdate<IndividualFlow, IndividualEffect>['effects'][number];

/** Feeds keys one by one, collecting every effect asked for. */
function keys(flow: IndividualFlow, ...events: KeyEvent[]): Walk {
  const requests: Requested[] = [];
  let current = flow;
  for (const event of events) {
    const outcome = individualInput(current, event, context);
    current = outcome.flow;
    requests.push(...outcome.effects);
  }
  return {flow: current, requests};
}

/** The kinds of the effects asked for, in order. */
const kinds = (walk: Walk) => walk.requests.map((request) => request.kind);

/** A save of the flow's enrollment: any save still running is dropped first. */
const saveOf = (flow: IndividualFlow) => [
  {kind: 'cancel', effect: 'save-individual'},
  {kind: 'save-individual', enrollment: buildIndividualEnrollment(flow, hubs)},
];

const at = (flow: IndividualFlow, ...events: KeyEvent[]) => keys(flow, ...events).flow;

/** What the reducer does when the effect runner reports the certificate read. */
function loaded(flow: IndividualFlow, slot: 'primary' | 'secondary', name: string): IndividualFlow {
  assert.equal(flow[slot].status.state, 'reading');
  const field: CertificateField = {
    ...flow[slot],
    status: {state: 'loaded', certificate: certificate(name), warningsAccepted: false},
  };
  return {...flow, [slot]: field};
}

/** Types a certificate path, presses Enter, checks the read request and delivers the certificate. */
function readCertificate(
  flow: IndividualFlow,
  slot: 'primary' | 'secondary',
  name: string,
): IndividualFlow {
  const typed = keys(flow, {kind: 'ctrl', letter: 'u'}, text(name), enter);
  assert.deepEqual(typed.requests, [
    {kind: 'read-certificate', field: slot, purpose: 'identity', path: name},
  ]);
  return loaded(typed.flow, slot, name);
}

/** From the start to the review with every default and the first device certificate. */
function toReview(): IndividualFlow {
  let flow = readCertificate(initialIndividualFlow(hubs), 'primary', 'device-01.pem');
  flow = at(flow, enter); // use the certificate
  assert.equal(flow.step, 'secondary-certificate');
  // secondary, registration ID, device ID, edge, hubs, allocation, tags, desired, advanced
  flow = at(flow, enter, enter, enter, enter, enter, enter, enter, enter, enter);
  assert.equal(flow.step, 'review', flow.stepError);
  return flow;
}

describe('walking through the individual enrollment', () => {
  test('every step in order, by keys only', () => {
    let flow = initialIndividualFlow(hubs);
    const visited: IndividualStep[] = [flow.step];
    const go = (...events: KeyEvent[]) => {
      flow = at(flow, ...events);
      assert.equal(flow.stepError, undefined, `${flow.step}: ${flow.stepError ?? ''}`);
      visited.push(flow.step);
    };
    flow = readCertificate(flow, 'primary', 'device-01.pem');
    go(enter);
    assert.equal(flow.registrationId.value, 'device-01', 'follows the CN');
    flow = readCertificate(flow, 'secondary', 'device-01-renewed.pem');
    go(enter);
    go(enter); // registration ID
    go(text('edge-01'), enter); // device ID
    go(down, enter); // not an IoT Edge device
    go(enter); // both hubs
    go(down, enter); // lowest latency
    go(text('site=north'), enter, text('logLevel=info'), enter);
    go(tab, down, {kind: 'right'}, enter); // advanced: reprovision "reset"
    assert.deepEqual(visited, [
      'certificate',
      'secondary-certificate',
      'registration-id',
      'device-id',
      'edge',
      'hubs',
      'allocation',
      'twin',
      'advanced',
      'review',
    ]);
    const saving = keys(flow, enter);
    assert.equal(saving.flow.step, 'saving');
    assert.deepEqual(saving.requests, saveOf(flow));

    assert.deepEqual(buildIndividualEnrollment(flow, hubs), {
      registrationId: 'device-01',
      deviceId: 'edge-01',
      attestation: {
        type: 'x509',
        clientCertificates: {
          primary: {certificate: certificate('device-01.pem').pem},
          secondary: {certificate: certificate('device-01-renewed.pem').pem},
        },
      },
      capabilities: {iotEdge: false},
      provisioningStatus: 'enabled',
      allocationPolicy: 'geoLatency',
      iotHubs: ['hub-a.azure-devices.net', 'hub-b.azure-devices.net'],
      initialTwin: {tags: {site: 'north'}, properties: {desired: {logLevel: 'info'}}},
      reprovisionPolicy: {updateHubAssignment: true, migrateDeviceData: false},
    });
  });

  test('the PEM sent is the certificate read from the file', () => {
    const pem = certificate('device-01.pem').pem;
    assert.match(pem, /^-----BEGIN CERTIFICATE-----\n[\s\S]+\n-----END CERTIFICATE-----\n?$/);
    assert.equal(certificate('device-01.pem').summary.commonName, 'device-01');
  });

  test('custom allocation adds its step between allocation and twin', () => {
    const flow = toReview();
    const custom = {...flow, settings: {...flow.settings, allocationPolicy: 'custom' as const}};
    assert.deepEqual(formSteps(custom).slice(6, 9), ['allocation', 'custom-allocation', 'twin']);
    assert.equal(previousStep({...custom, step: 'twin'}), 'custom-allocation');
    assert.equal(previousStep({...flow, step: 'twin'}), 'allocation');
    assert.equal(formSteps(flow).includes('custom-allocation'), false);

    let walk = at(flow, escape, escape, escape); // back to allocation
    assert.equal(walk.step, 'allocation');
    walk = at(walk, {kind: 'up'}, enter);
    assert.equal(walk.step, 'custom-allocation');
    walk = at(walk, text('https://f.example/api/allocate'), enter, enter);
    assert.equal(walk.step, 'twin', walk.stepError);
    walk = at(walk, enter, enter); // the twin keeps its focus on the desired properties
    assert.equal(walk.step, 'review');
    assert.deepEqual(buildIndividualEnrollment(walk, hubs).customAllocationDefinition, {
      webhookUrl: 'https://f.example/api/allocate',
      apiVersion: '2021-10-01',
    });
  });

  test('Esc goes back one step at a time with every value kept, then home', () => {
    let flow = readCertificate(initialIndividualFlow(hubs), 'primary', 'device-01.pem');
    flow = at(flow, enter, enter, enter, text('edge-01'), enter, down, enter);
    flow = at(flow, {kind: 'text', text: ' '}, enter, down, enter, text('a=1'), enter, enter);
    flow = at(flow, enter);
    assert.equal(flow.step, 'review', flow.stepError);
    const enrollment = buildIndividualEnrollment(flow, hubs);

    const back: IndividualStep[] = [];
    let requested: Requested[] = [];
    while (requested.length === 0) {
      const outcome = individualInput(flow, escape, context);
      flow = outcome.flow;
      requested = outcome.effects;
      back.push(flow.step);
    }
    assert.deepEqual(back, [
      'advanced',
      'twin',
      'allocation',
      'hubs',
      'edge',
      'device-id',
      'registration-id',
      'secondary-certificate',
      'certificate',
      'certificate',
    ]);
    assert.deepEqual(requested, [{kind: 'home'}]);
    assert.equal(flow.primary.path.value, 'device-01.pem');
    assert.equal(flow.primary.status.state, 'loaded');
    assert.equal(flow.deviceId.value, 'edge-01');

    // Forward again with Enter only: the same enrollment.
    flow = at(flow, enter, enter, enter, enter, enter, enter, enter, enter, enter);
    assert.equal(flow.step, 'review', flow.stepError);
    assert.deepEqual(buildIndividualEnrollment(flow, hubs), enrollment);
  });

  test('Esc while saving goes back to the review and cancels the save', () => {
    const saving = at(toReview(), enter);
    const outcome = keys(saving, escape);
    assert.equal(outcome.flow.step, 'review');
    assert.deepEqual(kinds(outcome), ['cancel', 'discard-type-ahead']);
    assert.deepEqual(outcome.requests[0], {kind: 'cancel', effect: 'save-individual'});
  });
});

describe('the certificate steps', () => {
  test('Enter with no path asks for one; the secondary is optional', () => {
    const flow = at(initialIndividualFlow(hubs), enter);
    assert.equal(flow.step, 'certificate');
    assert.match(flow.stepError ?? '', /type the path of the device identity certificate/);
    const secondary = {...flow, step: 'secondary-certificate' as const};
    assert.equal(at(secondary, enter).step, 'registration-id');
  });

  test('a secondary certificate with another CN is refused: the device registers with its CN', () => {
    let flow = at(readCertificate(initialIndividualFlow(hubs), 'primary', 'device-01.pem'), enter);
    flow = readCertificate(flow, 'secondary', 'device-02.pem');
    const refused = at(flow, enter);
    assert.equal(refused.step, 'secondary-certificate');
    assert.match(
      refused.stepError ?? '',
      /CN 'device-02' is not the device certificate's CN 'device-01'/,
    );
    const renewed = readCertificate(refused, 'secondary', 'device-01-renewed.pem');
    assert.equal(renewed.stepError, undefined);
    assert.equal(at(renewed, enter).step, 'registration-id');
  });

  test('Tab asks for path completion of what is typed', () => {
    const {requests} = keys(initialIndividualFlow(hubs), text('dev'), tab);
    assert.deepEqual(requests, [
      {kind: 'complete-path', field: 'primary', text: 'dev', foldersOnly: false},
    ]);
  });

  test('a certificate with errors cannot be used', () => {
    const flow = at(readCertificate(initialIndividualFlow(hubs), 'primary', 'ca.pem'), enter);
    assert.equal(flow.step, 'certificate');
    assert.match(flow.stepError ?? '', /cannot be enrolled/);
  });

  test('Enter on a certificate with only warnings accepts them and moves on', () => {
    const reading = keys(initialIndividualFlow(hubs), text('warned.pem'), enter).flow;
    const warned: LoadedCertificate = {
      ...certificate('device-01.pem'),
      path: 'warned.pem',
      findings: [{severity: 'warning', code: 'identity-no-eku', message: 'no EKU'}],
    };
    const flow = at(
      {
        ...reading,
        primary: {
          ...reading.primary,
          status: {state: 'loaded', certificate: warned, warningsAccepted: false},
        },
      },
      enter,
    );
    assert.equal(flow.step, 'secondary-certificate');
    assert.equal(
      flow.primary.status.state === 'loaded' && flow.primary.status.warningsAccepted,
      true,
    );
  });

  test('changing the path forgets the certificate; Enter reads the new file', () => {
    const flow = readCertificate(initialIndividualFlow(hubs), 'primary', 'device-01.pem');
    const edited = at(flow, backspace);
    assert.equal(edited.primary.status.state, 'empty');
    const again = keys(edited, text('m'), enter);
    assert.deepEqual(again.requests, [
      {kind: 'read-certificate', field: 'primary', purpose: 'identity', path: 'device-01.pem'},
    ]);
  });

  test('moving the cursor in the path keeps the certificate', () => {
    const flow = readCertificate(initialIndividualFlow(hubs), 'primary', 'device-01.pem');
    const moved = at(flow, left, home);
    assert.equal(moved.primary.status.state, 'loaded');
    assert.equal(at(moved, enter).step, 'secondary-certificate');
  });
});

describe('the registration ID', () => {
  test('follows the CN of the certificate until it is edited', () => {
    let flow = at(readCertificate(initialIndividualFlow(hubs), 'primary', 'device-01.pem'), enter);
    assert.equal(flow.registrationId.value, 'device-01');
    flow = at(flow, escape); // back to the certificate
    flow = at(readCertificate(flow, 'primary', 'device-02.pem'), enter, enter);
    assert.equal(flow.step, 'registration-id');
    assert.deepEqual(flow.registrationId, {value: 'device-02', cursor: 9});
    assert.equal(flow.registrationIdEdited, false);
  });

  test('once edited it stays, and a registration ID that is not the CN is refused', () => {
    let flow = at(
      readCertificate(initialIndividualFlow(hubs), 'primary', 'device-01.pem'),
      enter,
      enter,
    );
    flow = at(flow, backspace, text('9'));
    assert.equal(flow.registrationId.value, 'device-09');
    assert.equal(flow.registrationIdEdited, true);
    const refused = at(flow, enter);
    assert.equal(refused.step, 'registration-id');
    assert.match(refused.stepError ?? '', /must be the certificate's CN 'device-01'/);
    assert.equal(at(refused, backspace).stepError, undefined, 'an edit clears the complaint');

    flow = at(flow, escape, escape); // back to the certificate
    flow = at(readCertificate(flow, 'primary', 'device-02.pem'), enter, enter);
    assert.equal(flow.registrationId.value, 'device-09', 'an edited ID is not replaced');
    flow = at(flow, backspace, text('2'), enter);
    assert.equal(flow.step, 'device-id', flow.stepError);
    assert.equal(at(flow, backspace).stepError, undefined);
  });

  test('moving the cursor is not editing: the ID still follows the CN', () => {
    let flow = at(
      readCertificate(initialIndividualFlow(hubs), 'primary', 'device-01.pem'),
      enter,
      enter,
    );
    flow = at(flow, left, home, {kind: 'end'});
    assert.equal(flow.registrationIdEdited, false);
    flow = at(flow, escape, escape);
    flow = at(readCertificate(flow, 'primary', 'device-02.pem'), enter, enter);
    assert.equal(flow.registrationId.value, 'device-02');
    assert.equal(at(flow, enter).step, 'device-id');
  });

  test('an empty or malformed registration ID is refused with the rule', () => {
    const flow = at(
      readCertificate(initialIndividualFlow(hubs), 'primary', 'device-01.pem'),
      enter,
      enter,
    );
    assert.match(
      at(flow, {kind: 'ctrl', letter: 'u'}, enter).stepError ?? '',
      /registration ID is empty/,
    );
    assert.match(at(flow, text(' x'), enter).stepError ?? '', /contains/);
  });

  test('the device ID defaults to the registration ID and follows IoT Hub rules', () => {
    const flow = at(
      readCertificate(initialIndividualFlow(hubs), 'primary', 'device-01.pem'),
      enter,
      enter,
      enter,
    );
    assert.equal(flow.step, 'device-id');
    assert.equal(buildIndividualEnrollment(flow, hubs).deviceId, 'device-01');
    const refused = at(flow, text('bad#id'), enter);
    assert.equal(refused.step, 'device-id');
    assert.match(refused.stepError ?? '', /device ID 'bad#id' contains/);
    assert.equal(at(refused, {kind: 'ctrl', letter: 'u'}, text('  spaced  '), enter).step, 'edge');
    assert.equal(
      buildIndividualEnrollment(at(refused, {kind: 'ctrl', letter: 'u'}, text(' x ')), hubs)
        .deviceId,
      'x',
    );
  });
});

describe('buildIndividualEnrollment', () => {
  test('the defaults: primary certificate only, IoT Edge, every hub, hashed, no twin, migrate, no etag', () => {
    const enrollment = buildIndividualEnrollment(toReview(), hubs);
    assert.deepEqual(enrollment, {
      registrationId: 'device-01',
      deviceId: 'device-01',
      attestation: {
        type: 'x509',
        clientCertificates: {primary: {certificate: certificate('device-01.pem').pem}},
      },
      capabilities: {iotEdge: true},
      provisioningStatus: 'enabled',
      allocationPolicy: 'hashed',
      iotHubs: ['hub-a.azure-devices.net', 'hub-b.azure-devices.net'],
      reprovisionPolicy: {updateHubAssignment: true, migrateDeviceData: true},
    });
    assert.equal('etag' in enrollment, false);
  });

  test('reprovision choices, disabled status and a JSON twin', () => {
    const flow = toReview();
    const expected = {
      migrate: {updateHubAssignment: true, migrateDeviceData: true},
      reset: {updateHubAssignment: true, migrateDeviceData: false},
      never: {updateHubAssignment: false, migrateDeviceData: false},
    } as const;
    for (const choice of ['migrate', 'reset', 'never'] as const) {
      const settings = {
        ...flow.settings,
        reprovision: choice,
        provisioningStatus: 'disabled' as const,
        twinMode: 'json' as const,
        twinJson: draftOf('{"properties":{"desired":{"interval":30}}}'),
      };
      const enrollment = buildIndividualEnrollment({...flow, settings}, hubs);
      assert.deepEqual(enrollment.reprovisionPolicy, expected[choice]);
      assert.equal(enrollment.provisioningStatus, 'disabled');
      assert.deepEqual(enrollment.initialTwin, {properties: {desired: {interval: 30}}});
    }
  });

  test('the etag only when updating an existing enrollment', () => {
    const flow = toReview();
    assert.equal(buildIndividualEnrollment(flow, hubs).etag, undefined);
    assert.equal(buildIndividualEnrollment({...flow, updateEtag: '"7"'}, hubs).etag, '"7"');
  });
});

describe('after the review', () => {
  const existing: IndividualEnrollment = {
    registrationId: 'device-01',
    attestation: {type: 'x509', clientCertificates: {}},
    etag: '"abc"',
  };

  test('an existing enrollment is replaced only with u, and then with its etag', () => {
    const flow: IndividualFlow = {...toReview(), step: 'exists', existing};
    const update = keys(flow, text('u'));
    assert.equal(update.flow.step, 'saving');
    assert.equal(update.flow.updateEtag, '"abc"');
    assert.deepEqual(update.requests, saveOf(update.flow));
    assert.equal(buildIndividualEnrollment(update.flow, hubs).etag, '"abc"');
    assert.equal(at(flow, escape).step, 'review');
    assert.equal(at({...flow, existing: {...existing, etag: undefined}}, text('u')).step, 'exists');
  });

  test('Enter on the existing enrollment does not replace it (the screen asks for u)', () => {
    const flow: IndividualFlow = {...toReview(), step: 'exists', existing};
    const outcome = keys(flow, enter);
    assert.equal(outcome.flow.step, 'exists');
    assert.deepEqual(outcome.requests, []);
    assert.equal(outcome.flow.updateEtag, undefined);
  });

  test('the update etag is kept while the registration ID is, and dropped when it changes', () => {
    const updating = at({...toReview(), step: 'exists', existing}, text('u'));
    const failed: IndividualFlow = {
      ...updating,
      step: 'save-failed',
      failure: {kind: 'network', message: 'ECONNRESET'},
    };
    // Edit, change nothing that matters, come back: still an update of the same enrollment.
    const same = at(failed, text('e'), ...Array<KeyEvent>(9).fill(enter));
    assert.equal(same.step, 'review', same.stepError);
    assert.equal(buildIndividualEnrollment(same, hubs).etag, '"abc"');

    // Another device: its enrollment is created (after a get), not an update with another's etag.
    let other = readCertificate(at(failed, text('e')), 'primary', 'device-02.pem');
    other = at(other, enter, enter, enter, enter, enter, enter, enter, enter, enter);
    assert.equal(other.step, 'review', other.stepError);
    assert.equal(registrationIdOf(other), 'device-02');
    assert.equal(other.updateEtag, undefined);
    assert.equal(buildIndividualEnrollment(other, hubs).etag, undefined);

    // A registration ID typed over keeps nothing of the old update either.
    const typed = at(failed, text('e'), enter, enter, backspace, text('9'));
    assert.equal(typed.updateEtag, undefined);
  });

  test('a failed save: r retries, e goes back to edit, Esc to the review', () => {
    const flow: IndividualFlow = {
      ...toReview(),
      step: 'save-failed',
      failure: {kind: 'network', message: 'ECONNRESET'},
    };
    assert.deepEqual(keys(flow, text('r')).requests, saveOf(flow));
    assert.deepEqual(keys(flow, enter).requests, saveOf(flow));
    assert.equal(at(flow, text('e')).step, 'certificate');
    assert.equal(at(flow, escape).step, 'review');
  });

  test('the device paths start from the IoT Edge defaults and are checked', () => {
    const result: IndividualFlow = {...toReview(), step: 'result'};
    const defaults = defaultDevicePaths('device-01');
    let flow = at(result, enter);
    assert.equal(flow.step, 'device-paths');
    assert.equal(flow.deviceCertPath.value, defaults.identityCertPath);
    assert.equal(flow.deviceKeyPath.value, defaults.identityKeyPath);
    assert.equal(at(flow, escape).step, 'result');

    const relative = at(flow, enter, {kind: 'ctrl', letter: 'u'}, text('key.pem'), enter);
    assert.equal(relative.step, 'device-paths');
    assert.match(relative.stepError ?? '', /full path/);

    flow = at(flow, enter, enter);
    assert.equal(flow.step, 'config', flow.stepError);
    assert.equal(at(result, escape).step, 'result');
    assert.deepEqual(keys(result, escape).requests, [{kind: 'home'}]);
  });

  test('w offers a file for config.toml in the working folder; Enter asks to write it', () => {
    const paths = defaultDevicePaths('device-01');
    const config: IndividualFlow = {
      ...toReview(),
      step: 'config',
      deviceCertPath: draftOf(paths.identityCertPath),
      deviceKeyPath: draftOf(paths.identityKeyPath),
    };
    const write = at(config, text('w'));
    assert.equal(write.step, 'write-config');
    assert.equal(write.configFile.value, `${cwd}/device-01.config.toml`);
    assert.deepEqual(keys(write, enter).requests, [
      {
        kind: 'write-file',
        path: `${cwd}/device-01.config.toml`,
        content: individualConfigToml(write, info),
        overwrite: false,
      },
    ]);
    assert.deepEqual(keys(write, tab).requests, [
      {
        kind: 'complete-path',
        field: 'config-file',
        text: `${cwd}/device-01.config.toml`,
        foldersOnly: false,
      },
    ]);

    const confirming = {...write, confirmOverwrite: true};
    assert.deepEqual(keys(confirming, enter).requests, [
      {
        kind: 'write-file',
        path: `${cwd}/device-01.config.toml`,
        content: individualConfigToml(confirming, info),
        overwrite: true,
      },
    ]);
    const kept = at(confirming, escape);
    assert.equal(kept.step, 'write-config');
    assert.equal(kept.confirmOverwrite, false);
    assert.equal(at(kept, escape).step, 'config');
    assert.equal(at(confirming, backspace).confirmOverwrite, false, 'a changed path asks again');
    assert.deepEqual(keys(config, enter).requests, [{kind: 'home'}]);
  });
});
