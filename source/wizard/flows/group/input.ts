import {hasErrors} from '../../../certs/findings.js';
import {caNameProblem} from '../../../dps/index.js';
import {
  editCertificatePath,
  loadedCertificate,
  readingCertificate,
} from '../../shared/certificate-field.js';
import {
  configViewKey,
  devicePathsStepKey,
  escapeKey,
  openDevicePaths,
  saveStepKey,
  settingsStepKey,
  type SavingOutcome,
} from '../../shared/save-steps.js';
import {update, type FlowUpdate} from '../../shared/effect.js';
import type {FlowContext} from '../../shared/flow.js';
import {editTextField, withError, withStep} from '../../shared/flow-step.js';
import {savingUpdate} from '../../shared/save-request.js';
import {
  buildEnrollmentGroup,
  caChoices,
  caCursorOf,
  canListCaCertificates,
  groupAnchorPems,
  groupDevicePaths,
  groupFormSteps,
  groupIdOf,
  groupIdProblem,
  previousGroupStep,
} from './group.js';
import {checkedDeviceId, groupConfigToml} from './outputs.js';
import type {GroupEffect, GroupFlow, GroupStep} from './state.js';
import type {KeyEvent} from '../../shared/key-event.js';
import {
  completePath,
  configFileField,
  emptyPathField,
  noPathProblem,
  writeFileEffect,
} from '../../shared/path-field.js';
import {isSettingsStep} from '../../shared/settings-steps.js';
import {draftOf, editDraft, emptyDraft} from '../../shared/text-draft.js';

/** What each key does on each step of the group flow: a pure function of the flow, naming effects only. */

type Update = FlowUpdate<GroupFlow, GroupEffect>;
const at = (flow: GroupFlow, ...effects: Update['effects']): Update => update(flow, ...effects);

/** Reads the CA certificates again: a reading still running is dropped, so only the last answer lands. */
const listCaCertificates: Update['effects'] = [
  {kind: 'cancel', effect: 'list-ca-certificates'},
  {kind: 'list-ca-certificates'},
];

/** Opens the proof-of-possession loop for an unverified CA (or a new one, name empty). */
const verifyCa = (flow: GroupFlow, slot: 'primary' | 'secondary', name: string): Update =>
  at(flow, {
    kind: 'open',
    flow: 'verify-ca',
    with: {kind: 'for-group', slot, name, certificates: flow.caCertificates},
  });

/** What a shared step asked for, as this flow's effects: the save is of this group. */
const savingEffects = (outcome: SavingOutcome<GroupFlow>, context: FlowContext): Update =>
  savingUpdate(outcome, context, 'save-group', (flow): GroupEffect => ({
    kind: 'save-group',
    group: buildEnrollmentGroup(flow, context.linkedHubs),
  }));

function nextFormStep(flow: GroupFlow): GroupStep {
  const steps = groupFormSteps(flow);
  return steps[steps.indexOf(flow.step) + 1] ?? 'review';
}

const certificateSlots = {
  'signing-primary': {key: 'signingPrimary', field: 'group-signing-primary'},
  'signing-secondary': {key: 'signingSecondary', field: 'group-signing-secondary'},
  preflight: {key: 'deviceCertificate', field: 'group-device'},
} as const;

/** A certificate field: Tab completes, Enter reads the file, Enter again uses what was read. */
function certificateKey(
  flow: GroupFlow,
  step: keyof typeof certificateSlots,
  event: KeyEvent,
  onReady: (flow: GroupFlow) => Update,
): Update {
  const {key, field: fieldKey} = certificateSlots[step];
  const field = flow[key];
  if (event.kind === 'enter') {
    const path = field.path.value.trim();
    if (path === '') {
      // Editing: the certificate DPS has is kept.
      if (step === 'signing-secondary' || field.status.state === 'in-dps') {
        return at(withError(withStep(flow, nextFormStep(flow)), undefined));
      }
      return at(
        withError(
          flow,
          step === 'preflight'
            ? "type the path of a device's identity certificate file, ideally its full chain (Tab completes)"
            : "type the path of the group's CA certificate file (Tab completes)",
        ),
      );
    }
    const loaded = field.status.state === 'loaded' ? field.status : undefined;
    if (loaded && loaded.certificate.path === path) {
      if (step !== 'preflight' && hasErrors(loaded.certificate.findings)) {
        return at(
          withError(
            flow,
            'this certificate cannot be used for the group: fix the errors above or choose another file',
          ),
        );
      }
      if (step === 'signing-secondary') {
        const same =
          loadedCertificate(flow.signingPrimary)?.summary.thumbprintSha1 ===
          loaded.certificate.summary.thumbprintSha1;
        if (same) {
          return at(withError(flow, 'this is the primary certificate again: choose another file'));
        }
      }
      const accepted = {...flow, [key]: {...field, status: {...loaded, warningsAccepted: true}}};
      return onReady(withError(accepted, undefined));
    }
    return at(withError({...flow, [key]: readingCertificate(field)}, undefined), {
      kind: 'read-certificate',
      field: fieldKey,
      purpose: step === 'preflight' ? 'identity' : 'ca',
      path,
    });
  }
  if (event.kind === 'tab') {
    return at(flow, completePath(fieldKey, field.path.value));
  }
  const edited = editCertificatePath(field, event);
  if (!edited) return at(flow);
  // Moving the cursor is not an edit: the step's problem and the pre-flight's report stay.
  if (edited.path.value === field.path.value) return at({...flow, [key]: edited});
  const cleared = {...flow, [key]: edited};
  if (step === 'preflight') {
    const {preflight: _dropped, ...rest} = cleared;
    return at(withError(rest, undefined));
  }
  return at(withError(cleared, undefined));
}

