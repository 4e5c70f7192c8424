import type {FlowContext} from '../../shared/flow.js';
import {buildIndividualEnrollment, registrationIdOf} from './enrollment.js';
import {isSettingsStep} from '../../shared/settings-steps.js';
import {bodySize, scrollHeight, twinFieldRows} from '../../shared/layout.js';
import {individualConfigToml, reviewText} from './outputs.js';
import type {IndividualFlow} from './state.js';
import {CertificateStep} from '../../shared/certificate-step.js';
import {ConfigStep, DevicePathsStep, WriteConfigStep} from '../../shared/device-config-steps.js';
import {IdStep} from '../../shared/id-step.js';
import {ReviewStep} from '../../shared/review-step.js';
import {ExistsStep, ResultStep, SaveFailedStep, SavingStep} from '../../shared/save-steps-view.js';
import {SettingsStep} from '../../shared/settings-step.js';

/** The two certificate steps: their texts and the certificate each one edits. */
const certificateSteps = {
  certificate: {
    slot: 'primary',
    title: 'Device identity certificate',
    explanation:
      "The device's own X.509 certificate (PEM or DER .cer; the public part only: its private key stays on the device). DPS recognises the device by it.",
  },
  'secondary-certificate': {
    slot: 'secondary',
    title: 'Secondary certificate (optional)',
    explanation:
      'A second certificate the device may use, e.g. while rolling over to a new one. Press Enter with no path to skip.',
  },
} as const;

/** The two ID steps: their texts and the value each one edits. */
function idStep(flow: IndividualFlow, step: 'registration-id' | 'device-id') {
  if (step === 'registration-id') {
    return {
      title: 'Registration ID',
      explanation:
        "The name the device registers with; for X.509 it is the certificate's CN, filled in for you.",
      label: 'Registration ID',
      draft: flow.registrationId,
    };
  }
  const registrationId = registrationIdOf(flow);
  return {
    title: 'IoT Hub device ID (optional)',
    explanation: `The device's name in IoT Hub. Leave it empty to use the registration ID (${registrationId}).`,
    label: 'Device ID',
    draft: flow.deviceId,
    placeholder: registrationId,
  };
}

/** The individual enrollment flow: one step on screen at a time. */
export function IndividualScreen({flow, context}: {flow: IndividualFlow; context: FlowContext}) {
  const {viewport, info} = context;
  const width = bodySize(viewport).width;
  const height = scrollHeight(viewport);
  const {step} = flow;
  if (isSettingsStep(step)) {
    return (
      <SettingsStep
        step={step}
        settings={flow.settings}
        connection={info}
        stepError={flow.stepError}
        subject="this device"
        width={width}
        jsonRows={twinFieldRows(viewport)}
      />
    );
  }
  switch (step) {
    case 'certificate':
    case 'secondary-certificate': {
      const {slot, ...texts} = certificateSteps[step];
      return (
        <CertificateStep {...texts} field={flow[slot]} stepError={flow.stepError} width={width} />
      );
    }
    case 'registration-id':
    case 'device-id':
      return <IdStep {...idStep(flow, step)} stepError={flow.stepError} />;
    case 'review':
      return (
        <ReviewStep
          panel={flow.reviewPanel}
          scroll={flow.reviewScroll}
          text={reviewText(flow, info)}
          height={height}
          width={width}
          stepError={flow.stepError}
        />
      );
    case 'saving':
      return <SavingStep id={registrationIdOf(flow)} />;
    case 'exists':
      return flow.existing ? (
        <ExistsStep
          existing={flow.existing}
          next={buildIndividualEnrollment(flow, info?.linkedHubs ?? [])}
          scroll={flow.reviewScroll}
          height={bodySize(viewport).height}
          width={width}
          stepError={flow.stepError}
        />
      ) : null;
    case 'save-failed':
      return <SaveFailedStep failure={flow.failure} />;
    case 'result':
      return flow.saved ? (
        <ResultStep saved={flow.saved} mode={flow.updateEtag ? 'updated' : 'created'} />
      ) : null;
    case 'device-paths':
      return <DevicePathsStep flow={flow} />;
    case 'config':
      return (
        <ConfigStep
          toml={individualConfigToml(flow, info)}
          scroll={flow.configScroll}
          height={height}
          width={width}
          written={flow.configWritten}
        />
      );
    case 'write-config':
      return (
        <WriteConfigStep
          path={flow.configFile}
          candidates={flow.configFileCandidates}
          stepError={flow.stepError}
          width={width}
        />
      );
  }
}
