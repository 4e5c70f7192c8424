import {Box, Text} from 'ink';
import type {FlowContext} from '../../shared/flow.js';
import {caFailureAdvice} from '../../shared/failure-text.js';
import {listCursorOf} from './input.js';
import {caAzCommands} from './outputs.js';
import type {CaFlow} from './state.js';
import {bodySize, candidateLines, scrollHeight} from '../../shared/layout.js';
import type {ConnectionInfo, PathField} from '../../shared/types.js';
import {ChoiceList} from '../../components/choice-list.js';
import {FieldRow} from '../../components/field-row.js';
import {Paragraph} from '../../components/paragraph.js';
import {ScrollView} from '../../components/scroll-view.js';
import {Spinner} from '../../components/spinner.js';
import {StepError} from '../../components/step-error.js';
import {StepHeading} from '../../components/step-heading.js';
import {TextField} from '../../components/text-field.js';
import {tone} from '../../components/tone.js';
import {CaList, dateOf, listRowsFor} from '../../shared/ca-list.js';
import {CertificateStep} from '../../shared/certificate-step.js';

export function CaScreen({flow, context}: {flow: CaFlow; context: FlowContext}) {
  const width = bodySize(context.viewport).width;
  return (
    <CaStepView
      flow={flow}
      width={width}
      info={context.info}
      scroll={scrollHeight(context.viewport)}
      listRows={listRowsFor(bodySize(context.viewport).height)}
    />
  );
}

function CaStepView({
  flow,
  width,
  info,
  scroll,
  listRows,
}: {
  flow: CaFlow;
  width: number;
  info: ConnectionInfo | undefined;
  scroll: number;
  listRows: number;
}) {
  const name = flow.target?.name ?? flow.name.value.trim();
  switch (flow.step) {
    case 'needs-arm':
      return <NeedsArm />;
    case 'list':
      if (flow.certificates.state === 'failed' && flow.certificates.failure.kind === 'needs-arm') {
        return <NeedsArm />;
      }
      return (
        <Box flexDirection="column">
          <StepHeading title="CA certificates in DPS">
            A verified root or intermediate CA lets an enrollment group admit every device whose
            certificate chain leads to it. Enter on an unverified one proves you hold its key.
          </StepHeading>
          <Box marginTop={1} flexDirection="column">
            <CaList
              list={flow.certificates}
              cursor={listCursorOf(flow)}
              rows={listRows}
              fullName={!flow.notice}
            />
          </Box>
          {flow.notice ? <Paragraph color={tone('green')}>{`✔ ${flow.notice}`}</Paragraph> : null}
          <StepError message={flow.stepError} />
        </Box>
      );
    case 'add-name':
      return (
        <Box flexDirection="column">
          <StepHeading title="Certificate name">
            The name DPS lists the CA certificate under; enrollment groups reference it by this
            name. Letters, digits, - . _ (up to 256).
          </StepHeading>
          <TextField label="Name" draft={flow.name} focused placeholder="e.g. contoso-root-ca" />
          <StepError message={flow.stepError} />
        </Box>
      );
    case 'add-file':
      return (
        <CertificateStep
          title={`CA certificate file for '${flow.name.value.trim()}'`}
          explanation="The root or intermediate CA certificate (PEM or DER, public part only). It must be a CA (CA:true) and valid now; a file that holds a private key is refused."
          field={flow.certificateFile}
          stepError={flow.stepError}
          width={width}
          use="uploaded as a CA"
        />
      );
    case 'add-verified':
      return (
        <Box flexDirection="column">
          <StepHeading title={`Upload '${name}'`}>
            Verified on upload skips the proof of possession: right only when you created this CA
            yourself or got it from a source you trust; otherwise prove it here.
          </StepHeading>
          {flow.replacing ? (
            <Paragraph color={tone('yellow')}>
              {`This replaces the certificate '${flow.replacing.name}' in DPS (SHA-1 ${flow.replacing.thumbprint ?? 'unknown'}), unless it changed meanwhile.`}
            </Paragraph>
          ) : null}
          <Box marginTop={1}>
            <ChoiceList
              cursor={flow.setVerifiedOnUpload ? 1 : 0}
              choices={[
                {label: 'Upload, then prove possession of its key (recommended)'},
                {label: 'Upload and set it verified (no proof)'},
              ]}
            />
          </Box>
          <StepError message={flow.stepError} />
        </Box>
      );
    case 'uploading':
      return <Busy label={`Uploading the CA certificate '${name}'…`} />;
    case 'name-exists':
      return <NameExists flow={flow} />;
    case 'generating':
      return <Busy label={`Generating a verification code for '${name}'…`} />;
    case 'prove':
      return <Prove flow={flow} width={width} />;
    case 'passphrase':
      return (
        <Box flexDirection="column">
          <StepHeading title="The key file is encrypted">
            {`Type the passphrase of ${flow.privateKeyFile.path.value.trim()}. It is used on this machine only, to sign the verification certificate.`}
          </StepHeading>
          <TextField label="Passphrase" draft={masked(flow.passphrase)} focused />
          <StepError message={flow.stepError} />
        </Box>
      );
    case 'signing':
      return (
        <Busy label="Checking the key matches the CA certificate, then signing the verification certificate…" />
      );
    case 'verifying':
      return <Busy label={`Uploading the proof and verifying '${name}'…`} />;
    case 'verify-failed':
      return (
        <Box flexDirection="column">
          <Text bold color={tone('red')}>
            {`'${name}' is not verified yet`}
          </Text>
          {flow.failure ? (
            <>
              <Paragraph>{flow.failure.message}</Paragraph>
              {flow.failure.kind === 'stale-etag' ? null : (
                <Paragraph dim>{caFailureAdvice(flow.failure)}</Paragraph>
              )}
            </>
          ) : null}
          <Box marginTop={1}>
            <Paragraph>
              {flow.failure?.kind === 'not-found'
                ? 'Press Enter to go back to the list, read again from DPS.'
                : flow.signedHere && flow.privateKeyFile.path.value.trim() !== ''
                  ? `Press Enter to generate a new code and sign it again with ${flow.privateKeyFile.path.value.trim()}.`
                  : 'Press Enter to generate a new code, then sign a verification certificate for it.'}
            </Paragraph>
          </Box>
        </Box>
      );
    case 'verified':
      return <Verified flow={flow} />;
    case 'save':
      return (
        <Box flexDirection="column">
          <StepHeading title="Save the verification certificate">
            The certificate signed for the code (public; its key was never kept). Useful as a record
            of the proof.
          </StepHeading>
          <PathInput label="File" field={flow.saveFile} width={width} />
          <StepError message={flow.stepError} />
        </Box>
      );
    case 'commands':
      return (
        <Box flexDirection="column">
          <Text bold>The same with the az CLI</Text>
          <ScrollView
            text={caAzCommands(flow, info)}
            scroll={flow.commandsScroll}
            height={scroll}
            width={width}
          />
        </Box>
      );
  }
}

