import {describe, test} from 'node:test';
import assert from 'node:assert/strict';
import {
  certificatesForFile,
  cwd,
  down,
  enter,
  escape,
  info,
  linkedHubs,
  onGroupScreen,
  press,
  task,
  text,
} from '../../../helpers/app-state.js';
import {
  initialState,
  keyHints,
  reducer,
  homeItems,
} from '../../../../source/wizard/core/reducer.js';
import type {WizardState} from '../../../../source/wizard/core/state.js';
import {
  draftOf as draftOfState,
  parseDraft,
  resumeDraft,
} from '../../../../source/wizard/core/draft.js';
import {initialIndividualFlow} from '../../../../source/wizard/flows/individual/enrollment.js';
import type {ConnectionInfo, LoadedCertificate} from '../../../../source/wizard/shared/types.js';
import type {TestEnrollmentOutcome} from '../../../../source/wizard/flows/test-enrollment/state.js';
import {draftOf} from '../../../../source/wizard/shared/text-draft.js';

const sandboxInfo: ConnectionInfo = {
  ...info,
  deviceEndpoint: {
    kind: 'sandbox',
    host: 'localhost',
    port: 8443,
    caCertificatePem: '-----BEGIN CERTIFICATE-----\n…\n-----END CERTIFICATE-----\n',
  },
};

/** Connected with only a connection string: no ID scope known, devices register in Azure. */
const connectionStringInfo: ConnectionInfo = {
  mode: 'connection-string',
  serviceHostName: 'my-dps.azure-devices-provisioning.net',
  armAvailable: false,
  linkedHubs: [],
  deviceEndpoint: {kind: 'global', host: 'global.azure-devices-provisioning.net'},
};

function connectedTo(connection: ConnectionInfo): WizardState {
  const start = initialState(cwd, 'the local sandbox');
  return reducer(start, {
    type: 'result',
    taskId: task(start, 'connect').id,
    outcome: {kind: 'connected', info: connection},
  });
}

const result = (
  state: WizardState,
  kind: 'read-certificate' | 'check-device' | 'register-device' | 'write-file',
  outcome:
    | TestEnrollmentOutcome
    | {kind: 'certificate-read'; certificate: LoadedCertificate}
    | {kind: 'file-exists' | 'file-written'; path: string},
) => reducer(state, {type: 'result', taskId: task(state, kind).id, outcome});

const homeIndex = homeItems.findIndex((item) => item.item === 'test-enrollment');

/** Home → Test an enrollment. */
const opened = (connection = sandboxInfo) =>
  press(connectedTo(connection), ...Array.from({length: homeIndex}, () => down), enter);

