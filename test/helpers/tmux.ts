import {execFile, execFileSync} from 'node:child_process';
import {rm} from 'node:fs/promises';
import {join} from 'node:path';
import {setTimeout as sleep} from 'node:timers/promises';
import {promisify} from 'node:util';
import {shellQuote} from '../../source/outputs/shell-quote.js';

/**
 * A program in a real terminal: a tmux pane of a fixed size on a private tmux server, driven by keystrokes
 * and read back as the screen a person would see.
 */

const run = promisify(execFile);

export function tmuxAvailable(): boolean {
  try {
    execFileSync('tmux', ['-V'], {stdio: 'ignore'});
    return true;
  } catch {
    return false;
  }
}

export type PaneOptions = {
  /** The folder the program starts in; the tmux socket is created there too. */
  cwd: string;
  cols?: number;
  rows?: number;
  /**
   * Extra environment for the program only. XDG_STATE_HOME defaults to a folder of the pane's own under
   * `cwd`, so a draft one test leaves is never offered to another; a test that resumes passes its own.
   */
  env?: Record<string, string>;
};

/** What the pane's shell reports once the program has ended. */
export type PaneExit = {
  code: number;
  /** The terminal modes after the program, from `stty -a`: e.g. `icanon` (line editing) or `-icanon`. */
  ttyModes: string[];
  cursorVisible: boolean;
  alternateScreen: boolean;
  screen: string;
};

export type Pane = {
  /** Named keys, as tmux spells them: Enter, Escape, Tab, Down, C-c. */
  keys(...names: string[]): Promise<void>;
  /** Literal text, as if typed. */
  type(text: string): Promise<void>;
  /** The visible screen as text; wrapped lines are joined, so a line wider than the pane shows as such. */
  screen(): Promise<string>;
  /** Everything the pane has shown, the scrolled-off lines included, with wrapped lines joined. */
  history(): Promise<string>;
  /** The visible screen with its colour and attribute escape sequences. */
  screenWithEscapes(): Promise<string>;
  /** A tmux format about the pane, e.g. `#{cursor_flag}`. */
  display(format: string): Promise<string>;
  /** Polls the screen until it shows `needle`; returns that screen, or fails with the last one. */
  waitFor(needle: string | RegExp, timeoutMs?: number): Promise<string>;
  /** Waits for the program to end and reads the terminal's state after it. */
  waitForExit(timeoutMs?: number): Promise<PaneExit>;
  /** Every screen read so far, in order. */
  readonly screens: string[];
  /** Stops the tmux server and removes its socket. */
  close(): Promise<void>;
};

let panesStarted = 0;

const exitLine = /\[exit (\d+)\] \[tty ([^\]]*)\]/;

/**
 * Starts `argv` in a new pane. CI and colour settings of the test's own environment are removed (with CI
 * set, Ink draws nothing until exit); after the program the shell prints its exit status and the terminal
 * modes, then waits so the last screen stays readable.
 */
export async function startInTmux(argv: string[], options: PaneOptions): Promise<Pane> {
  const {cwd, cols = 80, rows = 24, env = {}} = options;
  const socket = join(cwd, `tmux-${process.pid}-${++panesStarted}.sock`);
  const stateHome = join(cwd, `xdg-state-${process.pid}-${panesStarted}`);
  const tmux = async (...args: string[]) =>
    (await run('tmux', ['-S', socket, '-f', '/dev/null', ...args], {encoding: 'utf8'})).stdout;
  const environment = [
    'env',
    ...['CI', 'CONTINUOUS_INTEGRATION', 'NO_COLOR', 'FORCE_COLOR'].flatMap((name) => ['-u', name]),
    ...Object.entries({XDG_STATE_HOME: stateHome, ...env}).map(
      ([name, value]) => `${name}=${value}`,
    ),
  ];
  const program = [...environment, ...argv].map(shellQuote).join(' ');
  const modes = `stty -a | tr ' ;' '\\n\\n' | grep -xE -- '-?(icanon|echo|isig)' | tr '\\n' ' '`;
  const shell = `${program}; echo "[exit $?] [tty $(${modes})]"; sleep 600`;
  await tmux(
    'new-session',
    '-d',
    '-s',
    'e2e',
    '-x',
    String(cols),
    '-y',
    String(rows),
    '-c',
    cwd,
    '/bin/sh',
    '-c',
    shell,
  );

  const screens: string[] = [];
  const pane: Pane = {
    screens,
    async keys(...names) {
      await tmux('send-keys', '-t', 'e2e', ...names);
    },
    async type(text) {
      await tmux('send-keys', '-t', 'e2e', '-l', text);
    },
    async screen() {
      const text = await tmux('capture-pane', '-p', '-J', '-t', 'e2e');
      screens.push(text);
      return text;
    },
    async history() {
      return tmux('capture-pane', '-p', '-J', '-S', '-', '-t', 'e2e');
    },
    async screenWithEscapes() {
      return tmux('capture-pane', '-p', '-e', '-t', 'e2e');
    },
    async display(format) {
      return (await tmux('display-message', '-p', '-t', 'e2e', format)).trim();
    },
    async waitFor(needle, timeoutMs = 20_000) {
      const started = Date.now();
      for (;;) {
        const text = await pane.screen();
        if (typeof needle === 'string' ? text.includes(needle) : needle.test(text)) return text;
        if (Date.now() - started > timeoutMs) {
          throw new Error(`the screen never showed ${String(needle)}; it shows:\n${text}`);
        }
        await sleep(25);
      }
    },
    async waitForExit(timeoutMs) {
      const screen = await pane.waitFor(exitLine, timeoutMs);
      const [, code = '', modes = ''] = exitLine.exec(screen) ?? [];
      return {
        code: Number(code),
        ttyModes: modes.split(' ').filter((mode) => mode !== ''),
        cursorVisible: (await pane.display('#{cursor_flag}')) === '1',
        alternateScreen: (await pane.display('#{alternate_on}')) === '1',
        screen,
      };
    },
    async close() {
      await tmux('kill-server').catch(() => undefined);
      await rm(socket, {force: true});
      await rm(stateHome, {recursive: true, force: true});
    },
  };
  return pane;
}

/** Lines of the screens wider than `cols` (counted in code points). */
export function linesWiderThan(screens: readonly string[], cols: number): string[] {
  return screens
    .flatMap((screen) => screen.split('\n'))
    .filter((line) => [...line.trimEnd()].length > cols);
}

/** SGR escape sequences that set a colour (foreground, background, 256-colour or RGB). */
export function colourSequences(text: string): string[] {
  const found: string[] = [];
  for (const match of text.matchAll(/\x1b\[([0-9;:]*)m/g)) {
    const params = (match[1] ?? '').split(/[;:]/).map(Number);
    const setsColour = params.some(
      (p) => (p >= 30 && p <= 38) || (p >= 40 && p <= 48) || (p >= 90 && p <= 97) || p >= 100,
    );
    if (setsColour) found.push(match[0]);
  }
  return found;
}

/** Types text and waits for its echo, so the next key meets the screen the text was typed on. */
export async function typeInto(pane: Pane, text: string, echo: string = `› ${text}`) {
  await pane.type(text);
  await pane.waitFor(echo);
}

/** Presses one key and returns the screen once it shows `needle`. */
export async function press(pane: Pane, key: string, needle: string | RegExp) {
  await pane.keys(key);
  return pane.waitFor(needle);
}
