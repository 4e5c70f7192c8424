import {Box, Text} from 'ink';
import {FieldRow} from '../../components/field-row.js';
import {FindingsList} from '../../components/findings-list.js';
import {Paragraph} from '../../components/paragraph.js';
import {Spinner} from '../../components/spinner.js';
import {StepError} from '../../components/step-error.js';
import {StepHeading} from '../../components/step-heading.js';
import {TextField} from '../../components/text-field.js';
import {tone} from '../../components/tone.js';
import {ChoiceList} from '../../components/choice-list.js';
import {CertificateStep} from '../../shared/certificate-step.js';
import {WriteConfigStep} from '../../shared/device-config-steps.js';
import type {FlowContext} from '../../shared/flow.js';
import {IdStep} from '../../shared/id-step.js';
import {bodySize, candidateLines} from '../../shared/layout.js';
import type {ConnectionInfo, PathField, RegistrationStage} from '../../shared/types.js';
import {asksFirst, configOffered, idScopeOf, registrationIdOf} from './device.js';
import {endpointText} from './outputs.js';
import type {TestEnrollmentFlow} from './state.js';

/** "Test an enrollment": one step on screen at a time. */

function PathStep({
  title,
  explanation,
  label,
  field,
  placeholder,
  stepError,
  width,
}: {
  title: string;
  explanation: string;
  label: string;
  field: PathField;
  placeholder: string;
  stepError: string | undefined;
  width: number;
}) {
  return (
    <Box flexDirection="column">
      <StepHeading title={title}>{explanation}</StepHeading>
      <TextField label={label} draft={field.path} focused placeholder={placeholder} />
      {candidateLines(field.candidates, field.moreCandidates, width).map((line, index) => (
        <Text key={index} dimColor wrap="truncate">
          {line}
        </Text>
      ))}
      <StepError message={stepError} />
    </Box>
  );
}

function DeviceSummary({flow, info}: {flow: TestEnrollmentFlow; info: ConnectionInfo | undefined}) {
  const chain = flow.chain.path.value.trim();
  return (
    <Box flexDirection="column">
      <FieldRow label="Certificate">{flow.certificate.path.value.trim()}</FieldRow>
      {chain ? <FieldRow label="Chain">{chain}</FieldRow> : null}
      <FieldRow label="Private key">{`${flow.key.path.value.trim()} (read only to register)`}</FieldRow>
      <FieldRow label="Registration ID">{registrationIdOf(flow)}</FieldRow>
      {flow.group ? <FieldRow label="Group">{flow.group}</FieldRow> : null}
      <FieldRow label="ID scope">{idScopeOf(flow, info) || '(none)'}</FieldRow>
      <FieldRow label="Registers at">{`${endpointText(info)} over ${flow.transport.toUpperCase()}`}</FieldRow>
    </Box>
  );
}

function PreflightStep({flow, info}: {flow: TestEnrollmentFlow; info: ConnectionInfo | undefined}) {
  const findings = flow.findings;
  const ready = findings !== undefined && !findings.some((finding) => finding.severity === 'error');
  const clean = findings !== undefined && findings.every((finding) => finding.severity === 'info');
  return (
    <Box flexDirection="column">
      <StepHeading title="Pre-flight">
        The device's files are checked together, as DPS will see them when the device registers.
      </StepHeading>
      <DeviceSummary flow={flow} info={info} />
      <Box marginTop={1} flexDirection="column">
        {flow.checking ? <Spinner label="Checking the device's files…" /> : null}
        {findings && !clean ? <FindingsList findings={findings} /> : null}
        {clean ? (
          <Text color={tone('green')}>✔ Chain, key and registration ID look right.</Text>
        ) : null}
      </Box>
      {configOffered(flow) ? (
        <Paragraph dim>
          {`w writes this device's config.toml: registration_id = "${registrationIdOf(flow)}", its chain and key where IoT Edge reads them.`}
        </Paragraph>
      ) : null}
      {flow.configWritten ? (
        <Text color={tone('green')}>✔ config.toml written to {flow.configWritten}</Text>
      ) : null}
      {!flow.checking ? (
        <Text>
          {asksFirst(info)
            ? 'Press Enter to register this device in DPS (you will be asked first).'
            : ready
              ? 'Press Enter to register this device in the sandbox.'
              : 'Press Enter to register anyway and see what DPS answers.'}
        </Text>
      ) : null}
      <StepError message={flow.stepError} />
    </Box>
  );
}

