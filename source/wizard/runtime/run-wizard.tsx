import {render} from 'ink';
import {parseCommandArgs, UsageError} from '../../commands/args.js';
import {App} from './app.js';
import {connect, type ConnectTesting} from '../../connection/connect.js';
import {
  chooseConnection,
  connectionFlags,
  describeChoice,
  type ConnectionChoice,
} from '../../connection/connection-options.js';
import {draftHasTyping, draftOf, hasUnsavedWork} from '../core/draft.js';
import {closingReport} from './closing-report.js';
import {createDraftStore, draftPath, readDraft} from './drafts.js';
import {createServices, type Connector} from './services.js';

/** How the wizard connects for a choice: the device-code prompt goes to the screen, never to stdout. */
export function wizardConnector(choice: ConnectionChoice, testing?: ConnectTesting): Connector {
  return (hooks) =>
    connect(
      choice,
      {
        signal: hooks.signal,
        onWait: hooks.onWait,
        onDeviceCode: (prompt) =>
          hooks.onDeviceCode({
            verificationUri: prompt.verificationUri,
            userCode: prompt.userCode,
            expiresOn: prompt.expiresOn.toISOString(),
          }),
      },
      testing,
    );
}

/** Parses the wizard's flags, opens the wizard, and closes the connection when it ends. */
export async function runWizard(argv: string[]): Promise<number> {
  const {values} = parseCommandArgs(argv, connectionFlags);
  const choice = chooseConnection(values, process.env);
  if (!process.stdin.isTTY || !process.stdout.isTTY) {
    throw new UsageError(
      'the wizard needs an interactive terminal; run it in a terminal (ssh -t for a remote one), or see dps-enroll --help for the commands that run without one',
    );
  }
  const target = choice.mode === 'sandbox' ? 'the local sandbox DPS' : describeChoice(choice);
  const services = createServices({target, connect: wizardConnector(choice)});
  const path = draftPath();
  const start = await readDraft(path);
  let draftError: string | undefined;
  const drafts = createDraftStore({
    path,
    target,
    onError: (error) => {
      draftError = `dps-enroll: the draft could not be saved in ${path}: ${error instanceof Error ? error.message : String(error)}`;
    },
  });
  let report = '';
  let interrupted = false;
  let keepDraft = true;
  let typed = false;
  const instance = render(
    <App
      services={services}
      start={start}
      drafts={drafts}
      onClose={(state) => {
        report = closingReport(state);
        interrupted = state.screen.name !== 'quit';
        if (!interrupted) keepDraft = hasUnsavedWork(state);
        const draft = draftOf(state, target, new Date());
        typed = draft !== undefined && draftHasTyping(draft);
        drafts.schedule(state);
      }}
    />,
  );
  // A closed SSH session (SIGHUP) or a kill (SIGTERM) restores the terminal and releases the sandbox too.
  const stop = () => instance.unmount();
  process.once('SIGHUP', stop);
  process.once('SIGTERM', stop);
  try {
    await instance.waitUntilExit();
  } finally {
    process.off('SIGHUP', stop);
    process.off('SIGTERM', stop);
    // A clean quit with nothing unsaved leaves no draft; any other end keeps it for the next start.
    await (keepDraft ? drafts.flush() : drafts.remove());
    await services.closeAll();
  }
  if (report) process.stdout.write(`\n${report}`);
  if (keepDraft && typed) {
    process.stdout.write(
      `\nWhat you typed is kept as a draft (${path}): the next start offers to resume it.\n`,
    );
  }
  if (draftError) process.stderr.write(`${draftError}\n`);
  // Ctrl+C, SIGHUP or SIGTERM: the shell's convention for an interrupted program.
  return interrupted ? 130 : 0;
}
