import {Box, Text} from 'ink';
import {candidateLines} from './layout.js';
import type {CertificateField} from './types.js';
import {FieldRow} from '../components/field-row.js';
import {FindingsList} from '../components/findings-list.js';
import {Paragraph} from '../components/paragraph.js';
import {StepError} from '../components/step-error.js';
import {StepHeading} from '../components/step-heading.js';
import {TextField} from '../components/text-field.js';
import {tone} from '../components/tone.js';

/** A certificate file's path with its Tab completions, then whether it is being read or failed. */
export function CertificateFileInput({field, width}: {field: CertificateField; width: number}) {
  const {status} = field;
  return (
    <>
      <TextField
        label="File"
        draft={field.path}
        focused
        placeholder="path to a .pem or .cer file"
      />
      {candidateLines(field.candidates, field.moreCandidates, width).map((line, index) => (
        <Text key={index} dimColor wrap="truncate">
          {line}
        </Text>
      ))}
      {status.state === 'reading' ? <Text dimColor>Reading…</Text> : null}
      {status.state === 'failed' ? (
        <Paragraph color={tone('red')}>{`✖ ${status.message}`}</Paragraph>
      ) : null}
    </>
  );
}

/** A certificate file field: the path, then what was found in the file. */
export function CertificateStep({
  title,
  explanation,
  field,
  stepError,
  width,
  use = 'enrolled',
}: {
  title: string;
  explanation: string;
  field: CertificateField;
  stepError: string | undefined;
  width: number;
  /** What the certificate is for, in "This certificate cannot be …" when it has errors. */
  use?: string;
}) {
  const {status} = field;
  return (
    <Box flexDirection="column">
      <StepHeading title={title}>{explanation}</StepHeading>
      <CertificateFileInput field={field} width={width} />
      {status.state === 'loaded' ? (
        <Box flexDirection="column" marginTop={1}>
          <FieldRow label="Subject" width={9}>
            <Text bold>{status.certificate.summary.subject}</Text>
          </FieldRow>
          <FieldRow label="Issuer" width={9}>
            {status.certificate.summary.issuer}
          </FieldRow>
          <FieldRow label="Valid" width={9}>
            {status.certificate.summary.notBefore.slice(0, 10)} to{' '}
            {status.certificate.summary.notAfter.slice(0, 10)} ·{' '}
            {status.certificate.summary.keyType}
          </FieldRow>
          <FieldRow label="SHA-1" width={9}>
            {status.certificate.summary.thumbprintSha1}
          </FieldRow>
          {status.certificate.moreCertificates > 0 ? (
            <FieldRow label="Chain" width={9}>
              {`the file holds ${status.certificate.moreCertificates} more certificate${status.certificate.moreCertificates === 1 ? '' : 's'}; only this first one is sent to DPS`}
            </FieldRow>
          ) : null}
          <FindingsList findings={status.certificate.findings} />
          <CertificateVerdict field={field} use={use} />
        </Box>
      ) : null}
      {status.state === 'in-dps' ? (
        <Box flexDirection="column" marginTop={1}>
          <Text>The certificate DPS has now (no file needed to keep it):</Text>
          <FieldRow label="Subject" width={9}>
            <Text bold>{status.info.subjectName}</Text>
          </FieldRow>
          <FieldRow label="Valid" width={9}>
            {status.info.notBeforeUtc.slice(0, 10)} to {status.info.notAfterUtc.slice(0, 10)}
          </FieldRow>
          <FieldRow label="SHA-1" width={9}>
            {status.info.sha1Thumbprint}
          </FieldRow>
          <Text color={tone('green')}>
            ✔ Press Enter to keep it, or type the path of a new certificate file.
          </Text>
        </Box>
      ) : null}
      <StepError message={stepError} />
    </Box>
  );
}

function CertificateVerdict({field, use}: {field: CertificateField; use: string}) {
  if (field.status.state !== 'loaded') return null;
  const {findings} = field.status.certificate;
  if (findings.some((finding) => finding.severity === 'error')) {
    return <Text color={tone('red')}>This certificate cannot be {use}: choose another file.</Text>;
  }
  if (
    findings.some((finding) => finding.severity === 'warning') &&
    !field.status.warningsAccepted
  ) {
    return <Text color={tone('yellow')}>Press Enter to use it anyway, or change the path.</Text>;
  }
  return <Text color={tone('green')}>✔ Ready: press Enter to continue.</Text>;
}