function ConfirmStep({flow, info}: {flow: TestEnrollmentFlow; info: ConnectionInfo | undefined}) {
  return (
    <Box flexDirection="column" gap={1}>
      <Text bold color={tone('yellow')}>
        This REGISTERS THE DEVICE IN IOT HUB.
      </Text>
      <Paragraph>
        {`DPS (ID scope ${idScopeOf(flow, info)}) will assign "${registrationIdOf(flow)}" to a hub and create its device identity there, as the real device would on its first boot. Delete it in IoT Hub afterwards if this was only a test.`}
      </Paragraph>
      <Text>Press y to register, n to go back.</Text>
    </Box>
  );
}

const stageOrder = ['connecting', 'registering', 'waiting-for-assignment'] as const;
const stageLabels = {
  connecting: 'Connecting to DPS',
  registering: 'Registering with the device certificate',
  'waiting-for-assignment': 'Waiting for the assignment to a hub',
} as const;

function RegisteringStep({stage}: {stage: RegistrationStage | undefined}) {
  const index = stageOrder.indexOf(stage?.stage ?? 'connecting');
  return (
    <Box flexDirection="column">
      <StepHeading title="Registering as the device">
        The private key stays on this machine: it signs the TLS handshake, it is never sent.
      </StepHeading>
      {stageOrder.map((name, position) =>
        position < index ? (
          <Text key={name} color={tone('green')}>
            ✔ {stageLabels[name]}
          </Text>
        ) : position === index ? (
          <Spinner key={name} label={`${stageLabels[name]}…`} />
        ) : (
          <Text key={name} dimColor>
            {'  '}
            {stageLabels[name]}
          </Text>
        ),
      )}
    </Box>
  );
}

function AssignedStep({flow}: {flow: TestEnrollmentFlow}) {
  const assignment = flow.assignment;
  if (!assignment) return null;
  return (
    <Box flexDirection="column">
      <Text bold color={tone('green')}>
        ✔ The device registered: this enrollment works.
      </Text>
      <Box flexDirection="column" marginTop={1}>
        <FieldRow label="Assigned hub" wrap>
          <Text bold>{assignment.assignedHub}</Text>
        </FieldRow>
        <FieldRow label="Device ID" wrap>
          {assignment.deviceId}
        </FieldRow>
        <FieldRow label="Substatus">{assignment.substatus ?? 'initialAssignment'}</FieldRow>
      </Box>
      {configOffered(flow) ? (
        <Box marginTop={1}>
          <Paragraph dim>
            w writes this device's config.toml; i installs it on this machine.
          </Paragraph>
        </Box>
      ) : null}
      {flow.configWritten ? (
        <Text color={tone('green')}>✔ config.toml written to {flow.configWritten}</Text>
      ) : null}
    </Box>
  );
}

function RefusedStep({flow}: {flow: TestEnrollmentFlow}) {
  const refusal = flow.refusal;
  if (!refusal) return null;
  const code = [refusal.status, refusal.errorCode].filter((part) => part !== undefined).join(' / ');
  return (
    <Box flexDirection="column" gap={1}>
      <Text bold color={tone('red')}>
        ✖ DPS refused the registration{code ? ` (${code})` : ''}
      </Text>
      <FieldRow label="Cause" width={7} wrap>
        {refusal.cause}
      </FieldRow>
      <FieldRow label="Fix" width={7} wrap>
        {refusal.fix}
      </FieldRow>
      <Text dimColor>r tries again · e edits the files and the ID (all kept) · Esc back</Text>
    </Box>
  );
}

function InstallPlanStep({flow}: {flow: TestEnrollmentFlow}) {
  const plan = flow.installPlan;
  return (
    <Box flexDirection="column">
      <StepHeading title="Install on this device">
        For a technician on the gateway itself: IoT Edge reads its provisioning from
        /etc/aziot/config.toml and the files below.
      </StepHeading>
      {(plan?.actions ?? []).map((action, index) => (
        <Paragraph key={index}>{`• ${action}`}</Paragraph>
      ))}
      {flow.install === 'planning' ? <Spinner label="Working out what to change…" /> : null}
      {flow.install === 'installing' ? <Spinner label="Installing…" /> : null}
      {plan && flow.install === undefined ? (
        <Text>Press y to do this, Esc to leave it.</Text>
      ) : null}
      <StepError message={flow.stepError} />
    </Box>
  );
}

