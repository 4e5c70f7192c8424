import {Box, Text} from 'ink';
import {textFieldRows} from './layout.js';
import {
  allocationPolicies,
  allocationText,
  reprovisionText,
  twinDraftProblem,
} from './settings-steps.js';
import type {ConnectionInfo, SettingsDraft, SettingsStep as Step} from './types.js';
import {ChoiceList} from '../components/choice-list.js';
import {Paragraph} from '../components/paragraph.js';
import {StepError} from '../components/step-error.js';
import {StepHeading} from '../components/step-heading.js';
import type {TextDraft} from './text-draft.js';
import {TextField} from '../components/text-field.js';
import {tone} from '../components/tone.js';

/** The steps shared by individual enrollments and groups. */
export function SettingsStep({
  step,
  settings,
  connection,
  stepError,
  subject,
  width,
  jsonRows,
}: {
  step: Step;
  settings: SettingsDraft;
  connection: ConnectionInfo | undefined;
  stepError: string | undefined;
  /** "this device" or "the devices of this group". */
  subject: string;
  width: number;
  /** The most rows the twin JSON field takes; a longer twin shows its last rows. */
  jsonRows: number;
}) {
  return (
    <Box flexDirection="column">
      <StepBody
        step={step}
        settings={settings}
        connection={connection}
        subject={subject}
        stepError={stepError}
        width={width}
        jsonRows={jsonRows}
      />
      <StepError message={stepError} />
    </Box>
  );
}

function StepBody({
  step,
  settings,
  connection,
  subject,
  stepError,
  width,
  jsonRows,
}: {
  step: Step;
  settings: SettingsDraft;
  connection: ConnectionInfo | undefined;
  subject: string;
  stepError: string | undefined;
  width: number;
  jsonRows: number;
}) {
  switch (step) {
    case 'edge':
      return (
        <Box flexDirection="column">
          <StepHeading title={`Is ${subject} an IoT Edge device?`} />
          <ChoiceList
            cursor={settings.iotEdge ? 0 : 1}
            choices={[
              {label: 'Yes', detail: 'IoT Hub creates it as an IoT Edge device that runs modules'},
              {label: 'No', detail: 'a plain IoT device: the IoT Edge runtime could not use it'},
            ]}
          />
        </Box>
      );
    case 'hubs': {
      const linked = connection?.linkedHubs ?? [];
      const title = `IoT hubs ${subject} can be assigned to`;
      if (linked.length === 0) {
        return (
          <Box flexDirection="column">
            <StepHeading title={title}>
              The linked hubs of this DPS are not known with a connection string: type the host
              names of linked hubs, separated by spaces or commas.
            </StepHeading>
            <TextField
              label="Hubs"
              draft={settings.typedHubs}
              focused
              placeholder="my-hub.azure-devices.net"
            />
          </Box>
        );
      }
      return (
        <Box flexDirection="column">
          <StepHeading title={title}>
            DPS picks one of the chosen hubs when the device registers. All linked hubs are chosen
            to begin with.
          </StepHeading>
          <ChoiceList
            cursor={settings.hubCursor}
            choices={linked.map((hub) => ({
              label: hub.hostName,
              detail: hub.location,
              checked: settings.selectedHubs.includes(hub.hostName),
            }))}
          />
        </Box>
      );
    }
    case 'allocation': {
      const chosen = allocationPolicies.indexOf(settings.allocationPolicy);
      return (
        <Box flexDirection="column">
          <StepHeading title="How DPS chooses the hub" />
          <ChoiceList
            cursor={chosen}
            choices={allocationPolicies.map((policy) => ({label: allocationText[policy][0]}))}
          />
          <Text dimColor wrap="wrap">
            {allocationText[settings.allocationPolicy][1]}
          </Text>
        </Box>
      );
    }
    case 'custom-allocation':
      return (
        <Box flexDirection="column">
          <StepHeading title="Custom allocation webhook">
            DPS calls this Azure Function for each registration; it answers with the hub to use.
          </StepHeading>
          <TextField
            label="Webhook URL "
            draft={settings.webhookUrl}
            focused={settings.customFocus === 'webhook'}
            placeholder="https://my-function.azurewebsites.net/api/allocate?code=..."
          />
          <TextField
            label="API version "
            draft={settings.apiVersion}
            focused={settings.customFocus === 'api-version'}
          />
        </Box>
      );
    case 'twin': {
      const problem = twinDraftProblem(settings);
      return (
        <Box flexDirection="column">
          <StepHeading title="Initial device twin (optional)">
            {`Tags and desired properties the device's twin starts with when DPS first assigns it. ${
              settings.twinMode === 'pairs'
                ? 'Type key=value pairs separated by commas.'
                : 'Type or paste the whole twin as JSON.'
            }`}
          </StepHeading>
          {settings.twinMode === 'pairs' ? (
            <>
              <TextField
                label="Tags              "
                draft={settings.tags}
                focused={settings.twinFocus === 'tags'}
                placeholder="environment=test"
              />
              <TextField
                label="Desired properties"
                draft={settings.desired}
                focused={settings.twinFocus === 'desired'}
              />
            </>
          ) : (
            <JsonField draft={settings.twinJson} width={width} maxRows={jsonRows} />
          )}
          {/* After Enter the same problem is the step's error, shown once below. */}
          {problem && problem !== stepError ? (
            <Paragraph color={tone('yellow')}>{`⚠ ${problem}`}</Paragraph>
          ) : null}
        </Box>
      );
    }
    case 'advanced':
      return (
        <Box flexDirection="column">
          <StepHeading title="Advanced settings" />
          {settings.advancedOpen ? (
            <>
              <ChoiceList
                cursor={settings.advancedRow === 'status' ? 0 : 1}
                choices={[
                  {
                    label: `Provisioning status: ${settings.provisioningStatus === 'enabled' ? 'Enable' : 'Disable'} this enrollment`,
                  },
                  {label: `Reprovision policy: ${reprovisionText[settings.reprovision][0]}`},
                ]}
              />
              <Text dimColor wrap="wrap">
                {settings.advancedRow === 'status'
                  ? settings.provisioningStatus === 'enabled'
                    ? 'Enabled: the device can register now.'
                    : 'Disabled: DPS refuses the device until you enable the enrollment.'
                  : reprovisionText[settings.reprovision][1]}
              </Text>
            </>
          ) : (
            <>
              <Text>Provisioning status: {settings.provisioningStatus}</Text>
              <Text>Reprovision policy: {reprovisionText[settings.reprovision][0]}</Text>
              <Text dimColor>
                Most enrollments keep these. Press Enter to keep them, Tab to change them.
              </Text>
            </>
          )}
        </Box>
      );
  }
}

/** The twin JSON field; a twin longer than `maxRows` shows its last rows, so the checks under it stay in view. */
function JsonField({draft, width, maxRows}: {draft: TextDraft; width: number; maxRows: number}) {
  const rows = textFieldRows('JSON', draft.value, width);
  return (
    <Box flexDirection="column" overflow="hidden" height={Math.min(rows, maxRows)} flexShrink={0}>
      <Box flexDirection="column" flexShrink={0} marginTop={Math.min(0, maxRows - rows)}>
        <TextField
          label="JSON"
          draft={draft}
          focused
          placeholder='{"tags":{"environment":"test"},"properties":{"desired":{}}}'
        />
      </Box>
    </Box>
  );
}
