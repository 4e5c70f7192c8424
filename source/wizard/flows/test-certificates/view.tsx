import {Box, Text} from 'ink';
import {bodySize, candidateLines} from '../../shared/layout.js';
import type {FlowContext} from '../../shared/flow.js';
import {
  daysProblem,
  deviceNamesOf,
  deviceNamesProblem,
  deviceNamesWarning,
  doneChoices,
  doneLayout,
  folderOf,
} from './chain.js';
import {keyTypeChoices, maxDays, type TestCertificatesFlow} from './state.js';
import {ChoiceList} from '../../components/choice-list.js';
import {FieldRow} from '../../components/field-row.js';
import {Paragraph} from '../../components/paragraph.js';
import {Spinner} from '../../components/spinner.js';
import {StepError} from '../../components/step-error.js';
import {StepHeading} from '../../components/step-heading.js';
import {TextField} from '../../components/text-field.js';
import {tone} from '../../components/tone.js';

const keyTypeNames = {rsa: 'RSA 4096 (CAs), RSA 2048 (devices)', ec: 'EC P-256'} as const;

/** Where the chain goes, as the user reads it. */
function folderText(flow: TestCertificatesFlow, cwd: string): string {
  const folder = folderOf(flow);
  return folder === '.' ? `this folder (${cwd})` : folder;
}

/** Generate test certificates: one step on screen at a time. */
export function TestCertificatesScreen({
  flow,
  context,
}: {
  flow: TestCertificatesFlow;
  context: FlowContext;
}) {
  const {width} = bodySize(context.viewport);
  switch (flow.step) {
    case 'folder':
      return (
        <Box flexDirection="column">
          <StepHeading title="Folder">
            {`Where to write the test chain. As with the IoT Edge docs' certGen scripts, certificates go in certs/ and private keys in private/ inside it. Leave it empty for this folder (${context.cwd}).`}
          </StepHeading>
          <TextField
            label="Folder"
            draft={flow.folder.path}
            focused
            placeholder="empty = this folder"
          />
          {candidateLines(flow.folder.candidates, flow.folder.moreCandidates, width).map(
            (line, index) => (
              <Text key={index} dimColor wrap="truncate">
                {line}
              </Text>
            ),
          )}
          <StepError message={flow.stepError} />
        </Box>
      );
    case 'devices':
      return <DevicesStep flow={flow} />;
    case 'key-type':
      return (
        <Box flexDirection="column">
          <StepHeading title="Key type">The kind of keys for the CAs and the devices.</StepHeading>
          {keyTypeChoices.map((choice) => {
            const active = choice.keyType === flow.keyType;
            return (
              <Box key={choice.keyType} flexDirection="column">
                <Text>
                  <Text color={tone(active ? 'cyan' : undefined)}>{active ? '❯ ' : '  '}</Text>
                  <Text bold={active}>{choice.label}</Text>
                </Text>
                <Box paddingLeft={4}>
                  <Paragraph dim>{choice.detail}</Paragraph>
                </Box>
              </Box>
            );
          })}
          <StepError message={flow.stepError} />
        </Box>
      );
    case 'days': {
      const problem = flow.days.value.trim() === '' ? undefined : daysProblem(flow.days.value);
      return (
        <Box flexDirection="column">
          <StepHeading title="Validity">
            {`How many days the certificates are valid, from 1 to ${maxDays}. certGen makes 30-day certificates, which expire mid-project and then devices stop connecting; 90 days suits a trial.`}
          </StepHeading>
          <TextField label="Days" draft={flow.days} focused />
          {problem && !flow.stepError ? <Text color={tone('yellow')}>{problem}</Text> : null}
          <StepError message={flow.stepError} />
        </Box>
      );
    }
    case 'summary':
      return (
        <Box flexDirection="column">
          <StepHeading title="Summary">
            A root CA, an intermediate CA signed by it, and a device identity certificate per device
            signed by the intermediate, each with its private key.
          </StepHeading>
          <FieldRow label="Folder" width={10} wrap>
            {folderText(flow, context.cwd)}
          </FieldRow>
          <FieldRow label="Devices" width={10} wrap>
            {deviceNamesOf(flow).join(', ')}
          </FieldRow>
          <FieldRow label="Keys" width={10}>
            {keyTypeNames[flow.keyType]}
          </FieldRow>
          <FieldRow label="Validity" width={10}>
            {flow.days.value.trim()} days
          </FieldRow>
          <Box marginTop={1}>
            <Paragraph>
              Press Enter to generate. Existing files are never replaced without asking.
            </Paragraph>
          </Box>
          <StepError message={flow.stepError} />
        </Box>
      );
    case 'generating':
      return <GeneratingStep flow={flow} />;
    case 'exists':
      return <ExistsStep flow={flow} />;
    case 'done':
      return <DoneStep flow={flow} context={context} />;
  }
}

