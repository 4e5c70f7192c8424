import {UsageError} from './args.js';
import {printJson} from './certs-output.js';
import {CertificateReadError} from '../certs/read-errors.js';

// Each subcommand loads only its own code: create-chain never loads the PKCS#12/PKCS#7 reader, for one.
const subcommands: Record<string, () => Promise<(argv: string[]) => Promise<number>>> = {
  inspect: async () => (await import('./certs-inspect.js')).runInspect,
  check: async () => (await import('./certs-check.js')).runCheck,
  'create-chain': async () => (await import('./certs-create-chain.js')).runCreateChain,
  verification: async () => (await import('./certs-verification.js')).runVerification,
};

/** Runs `dps-enroll certs <subcommand> ...`; resolves to the exit code, throws UsageError for exit code 2. */
export async function runCertsCommand(argv: string[]): Promise<number> {
  const [subcommand, ...rest] = argv;
  if (subcommand === undefined) {
    throw new UsageError('certs needs a subcommand: inspect, check, create-chain or verification');
  }
  const load = subcommands[subcommand];
  if (!load) throw new UsageError(`unknown certs subcommand "${subcommand}"`);
  const run = await load();
  try {
    return await run(rest);
  } catch (error) {
    if (error instanceof UsageError) throw error;
    return fail(error, rest.includes('--json'));
  }
}

/** Reports a failed operation (exit code 1): on stderr, and as JSON on stdout with --json. */
function fail(error: unknown, json: boolean): number {
  const message = error instanceof Error ? error.message : String(error);
  const reason = error instanceof CertificateReadError ? error.reason : undefined;
  if (json) printJson({ok: false, error: {message, ...(reason ? {reason} : {})}});
  process.stderr.write(`dps-enroll certs: ${message}\n`);
  return 1;
}
