/** A subcommand of dps-enroll: its one-line summary, its --help text, and what it does. */
export type Command = {
  name: string;
  summary: string;
  usage: string;
  /** Runs the command and resolves to the process exit code. Throws UsageError for exit code 2. */
  run(argv: string[]): Promise<number>;
};
