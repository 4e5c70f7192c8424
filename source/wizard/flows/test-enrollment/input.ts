import {hasErrors} from '../../../certs/findings.js';
import {
  editCertificatePath,
  loadedCertificate,
  readingCertificate,
} from '../../shared/certificate-field.js';
import {update, type FlowUpdate} from '../../shared/effect.js';
import type {FlowContext} from '../../shared/flow.js';
import {editTextField, withError, withStep} from '../../shared/flow-step.js';
import type {KeyEvent} from '../../shared/key-event.js';
import {
  completePath,
  configFileField,
  emptyPathField,
  noPathProblem,
  writeFileEffect,
} from '../../shared/path-field.js';
import {draftOf, editDraft} from '../../shared/text-draft.js';
import type {PathField} from '../../shared/types.js';
import {
  asksFirst,
  configOffered,
  deviceFiles,
  edgeInstallRequest,
  idScopeOf,
  idScopeProblem,
  nextStep,
  previousStep,
  registerRequest,
  registrationIdOf,
  registrationIdProblem,
} from './device.js';
import {deviceToml} from './outputs.js';
import type {TestEnrollmentEffect, TestEnrollmentField, TestEnrollmentFlow} from './state.js';

/** What each key does on each step of "Test an enrollment". */

type Update = FlowUpdate<TestEnrollmentFlow, TestEnrollmentEffect>;
const at = (flow: TestEnrollmentFlow, ...effects: Update['effects']): Update =>
  update(flow, ...effects);

const isLetter = (event: KeyEvent, letter: string) =>
  event.kind === 'text' && event.text.toLowerCase() === letter;

/** Drops what a registration, a check or an install left on the flow. */
export function withoutResults(flow: TestEnrollmentFlow): TestEnrollmentFlow {
  const {
    findings: _findings,
    checking: _checking,
    stage: _stage,
    assignment: _assignment,
    refusal: _refusal,
    failure: _failure,
    ...rest
  } = flow;
  return rest;
}

function certificateKey(flow: TestEnrollmentFlow, event: KeyEvent, context: FlowContext): Update {
  const field = flow.certificate;
  if (event.kind === 'tab') return at(flow, completePath('test-certificate', field.path.value));
  if (event.kind !== 'enter') {
    const edited = editCertificatePath(field, event);
    if (!edited) return at(flow);
    if (edited.path.value === field.path.value) return at({...flow, certificate: edited});
    return at(withError(withoutResults({...flow, certificate: edited}), undefined));
  }
  const path = field.path.value.trim();
  if (path === '') {
    return at(
      withError(
        flow,
        "type the path of the device's certificate, ideally its full chain file (Tab completes)",
      ),
    );
  }
  const loaded = loadedCertificate(field);
  if (!loaded || loaded.path !== path) {
    return at(withError({...flow, certificate: readingCertificate(field)}, undefined), {
      kind: 'read-certificate',
      field: 'test-certificate',
      purpose: 'identity',
      path,
    });
  }
  if (hasErrors(loaded.findings)) {
    return at(
      withError(
        flow,
        'this certificate cannot register: fix the errors above or choose another file',
      ),
    );
  }
  // Until the user edits it, the registration ID follows the certificate's CN.
  const registrationId = flow.registrationIdEdited
    ? flow.registrationId
    : draftOf(loaded.summary.commonName ?? '');
  return at(withStep({...flow, registrationId}, nextStep(flow, context.info)));
}

/** A path field the flow only passes on (the chain, the key): typed, completed, never read here. */
function pathKey(
  flow: TestEnrollmentFlow,
  key: 'chain' | 'key' | 'configFile',
  field: TestEnrollmentField,
  event: KeyEvent,
): Update {
  if (event.kind === 'tab') return at(flow, completePath(field, flow[key].path.value));
  const edited = editDraft(flow[key].path, event);
  if (edited === undefined || edited === flow[key].path) return at(flow);
  const changed: PathField = {...emptyPathField, path: edited};
  // Other device files make what was checked or registered stale; another config file does not.
  const kept = key === 'configFile' ? flow : withoutResults(flow);
  return at(withError({...kept, [key]: changed, confirmOverwrite: false}, undefined));
}

