import {Box, Text} from 'ink';
import {tone} from '../components/tone.js';
import {flowTitles, type Draft} from './draft.js';

/** How long ago a time was, in the largest whole unit: "3 minutes ago", "2 days ago". */
export function ago(then: Date, now: Date): string {
  const seconds = Math.max(0, Math.round((now.getTime() - then.getTime()) / 1000));
  const units: [number, string][] = [
    [86400, 'day'],
    [3600, 'hour'],
    [60, 'minute'],
  ];
  for (const [size, unit] of units) {
    const count = Math.floor(seconds / size);
    if (count >= 1) return `${count} ${unit}${count === 1 ? '' : 's'} ago`;
  }
  return 'just now';
}

/** Where the draft stopped, in words: the flow and its step, or the home screen. */
export function draftPlace(draft: Draft): string {
  if (draft.screen === 'home') return 'the home screen';
  const slices = {
    individual: draft.individual,
    group: draft.group,
    'verify-ca': draft.ca,
    'test-certificates': draft.testCertificates,
    'test-enrollment': draft.testEnrollment,
  } as const;
  return `${flowTitles[draft.screen]}, step "${slices[draft.screen]?.step ?? 'certificate'}"`;
}

/** The first screen when a session stopped with typing unsaved: resume it, or start fresh. */
export function ResumeScreen({draft, target, now}: {draft: Draft; target: string; now: Date}) {
  const savedAt = new Date(draft.savedAt);
  const when = Number.isNaN(savedAt.getTime())
    ? 'at an unknown time'
    : `${savedAt.toLocaleString()} (${ago(savedAt, now)})`;
  const otherTarget = draft.target !== target;
  return (
    <Box flexDirection="column" gap={1}>
      <Text bold>Resume where you stopped?</Text>
      <Box flexDirection="column">
        <Text wrap="truncate-end">Where: {draftPlace(draft)}</Text>
        <Text wrap="truncate-end">For: {draft.target}</Text>
        <Text wrap="truncate-end">When: {when}</Text>
      </Box>
      {otherTarget ? (
        <Text color={tone('yellow')} wrap="wrap">
          ⚠ It was typed for {draft.target}; this session is for {target}.
        </Text>
      ) : null}
      <Text wrap="wrap">
        Enter resumes it (certificate files are read again); n starts fresh and deletes it.
      </Text>
    </Box>
  );
}