const masked = (draft: {value: string; cursor: number}) => ({
  value: '•'.repeat([...draft.value].length),
  cursor: draft.cursor,
});

function Busy({label}: {label: string}) {
  return <Spinner label={label} />;
}

function PathInput({
  label,
  field,
  width,
  focused = true,
}: {
  label: string;
  field: PathField;
  width: number;
  focused?: boolean;
}) {
  return (
    <>
      <TextField label={label} draft={field.path} focused={focused} />
      {focused
        ? candidateLines(field.candidates, field.moreCandidates, width).map((line, index) => (
            <Text key={index} dimColor wrap="truncate">
              {line}
            </Text>
          ))
        : null}
    </>
  );
}

function NeedsArm() {
  return (
    <Box flexDirection="column">
      <Text bold>CA certificates need the ARM API</Text>
      <Paragraph>
        This wizard is connected with a service connection string, which reaches enrollments and
        registrations only. Uploading and verifying CA certificates goes through Azure Resource
        Manager: start dps-enroll with Azure sign-in (--dps-name, --resource-group, --subscription)
        or use the sandbox.
      </Paragraph>
      <Box marginTop={1}>
        <Paragraph>
          A group enrollment needs no verified CA when its root or intermediate certificate is
          uploaded into the group itself. Press Enter to create a group that way.
        </Paragraph>
      </Box>
    </Box>
  );
}

