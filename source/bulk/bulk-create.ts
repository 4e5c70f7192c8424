import {
  isDpsError,
  type BulkMode,
  type CallOptions,
  type DpsGateway,
  type IndividualEnrollment,
} from '../dps/index.js';
import {differingFields, enrollmentRequest, type BulkEnrollmentSettings} from './enrollment.js';
import {readExisting} from './existing.js';
import {preflight, type Note, type PlannedEnrollment} from './preflight.js';
import {Progress, waitLine} from './progress.js';
import {
  countOutcomes,
  exitCode,
  preflightText,
  summaryText,
  type BulkReport,
  type ItemResult,
  type RunStatus,
} from './report.js';
import {findCandidates} from './sources.js';

export type {BulkEnrollmentSettings} from './enrollment.js';
export type {BulkReport} from './report.js';

export type BulkCreateOptions = {
  gateway: DpsGateway;
  /** As typed, resolved against cwd. */
  from: {folder: string} | {manifest: string};
  cwd: string;
  /** What the flags say for every enrollment. */
  settings: BulkEnrollmentSettings;
  /** Replace enrollments that differ (with the etag that was read). */
  update: boolean;
  json: boolean;
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  /** A progress bar with ETA only on a terminal. */
  isTty: boolean;
  /** Ctrl+C: the call in flight finishes, nothing more is sent. */
  signal: AbortSignal;
};

/** DPS takes at most 10 enrollments per bulk call. */
export const bulkBatchSize = 10;

/**
 * Enrolls every device certificate of a folder or manifest: pre-flight all, compare with DPS, then the bulk
 * API 10 per call. Resolves to the exit code: 0 all created, updated or already there; 1 something differs,
 * failed or was not sent; 2 bad input (nothing sent).
 */
export async function bulkCreateEnrollments(options: BulkCreateOptions): Promise<number> {
  const report = await run(options);
  options.stderr.write(`${summaryText(report)}\n`);
  if (options.json) options.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  return exitCode(report);
}

async function run(options: BulkCreateOptions): Promise<BulkReport> {
  const started = Date.now();
  const {stderr, signal} = options;
  const finish = (
    status: RunStatus,
    items: ItemResult[],
    notes: Note[],
    filesRead: number,
    extra: {reason?: string; sendingMs?: number; sent?: number} = {},
  ): BulkReport => ({
    status,
    ...(extra.reason ? {reason: extra.reason} : {}),
    filesRead,
    counts: countOutcomes(items),
    items,
    notes,
    elapsedMs: Date.now() - started,
    enrollmentsPerSecond: extra.sendingMs && extra.sent ? (extra.sent * 1000) / extra.sendingMs : 0,
  });

  const sources = await findCandidates(options.from, options.cwd);
  if (sources.kind === 'unusable') {
    const notes: Note[] = sources.problems.map((problem) => ({
      kind: 'error',
      file: problem.where,
      message: problem.message,
    }));
    stderr.write(`${preflightText(notes, 0, 0)}\n`);
    return finish('invalid-input', [], notes, 0, {reason: 'Nothing was sent.'});
  }
  let checked;
  try {
    checked = await preflight(sources.candidates, sources.kind === 'folder', signal);
  } catch (error) {
    if (!signal.aborted) throw error;
    return finish('stopped', [], [], 0, {
      reason: 'Stopped during the pre-flight: nothing was sent.',
    });
  }
  const {planned, notes, filesRead} = checked;
  stderr.write(`${preflightText(notes, filesRead, planned.length)}\n`);
  const errors = notes.filter((note) => note.kind === 'error').length;
  if (errors > 0) {
    return finish('invalid-input', [], notes, filesRead, {
      reason: `Nothing was sent: fix the ${errors} error${errors === 1 ? '' : 's'} above and run again.`,
    });
  }
  if (planned.length === 0) {
    const where = 'folder' in options.from ? options.from.folder : options.from.manifest;
    return finish('invalid-input', [], notes, filesRead, {
      reason: `No device certificate found in ${where}: nothing was sent.`,
    });
  }

  let existing: Map<string, IndividualEnrollment>;
  try {
    existing = await readExisting(
      options.gateway,
      planned.map((enrollment) => enrollment.registrationId),
      signal,
    );
  } catch (error) {
    const items = planned.map((enrollment) => result(enrollment, 'not-sent'));
    if (isDpsError(error, 'cancelled') || signal.aborted) {
      return finish('stopped', items, notes, filesRead, {
        reason: 'Stopped while reading DPS: nothing was sent.',
      });
    }
    return finish('aborted', items, notes, filesRead, {
      reason: `Nothing was sent: ${(error as Error).message}`,
    });
  }

  const items: ItemResult[] = [];
  const toCreate: PlannedEnrollment[] = [];
  const toUpdate: {planned: PlannedEnrollment; etag: string | undefined; fields: string[]}[] = [];
  for (const enrollment of planned) {
    const current = existing.get(enrollment.registrationId.toLowerCase());
    if (!current) {
      toCreate.push(enrollment);
      continue;
    }
    const fields = differingFields(enrollment, options.settings, current);
    if (fields.length === 0) items.push(result(enrollment, 'skipped'));
    else if (options.update) toUpdate.push({planned: enrollment, etag: current.etag, fields});
    else items.push({...result(enrollment, 'different'), fields});
  }
  stderr.write(
    `In DPS: ${existing.size} of ${planned.length} exist; ${toCreate.length} to create, ${toUpdate.length} to replace, ${planned.length - toCreate.length - toUpdate.length} left as they are\n`,
  );

  const batches: Batch[] = [
    ...chunks(toCreate, bulkBatchSize).map((chunk) => ({
      mode: 'create' as const,
      entries: chunk.map((enrollment) => ({planned: enrollment, fields: []})),
    })),
    ...chunks(toUpdate, bulkBatchSize).map((chunk) => ({
      mode: 'updateIfMatchETag' as const,
      entries: chunk,
    })),
  ];
  const total = toCreate.length + toUpdate.length;
  const progress = new Progress({stream: stderr, isTty: options.isTty, total});
  let status: RunStatus = 'completed';
  let reason: string | undefined;
  let sent = 0;
  for (const [index, batch] of batches.entries()) {
    if (signal.aborted || status !== 'completed') {
      if (status === 'completed') {
        status = 'stopped';
        reason = 'Stopped by Ctrl+C after the call in flight.';
      }
      for (const rest of batches.slice(index)) {
        items.push(...rest.entries.map((entry) => result(entry.planned, 'not-sent')));
      }
      break;
    }
    try {
      items.push(...(await sendBatch(options, batch, progress)));
      sent += batch.entries.length;
      progress.advance(batch.entries.length);
    } catch (error) {
      const cancelled = isDpsError(error, 'cancelled');
      status = cancelled ? 'stopped' : 'aborted';
      reason = cancelled
        ? 'Stopped by Ctrl+C while waiting to retry: that call was not carried out.'
        : `Stopped sending: ${(error as Error).message}`;
      items.push(...batch.entries.map((entry) => result(entry.planned, 'not-sent')));
    }
  }
  const sendingMs = progress.elapsedMs;
  progress.finish();
  return finish(status, items, notes, filesRead, {
    ...(reason ? {reason} : {}),
    sendingMs,
    sent,
  });
}

