import {randomBytes} from 'node:crypto';
import {chmod, mkdir, open, readFile, rename, rm} from 'node:fs/promises';
import {homedir} from 'node:os';
import {dirname, join} from 'node:path';
import {draftHasTyping, draftOf, parseDraft, type Draft} from '../core/draft.js';
import type {WizardState} from '../core/state.js';

/**
 * The draft on disk: `$XDG_STATE_HOME/dps-enroll/draft.json` (or ~/.local/state/...), folder 0700 and file
 * 0600, written atomically (a temp file, fsync, rename) a moment after the state last changed, off the
 * render loop. A draft without typing is no draft: the file is deleted instead.
 */

export function draftPath(env: NodeJS.ProcessEnv = process.env, home: string = homedir()): string {
  const xdg = env['XDG_STATE_HOME'];
  const base = xdg && xdg.startsWith('/') ? xdg : join(home, '.local', 'state');
  return join(base, 'dps-enroll', 'draft.json');
}

/** What was found at start: a draft, nothing, or a one-line notice that the file could not be used. */
export type DraftFound = {draft?: Draft; notice?: string};

export async function readDraft(path: string): Promise<DraftFound> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return {};
    return {
      notice: `The saved draft could not be read (${(error as Error).message}); it was ignored.`,
    };
  }
  const draft = parseDraft(text);
  if (!draft) return {notice: `The saved draft in ${path} was unreadable and was ignored.`};
  return {draft};
}

/** Writes `text` to `path` so that a reader sees the old file or the new one, never half of one. */
async function writeAtomically(path: string, text: string): Promise<void> {
  const folder = dirname(path);
  await mkdir(folder, {recursive: true, mode: 0o700});
  await chmod(folder, 0o700);
  const temporary = join(folder, `.draft-${randomBytes(6).toString('hex')}.tmp`);
  const file = await open(temporary, 'w', 0o600);
  try {
    await file.writeFile(text, 'utf8');
    await file.sync();
  } finally {
    await file.close();
  }
  try {
    await rename(temporary, path);
  } catch (error) {
    await rm(temporary, {force: true});
    throw error;
  }
}

export type DraftStore = {
  /** The state changed: its draft is written a moment later, unless it changes again meanwhile. */
  schedule(state: WizardState): void;
  /** Writes the last state's draft now (at exit), and waits for any write in progress. */
  flush(): Promise<void>;
  /** Deletes the draft (a clean quit with nothing unsaved), after any write in progress. */
  remove(): Promise<void>;
};

export function createDraftStore(options: {
  path: string;
  /** What the drafts are typed for (the connection target's description). */
  target: string;
  delayMs?: number;
  now?: () => Date;
  /** A write that failed: the wizard goes on without drafts rather than stopping. */
  onError?: (error: unknown) => void;
}): DraftStore {
  const {path, target, delayMs = 300, now = () => new Date()} = options;
  let pending: WizardState | undefined;
  let timer: NodeJS.Timeout | undefined;
  let writing: Promise<void> = Promise.resolve();
  /** What the file holds now, without its time: a state that changes nothing typed writes nothing. */
  let written: string | undefined;

  const content = (draft: Draft) => JSON.stringify({...draft, savedAt: ''});

  function write(state: WizardState): Promise<void> {
    const draft = draftOf(state, target, now());
    if (!draft) return writing;
    const typed = draftHasTyping(draft);
    const key = typed ? content(draft) : '';
    if (key === written) return writing;
    written = key;
    writing = writing
      .then(() =>
        typed ? writeAtomically(path, `${JSON.stringify(draft)}\n`) : rm(path, {force: true}),
      )
      .catch((error: unknown) => options.onError?.(error));
    return writing;
  }

  function takePending(): WizardState | undefined {
    if (timer) clearTimeout(timer);
    timer = undefined;
    const state = pending;
    pending = undefined;
    return state;
  }

  return {
    schedule(state) {
      pending = state;
      if (timer) clearTimeout(timer);
      timer = setTimeout(() => {
        const next = takePending();
        if (next) void write(next);
      }, delayMs);
      timer.unref();
    },
    async flush() {
      const state = takePending();
      if (state) await write(state);
      await writing;
    },
    async remove() {
      takePending();
      await writing;
      written = '';
      await rm(path, {force: true}).catch((error: unknown) => options.onError?.(error));
    },
  };
}
