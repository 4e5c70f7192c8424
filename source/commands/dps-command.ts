import {connect, ConnectError, type Connected} from '../connection/connect.js';
import {
  chooseConnection,
  connectionFlags,
  type ConnectionChoice,
  type WizardFlags,
} from '../connection/connection-options.js';
import {CertificateReadError} from '../certs/read-errors.js';
import {
  isDpsError,
  SignInCancelledError,
  type CallOptions,
  type DpsError,
  type DpsGateway,
} from '../dps/index.js';
import {caFailureAdvice, failureAdvice} from '../wizard/shared/failure-text.js';
import {UsageError} from './args.js';

/**
 * What the DPS commands (enrollment, group, ca, registration) share: where they write, how they connect,
 * and how a failure becomes stderr text and an exit code.
 */

/** Where a command reads and writes. Tests pass their own streams and connection. */
export type CommandIo = {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  env: NodeJS.ProcessEnv;
  cwd: string;
  isTty: boolean;
  signal: AbortSignal;
  /** Opens the chosen connection; default: connect() (sandbox, connection string or Azure). */
  connect?: (choice: ConnectionChoice, io: CommandIo) => Promise<Connected>;
};

/** The process's own streams and environment; Ctrl+C aborts the signal. */
export function processIo(): CommandIo {
  const controller = new AbortController();
  process.once('SIGINT', () => controller.abort());
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    env: process.env,
    cwd: process.cwd(),
    isTty: process.stdout.isTTY === true,
    signal: controller.signal,
  };
}

/** Ctrl+C cancels the call, also while it waits to retry; each wait is said on stderr. */
export function callOptions(io: CommandIo): CallOptions {
  return {
    signal: io.signal,
    onWait: (wait) =>
      io.stderr.write(
        `dps-enroll: ${wait.operation}: ${wait.reason}; trying again in ${Math.ceil(wait.delayMs / 1000)} s (attempt ${wait.attempt} of ${wait.maxAttempts})\n`,
      ),
  };
}

/** The flags every DPS command takes: the wizard's connection flags and --json. */
export const dpsCommandFlags = {...connectionFlags, json: {type: 'boolean'}} as const;

/** A DPS subcommand: `argv` are its own arguments (after `enrollment show`, say). */
export type Subcommand = (argv: string[], io: CommandIo) => Promise<number>;

/**
 * A file or value given on the command line that cannot be used (exit 1): the message names the flag or
 * file and the problem, the fix says what to do.
 */
export class InputError extends Error {
  override name = 'InputError';
  constructor(
    message: string,
    readonly fix?: string,
  ) {
    super(message);
  }
}

/**
 * Runs `dps-enroll <command> <subcommand> ...`: resolves to 0 or 1; a UsageError (exit 2) is thrown for
 * the caller to print. Every other failure is written to stderr as its cause and what to do about it.
 */
export async function runSubcommand(
  command: string,
  subcommands: Record<string, Subcommand>,
  argv: string[],
  io: CommandIo = processIo(),
): Promise<number> {
  const [name, ...rest] = argv;
  const names = Object.keys(subcommands);
  const list = `${names.slice(0, -1).join(', ')} or ${names.at(-1)}`;
  if (name === undefined) throw new UsageError(`${command} needs a subcommand: ${list}`);
  const run = subcommands[name];
  if (!run) throw new UsageError(`unknown ${command} subcommand "${name}" (use ${list})`);
  try {
    return await run(rest, io);
  } catch (error) {
    if (error instanceof UsageError) throw error;
    io.stderr.write(failureText(`${command} ${name}`, command === 'ca', error));
    // Ctrl+C: the shell's convention for an interrupted program.
    return io.signal.aborted ? 130 : 1;
  }
}

/** The cause on the first line, what to do on the second; never a stack trace. */
export function failureText(label: string, ca: boolean, error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const fix = fixFor(ca, error);
  return `dps-enroll ${label}: ${message}\n${fix ? `  ${fix}\n` : ''}`;
}

function fixFor(ca: boolean, error: unknown): string | undefined {
  if (error instanceof InputError) return error.fix;
  if (error instanceof CertificateReadError) return undefined;
  if (error instanceof SignInCancelledError) return undefined;
  if (error instanceof ConnectError) return undefined;
  if (isDpsError(error)) return dpsAdvice(ca, error);
  return undefined;
}

/** The wizard's advice, worded for a command line where the wizard speaks of keys and screens. */
function dpsAdvice(ca: boolean, error: DpsError): string {
  switch (error.kind) {
    case 'stale-etag':
      return ca
        ? 'It changed since you read it; show it again (dps-enroll ca show) and use its current etag.'
        : 'It changed since you read it; show it again and run the command with its current etag (or without --etag).';
    case 'conflict':
      return 'It exists already: show it, or change it with update.';
    case 'not-found':
      return ca
        ? 'Check the name: dps-enroll ca list shows the CA certificates of this DPS.'
        : 'Check the ID: list shows what exists in this DPS (and check that you are connected to the right one).';
    case 'bad-request':
      return 'DPS refused a value (see above): correct that flag and run the command again.';
    case 'unknown':
      return 'Run the command again; if it fails again, the message above says what DPS answered.';
    default:
      return ca ? caFailureAdvice(error) : failureAdvice(error);
  }
}

/**
 * Opens the connection the flags choose (a contradiction is a UsageError before anything starts), runs
 * `work` with the gateway, and closes it whatever happens.
 */
export async function withGateway<T>(
  flags: WizardFlags,
  io: CommandIo,
  work: (gateway: DpsGateway, connected: Connected) => Promise<T>,
): Promise<T> {
  const choice = chooseConnection(flags, io.env);
  const connected = await (io.connect ?? defaultConnect)(choice, io);
  try {
    return await work(connected.gateway, connected);
  } finally {
    await connected.close();
  }
}

function defaultConnect(choice: ConnectionChoice, io: CommandIo): Promise<Connected> {
  return connect(choice, {
    ...callOptions(io),
    onDeviceCode: (prompt) =>
      io.stderr.write(
        `To sign in, open ${prompt.verificationUri} and enter the code ${prompt.userCode}\n`,
      ),
  });
}
