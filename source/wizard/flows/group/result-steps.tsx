import {Box, Text} from 'ink';
import type {GroupFlow} from './state.js';
import type {Finding} from '../../shared/types.js';
import {FieldRow} from '../../components/field-row.js';
import {FindingsList} from '../../components/findings-list.js';
import {Paragraph} from '../../components/paragraph.js';
import {Spinner} from '../../components/spinner.js';
import {StepError} from '../../components/step-error.js';
import {StepHeading} from '../../components/step-heading.js';
import {tone} from '../../components/tone.js';
import {CertificateFileInput} from '../../shared/certificate-step.js';

export function GroupResultStep({
  saved,
  attestation,
  mode,
}: {
  saved: NonNullable<GroupFlow['saved']>;
  attestation: string;
  mode: 'created' | 'updated';
}) {
  return (
    <Box flexDirection="column">
      <Text bold color={tone('green')}>
        ✔ Enrollment group {mode}
      </Text>
      <FieldRow label="Group name" wrap>
        <Text bold>{saved.enrollmentGroupId}</Text>
      </FieldRow>
      <FieldRow label="Attestation" wrap>
        {attestation}
      </FieldRow>
      <FieldRow label="IoT Edge">
        {saved.capabilities?.iotEdge ? 'yes, every device' : 'no device'}
      </FieldRow>
      <FieldRow label="IoT hubs" wrap>
        {saved.iotHubs?.join(', ') ?? ''}
      </FieldRow>
      <FieldRow label="Etag">{saved.etag ?? ''}</FieldRow>
      <Box marginTop={1}>
        <Paragraph>
          Each device registers with its own certificate&apos;s CN as its registration ID, which is
          also its IoT Hub device ID: give every device a certificate issued under the group&apos;s
          CA with a CN of its own.
        </Paragraph>
      </Box>
      <Paragraph>
        Next: press Enter for a device config.toml template, or p to check a device certificate
        against this group.
      </Paragraph>
    </Box>
  );
}

/** The optional pre-flight: one device certificate (and chain) against the group's certificate. */
export function PreflightStep({flow, width}: {flow: GroupFlow; width: number}) {
  const field = flow.deviceCertificate;
  const {status} = field;
  const preflight = flow.preflight;
  return (
    <Box flexDirection="column">
      <StepHeading title="Check a device certificate (pre-flight)">
        A device&apos;s identity certificate, best its full chain file: does it reach the
        group&apos;s CA, and is its CN a valid registration ID?
      </StepHeading>
      <CertificateFileInput field={field} width={width} />
      {status.state === 'loaded' && preflight === undefined ? (
        <Box flexDirection="column">
          <FieldRow label="Subject" width={9}>
            {status.certificate.summary.subject}
          </FieldRow>
          <FieldRow label="Chain" width={9}>
            {`${status.certificate.moreCertificates} more certificate${status.certificate.moreCertificates === 1 ? '' : 's'} in the file`}
          </FieldRow>
          <Text color={tone('cyan')}>Press Enter to check it against the group.</Text>
        </Box>
      ) : null}
      {preflight?.state === 'checking' ? <Spinner label="Checking the chain…" /> : null}
      {preflight?.state === 'done' ? (
        <PreflightReportView
          report={preflight.report}
          certificateFindings={status.state === 'loaded' ? status.certificate.findings : []}
        />
      ) : null}
      {preflight?.state === 'done' && preflight.report.registrationId ? (
        <Paragraph dim>
          {`config.toml now names this device (registration_id = "${preflight.report.registrationId}"): ${flow.preflightFrom === 'config' ? 'Esc to see it, w there writes it' : 'Esc, then Enter to see it and write it'}.`}
        </Paragraph>
      ) : null}
      <StepError message={flow.stepError} />
    </Box>
  );
}

function PreflightReportView({
  report,
  certificateFindings,
}: {
  report: Extract<NonNullable<GroupFlow['preflight']>, {state: 'done'}>['report'];
  /** What reading the device certificate found (EKU, validity, CN rules). */
  certificateFindings: readonly Finding[];
}) {
  // The certificate's own checks and the chain's, each problem once.
  const findings = [...certificateFindings, ...report.findings].filter(
    (finding, index, all) =>
      finding.severity !== 'info' &&
      all.findIndex((other) => other.code === finding.code) === index,
  );
  const failed = findings.some((finding) => finding.severity === 'error');
  // The verdict comes first: a long report is cut at the bottom of a 24-line terminal.
  return (
    <Box flexDirection="column" marginTop={1}>
      {failed ? (
        <Text bold color={tone('red')}>
          ✖ This device would be refused: fix the problems below.
        </Text>
      ) : report.anchor === undefined ? (
        <Paragraph color={tone('yellow')}>
          {"⚠ The chain is sound up to its root; make sure the group's CA is in this chain."}
        </Paragraph>
      ) : (
        <Text bold color={tone('green')}>
          {`✔ This device can register with this group as ${report.registrationId ?? ''}.`}
        </Text>
      )}
      <FieldRow label="Registration ID" width={17} wrap>
        <Text bold>{report.registrationId ?? '(none: the certificate has no CN)'}</Text>
      </FieldRow>
      <FieldRow label="Checked against" width={17} wrap>
        {report.anchor ?? "its root only (the group's CA certificate is not known here)"}
      </FieldRow>
      {report.links.map((link, index) => (
        <Text key={index} color={tone(link.ok ? 'green' : 'red')} wrap="truncate-end">
          {link.ok
            ? `✔ ${link.subject} ← signed by ${link.signedBy ?? ''}`
            : `✖ ${link.subject}: no certificate that signed it`}
        </Text>
      ))}
      <FindingsList findings={findings} />
    </Box>
  );
}
