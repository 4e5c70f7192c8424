import {Box, Text} from 'ink';
import {Spinner} from '../components/spinner.js';
import {FieldRow} from '../components/field-row.js';
import {failureAdvice} from '../app/failure-text.js';
import type {Failure, IndividualFlow} from '../app/state.js';
import {tone} from '../components/tone.js';

export function SavingStep({id, throttled}: {id: string; throttled: IndividualFlow['throttled']}) {
  return (
    <Box flexDirection="column">
      <Spinner label={`Saving the enrollment ${id}…`} />
      {throttled ? (
        <Text color={tone('yellow')} wrap="wrap">
          DPS is throttling requests (HTTP 429): retrying in {throttled.retryAfterSeconds} s as it
          asked (attempt {throttled.attempt}).
        </Text>
      ) : null}
    </Box>
  );
}

/** An enrollment with this ID exists: show what it is and let the user choose. */
export function ExistsStep({existing}: {existing: NonNullable<IndividualFlow['existing']>}) {
  const hubs = existing.iotHubs?.join(', ') ?? '(any linked hub)';
  const certificate =
    existing.attestation.type === 'x509'
      ? (existing.attestation.clientCertificates?.primary?.info?.subjectName ?? 'X.509')
      : existing.attestation.type;
  return (
    <Box flexDirection="column">
      <Text bold color={tone('yellow')}>
        An enrollment with the registration ID {existing.registrationId} already exists
      </Text>
      <FieldRow label="Device ID" wrap>
        {existing.deviceId ?? existing.registrationId}
      </FieldRow>
      <FieldRow label="Attestation">{certificate}</FieldRow>
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
  saved: NonNullable<IndividualFlow['saved']>;
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