function NameExists({flow}: {flow: CaFlow}) {
  const existing = flow.existing;
  if (!existing) return null;
  const file =
    flow.certificateFile.status.state === 'loaded'
      ? flow.certificateFile.status.certificate.summary.thumbprintSha1
      : undefined;
  const same = file !== undefined && file === existing.thumbprint?.toUpperCase();
  return (
    <Box flexDirection="column">
      <Text bold color={tone('yellow')}>
        {`A CA certificate named '${existing.name}' is in DPS already`}
      </Text>
      <FieldRow label="Subject" width={10}>
        {existing.subject ?? ''}
      </FieldRow>
      <FieldRow label="SHA-1" width={10}>
        {existing.thumbprint ?? ''}
      </FieldRow>
      <FieldRow label="Expires" width={10}>
        {dateOf(existing.expiry)}
      </FieldRow>
      <FieldRow label="Status" width={10}>
        {existing.isVerified ? '✔ verified' : 'unverified'}
      </FieldRow>
      {file === undefined ? null : (
        <Paragraph dim>
          {same
            ? 'It is the same certificate as your file.'
            : 'It is another certificate than your file.'}
        </Paragraph>
      )}
      <Box marginTop={1}>
        <Paragraph>
          {`Press Enter to use the certificate in DPS${existing.isVerified ? '' : ' and prove possession of its key'}, ${file === undefined ? 'r to choose a file to replace it with' : 'r to replace it with your file (only if it is still this version)'}, or Esc to choose another name.`}
        </Paragraph>
      </Box>
    </Box>
  );
}

function Prove({flow, width}: {flow: CaFlow; width: number}) {
  const name = flow.target?.name ?? '';
  const byKey = flow.proveWith === 'key';
  const status = flow.verificationFile.status;
  return (
    <Box flexDirection="column">
      <StepHeading title={`Prove you hold the key of '${name}'`}>
        Sign a certificate whose subject CN is this code with the CA&apos;s private key; DPS checks
        it against the CA certificate.
      </StepHeading>
      <Text> </Text>
      <Text dimColor>Verification code</Text>
      <Text bold>{flow.verificationCode ?? ''}</Text>
      <Text> </Text>
      <Text color={tone(byKey ? 'cyan' : undefined)} bold={byKey}>
        {byKey ? '❯ ' : '  '}Sign it here with the CA&apos;s private key (it never leaves this
        machine)
      </Text>
      <PathInput label="  Key file" field={flow.privateKeyFile} width={width} focused={byKey} />
      <Text color={tone(byKey ? undefined : 'cyan')} bold={!byKey}>
        {byKey ? '  ' : '❯ '}Or pick a verification certificate you signed with your own tools
      </Text>
      <PathInput label="  File" field={flow.verificationFile} width={width} focused={!byKey} />
      {status.state === 'reading' ? (
        <Text dimColor>Checking the verification certificate…</Text>
      ) : null}
      {status.state === 'failed' ? (
        <Paragraph color={tone('red')}>{`✖ ${status.message}`}</Paragraph>
      ) : null}
      <StepError message={flow.stepError} />
    </Box>
  );
}

function Verified({flow}: {flow: CaFlow}) {
  const target = flow.target;
  if (!target) return null;
  return (
    <Box flexDirection="column">
      <Text bold color={tone('green')}>
        {`✔ '${target.name}' is verified`}
      </Text>
      <FieldRow label="Subject" width={10}>
        {target.subject ?? ''}
      </FieldRow>
      <FieldRow label="SHA-1" width={10}>
        {target.thumbprint ?? ''}
      </FieldRow>
      <FieldRow label="Expires" width={10}>
        {dateOf(target.expiry)}
      </FieldRow>
      <Box marginTop={1}>
        <Paragraph>
          {`Enrollment groups can now reference '${target.name}': devices whose certificate chain leads to it can provision.`}
        </Paragraph>
      </Box>
      {flow.savedPath ? (
        <Paragraph
          color={tone('green')}
        >{`✔ Verification certificate saved to ${flow.savedPath}`}</Paragraph>
      ) : null}
      <Box marginTop={1}>
        <Paragraph dim>
          {[
            flow.returnTo ? 'Enter: back to the group.' : 'Enter: back to the list.',
            flow.signedHere && flow.verificationPem ? 's: save the verification certificate.' : '',
            'a: the az commands.',
          ]
            .filter((part) => part !== '')
            .join(' ')}
        </Paragraph>
      </Box>
      <StepError message={flow.stepError} />
    </Box>
  );
}