/** Enter on the attestation step: the CA list is read when the CA reference is chosen. */
function chooseAttestation(flow: GroupFlow, context: FlowContext): Update {
  if (flow.attestation === 'ca-reference' && context.info === undefined) {
    // Whether the CA certificates can be listed is known once connected.
    return at(
      withError(
        flow,
        'not connected to DPS yet: its CA certificates can be listed once it is (see the top line); press Enter again then',
      ),
    );
  }
  const next = withStep({...flow, caCursor: -1}, nextFormStep(flow));
  if (flow.attestation !== 'ca-reference' || !canListCaCertificates(context.info)) return at(next);
  if (flow.caCertificates.state === 'loading') return at(next);
  return at({...next, caCertificates: {state: 'loading'}}, ...listCaCertificates);
}

function caReferenceKey(
  flow: GroupFlow,
  slot: 'primary' | 'secondary',
  event: KeyEvent,
  context: FlowContext,
): Update {
  const draftKey = slot === 'primary' ? 'caPrimary' : 'caSecondary';
  const choices = caChoices(flow, context.info);
  if (choices === undefined) {
    // No list (a connection string, or listing failed): the name is typed, and DPS takes it as it is.
    if (event.kind !== 'enter') return at(editTextField(flow, draftKey, event));
    const name = flow[draftKey].value.trim();
    if (name === '' && slot === 'secondary') return at(withStep(flow, nextFormStep(flow)));
    const problem = caReferenceProblem(name, flow, slot);
    return problem ? at(withError(flow, problem)) : at(withStep(flow, nextFormStep(flow)));
  }
  if (flow.caCertificates.state !== 'loaded') return at(flow);
  // The secondary list starts with a "none" row.
  const offset = slot === 'secondary' ? 1 : 0;
  const rows = choices.length + offset;
  switch (event.kind) {
    case 'up':
    case 'down': {
      if (rows === 0) return at(flow);
      const delta = event.kind === 'up' ? -1 : 1;
      const caCursor = (caCursorOf(flow, slot) + delta + rows) % rows;
      return at(withError({...flow, caCursor}, undefined));
    }
    case 'text':
      if (event.text === 'r') {
        return at(
          withError({...flow, caCertificates: {state: 'loading'}, caCursor: -1}, undefined),
          ...listCaCertificates,
        );
      }
      if (event.text === 'n') return verifyCa(flow, slot, '');
      return at(flow);
    case 'enter': {
      if (rows === 0) return verifyCa(flow, slot, '');
      const chosen = choices[caCursorOf(flow, slot) - offset];
      if (!chosen) return at(withStep({...flow, caSecondary: emptyDraft}, nextFormStep(flow)));
      if (!chosen.isVerified) return verifyCa(flow, slot, chosen.name);
      const problem = caReferenceProblem(chosen.name, flow, slot);
      if (problem) return at(withError(flow, problem));
      return at(withStep({...flow, [draftKey]: draftOf(chosen.name)}, nextFormStep(flow)));
    }
    default:
      return at(flow);
  }
}

/** A CA reference names a CA certificate of this DPS (DPS's name rules), and not the primary twice. */
function caReferenceProblem(
  name: string,
  flow: GroupFlow,
  slot: 'primary' | 'secondary',
): string | undefined {
  const problem = caNameProblem(name);
  if (problem?.kind === 'empty') return 'type the name of a verified CA certificate in this DPS';
  if (problem) return `'${name}' is not a CA certificate name: ${problem.message}`;
  if (slot === 'secondary' && name === flow.caPrimary.value.trim()) {
    return `'${name}' is already the primary CA: choose another one, or none`;
  }
  return undefined;
}

function attestationKey(flow: GroupFlow, event: KeyEvent, context: FlowContext): Update {
  switch (event.kind) {
    case 'up':
    case 'down':
    case 'tab':
    case 'back-tab':
      return at(
        withError(
          {
            ...flow,
            attestation:
              flow.attestation === 'ca-reference' ? 'signing-certificate' : 'ca-reference',
          },
          undefined,
        ),
      );
    case 'enter':
      return chooseAttestation(flow, context);
    default:
      return at(flow);
  }
}

function resultKey(flow: GroupFlow, event: KeyEvent): Update {
  if (event.kind === 'enter') return at(openDevicePaths(flow, groupDevicePaths));
  if (event.kind === 'text' && event.text === 'p') {
    return at(withStep({...flow, preflightFrom: 'result'}, 'preflight'));
  }
  if (event.kind === 'text' && event.text === 't') return testDevice(flow);
  return at(flow);
}