type Batch = {
  mode: Extract<BulkMode, 'create' | 'updateIfMatchETag'>;
  entries: {planned: PlannedEnrollment; etag?: string | undefined; fields: string[]}[];
};

/**
 * One bulk call. Ctrl+C never cuts the call itself (its outcome would be unknown): only a wait between its
 * attempts, when DPS has not carried it out. A create that reports "already exists" after a retried attempt
 * may be this run's own, whose answer was lost: it counts as created when DPS holds what was sent.
 */
async function sendBatch(
  options: BulkCreateOptions,
  batch: Batch,
  progress: Progress,
): Promise<ItemResult[]> {
  const {gateway, settings, signal} = options;
  const inner = new AbortController();
  let waitEnds = 0;
  let retried = false;
  const stopWaiting = () => {
    // Only while waiting: a margin keeps the attempt after the wait from being cut.
    if (Date.now() < waitEnds - 50) inner.abort();
  };
  signal.addEventListener('abort', stopWaiting);
  const callOptions: CallOptions = {
    signal: inner.signal,
    onWait: (wait) => {
      retried = true;
      waitEnds = Date.now() + wait.delayMs;
      progress.note(waitLine(wait));
      if (signal.aborted) inner.abort();
    },
  };
  try {
    const requests = batch.entries.map((entry) =>
      enrollmentRequest(entry.planned, settings, batch.mode === 'create' ? undefined : entry.etag),
    );
    const answer = await gateway.runIndividualEnrollmentBulk(batch.mode, requests, callOptions);
    const errors = new Map(answer.errors.map((error) => [error.id.toLowerCase(), error]));
    const outcome = batch.mode === 'create' ? 'created' : 'updated';
    const results: ItemResult[] = [];
    for (const entry of batch.entries) {
      const error = errors.get(entry.planned.registrationId.toLowerCase());
      if (!error) {
        results.push({
          ...result(entry.planned, outcome),
          ...(entry.fields.length > 0 ? {fields: entry.fields} : {}),
        });
      } else if (
        retried &&
        httpStatusOf(error.errorCode) === 409 &&
        (await holdsAsPlanned(gateway, entry.planned, settings))
      ) {
        results.push(result(entry.planned, 'created'));
      } else {
        results.push({
          ...result(entry.planned, 'failed'),
          error: `${error.errorStatus} (${error.errorCode})`,
        });
      }
    }
    return results;
  } finally {
    signal.removeEventListener('abort', stopWaiting);
  }
}

async function holdsAsPlanned(
  gateway: DpsGateway,
  planned: PlannedEnrollment,
  settings: BulkEnrollmentSettings,
): Promise<boolean> {
  try {
    const current = await gateway.getIndividualEnrollment(planned.registrationId);
    return differingFields(planned, settings, current).length === 0;
  } catch {
    return false;
  }
}

/** DPS's per-item error codes are sub-codes of an HTTP status (409001 is a 409). */
const httpStatusOf = (errorCode: number) =>
  errorCode >= 100_000 ? Math.floor(errorCode / 1000) : errorCode;

function result(planned: PlannedEnrollment, outcome: ItemResult['outcome']): ItemResult {
  return {registrationId: planned.registrationId, file: planned.primary.file, outcome};
}

function chunks<T>(items: readonly T[], size: number): T[][] {
  const result: T[][] = [];
  for (let start = 0; start < items.length; start += size) {
    result.push(items.slice(start, start + size));
  }
  return result;
}
