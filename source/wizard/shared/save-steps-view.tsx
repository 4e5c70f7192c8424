import {Box, Text} from 'ink';
import {Spinner} from '../components/spinner.js';
import {FieldRow} from '../components/field-row.js';
import {failureAdvice} from './failure-text.js';
import type {EnrollmentGroup, IndividualEnrollment} from '../../dps/index.js';
import type {Failure} from './types.js';
import {tone} from '../components/tone.js';

/** An existing individual enrollment or enrollment group, as DPS returned it. */
type Existing = IndividualEnrollment | EnrollmentGroup;

export function SavingStep({id}: {id: string}) {
  return <Spinner label={`Saving the enrollment ${id}…`} />;
}

/** An enrollment (or enrollment group) with this ID exists: show what it is and let the user choose. */
export function ExistsStep({existing}: {existing: Existing}) {
  const hubs = existing.iotHubs?.join(', ') ?? '(any linked hub)';
  const group = 'enrollmentGroupId' in existing;
  return (
    <Box flexDirection="column">
      <Text bold color={tone('yellow')}>
        {group
          ? `An enrollment group with the ID ${existing.enrollmentGroupId} already exists`
          : `An enrollment with the registration ID ${existing.registrationId} already exists`}
      </Text>
      {group ? null : (
        <FieldRow label="Device ID" wrap>
          {existing.deviceId ?? existing.registrationId}
        </FieldRow>
      )}
      <FieldRow label="Attestation">{attestationText(existing)}</FieldRow>
      <FieldRow label="IoT Edge">{existing.capabilities?.iotEdge ? 'yes' : 'no'}</FieldRow>
      <FieldRow label="IoT hubs" wrap>
        {hubs}
      </FieldRow>
      <FieldRow label="Last updated">
        {existing.lastUpdatedDateTimeUtc ?? existing.createdDateTimeUtc ?? 'unknown'}
      </FieldRow>
      <FieldRow label="Etag">{existing.etag ?? ''}</FieldRow>
      <Text wrap="wrap">
        Press u to replace it with the values you entered (only if it is still this version), or Esc
        to go back without changing it.
      </Text>
    </Box>
  );
}

function attestationText(existing: Existing): string {
  const {attestation} = existing;
  if (attestation.type !== 'x509') return attestation.type;
  const reference = attestation.caReferences?.primary;
  if (reference) return `CA certificate ${reference} in DPS`;
  const certificate =
    attestation.clientCertificates?.primary ?? attestation.signingCertificates?.primary;
  return certificate?.info?.subjectName ?? 'X.509';
}

export function SaveFailedStep({
  failure,
  stepError,
}: {
  failure: Failure | undefined;
  stepError?: string;
}) {
  return (
    <Box flexDirection="column">
      <Text bold color={tone('red')}>
        The enrollment was not saved
      </Text>
      {failure ? (
        <>
          <Text wrap="wrap">{failure.message}</Text>
          <Text wrap="wrap">{failureAdvice(failure)}</Text>
        </>
      ) : null}
      {stepError ? <Text wrap="wrap">{stepError}</Text> : null}
      <Text dimColor>Everything you entered is kept.</Text>
    </Box>
  );
}

export function ResultStep({
  saved,
  mode,
}: {
  saved: IndividualEnrollment;
  mode: 'created' | 'updated';
}) {
  return (
    <Box flexDirection="column">
      <Text bold color={tone('green')}>
        ✔ Enrollment {mode}
      </Text>
      <FieldRow label="Registration ID" wrap>
        <Text bold>{saved.registrationId}</Text> ← make a note of it
      </FieldRow>
      <FieldRow label="Device ID" wrap>
        {saved.deviceId ?? saved.registrationId}
      </FieldRow>
      <FieldRow label="IoT Edge">{saved.capabilities?.iotEdge ? 'yes' : 'no'}</FieldRow>
      <FieldRow label="IoT hubs" wrap>
        {saved.iotHubs?.join(', ') ?? ''}
      </FieldRow>
      <FieldRow label="Etag">{saved.etag ?? ''}</FieldRow>
      <Text wrap="wrap">
        Next: the device&apos;s config.toml. Press Enter to choose where its certificate and key
        will be on the device.
      </Text>
    </Box>
  );
}
