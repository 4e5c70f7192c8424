import {Box, Text} from 'ink';
import {Spinner} from '@inkjs/ui';
import {failureAdvice} from '../app/failure-text.js';
import type {Failure, IndividualFlow} from '../app/state.js';

export function SavingStep({id, throttled}: {id: string; throttled: IndividualFlow['throttled']}) {
  return (
    <Box flexDirection="column">
      <Spinner label={`Saving the enrollment ${id}…`} />
      {throttled ? (
        <Text color="yellow" wrap="wrap">
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
      <Text bold color="yellow">
        An enrollment with the registration ID {existing.registrationId} already exists
      </Text>
      <Text>Device ID {existing.deviceId ?? existing.registrationId}</Text>
      <Text>Attestation {certificate}</Text>
      <Text>IoT Edge {existing.capabilities?.iotEdge ? 'yes' : 'no'}</Text>
      <Text wrap="truncate-end">IoT hubs {hubs}</Text>
      <Text>
        Last updated {existing.lastUpdatedDateTimeUtc ?? existing.createdDateTimeUtc ?? 'unknown'}
      </Text>
      <Text>Etag {existing.etag ?? ''}</Text>
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
      <Text bold color="red">
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
      <Text bold color="green">
        ✔ Enrollment {mode}
      </Text>
      <Text>
        Registration ID <Text bold>{saved.registrationId}</Text> ← make a note of it
      </Text>
      <Text>Device ID {saved.deviceId ?? saved.registrationId}</Text>
      <Text>IoT Edge {saved.capabilities?.iotEdge ? 'yes' : 'no'}</Text>
      <Text wrap="truncate-end">IoT hubs {saved.iotHubs?.join(', ') ?? ''}</Text>
      <Text>Etag {saved.etag ?? ''}</Text>
      <Text wrap="wrap">
        Next: the device&apos;s config.toml. Press Enter to choose where its certificate and key
        will be on the device.
      </Text>
    </Box>
  );
}
