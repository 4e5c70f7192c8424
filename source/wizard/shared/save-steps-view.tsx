import {Box, Text} from 'ink';
import {Spinner} from '../components/spinner.js';
import {FieldRow} from '../components/field-row.js';
import {failureAdvice} from './failure-text.js';
import type {EnrollmentGroup, IndividualEnrollment} from '../../dps/index.js';
import type {Failure} from './types.js';
import {tone} from '../components/tone.js';
import {ScrollView} from '../components/scroll-view.js';
import {StepError} from '../components/step-error.js';
import {diffText, enrollmentDiff} from '../../outputs/enrollment-diff.js';

/** An existing individual enrollment or enrollment group, as DPS returned it. */
type Existing = IndividualEnrollment | EnrollmentGroup;

export function SavingStep({id}: {id: string}) {
  return <Spinner label={`Saving the enrollment ${id}…`} />;
}

/** Lines of the exists step around its diff: title, last updated, etag, the diff's heading, u, margins. */
const existsChrome = 8;

/**
 * An enrollment (or enrollment group) with this ID exists: what replacing it with `next` (the values entered)
 * would change, before u does anything. `height` is the body's; the diff scrolls within it.
 */
export function ExistsStep({
  existing,
  next,
  scroll,
  height,
  width,
  stepError,
}: {
  existing: Existing;
  next: Existing;
  scroll: number;
  height: number;
  width: number;
  stepError?: string;
}) {
  const group = 'enrollmentGroupId' in existing;
  const diff = enrollmentDiff(existing, next);
  const identical = diff.entries.length === 0;
  const errorLines = stepError ? 2 : 0;
  return (
    <Box flexDirection="column">
      <Text bold color={tone('yellow')}>
        {group
          ? `An enrollment group with the ID ${existing.enrollmentGroupId} already exists`
          : `An enrollment with the registration ID ${existing.registrationId} already exists`}
      </Text>
      <FieldRow label="Last updated">
        {existing.lastUpdatedDateTimeUtc ?? existing.createdDateTimeUtc ?? 'unknown'}
      </FieldRow>
      <FieldRow label="Etag">{existing.etag ?? ''}</FieldRow>
      <StepError message={stepError} />
      <Text bold>
        {identical ? 'Replacing it changes nothing:' : 'Replacing it with the values you entered:'}
      </Text>
      <ScrollView
        text={diffText(diff, width)}
        scroll={scroll}
        height={Math.max(3, height - existsChrome - errorLines)}
        width={width}
      />
      <Text wrap="wrap">
        Press u to replace it (only if it is still this version), or Esc to go back without changing
        it.
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
