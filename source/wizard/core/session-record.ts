import type {SavedKind} from '../../outputs/az-commands.js';
import type {Outcome, SessionRecord, SessionSave, Task, UnknownSave, WizardState} from './state.js';

export type {SessionRecord, SessionSave, UnknownSave} from './state.js';

/**
 * What this session saved in DPS, for the text printed at exit: every save whose outcome landed, in order,
 * and every save whose outcome nobody saw (Esc cancelled it, or the wizard stopped while it ran).
 */

export const emptySessionRecord: SessionRecord = {saves: [], unknown: []};

/** The effects that change DPS, and what each one saves; undefined for the others. */
export function savedBy(task: Task): {kind: SavedKind; id: string} | undefined {
  switch (task.kind) {
    case 'save-individual':
      return {kind: 'enrollment', id: task.enrollment.registrationId};
    case 'save-group':
      return {kind: 'enrollment-group', id: task.group.enrollmentGroupId};
    case 'upload-ca-certificate':
    case 'verify-ca-certificate':
      return {kind: 'certificate', id: task.name};
    default:
      return undefined;
  }
}

/** The save an outcome completes, read from the state the outcome left; undefined when it saved nothing. */
function completedSave(task: Task, outcome: Outcome, after: WizardState): SessionSave | undefined {
  if (task.kind === 'save-individual' && outcome.kind === 'saved') {
    return {kind: 'individual', flow: after.individual};
  }
  if (task.kind === 'save-group' && outcome.kind === 'saved') {
    return {kind: 'group', flow: after.group};
  }
  if (task.kind === 'upload-ca-certificate' && outcome.kind === 'uploaded') {
    return outcome.certificate.isVerified
      ? {kind: 'ca', certificate: outcome.certificate}
      : undefined;
  }
  if (task.kind === 'verify-ca-certificate' && outcome.kind === 'verified') {
    return {kind: 'ca', certificate: outcome.certificate};
  }
  return undefined;
}

/**
 * Records the outcome of `task` (already applied: `after`). A save that landed is appended; any outcome of
 * a save, even "exists" or a failure, settles an earlier unknown save of the same thing.
 */
export function recordOutcome(after: WizardState, task: Task, outcome: Outcome): WizardState {
  const saved = savedBy(task);
  if (!saved || outcome.kind === 'task-failed') return after;
  const record = after.session;
  const unknown = record.unknown.filter(
    (entry) => !(entry.kind === saved.kind && entry.id === saved.id),
  );
  const completed = completedSave(task, outcome, after);
  if (!completed && unknown.length === record.unknown.length) return after;
  return {
    ...after,
    session: {saves: completed ? [...record.saves, completed] : record.saves, unknown},
  };
}

function unknownSaves(tasks: readonly Task[], why: UnknownSave['why']): UnknownSave[] {
  return tasks.flatMap((task): UnknownSave[] => {
    const saved = savedBy(task);
    return saved ? [{...saved, why}] : [];
  });
}

/** Saves that were running when their task was dropped (Esc): DPS may have received them. */
export function recordDropped(state: WizardState, dropped: readonly Task[]): WizardState {
  const unknown = unknownSaves(dropped, 'cancelled');
  if (unknown.length === 0) return state;
  return {...state, session: {...state.session, unknown: [...state.session.unknown, ...unknown]}};
}

/** The session's record at exit: saves still running when the wizard stopped are unknown too. */
export function recordAtExit(state: WizardState): SessionRecord {
  const running = unknownSaves(state.tasks, 'interrupted');
  if (running.length === 0) return state.session;
  return {...state.session, unknown: [...state.session.unknown, ...running]};
}