/** "Test a device of this group": with the device certificate the pre-flight read, if any. */
function testDevice(flow: GroupFlow): Update {
  const certificatePath = loadedCertificate(flow.deviceCertificate)?.absolutePath;
  return at(flow, {
    kind: 'open',
    flow: 'test-enrollment',
    with: {
      kind: 'enrollment',
      group: flow.saved?.enrollmentGroupId ?? groupIdOf(flow),
      ...(certificatePath ? {certificatePath} : {}),
    },
  });
}

function configKey(flow: GroupFlow, event: KeyEvent, context: FlowContext): Update {
  const viewed = configViewKey(flow, event);
  if (viewed) return savingEffects(viewed, context);
  if (event.kind !== 'text') return at(flow);
  if (event.text === 'p') return at(withStep({...flow, preflightFrom: 'config'}, 'preflight'));
  if (event.text === 't') return testDevice(flow);
  if (event.text === 'w') {
    const configFile = configFileField(
      flow.configFile,
      context.cwd,
      checkedDeviceId(flow) ?? groupIdOf(flow),
    );
    return at(withStep({...flow, configFile, confirmOverwrite: false}, 'write-config'));
  }
  return at(flow);
}

function writeConfigKey(flow: GroupFlow, event: KeyEvent, context: FlowContext): Update {
  if (event.kind === 'enter') {
    const write = writeFileEffect(
      flow.configFile.path.value,
      groupConfigToml(flow, context.info),
      flow.confirmOverwrite,
    );
    return write ? at(flow, write) : at(withError(flow, noPathProblem));
  }
  if (event.kind === 'tab') {
    return at(flow, completePath('group-config-file', flow.configFile.path.value));
  }
  const edited = editDraft(flow.configFile.path, event);
  if (edited === undefined || edited === flow.configFile.path) return at(flow);
  return at(
    withError(
      {...flow, configFile: {...emptyPathField, path: edited}, confirmOverwrite: false},
      undefined,
    ),
  );
}

/** Handles one key on the group flow (Esc included). */
export function groupInput(flow: GroupFlow, event: KeyEvent, context: FlowContext): Update {
  if (event.kind === 'escape') {
    const previous = previousGroupStep(flow);
    // Back on a CA list, the cursor follows the name chosen for it.
    const back =
      previous === 'ca-primary' || previous === 'ca-secondary' ? {...flow, caCursor: -1} : flow;
    return savingEffects(escapeKey(back, previous), context);
  }
  if (isSettingsStep(flow.step)) {
    return at(settingsStepKey(flow, flow.step, event, context.linkedHubs, nextFormStep));
  }
  const saveOutcome = saveStepKey(flow, event, 'group-id');
  if (saveOutcome) return savingEffects(saveOutcome, context);

  switch (flow.step) {
    case 'group-id': {
      if (event.kind !== 'enter')
        return at(dropEtagOfOtherId(flow, editTextField(flow, 'groupId', event)));
      const problem = groupIdProblem(flow);
      return problem ? at(withError(flow, problem)) : at(withStep(flow, 'attestation'));
    }
    case 'attestation':
      return attestationKey(flow, event, context);
    case 'ca-primary': {
      const outcome = caReferenceKey(flow, 'primary', event, context);
      // Entering the secondary list puts the cursor on the secondary already chosen (or on none).
      return outcome.flow.step === 'ca-secondary'
        ? at({...outcome.flow, caCursor: -1}, ...outcome.effects)
        : outcome;
    }
    case 'ca-secondary':
      return caReferenceKey(flow, 'secondary', event, context);
    case 'signing-primary':
    case 'signing-secondary':
      return certificateKey(flow, flow.step, event, (ready) =>
        at(withStep(ready, nextFormStep(ready))),
      );
    case 'result':
      return resultKey(flow, event);
    case 'device-paths':
      return at(devicePathsStepKey(flow, event));
    case 'config':
      return configKey(flow, event, context);
    case 'write-config':
      return writeConfigKey(flow, event, context);
    case 'preflight':
      return certificateKey(flow, 'preflight', event, checkDevice);
    default:
      return at(flow);
  }
}

/** The pre-flight: the device certificate read, its chain is checked against the group's certificates. */
function checkDevice(flow: GroupFlow): Update {
  const device = loadedCertificate(flow.deviceCertificate);
  if (!device) return at(flow);
  return at(
    {...flow, preflight: {state: 'checking'}},
    {kind: 'cancel', effect: 'check-group-device'},
    {
      kind: 'check-group-device',
      leafPem: device.pem,
      chainPems: device.chainPems,
      anchorPems: groupAnchorPems(flow),
    },
  );
}

/** An update etag belongs to the group ID it was read for: another ID drops it. */
function dropEtagOfOtherId(before: GroupFlow, after: GroupFlow): GroupFlow {
  if (after.updateEtag === undefined || groupIdOf(after) === groupIdOf(before)) return after;
  const {updateEtag: _dropped, ...rest} = after;
  return rest;
}