function DevicesStep({flow}: {flow: TestCertificatesFlow}) {
  const names = deviceNamesOf(flow);
  const problem = names.length === 0 ? undefined : deviceNamesProblem(names);
  const warning = problem ? undefined : deviceNamesWarning(names);
  return (
    <Box flexDirection="column">
      <StepHeading title="Device names">
        One or more names, separated by commas or spaces. Each gets a device identity certificate
        whose CN is the name: the registration ID the device uses with DPS.
      </StepHeading>
      <TextField label="Devices" draft={flow.devices} focused placeholder="e.g. edge-01, edge-02" />
      {problem && !flow.stepError ? <Paragraph color={tone('yellow')}>{problem}</Paragraph> : null}
      {warning ? <Paragraph color={tone('yellow')}>{warning}</Paragraph> : null}
      {names.length > 0 && !problem ? (
        <Text color={tone('green')} wrap="truncate-end">
          ✔ {names.length} device{names.length === 1 ? '' : 's'}: {names.join(', ')}
        </Text>
      ) : null}
      <StepError message={flow.stepError} />
    </Box>
  );
}

const stageTexts = {
  keys: 'Making keys',
  certificates: 'Signing certificates',
  files: 'Writing files',
} as const;

function GeneratingStep({flow}: {flow: TestCertificatesFlow}) {
  const {progress} = flow;
  const label =
    progress === undefined
      ? 'Checking the folder…'
      : progress.stage === 'files'
        ? `${stageTexts.files}…`
        : `${stageTexts[progress.stage]}… ${progress.done} of ${progress.total}`;
  return (
    <Box flexDirection="column">
      <Spinner label={label} />
      {flow.keyType === 'rsa' ? (
        <Paragraph dim>RSA 4096 keys take a few seconds each on a small machine.</Paragraph>
      ) : null}
      <Paragraph dim>
        Esc cancels: nothing is written until every key and certificate is made.
      </Paragraph>
    </Box>
  );
}

function ExistsStep({flow}: {flow: TestCertificatesFlow}) {
  const existing = flow.existing ?? [];
  const shown = existing.slice(0, 10);
  return (
    <Box flexDirection="column">
      <Text bold color={tone('yellow')}>
        {existing.length} of the files to write already exist{existing.length === 1 ? 's' : ''}
      </Text>
      {shown.map((path) => (
        <Text key={path} wrap="truncate-middle">
          {`  ${path}`}
        </Text>
      ))}
      {existing.length > shown.length ? (
        <Text dimColor>{`  … and ${existing.length - shown.length} more`}</Text>
      ) : null}
      <Box marginTop={1}>
        <Paragraph>
          Nothing was written. Press o to overwrite them (whatever uses the old certificates must
          then be set up again), or Esc to choose another folder.
        </Paragraph>
      </Box>
    </Box>
  );
}

function DoneStep({flow, context}: {flow: TestCertificatesFlow; context: FlowContext}) {
  const {fileLines, fileRows, choiceRows} = doneLayout(flow, context.viewport);
  const overflow = fileLines.length > fileRows;
  const top = Math.min(flow.filesScroll, Math.max(0, fileLines.length - fileRows));
  const visible = fileLines.slice(top, top + fileRows);
  const left = fileLines.length - top - visible.length;
  const lines = (count: number) => `${count} more line${count === 1 ? '' : 's'}`;
  const choices = doneChoices(flow);
  // More choices than rows: a window that follows the cursor, and a row that counts the others.
  const hiddenChoices = choices.length > choiceRows;
  const shownChoices = hiddenChoices ? choiceRows - 1 : choiceRows;
  const firstChoice = Math.max(
    0,
    Math.min(flow.doneCursor - shownChoices + 1, choices.length - shownChoices),
  );
  const folder = folderOf(flow);
  return (
    <Box flexDirection="column">
      <Text bold color={tone('green')} wrap="truncate-end">
        ✔ Test certificates made: for tests only, never for production
      </Text>
      <Paragraph dim>
        {`In ${folder === '.' ? 'this folder' : `${folder.replace(/\/+$/, '')}/`}. The keys (0600) stay on this machine: copy to a device only its own key.`}
      </Paragraph>
      {visible.map((line, index) => (
        <Text key={top + index} wrap="truncate-end">
          {line === '' ? ' ' : line}
        </Text>
      ))}
      {overflow ? (
        <Text dimColor>
          {left > 0 ? `↓ ${lines(left)} (PgDn)` : `↑ ${lines(top)} above (PgUp)`}
        </Text>
      ) : null}
      <Box marginTop={1}>
        <ChoiceList
          choices={choices.slice(firstChoice, firstChoice + shownChoices)}
          cursor={flow.doneCursor - firstChoice}
        />
      </Box>
      {hiddenChoices ? (
        <Text dimColor>{`  ↑↓ ${choices.length - shownChoices} more choices`}</Text>
      ) : null}
      <StepError message={flow.stepError} />
    </Box>
  );
}
