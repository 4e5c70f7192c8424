import {connectionInfoOf} from '../app/reducer.js';
import {isSettingsStep, registrationIdOf} from '../app/individual-flow.js';
import {bodySize, scrollHeight} from '../app/layout.js';
import {individualConfigToml, reviewText} from '../app/outputs-view.js';
import type {WizardState} from '../app/state.js';
import {CertificateStep} from './certificate-step.js';
import {ConfigStep, DevicePathsStep, WriteConfigStep} from './device-config-steps.js';
import {IdStep} from './id-step.js';
import {ReviewStep} from './review-step.js';
import {ExistsStep, ResultStep, SaveFailedStep, SavingStep} from './save-steps.js';
import {SettingsStep} from './settings-step.js';

/** The individual enrollment flow: one step on screen at a time. */
export function IndividualScreen({state}: {state: WizardState}) {
  const width = bodySize(state.viewport).width;
  const height = scrollHeight(state.viewport);
  const flow = state.individual;
  const info = connectionInfoOf(state);
  const {step} = flow;
  if (isSettingsStep(step)) {
    return (
      <SettingsStep
        step={step}
        settings={flow.settings}
        connection={info}
        stepError={flow.stepError}
        subject="this device"
      />
    );
  }
  switch (step) {
    case 'certificate':
      return (
        <CertificateStep
          title="Device identity certificate"
          explanation="The device's own X.509 certificate (PEM or DER .cer; the public part only: its private key stays on the device). DPS recognises the device by it."
          field={flow.primary}
          stepError={flow.stepError}
        />
      );
    case 'secondary-certificate':
      return (
        <CertificateStep
          title="Secondary certificate (optional)"
          explanation="A second certificate the device may use, e.g. while rolling over to a new one. Press Enter with no path to skip."
          field={flow.secondary}
          stepError={flow.stepError}
        />
      );
    case 'registration-id':
      return (
        <IdStep
          title="Registration ID"
          explanation="The name the device registers with; for X.509 it is the certificate's CN, filled in for you."
          label="Registration ID"
          draft={flow.registrationId}
          stepError={flow.stepError}
        />
      );
    case 'device-id':
      return (
        <IdStep
          title="IoT Hub device ID (optional)"
          explanation={`The device's name in IoT Hub. Leave it empty to use the registration ID (${registrationIdOf(flow)}).`}
          label="Device ID"
          draft={flow.deviceId}
          placeholder={registrationIdOf(flow)}
          stepError={flow.stepError}
        />
      );
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
      return <SavingStep id={registrationIdOf(flow)} throttled={flow.throttled} />;
    case 'exists':
      return flow.existing ? <ExistsStep existing={flow.existing} /> : null;
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
      return <WriteConfigStep flow={flow} />;
  }
}
