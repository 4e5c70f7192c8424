import {hasErrors} from '../../../certs/findings.js';
import {deviceIdProblem} from '../../../dps/index.js';
import {defaultDevicePaths} from '../../../outputs/config-toml.js';
import {
  editCertificatePath,
  loadedCertificate,
  readingCertificate,
} from '../../shared/certificate-field.js';
import {update, type FlowUpdate} from '../../shared/effect.js';
import type {FlowContext} from '../../shared/flow.js';
import {editTextField, withError, withStep} from '../../shared/flow-step.js';
import type {KeyEvent} from '../../shared/key-event.js';
import {completePath, noPathProblem, writeFileEffect} from '../../shared/path-field.js';
import {savingUpdate} from '../../shared/save-request.js';
import {
  configViewKey,
  devicePathsStepKey,
  escapeKey,
  openDevicePaths,
  saveStepKey,
  settingsStepKey,
  type SavingOutcome,
} from '../../shared/save-steps.js';
import {isSettingsStep} from '../../shared/settings-steps.js';
import {draftOf} from '../../shared/text-draft.js';
import {
  buildIndividualEnrollment,
  deviceIdOf,
  nextFormStep,
  previousStep,
  registrationIdOf,
  registrationIdProblem,
} from './enrollment.js';
import {individualConfigToml} from './outputs.js';
import type {IndividualEffect, IndividualFlow} from './state.js';

/** What each key does on each step of the individual flow. */

type Update = FlowUpdate<IndividualFlow, IndividualEffect>;
const at = (flow: IndividualFlow, ...effects: Update['effects']): Update =>
  update(flow, ...effects);

function certificateKey(
  flow: IndividualFlow,
  slot: 'primary' | 'secondary',
  event: KeyEvent,
): Update {
  const field = flow[slot];
  const loaded = field.status.state === 'loaded' ? field.status : undefined;
  if (event.kind === 'enter') {
    const path = field.path.value.trim();
    if (path === '') {
      // Editing: the certificate DPS has is kept.
      if (field.status.state === 'in-dps') return at(advanceFromCertificate(flow, slot));
      if (slot === 'secondary') return at(withStep(flow, nextFormStep(flow)));
      return at(
        withError(flow, 'type the path of the device identity certificate file (Tab completes)'),
      );
    }
    if (loaded && loaded.certificate.path === path) {
      if (hasErrors(loaded.certificate.findings)) {
        return at(
          withError(
            flow,
            'this certificate cannot be enrolled: fix the errors above or choose another file',
          ),
        );
      }
      const mismatch = slot === 'secondary' ? secondaryCommonNameProblem(flow) : undefined;
      if (mismatch) return at(withError(flow, mismatch));
      const hasWarnings = loaded.certificate.findings.some(
        (finding) => finding.severity === 'warning',
      );
      // The screen says "Press Enter to use it anyway": that Enter accepts the warnings and moves on.
      const accepted =
        hasWarnings && !loaded.warningsAccepted
          ? {...flow, [slot]: {...field, status: {...loaded, warningsAccepted: true}}}
          : flow;
      return at(advanceFromCertificate(accepted, slot));
    }
    return at(withError({...flow, [slot]: readingCertificate(field)}, undefined), {
      kind: 'read-certificate',
      field: slot,
      purpose: 'identity',
      path,
    });
  }
  if (event.kind === 'tab') {
    return at(flow, completePath(slot, field.path.value));
  }
  const edited = editCertificatePath(field, event);
  if (!edited) return at(flow);
  // Moving the cursor is not an edit: the step's problem stays.
  if (edited.path.value === field.path.value) return at({...flow, [slot]: edited});
  return at(withError({...flow, [slot]: edited}, undefined));
}

/**
 * A device presents one certificate and registers with its CN, so a secondary certificate with another CN
 * could never match this enrollment.
 */
function secondaryCommonNameProblem(flow: IndividualFlow): string | undefined {
  const primary = loadedCertificate(flow.primary)?.summary.commonName;
  const secondary = loadedCertificate(flow.secondary)?.summary.commonName;
  if (primary === undefined || secondary === undefined) return undefined;
  if (primary.toLowerCase() === secondary.toLowerCase()) return undefined;
  return `the secondary certificate's CN '${secondary}' is not the device certificate's CN '${primary}': a device registers with its certificate's CN, so both must have the same CN`;
}

/** An update etag belongs to the registration ID it was read for: another ID drops it. */
function dropEtagOfOtherId(before: IndividualFlow, after: IndividualFlow): IndividualFlow {
  if (after.updateEtag === undefined || registrationIdOf(after) === registrationIdOf(before)) {
    return after;
  }
  const {updateEtag: _dropped, ...rest} = after;
  return rest;
}