function InstalledStep({flow}: {flow: TestEnrollmentFlow}) {
  const found = flow.installPlan?.iotedgeFound ?? false;
  return (
    <Box flexDirection="column">
      <Text bold color={tone('green')}>
        ✔ Installed
      </Text>
      {(flow.installed ?? []).map((line, index) => (
        <Paragraph key={index}>{`• ${line}`}</Paragraph>
      ))}
      <Box marginTop={1} flexDirection="column">
        <Text>Now apply it:</Text>
        <Text bold>sudo iotedge config apply</Text>
        {found ? (
          <Text dimColor>Press a to run it now.</Text>
        ) : (
          <Text dimColor>iotedge is not installed on this machine: install IoT Edge first.</Text>
        )}
      </Box>
      {flow.applying ? <Spinner label="Running iotedge config apply…" /> : null}
      {flow.applyResult ? (
        <Box flexDirection="column">
          <Text color={tone(flow.applyResult.exitCode === 0 ? 'green' : 'red')}>
            {flow.applyResult.exitCode === 0
              ? '✔ iotedge config apply succeeded'
              : `✖ iotedge config apply failed (exit ${flow.applyResult.exitCode})`}
          </Text>
          <Text dimColor wrap="truncate-end">
            {flow.applyResult.output.split('\n').slice(-3).join('\n')}
          </Text>
        </Box>
      ) : null}
    </Box>
  );
}

export function TestEnrollmentScreen({
  flow,
  context,
}: {
  flow: TestEnrollmentFlow;
  context: FlowContext;
}) {
  const {info, viewport} = context;
  const width = bodySize(viewport).width;
  switch (flow.step) {
    case 'certificate':
      return (
        <CertificateStep
          title="Device certificate"
          explanation="The device's identity certificate, ideally its full chain file (device certificate, then its CAs): the device presents it to DPS."
          field={flow.certificate}
          stepError={flow.stepError}
          width={width}
          use="registered"
          presentsChain
        />
      );
    case 'chain':
      return (
        <PathStep
          title="Chain (optional)"
          explanation="The file holds the device certificate alone. A group's device also presents the intermediate CAs up to the group's CA: give that file, or press Enter for none."
          label="Chain file"
          field={flow.chain}
          placeholder="none"
          stepError={flow.stepError}
          width={width}
        />
      );
    case 'key':
      return (
        <PathStep
          title="Private key"
          explanation="The device certificate's private key (PEM). It is read only when the device registers, to sign the TLS handshake: never shown, never sent."
          label="Key file"
          field={flow.key}
          placeholder="path to the .key.pem file"
          stepError={flow.stepError}
          width={width}
        />
      );
    case 'registration-id':
      return (
        <IdStep
          title="Registration ID"
          explanation="The name the device registers with: its certificate's CN, filled in for you."
          label="Registration ID"
          draft={flow.registrationId}
          stepError={flow.stepError}
        />
      );
    case 'id-scope':
      return (
        <IdStep
          title="ID scope"
          explanation="The DPS's ID scope (Overview page in the Azure portal): a connection string does not say it."
          label="ID scope"
          draft={flow.idScope}
          placeholder="0ne…"
          stepError={flow.stepError}
        />
      );
    case 'transport':
      return (
        <Box flexDirection="column">
          <StepHeading title="Transport">
            How the device talks to DPS. IoT Edge uses HTTPS; MQTT is what many device apps use.
          </StepHeading>
          <ChoiceList
            cursor={flow.transport === 'https' ? 0 : 1}
            choices={[{label: 'HTTPS'}, {label: 'MQTT (over TLS, port 8883)'}]}
          />
        </Box>
      );
    case 'preflight':
      return <PreflightStep flow={flow} info={info} />;
    case 'confirm':
      return <ConfirmStep flow={flow} info={info} />;
    case 'registering':
      return <RegisteringStep stage={flow.stage} />;
    case 'assigned':
      return <AssignedStep flow={flow} />;
    case 'refused':
      return <RefusedStep flow={flow} />;
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
    case 'install-plan':
      return <InstallPlanStep flow={flow} />;
    case 'installed':
      return <InstalledStep flow={flow} />;
  }
}
