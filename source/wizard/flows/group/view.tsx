import {Box} from 'ink';
import type {FlowContext} from '../../shared/flow.js';
import {buildEnrollmentGroup, caReferenceWarning, groupIdOf} from './group.js';
import type {GroupFlow} from './state.js';
import {attestationLine, groupConfigToml, groupReviewRows, groupReviewText} from './outputs.js';
import {isSettingsStep} from '../../shared/settings-steps.js';
import {bodySize, scrollHeight, twinFieldRows} from '../../shared/layout.js';
import {Paragraph} from '../../components/paragraph.js';
import {CertificateStep} from '../../shared/certificate-step.js';
import {ConfigStep, DevicePathsStep, WriteConfigStep} from '../../shared/device-config-steps.js';
import {AttestationStep, CaReferenceStep, caRowsFor} from './attestation-steps.js';
import {GroupResultStep, PreflightStep} from './result-steps.js';
import {IdStep} from '../../shared/id-step.js';
import {ReviewStep} from '../../shared/review-step.js';
import {ExistsStep, SaveFailedStep, SavingStep} from '../../shared/save-steps-view.js';
import {SettingsStep} from '../../shared/settings-step.js';

/** The two certificate steps of a CA certificate uploaded into the group. */
const signingSteps = {
  'signing-primary': {
    slot: 'signingPrimary',
    title: "The group's CA certificate",
    explanation:
      "The root or intermediate CA certificate that issued the devices' certificates (PEM or DER; the certificate only: its key stays with you). It is stored in the group.",
  },
  'signing-secondary': {
    slot: 'signingSecondary',
    title: 'Secondary CA certificate (optional)',
    explanation:
      'A second CA certificate, e.g. while rolling over to a new CA. Press Enter with no path to skip.',
  },
} as const;

/** The enrollment group flow: one step on screen at a time. */
export function GroupScreen({flow, context}: {flow: GroupFlow; context: FlowContext}) {
  const {viewport, info} = context;
  const width = bodySize(viewport).width;
  const height = scrollHeight(viewport);
  const {step} = flow;
  if (isSettingsStep(step)) {
    return (
      <Box flexDirection="column">
        <SettingsStep
          step={step}
          settings={flow.settings}
          connection={info}
          stepError={flow.stepError}
          subject="every device of this group"
          width={width}
          jsonRows={twinFieldRows(viewport)}
        />
        {step === 'edge' ? (
          <Paragraph dim>
            A group is all IoT Edge devices or none: every device that registers through it gets
            this setting.
          </Paragraph>
        ) : null}
      </Box>
    );
  }
  switch (step) {
    case 'group-id':
      return (
        <IdStep
          title="Group name"
          explanation="The enrollment group's ID in DPS. Devices do not use it: each registers with its own certificate's CN."
          label="Group name"
          draft={flow.groupId}
          stepError={flow.stepError}
        />
      );
    case 'attestation':
      return <AttestationStep flow={flow} connection={info} />;
    case 'ca-primary':
    case 'ca-secondary':
      return (
        <CaReferenceStep
          flow={flow}
          slot={step === 'ca-primary' ? 'primary' : 'secondary'}
          connection={info}
          rows={caRowsFor(bodySize(viewport).height)}
        />
      );
    case 'signing-primary':
    case 'signing-secondary': {
      const {slot, ...texts} = signingSteps[step];
      return (
        <CertificateStep {...texts} field={flow[slot]} stepError={flow.stepError} width={width} />
      );
    }
    case 'review': {
      const warning = caReferenceWarning(flow);
      return (
        <ReviewStep
          panel={flow.reviewPanel}
          scroll={flow.reviewScroll}
          text={groupReviewText(flow, info)}
          height={groupReviewRows(flow, viewport)}
          width={width}
          stepError={flow.stepError}
          {...(warning ? {note: `⚠ ${warning}`} : {})}
        />
      );
    }
    case 'saving':
      return <SavingStep id={`group ${groupIdOf(flow)}`} />;
    case 'exists':
      return flow.existing ? (
        <ExistsStep
          existing={flow.existing}
          next={buildEnrollmentGroup(flow, info?.linkedHubs ?? [])}
          scroll={flow.reviewScroll}
          height={bodySize(viewport).height}
          width={width}
          stepError={flow.stepError}
        />
      ) : null;
    case 'save-failed':
      return <SaveFailedStep failure={flow.failure} stepError={flow.stepError} />;
    case 'result':
      return flow.saved ? (
        <GroupResultStep
          saved={flow.saved}
          attestation={attestationLine(flow)}
          mode={flow.updateEtag ? 'updated' : 'created'}
        />
      ) : null;
    case 'device-paths':
      return <DevicePathsStep flow={flow} />;
    case 'config':
      return (
        <ConfigStep
          toml={groupConfigToml(flow, info)}
          scroll={flow.configScroll}
          height={height}
          width={width}
          written={flow.configWritten}
        />
      );
    case 'write-config':
      return (
        <WriteConfigStep
          path={flow.configFile.path}
          candidates={flow.configFile.candidates}
          moreCandidates={flow.configFile.moreCandidates}
          stepError={flow.stepError}
          width={width}
        />
      );
    case 'preflight':
      return <PreflightStep flow={flow} width={width} />;
  }
}
