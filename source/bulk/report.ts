import type {Note} from './preflight.js';

/** What a bulk run did with each enrollment, and how that is told: text on stderr, JSON on stdout. */

export const outcomes = [
  'created',
  'updated',
  'skipped',
  'different',
  'failed',
  'not-sent',
] as const;
export type Outcome = (typeof outcomes)[number];

export type ItemResult = {
  registrationId: string;
  file: string;
  outcome: Outcome;
  /** different, or updated: the fields DPS had otherwise. */
  fields?: string[];
  /** failed: why. */
  error?: string;
};

export type RunStatus =
  /** Everything planned was attempted. */
  | 'completed'
  /** The source could not be used or the pre-flight found errors: nothing was sent. */
  | 'invalid-input'
  /** Ctrl+C: the calls in flight finished, the rest was not sent. */
  | 'stopped'
  /** A call failed as a whole (connection, authorization): the rest was not sent. */
  | 'aborted';

export type BulkReport = {
  status: RunStatus;
  /** Why the run stopped early, when it did. */
  reason?: string;
  filesRead: number;
  counts: Record<Outcome, number>;
  items: ItemResult[];
  notes: Note[];
  elapsedMs: number;
  /** Enrollments sent per second over the sending phase (0 when nothing was sent). */
  enrollmentsPerSecond: number;
};

export function countOutcomes(items: readonly ItemResult[]): Record<Outcome, number> {
  const counts = Object.fromEntries(outcomes.map((outcome) => [outcome, 0])) as Record<
    Outcome,
    number
  >;
  for (const item of items) counts[item.outcome] += 1;
  return counts;
}

/** Exit 0 when everything is created, updated or already there; 2 for bad input; 1 otherwise. */
export function exitCode(report: BulkReport): number {
  if (report.status === 'invalid-input') return 2;
  if (report.status !== 'completed') return 1;
  const {different, failed, 'not-sent': notSent} = report.counts;
  return different + failed + notSent > 0 ? 1 : 0;
}

/** Lines of a list longer than this are cut, with how many more there are. */
const maxListed = 20;

function listed<T>(items: readonly T[], line: (item: T) => string, more: string): string[] {
  const lines = items.slice(0, maxListed).map(line);
  if (items.length > maxListed) lines.push(`  … and ${items.length - maxListed} more ${more}`);
  return lines;
}

/**
 * The pre-flight as text: errors, then warnings, then skipped files, each with its fix. Notes with the same
 * message are told once with the files they are about (1,000 certificates issued together expire together;
 * a folder of certificates usually holds their keys too).
 */
export function preflightText(notes: readonly Note[], filesRead: number, planned: number): string {
  const count = (kind: Note['kind']) => notes.filter((note) => note.kind === kind).length;
  const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
  const lines = [
    `Pre-flight: ${plural(filesRead, 'file')} read, ${plural(planned, 'device certificate')}, ${plural(count('error'), 'error')}, ${plural(count('warning'), 'warning')}, ${count('skipped')} skipped`,
  ];
  for (const kind of ['error', 'warning', 'skipped'] as const) {
    const groups = new Map<string, Note[]>();
    for (const note of notes) {
      if (note.kind !== kind) continue;
      const key = `${note.message}\n${note.hint ?? ''}`;
      groups.set(key, [...(groups.get(key) ?? []), note]);
    }
    lines.push(
      ...listed(
        [...groups.values()],
        (group) => {
          const {message, hint} = group[0]!;
          const files = group.slice(0, 2).map((note) => note.file);
          const others = group.length > 2 ? ` and ${group.length - 2} more` : '';
          return `  ${kind.padEnd(8)} ${files.join(', ')}${others}: ${message}${hint ? `\n           fix: ${hint}` : ''}`;
        },
        `kinds of ${kind === 'skipped' ? 'skipped files' : `${kind}s`} (see --json)`,
      ),
    );
  }
  return lines.join('\n');
}

const outcomeLabels: Record<Outcome, string> = {
  created: 'created',
  updated: 'updated',
  skipped: 'skipped (already in DPS as planned)',
  different: 'different (in DPS with other settings; not replaced)',
  failed: 'failed',
  'not-sent': 'not sent',
};

/** The closing summary: a table of counts, then what differs and what failed. */
export function summaryText(report: BulkReport): string {
  const width = String(Math.max(...Object.values(report.counts), 0)).length;
  const lines = ['Summary:'];
  for (const outcome of outcomes) {
    if (outcome === 'not-sent' && report.counts[outcome] === 0) continue;
    lines.push(`  ${String(report.counts[outcome]).padStart(width)}  ${outcomeLabels[outcome]}`);
  }
  if (report.enrollmentsPerSecond > 0) {
    lines.push(`  ${Math.round(report.enrollmentsPerSecond)} enrollments/s`);
  }
  const different = report.items.filter((item) => item.outcome === 'different');
  if (different.length > 0) {
    lines.push('Different in DPS (run again with --update to replace them):');
    lines.push(
      ...listed(
        different,
        (item) => `  ${item.registrationId}: ${(item.fields ?? []).join(', ')}`,
        '(see --json)',
      ),
    );
  }
  const failed = report.items.filter((item) => item.outcome === 'failed');
  if (failed.length > 0) {
    lines.push('Failed:');
    lines.push(
      ...listed(failed, (item) => `  ${item.registrationId}: ${item.error ?? ''}`, '(see --json)'),
    );
  }
  if (report.reason) lines.push(report.reason);
  return lines.join('\n');
}