function advanceFromCertificate(
  flow: IndividualFlow,
  slot: 'primary' | 'secondary',
): IndividualFlow {
  if (slot === 'secondary') return withStep(flow, nextFormStep(flow));
  const commonName = loadedCertificate(flow.primary)?.summary.commonName ?? '';
  // Until the user edits it, the registration ID follows the certificate's CN.
  const registrationId = flow.registrationIdEdited ? flow.registrationId : draftOf(commonName);
  return withStep(dropEtagOfOtherId(flow, {...flow, registrationId}), 'secondary-certificate');
}

/** What a shared step asked for, as this flow's effects: the save is of this enrollment. */
const savingEffects = (outcome: SavingOutcome<IndividualFlow>, context: FlowContext): Update =>
  savingUpdate(outcome, context, 'save-individual', (flow): IndividualEffect => ({
    kind: 'save-individual',
    enrollment: buildIndividualEnrollment(flow, context.linkedHubs),
  }));

/** "Test this enrollment": the device registers with the certificate just enrolled. */
function testIt(flow: IndividualFlow): Update {
  const certificatePath = loadedCertificate(flow.primary)?.absolutePath;
  return at(flow, {
    kind: 'open',
    flow: 'test-enrollment',
    with: {
      kind: 'enrollment',
      registrationId: flow.saved?.registrationId ?? registrationIdOf(flow),
      ...(certificatePath ? {certificatePath} : {}),
    },
  });
}

/** Handles one key on the individual flow (Esc included). */
export function individualInput(
  flow: IndividualFlow,
  event: KeyEvent,
  context: FlowContext,
): Update {
  const {linkedHubs, cwd} = context;
  if (event.kind === 'escape') return savingEffects(escapeKey(flow, previousStep(flow)), context);
  if (isSettingsStep(flow.step)) {
    return at(settingsStepKey(flow, flow.step, event, linkedHubs, nextFormStep));
  }
  const saveOutcome = saveStepKey(flow, event, 'certificate');
  if (saveOutcome) return savingEffects(saveOutcome, context);

  switch (flow.step) {
    case 'certificate':
      return certificateKey(flow, 'primary', event);
    case 'secondary-certificate':
      return certificateKey(flow, 'secondary', event);
    case 'registration-id': {
      if (event.kind === 'enter') {
        const problem = registrationIdProblem(flow);
        return problem ? at(withError(flow, problem)) : at(withStep(flow, 'device-id'));
      }
      const edited = editTextField(flow, 'registrationId', event);
      // Moving the cursor is not editing: the ID keeps following the certificate's CN.
      if (edited.registrationId.value === flow.registrationId.value) return at(edited);
      return at(dropEtagOfOtherId(flow, {...edited, registrationIdEdited: true}));
    }
    case 'device-id': {
      if (event.kind === 'enter') {
        const problem = deviceIdProblem(deviceIdOf(flow));
        return problem ? at(withError(flow, problem.message)) : at(withStep(flow, 'edge'));
      }
      return at(editTextField(flow, 'deviceId', event));
    }
    case 'result':
      if (event.kind === 'enter') {
        return at(openDevicePaths(flow, defaultDevicePaths(registrationIdOf(flow))));
      }
      if (event.kind === 'text' && event.text === 't') return testIt(flow);
      return at(flow);
    case 'device-paths':
      return at(devicePathsStepKey(flow, event));
    case 'config': {
      const viewed = configViewKey(flow, event);
      if (viewed) return savingEffects(viewed, context);
      if (event.kind === 'text' && event.text === 't') return testIt(flow);
      if (event.kind === 'text' && event.text === 'w') {
        const configFile =
          flow.configFile.value === ''
            ? draftOf(`${cwd}/${registrationIdOf(flow)}.config.toml`)
            : flow.configFile;
        return at(withStep({...flow, configFile, confirmOverwrite: false}, 'write-config'));
      }
      return at(flow);
    }
    case 'write-config': {
      if (event.kind === 'enter') {
        const write = writeFileEffect(
          flow.configFile.value,
          individualConfigToml(flow, context.info),
          flow.confirmOverwrite,
        );
        return write ? at(flow, write) : at(withError(flow, noPathProblem));
      }
      if (event.kind === 'tab') {
        return at(flow, completePath('config-file', flow.configFile.value));
      }
      const edited = editTextField(flow, 'configFile', event);
      return at(
        edited === flow ? flow : {...edited, confirmOverwrite: false, configFileCandidates: []},
      );
    }
    default:
      return at(flow);
  }
}
