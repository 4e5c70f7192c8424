// The terminal measurements of bench/startup.ts: how long a command takes, in a fresh 80x24 tmux pane, until
// its screen shows something: the wizard's home menu (its first frame), the wizard connected to the sandbox,
// or, as the anchor, a line printed by `node -e`.
import {execFileSync} from 'node:child_process';
import {rm} from 'node:fs/promises';

/**
 * Starts command in a new 80x24 tmux pane and polls the screen every 5 ms; resolves to the milliseconds from
 * starting the pane until each of the marks is on screen. Sends keys (e.g. "q") at the end, then ends tmux.
 */
export async function timeInPane<Mark extends string>(
  command: string,
  marks: Record<Mark, string>,
  keysAtEnd: string[] = [],
): Promise<Record<Mark, number>> {
  const socket = `startup-bench-${process.pid}`;
  const tmux = (...args: string[]) =>
    execFileSync('tmux', ['-L', socket, '-f', '/dev/null', ...args], {encoding: 'utf8'});
  const started = performance.now();
  tmux('new-session', '-d', '-s', 'b', '-x', '80', '-y', '24', `${command}; sleep 60`);
  const seen: Partial<Record<Mark, number>> = {};
  const names = Object.keys(marks) as Mark[];
  try {
    for (;;) {
      const screen = tmux('capture-pane', '-p', '-t', 'b');
      const now = performance.now() - started;
      for (const name of names) {
        if (seen[name] === undefined && screen.includes(marks[name])) seen[name] = now;
      }
      if (names.every((name) => seen[name] !== undefined)) return seen as Record<Mark, number>;
      if (now > 30_000)
        throw new Error(`${command}: not all of ${names.join(', ')} seen:\n${screen}`);
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  } finally {
    if (keysAtEnd.length > 0) {
      tmux('send-keys', '-t', 'b', ...keysAtEnd);
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    const path = tmux('display-message', '-p', '#{socket_path}').trim();
    tmux('kill-server');
    await rm(path, {force: true});
  }
}

/** The built wizard on the sandbox in stateDir: its first frame (the home menu), and connected (SANDBOX). */
export function wizardStart(cli: string, stateDir: string) {
  // Drafts in a state folder of the bench's own: a draft of the user's would put the resume prompt first.
  return timeInPane(
    `env -u CI XDG_STATE_HOME=${stateDir}-xdg ${process.execPath} ${cli} --state-dir ${stateDir}`,
    {firstFrame: 'Individual enrollment', connected: 'SANDBOX'},
    ['q'],
  );
}

/** The anchor: Node starting and printing one line in the same kind of pane. */
export async function nodeInPane(): Promise<number> {
  const {printed} = await timeInPane(`${process.execPath} -e "console.log('node-ready')"`, {
    printed: 'node-ready',
  });
  return printed;
}

export function tmuxAvailable(): boolean {
  try {
    execFileSync('tmux', ['-V'], {stdio: 'ignore'});
    return true;
  } catch {
    return false;
  }
}
