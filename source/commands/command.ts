/** Runs a command with its arguments and resolves to the process exit code. Throws UsageError for exit code 2. */
export type RunCommand = (argv: string[]) => Promise<number>;

/**
 * A subcommand of dps-enroll: its one-line summary and --help text, which cost nothing to show, and its
 * implementation, which is loaded only to run it.
 */
export type Command = {
  name: string;
  summary: string;
  usage: string;
  load(): Promise<RunCommand>;
};
