import {Box, Text} from 'ink';
import {caChoices, caCursorOf} from './group.js';
import type {GroupFlow} from './state.js';
import {failureAdvice} from '../../shared/failure-text.js';
import type {ConnectionInfo} from '../../shared/types.js';
import {ChoiceList, type Choice} from '../../components/choice-list.js';
import {Paragraph} from '../../components/paragraph.js';
import {Spinner} from '../../components/spinner.js';
import {StepError} from '../../components/step-error.js';
import {StepHeading} from '../../components/step-heading.js';
import {TextField} from '../../components/text-field.js';
import {tone} from '../../components/tone.js';
import {fit, shortThumbprint, subjectCommonName} from '../../shared/ca-list.js';

const noArmText =
  'Connected with a service connection string: the CA certificates of this DPS cannot be listed or verified here (that needs Azure sign-in with --dps-name, --resource-group and --subscription).';

/** CA references or a certificate uploaded into the group. */
export function AttestationStep({
  flow,
  connection,
}: {
  flow: GroupFlow;
  connection: ConnectionInfo | undefined;
}) {
  // Still connecting, nothing is known to be missing yet.
  const armAvailable = connection?.armAvailable !== false;
  return (
    <Box flexDirection="column">
      <StepHeading title="How the devices of this group prove who they are">
        Every device presents its own certificate and the chain above it. DPS lets it in when that
        chain reaches the group&apos;s CA certificate.
      </StepHeading>
      <ChoiceList
        cursor={flow.attestation === 'ca-reference' ? 0 : 1}
        choices={[
          {label: 'A verified CA certificate in DPS', detail: '(caReferences)'},
          {label: 'A CA certificate uploaded into this group', detail: '(signingCertificates)'},
        ]}
      />
      <Paragraph dim>
        {flow.attestation === 'ca-reference'
          ? armAvailable
            ? 'The CA is uploaded and verified once in DPS; any number of groups can then use it. You choose it from the DPS list next.'
            : 'The CA is uploaded and verified once in DPS; you type its name next.'
          : 'The root or intermediate certificate file is stored in this group itself. You choose the file next.'}
      </Paragraph>
      {armAvailable ? null : (
        <Box marginTop={1}>
          <Paragraph color={tone('yellow')}>
            {`${noArmText} Upload the CA certificate into the group instead, or type the name of a CA that is already verified.`}
          </Paragraph>
        </Box>
      )}
      <StepError message={flow.stepError} />
    </Box>
  );
}

/** How many certificates the list shows at once; the window follows the cursor. */
const visibleRows = 8;

/**
 * Rows for certificates in a body of `height` lines, after the heading (three lines), the "more" lines and
 * the note under the list (two lines): a short terminal still shows the cursor's row.
 */
export const caRowsFor = (height: number) => Math.max(3, Math.min(visibleRows, height - 9));

function caRows(slot: 'primary' | 'secondary', certificates: Choice[], nameWidth: number) {
  return slot === 'secondary'
    ? [{label: '(none)'.padEnd(nameWidth), detail: 'no secondary CA'} as Choice, ...certificates]
    : certificates;
}

/** The primary or secondary CA reference: chosen from the DPS's CA certificates, or typed. */
export function CaReferenceStep({
  flow,
  slot,
  connection,
  rows: listRows = visibleRows,
}: {
  flow: GroupFlow;
  slot: 'primary' | 'secondary';
  connection: ConnectionInfo | undefined;
  /** How many rows of the list fit on screen. */
  rows?: number;
}) {
  const title = slot === 'primary' ? "The group's CA certificate" : 'Secondary CA (optional)';
  const explanation =
    slot === 'primary'
      ? "The CA in DPS that issued the devices' certificates (root or intermediate). It must be verified (proof of possession of its key)."
      : 'A second CA, e.g. while rolling over to a new one. Choose (none) to skip.';
  const choices = caChoices(flow, connection);
  if (choices === undefined) {
    const draft = slot === 'primary' ? flow.caPrimary : flow.caSecondary;
    const list = flow.caCertificates;
    const reason =
      list.state === 'failed'
        ? `The CA certificates could not be read: ${list.failure.message} ${failureAdvice(list.failure)} (Esc, then Enter, reads the list again.)`
        : noArmText;
    return (
      <Box flexDirection="column">
        <StepHeading title={title}>{explanation}</StepHeading>
        <Paragraph color={tone('yellow')}>{reason}</Paragraph>
        <Paragraph dim>
          {slot === 'primary'
            ? 'Type the name of a verified CA certificate in this DPS (DPS does not check it on save), or press Esc and upload the CA certificate into the group.'
            : 'Type the name of a second verified CA certificate, or press Enter with no name to skip.'}
        </Paragraph>
        <TextField label="CA name" draft={draft} focused />
        <StepError message={flow.stepError} />
      </Box>
    );
  }
  if (flow.caCertificates.state !== 'loaded') {
    return (
      <Box flexDirection="column">
        <StepHeading title={title}>{explanation}</StepHeading>
        <Spinner label="Reading the CA certificates of DPS…" />
      </Box>
    );
  }
  const certificates = flow.caCertificates.certificates;
  // Names padded to one column, so the subjects line up after them.
  const nameWidth = Math.min(24, Math.max(6, ...certificates.map((item) => item.name.length)));
  const rows = caRows(
    slot,
    certificates.map((certificate) => ({
      label: fit(certificate.name, nameWidth),
      // The status first: at 80 columns the subject is what gets cut.
      detail: [
        certificate.isVerified ? '✔ verified' : 'not verified',
        certificate.keyType,
        shortThumbprint(certificate.thumbprint),
        subjectCommonName(certificate.subject),
      ]
        .filter((part) => part)
        .join(' · '),
    })),
    nameWidth,
  );
  const cursor = caCursorOf(flow, slot);
  const first = Math.max(0, Math.min(cursor - Math.floor(listRows / 2), rows.length - listRows));
  const offset = slot === 'secondary' ? 1 : 0;
  const current = certificates[cursor - offset];
  return (
    <Box flexDirection="column">
      <StepHeading title={title}>{explanation}</StepHeading>
      {certificates.length === 0 ? (
        <Paragraph color={tone('yellow')}>
          This DPS has no CA certificates yet. Press Enter to upload and verify one, or Esc to
          choose a CA certificate uploaded into the group instead.
        </Paragraph>
      ) : null}
      {first > 0 ? <Text dimColor>{`  ↑ ${first} more`}</Text> : null}
      <ChoiceList choices={rows.slice(first, first + listRows)} cursor={cursor - first} />
      {rows.length > first + listRows ? (
        <Text dimColor>{`  ↓ ${rows.length - first - listRows} more`}</Text>
      ) : null}
      {current && current.isVerified && [...current.name].length > nameWidth ? (
        <Paragraph dim>{current.name}</Paragraph>
      ) : null}
      {current && !current.isVerified ? (
        <Paragraph color={tone('yellow')}>
          {`'${current.name}' is not verified: DPS refuses the devices of a group whose CA is not verified. Enter: verify it now (proof of possession), then come back here.`}
        </Paragraph>
      ) : null}
      <StepError message={flow.stepError} />
    </Box>
  );
}
