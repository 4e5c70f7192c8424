import {Box, Text} from 'ink';
import {candidateLines} from './layout.js';
import type {DevicePathsDraft} from './save-steps.js';
import type {TextDraft} from './text-draft.js';
import {ScrollView} from '../components/scroll-view.js';
import {StepError} from '../components/step-error.js';
import {StepHeading} from '../components/step-heading.js';
import {TextField} from '../components/text-field.js';
import {tone} from '../components/tone.js';

export function DevicePathsStep({
  flow,
}: {
  flow: DevicePathsDraft & {stepError?: string | undefined};
}) {
  return (
    <Box flexDirection="column">
      <StepHeading title="Where the files will be on the device">
        IoT Edge reads the identity certificate (the full chain: device certificate first, then its
        CAs) and its private key from these paths. Keep the key readable by the aziot user only.
      </StepHeading>
      <TextField
        label="Certificate chain"
        draft={flow.deviceCertPath}
        focused={flow.devicePathFocus === 'certificate'}
      />
      <TextField
        label="Private key      "
        draft={flow.deviceKeyPath}
        focused={flow.devicePathFocus === 'key'}
      />
      <StepError message={flow.stepError} />
    </Box>
  );
}

export function ConfigStep({
  toml,
  scroll,
  height,
  width,
  written,
}: {
  toml: string;
  scroll: number;
  height: number;
  width: number;
  written: string | undefined;
}) {
  return (
    <Box flexDirection="column">
      <Text bold>
        Add this to /etc/aziot/config.toml on the device, then run: sudo iotedge config apply
      </Text>
      <ScrollView text={toml} scroll={scroll} height={height} width={width} />
      {written ? <Text color={tone('green')}>✔ Written to {written}</Text> : null}
    </Box>
  );
}

export function WriteConfigStep({
  path,
  candidates,
  moreCandidates = 0,
  stepError,
  width,
}: {
  path: TextDraft;
  candidates: string[];
  moreCandidates?: number;
  stepError: string | undefined;
  width: number;
}) {
  return (
    <Box flexDirection="column">
      <Text bold>Write the [provisioning] section to a file</Text>
      <TextField label="File" draft={path} focused />
      {candidateLines(candidates, moreCandidates, width).map((line, index) => (
        <Text key={index} dimColor wrap="truncate">
          {line}
        </Text>
      ))}
      <StepError message={stepError} />
    </Box>
  );
}