function pathStep(
  flow: TestEnrollmentFlow,
  key: 'chain' | 'key',
  field: TestEnrollmentField,
  event: KeyEvent,
  context: FlowContext,
): Update {
  if (event.kind === 'enter') {
    if (key === 'key' && flow.key.path.value.trim() === '') {
      return at(
        withError(
          flow,
          "type the path of the device's private key file (PEM): it is read only when the device registers, never shown",
        ),
      );
    }
    const cleared = {...flow, [key]: {...flow[key], candidates: [], moreCandidates: 0}};
    return at(withStep(cleared, nextStep(flow, context.info)));
  }
  return pathKey(flow, key, field, event);
}

function registrationIdKey(flow: TestEnrollmentFlow, event: KeyEvent, context: FlowContext) {
  if (event.kind === 'enter') {
    const problem = registrationIdProblem(flow);
    return problem
      ? at(withError(flow, problem))
      : at(withStep(flow, nextStep(flow, context.info)));
  }
  const edited = editTextField(flow, 'registrationId', event);
  if (edited.registrationId.value === flow.registrationId.value) return at(edited);
  return at({...withoutResults(edited), registrationIdEdited: true});
}

function idScopeKey(flow: TestEnrollmentFlow, event: KeyEvent, context: FlowContext) {
  if (event.kind === 'enter') {
    const problem = idScopeProblem(flow.idScope.value.trim());
    return problem
      ? at(withError(flow, problem))
      : at(withStep(flow, nextStep(flow, context.info)));
  }
  return at(editTextField(flow, 'idScope', event));
}

/** On to the pre-flight: the device's files are checked together, as DPS will see them. */
function startCheck(flow: TestEnrollmentFlow): Update {
  return at(
    {...withStep(withoutResults(flow), 'preflight'), checking: true},
    {kind: 'cancel', effect: 'check-device'},
    {kind: 'check-device', ...deviceFiles(flow), registrationId: registrationIdOf(flow)},
  );
}

/** Registers as the device; what the last try found goes. */
export function startRegistration(flow: TestEnrollmentFlow, context: FlowContext): Update {
  const {findings} = flow;
  const started: TestEnrollmentFlow = {
    ...withStep(withoutResults(flow), 'registering'),
    ...(findings ? {findings} : {}),
    stage: {stage: 'connecting'},
  };
  return at(
    started,
    {kind: 'cancel', effect: 'register-device'},
    {kind: 'register-device', ...registerRequest(flow, context.info)},
  );
}

function preflightKey(flow: TestEnrollmentFlow, event: KeyEvent, context: FlowContext): Update {
  if (flow.checking) return at(flow);
  if (event.kind === 'enter') {
    if (idScopeOf(flow, context.info) === '' || context.info?.deviceEndpoint === undefined) {
      return at(
        withError(
          flow,
          'the wizard is not connected to DPS yet: wait for the header to show the connection, then press Enter',
        ),
      );
    }
    if (asksFirst(context.info)) return at(withStep(flow, 'confirm'));
    return startRegistration(flow, context);
  }
  if (isLetter(event, 'r')) return startCheck(flow);
  if (isLetter(event, 'w') && configOffered(flow)) return writeConfig(flow, context, 'preflight');
  if (isLetter(event, 'i')) return planInstall(flow, context);
  return at(flow);
}

function writeConfig(
  flow: TestEnrollmentFlow,
  context: FlowContext,
  from: 'preflight' | 'assigned',
): Update {
  const configFile = configFileField(flow.configFile, context.cwd, registrationIdOf(flow));
  return at(
    withStep({...flow, configFile, confirmOverwrite: false, configFrom: from}, 'write-config'),
  );
}

function writeConfigKey(flow: TestEnrollmentFlow, event: KeyEvent, context: FlowContext): Update {
  if (event.kind === 'enter') {
    const write = writeFileEffect(
      flow.configFile.path.value,
      deviceToml(flow, context.info),
      flow.confirmOverwrite,
    );
    return write ? at(flow, write) : at(withError(flow, noPathProblem));
  }
  return pathKey(flow, 'configFile', 'test-config-file', event);
}

function planInstall(flow: TestEnrollmentFlow, context: FlowContext): Update {
  const {installPlan: _plan, installed: _installed, applyResult: _applied, ...rest} = flow;
  return at(
    {...withStep(rest, 'install-plan'), install: 'planning'},
    {kind: 'cancel', effect: 'plan-edge-install'},
    {kind: 'plan-edge-install', request: edgeInstallRequest(flow, context.info)},
  );
}

