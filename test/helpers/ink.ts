import {act as reactAct, type ReactElement} from 'react';
import {cleanup as inkCleanup, render as inkRender} from 'ink-testing-library';

/**
 * Renders, keys and waits, each inside React's act(): act() flushes renders and passive effects (where
 * Ink registers its input handler) before it resolves, so no key is written before the app listens.
 */
async function act(callback: () => void | Promise<void>) {
  const scope = globalThis as {IS_REACT_ACT_ENVIRONMENT?: boolean};
  const previous = scope.IS_REACT_ACT_ENVIRONMENT;
  scope.IS_REACT_ACT_ENVIRONMENT = true;
  try {
    await reactAct(callback);
  } finally {
    scope.IS_REACT_ACT_ENVIRONMENT = previous;
  }
}

export type Instance = ReturnType<typeof inkRender>;

export const keys = {
  up: '\u001B[A',
  down: '\u001B[B',
  right: '\u001B[C',
  left: '\u001B[D',
  enter: '\r',
  escape: '\u001B',
  tab: '\t',
  backspace: '\u007F',
  ctrlU: '\u0015',
} as const;

const turn = () => new Promise<void>((resolve) => setImmediate(resolve));
export const delay = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export async function render(tree: ReactElement, {columns}: {columns?: number} = {}) {
  let instance!: Instance;
  await act(async () => {
    instance = inkRender(tree);
  });
  if (columns !== undefined) {
    Object.defineProperty(instance.stdout, 'columns', {get: () => columns, configurable: true});
    await act(async () => {
      // As a terminal does when its width changes: components that track the size hear of it.
      instance.stdout.emit('resize');
      instance.rerender(tree);
    });
  }
  return instance;
}

/** One act() per chunk: each key meets the state the previous one produced. */
export async function press(app: Instance, ...chunks: string[]) {
  for (const chunk of chunks) {
    await act(async () => {
      app.stdin.write(chunk);
      // A lone Esc is held by Ink for one turn, to see whether a sequence follows.
      await turn();
      await turn();
    });
  }
}

/** All chunks in one act(), with no render in between: a paste, or a laggy link. */
export async function burst(app: Instance, ...chunks: string[]) {
  await act(async () => {
    for (const chunk of chunks) app.stdin.write(chunk);
    await turn();
    await turn();
  });
}

/** The last frame that is not blank (with CI set, Ink writes a blank frame on exit). */
export function frame(app: Instance): string {
  for (let index = app.frames.length - 1; index >= 0; index--) {
    const candidate = app.frames[index] ?? '';
    if (candidate.trim() !== '') return candidate;
  }
  return '';
}

/** Polls inside act() until the frame matches: for effects (file reads, DPS calls). */
export async function waitForFrame(app: Instance, needle: string | RegExp, timeoutMs = 15_000) {
  const started = Date.now();
  for (;;) {
    const current = frame(app);
    if (typeof needle === 'string' ? current.includes(needle) : needle.test(current))
      return current;
    if (Date.now() - started > timeoutMs) {
      throw new Error(`no ${String(needle)} after ${timeoutMs} ms; the screen shows:\n${current}`);
    }
    await act(async () => {
      await delay(10);
    });
  }
}

export async function cleanup() {
  await act(async () => {
    inkCleanup();
  });
}