describe('test an enrollment: the flow', () => {
  const files = certificatesForFile();

  /** The certificate typed, read as `name`, and Enter on it. */
  function certificateRead(state: WizardState, name: string): WizardState {
    const typed = press(state, text(name), enter);
    assert.equal(task(typed, 'read-certificate').path, name);
    return press(
      result(typed, 'read-certificate', {kind: 'certificate-read', certificate: files(name)}),
      enter,
    );
  }

  /** From the certificate to the pre-flight, the leaf alone with `chain`, the key, MQTT. */
  function filled(state: WizardState, chain = ''): WizardState {
    let next = certificateRead(state, 'device-01.pem');
    assert.equal(next.testEnrollment.step, 'chain');
    next = press(next, ...(chain ? [text(chain)] : []), enter);
    assert.equal(next.testEnrollment.step, 'key');
    next = press(next, text('private/device-01.key.pem'), enter);
    assert.equal(next.testEnrollment.step, 'registration-id');
    assert.equal(next.testEnrollment.registrationId.value, 'device-01', 'the CN, filled in');
    next = press(next, enter);
    assert.equal(next.testEnrollment.step, 'transport', 'the sandbox says its ID scope');
    return press(next, down, enter);
  }

  test('home lists "Test an enrollment" after the flows that make one, and opens it on the certificate step', () => {
    assert.deepEqual(
      homeItems.slice(-3).map((entry) => entry.label),
      ['Test an enrollment', 'Browse DPS', 'Quit'],
    );
    const state = opened();
    assert.equal(state.screen.name, 'test-enrollment');
    assert.equal(state.testEnrollment.step, 'certificate');
  });

  test('against the sandbox: checked, then registered at once on Enter, with the key path only', () => {
    let state = filled(opened());
    assert.equal(state.testEnrollment.step, 'preflight');
    const check = task(state, 'check-device');
    assert.deepEqual(
      {...check, id: 0},
      {
        id: 0,
        owner: 'test-enrollment',
        kind: 'check-device',
        certificatePath: 'device-01.pem',
        keyPath: 'private/device-01.key.pem',
        registrationId: 'device-01',
      },
    );
    // Keys typed while the files are checked wait for the check.
    state = press(state, enter);
    assert.equal(state.tasks.filter((item) => item.kind === 'register-device').length, 0);
    state = result(state, 'check-device', {kind: 'device-checked', findings: []});
    const register = task(state, 'register-device');
    assert.equal(state.testEnrollment.step, 'registering');
    assert.equal(register.transport, 'mqtt');
    assert.equal(register.idScope, info.idScope);
    assert.deepEqual(register.endpoint, sandboxInfo.deviceEndpoint);
    assert.equal(register.keyPath, 'private/device-01.key.pem');
    assert.ok(!JSON.stringify(state).includes('PRIVATE KEY'), 'no key in the state');

    state = reducer(state, {
      type: 'progress',
      taskId: register.id,
      progress: {kind: 'registration', stage: {stage: 'waiting-for-assignment'}},
    });
    assert.deepEqual(state.testEnrollment.stage, {stage: 'waiting-for-assignment'});
    state = result(state, 'register-device', {
      kind: 'device-registered',
      outcome: {
        outcome: 'assigned',
        assignedHub: linkedHubs[0]!.hostName,
        deviceId: 'device-01',
        substatus: 'initialAssignment',
      },
    });
    assert.equal(state.testEnrollment.step, 'assigned');
    assert.equal(state.testEnrollment.assignment?.assignedHub, 'hub-a.azure-devices.net');
    assert.equal(press(state, enter).screen.name, 'home');
  });

  test('a refusal shows its cause and fix; r tries again, e edits with everything typed kept', () => {
    let state = filled(opened());
    state = result(state, 'check-device', {kind: 'device-checked', findings: []});
    state = press(state, enter);
    state = result(state, 'register-device', {
      kind: 'device-registered',
      outcome: {
        outcome: 'refused',
        status: 401,
        errorCode: 401002,
        cause: 'the chain does not reach the group CA',
        fix: 'give the full chain file',
      },
    });
    assert.equal(state.testEnrollment.step, 'refused');
    assert.deepEqual(state.testEnrollment.refusal, {
      status: 401,
      errorCode: 401002,
      cause: 'the chain does not reach the group CA',
      fix: 'give the full chain file',
    });
    assert.deepEqual(keyHints(state).slice(0, 2), ['r retry', 'e edit']);
    const retried = press(state, text('r'));
    assert.equal(retried.testEnrollment.step, 'registering');
    assert.equal(task(retried, 'register-device').registrationId, 'device-01');

    const edited = press(state, text('e'));
    assert.equal(edited.testEnrollment.step, 'certificate');
    assert.equal(edited.testEnrollment.certificate.path.value, 'device-01.pem');
    assert.equal(edited.testEnrollment.key.path.value, 'private/device-01.key.pem');
    assert.equal(edited.testEnrollment.transport, 'mqtt');
    assert.equal(edited.testEnrollment.refusal, undefined);
  });

  test('Esc while registering cancels it: the task goes, keys typed meanwhile with it', () => {
    let state = filled(opened());
    state = result(state, 'check-device', {kind: 'device-checked', findings: []});
    state = press(state, enter, text('r'), escape);
    assert.equal(state.tasks.filter((item) => item.kind === 'register-device').length, 0);
    assert.equal(state.testEnrollment.step, 'preflight');
    assert.match(state.testEnrollment.stepError ?? '', /cancelled/);
    assert.deepEqual(state.typeAhead, []);
  });

  test('with a connection string: the ID scope is asked, and registering in IoT Hub needs y', () => {
    let state = certificateRead(opened(connectionStringInfo), 'device-01.pem');
    state = press(state, enter, text('k.pem'), enter, enter);
    assert.equal(state.testEnrollment.step, 'id-scope');
    state = press(state, text('scope'), enter);
    assert.match(state.testEnrollment.stepError ?? '', /0ne followed by 8 hexadecimal/);
    state = press(
      state,
      ...Array.from({length: 5}, () => ({kind: 'backspace'}) as const),
      text('0ne0012345F'),
      enter,
    );
    assert.equal(state.testEnrollment.step, 'transport');
    state = press(state, enter);
    state = result(state, 'check-device', {kind: 'device-checked', findings: []});
    state = press(state, enter);
    assert.equal(state.testEnrollment.step, 'confirm');
    assert.equal(state.tasks.filter((item) => item.kind === 'register-device').length, 0);
    // A pasted word is not a decision; n goes back.
    state = press(state, text('yes'));
    assert.equal(state.testEnrollment.step, 'confirm');
    assert.equal(press(state, text('n')).testEnrollment.step, 'preflight');
    state = press(state, text('y'));
    const register = task(state, 'register-device');
    assert.equal(register.idScope, '0ne0012345F');
    assert.deepEqual(register.endpoint, {
      kind: 'global',
      host: 'global.azure-devices-provisioning.net',
    });
  });

  test('t after an individual save opens the test with its registration ID and certificate', () => {
    const device = files('device-01.pem');
    const state: WizardState = {
      ...connectedTo(sandboxInfo),
      screen: {name: 'individual'},
      individual: {
        ...initialIndividualFlow(linkedHubs),
        step: 'result',
        primary: {
          path: draftOf('device-01.pem'),
          candidates: [],
          moreCandidates: 0,
          status: {state: 'loaded', certificate: device, warningsAccepted: true},
        },
        registrationId: draftOf('device-01'),
        saved: {registrationId: 'device-01', attestation: {type: 'x509'}},
      },
    };
    const testing = press(state, text('t'));
    assert.equal(testing.screen.name, 'test-enrollment');
    assert.equal(testing.testEnrollment.registrationId.value, 'device-01');
    assert.equal(task(testing, 'read-certificate').path, device.absolutePath);
  });

  test("a group's device: t opens the test for the group, w writes that device's config.toml", () => {
    const group = onGroupScreen({
      step: 'result',
      groupId: draftOf('line-3'),
      saved: {enrollmentGroupId: 'line-3', attestation: {type: 'x509'}},
    });
    let state = press({...group, connection: {status: 'connected', info: sandboxInfo}}, text('t'));
    assert.equal(state.screen.name, 'test-enrollment');
    assert.equal(state.testEnrollment.group, 'line-3');
    state = certificateRead(state, 'device-02.pem');
    state = press(state, text('ca.pem'), enter, text('device-02.key.pem'), enter, enter, enter);
    state = result(state, 'check-device', {kind: 'device-checked', findings: []});
    assert.ok(keyHints(state).includes('w config.toml'));
    state = press(state, text('w'));
    assert.equal(state.testEnrollment.step, 'write-config');
    // Another file name keeps what the pre-flight found.
    state = press(state, text('x'), {kind: 'backspace'});
    assert.deepEqual(state.testEnrollment.findings, []);
    assert.equal(state.testEnrollment.configFile.path.value, `${cwd}/device-02.config.toml`);
    state = press(state, enter);
    const write = task(state, 'write-file');
    assert.equal(write.overwrite, false);
    assert.match(write.content, /registration_id = "device-02"/);
    assert.match(write.content, /iot-edge-device-identity-device-02-full-chain\.cert\.pem/);
    state = result(state, 'write-file', {kind: 'file-exists', path: write.path});
    assert.match(
      state.testEnrollment.stepError ?? '',
      /already exists: press Enter again to replace it/,
    );
    state = press(state, enter);
    assert.equal(task(state, 'write-file').overwrite, true);
    state = result(state, 'write-file', {kind: 'file-written', path: write.path});
    assert.equal(state.testEnrollment.step, 'preflight');
    assert.equal(state.testEnrollment.configWritten, write.path);
  });

  test('a draft keeps the paths typed (the key path, never a key) and resumes before the check', () => {
    let state = filled(opened());
    state = result(state, 'check-device', {kind: 'device-checked', findings: []});
    state = press(state, enter);
    const draft = draftOfState(state, 'the local sandbox', new Date());
    assert.ok(draft);
    const parsed = parseDraft(JSON.stringify(draft));
    assert.ok(parsed, 'a draft on the test screen is read back');
    assert.equal(parsed.screen, 'test-enrollment');
    assert.equal(parsed.testEnrollment?.step, 'transport');
    assert.equal(parsed.testEnrollment?.key.path.value, 'private/device-01.key.pem');
    const resumed = resumeDraft(connectedTo(sandboxInfo), parsed);
    assert.equal(resumed.screen.name, 'test-enrollment');
    assert.equal(task(resumed, 'read-certificate').path, 'device-01.pem');
  });

  test('i on the device: the install plan, y does it, then a runs iotedge config apply when it exists', () => {
    let state = filled(opened());
    state = result(state, 'check-device', {kind: 'device-checked', findings: []});
    state = press(state, enter);
    state = result(state, 'register-device', {
      kind: 'device-registered',
      outcome: {outcome: 'assigned', assignedHub: 'hub-a.azure-devices.net', deviceId: 'device-01'},
    });
    state = press(state, text('i'));
    assert.equal(state.testEnrollment.step, 'install-plan');
    const plan = task(state, 'plan-edge-install');
    assert.deepEqual(plan.request, {
      certificatePath: 'device-01.pem',
      keyPath: 'private/device-01.key.pem',
      idScope: info.idScope,
      registrationId: 'device-01',
      globalEndpoint: 'https://global.azure-devices-provisioning.net',
      sandbox: true,
    });
    // A failed plan leaves the step usable, with the reason.
    const failed = reducer(state, {
      type: 'result',
      taskId: plan.id,
      outcome: {kind: 'edge-failed', failure: {kind: 'file', message: 'EACCES on /etc/aziot'}},
    });
    assert.equal(failed.testEnrollment.stepError, 'EACCES on /etc/aziot');
    assert.equal(press(failed, escape).testEnrollment.step, 'assigned');

    state = reducer(state, {
      type: 'result',
      taskId: plan.id,
      outcome: {
        kind: 'edge-planned',
        plan: {
          id: 7,
          actions: ['write /etc/aziot/config.toml (the old one kept as config.toml.bak)'],
          iotedgeFound: true,
        },
      },
    });
    assert.ok(keyHints(state).includes('y apply'));
    state = press(state, text('y'));
    const apply = task(state, 'apply-edge-install');
    assert.equal(apply.planId, 7, 'exactly the plan shown');
    state = reducer(state, {
      type: 'result',
      taskId: apply.id,
      outcome: {kind: 'edge-installed', done: ['/etc/aziot/config.toml written (mode 600)']},
    });
    assert.equal(state.testEnrollment.step, 'installed');
    assert.ok(keyHints(state).includes('a run iotedge config apply'));
    state = press(state, text('a'));
    const run = task(state, 'run-config-apply');
    state = reducer(state, {
      type: 'result',
      taskId: run.id,
      outcome: {kind: 'config-applied', exitCode: 0, output: 'Applied.'},
    });
    assert.deepEqual(state.testEnrollment.applyResult, {exitCode: 0, output: 'Applied.'});
  });

  test('without iotedge on this machine, a does nothing', () => {
    let state = filled(opened());
    state = result(state, 'check-device', {kind: 'device-checked', findings: []});
    state = press(state, text('i'));
    state = reducer(state, {
      type: 'result',
      taskId: task(state, 'plan-edge-install').id,
      outcome: {
        kind: 'edge-planned',
        plan: {id: 1, actions: ['write /etc/aziot/config.toml'], iotedgeFound: false},
      },
    });
    state = press(state, text('y'));
    state = reducer(state, {
      type: 'result',
      taskId: task(state, 'apply-edge-install').id,
      outcome: {kind: 'edge-installed', done: []},
    });
    assert.ok(!keyHints(state).some((hint) => hint.startsWith('a ')));
    assert.equal(press(state, text('a')).tasks.length, 0);
  });
});