function assignedKey(flow: TestEnrollmentFlow, event: KeyEvent, context: FlowContext): Update {
  if (event.kind === 'enter') return at(flow, {kind: 'home'});
  if (isLetter(event, 'w') && configOffered(flow)) return writeConfig(flow, context, 'assigned');
  if (isLetter(event, 'i')) return planInstall(flow, context);
  return at(flow);
}

function refusedKey(flow: TestEnrollmentFlow, event: KeyEvent, context: FlowContext): Update {
  if (isLetter(event, 'r')) return startRegistration(flow, context);
  if (isLetter(event, 'e')) return at(withStep(withoutResults(flow), 'certificate'));
  return at(flow);
}

/** y installs exactly the plan on screen. */
function installPlanKey(flow: TestEnrollmentFlow, event: KeyEvent): Update {
  if (!flow.installPlan || !isLetter(event, 'y')) return at(flow);
  return at(
    {...withError(flow, undefined), install: 'installing'},
    {kind: 'apply-edge-install', planId: flow.installPlan.id},
  );
}

function installedKey(flow: TestEnrollmentFlow, event: KeyEvent): Update {
  if (isLetter(event, 'a') && flow.installPlan?.iotedgeFound && !flow.applying) {
    const {applyResult: _previous, ...rest} = flow;
    return at({...rest, applying: true}, {kind: 'run-config-apply'});
  }
  if (event.kind === 'enter') return at(flow, {kind: 'home'});
  return at(flow);
}

/** Esc: a running registration is cancelled (its signal aborts); otherwise one step back. */
function escapeKey(flow: TestEnrollmentFlow, context: FlowContext): Update {
  if (flow.step === 'registering') {
    const {stage: _stage, ...rest} = flow;
    return at(
      withError(withStep(rest, 'preflight'), 'registration cancelled: press Enter to try again'),
      {kind: 'cancel', effect: 'register-device'},
      {kind: 'discard-type-ahead'},
    );
  }
  if (flow.step === 'install-plan' || flow.step === 'installed') {
    const {install: _install, applying: _applying, ...rest} = flow;
    const back = previousStep(flow, context.info) ?? 'preflight';
    return at(
      withStep(rest, back),
      {kind: 'cancel', effect: 'plan-edge-install'},
      {kind: 'cancel', effect: 'run-config-apply'},
    );
  }
  const previous = previousStep(flow, context.info);
  if (previous === undefined) return at(withError(flow, undefined), {kind: 'home'});
  const {checking: _checking, ...rest} = flow;
  return at(withStep(rest, previous), {kind: 'cancel', effect: 'check-device'});
}

/** Handles one key on "Test an enrollment" (Esc included). */
export function testEnrollmentInput(
  flow: TestEnrollmentFlow,
  event: KeyEvent,
  context: FlowContext,
): Update {
  if (event.kind === 'escape') return escapeKey(flow, context);
  switch (flow.step) {
    case 'certificate':
      return certificateKey(flow, event, context);
    case 'chain':
      return pathStep(flow, 'chain', 'test-chain', event, context);
    case 'key':
      return pathStep(flow, 'key', 'test-key', event, context);
    case 'registration-id':
      return registrationIdKey(flow, event, context);
    case 'id-scope':
      return idScopeKey(flow, event, context);
    case 'transport':
      if (event.kind === 'up' || event.kind === 'down') {
        return at({...flow, transport: flow.transport === 'https' ? 'mqtt' : 'https'});
      }
      return event.kind === 'enter' ? startCheck(flow) : at(flow);
    case 'preflight':
      return preflightKey(flow, event, context);
    case 'confirm':
      // Only y registers, as the screen says: it creates the device in IoT Hub.
      if (event.kind === 'text' && event.text === 'y') return startRegistration(flow, context);
      if (isLetter(event, 'n')) return at(withStep(flow, 'preflight'));
      return at(flow);
    case 'registering':
      return at(flow);
    case 'assigned':
      return assignedKey(flow, event, context);
    case 'refused':
      return refusedKey(flow, event, context);
    case 'write-config':
      return writeConfigKey(flow, event, context);
    case 'install-plan':
      return installPlanKey(flow, event);
    case 'installed':
      return installedKey(flow, event);
  }
}
