import {integerFlag, parseCommandArgs, UsageError} from './args.js';
import type {Command} from './command.js';
import {startEmulator} from '../emulator/emulator.js';
import {defaultStateDir} from '../emulator/state-dir.js';

const usage = `dps-enroll emulator: run the local DPS (the sandbox) on loopback

Usage
  $ dps-enroll emulator [options]

One HTTPS server serves the DPS service API (enrollments, enrollment groups, registration states)
and the ARM API of the DPS resource (keys, linked hubs, CA certificates, proof of possession).
When it is listening it prints one JSON line on stdout (logs go to stderr):

  {"port":N,"serviceHost":"localhost","connectionString":"HostName=localhost;SharedAccessKeyName=...",
   "armEndpoint":"https://127.0.0.1:N","armToken":"...","subscriptionId":"...","resourceGroup":"...",
   "dpsName":"...","idScope":"0ne...","caCertFile":"/absolute/path/ca.cert.pem"}

Point the service SDK at it with HostName=localhost plus an https.Agent whose defaultPort is "port"
and whose ca is the file "caCertFile"; point the ARM SDK at "armEndpoint" with "armToken" as the bearer
token and the same CA. Stop it with Ctrl+C (SIGINT) or SIGTERM.

Options
  --port <n>          port to listen on; 0 (the default) picks a free one
  --host <address>    address to bind (default 127.0.0.1); the sandbox has no other protection
  --state-dir <dir>   where enrollments, certificates, keys and the sandbox CA are kept
                      (default ${defaultStateDir()})
  --in-memory         keep nothing on disk except the CA certificate, in a temporary folder
  --verbose           log every request on stderr
  -h, --help          show this help
  -v, --version       show the version
`;

export const emulatorCommand: Command = {
  name: 'emulator',
  summary: 'run the local DPS (service and ARM APIs) on loopback',
  usage,
  async run(argv) {
    const {values} = parseCommandArgs(argv, {
      port: {type: 'string'},
      host: {type: 'string'},
      'state-dir': {type: 'string'},
      'in-memory': {type: 'boolean'},
      verbose: {type: 'boolean'},
    });
    const port = integerFlag('port', values.port, 0, 65535) ?? 0;
    if (values['in-memory'] && values['state-dir'] !== undefined) {
      throw new UsageError('--in-memory and --state-dir cannot be used together');
    }
    if (values.host !== undefined && values.host.trim() === '') {
      throw new UsageError('--host needs an address, e.g. 127.0.0.1');
    }
    if (values['state-dir'] !== undefined && values['state-dir'].trim() === '') {
      throw new UsageError('--state-dir needs a folder');
    }
    const log = (line: string) => process.stderr.write(`${line}\n`);
    const stateDir = values['in-memory'] ? undefined : (values['state-dir'] ?? defaultStateDir());

    // Listen for the signals before the ready line: a tool may send one as soon as it reads that line.
    const stopSignal = new Promise<NodeJS.Signals>((resolve) => {
      process.once('SIGINT', () => resolve('SIGINT'));
      process.once('SIGTERM', () => resolve('SIGTERM'));
    });
    const host = values.host ?? '127.0.0.1';
    const emulator = await startEmulator({
      port,
      host,
      stateDir,
      inMemory: values['in-memory'] ?? false,
      log: values.verbose ? log : (line) => line.startsWith('internal error') && log(line),
    }).catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'EADDRINUSE') throw new Error(`port ${port} on ${host} is already in use`);
      if (error.code === 'EADDRNOTAVAIL')
        throw new Error(`${host} is not an address of this machine`);
      throw error;
    });
    process.stdout.write(`${JSON.stringify(emulator.info)}\n`);
    log(
      `dps-enroll emulator listening on ${emulator.info.armEndpoint} (${stateDir ? `state in ${stateDir}` : 'in memory'}); Ctrl+C stops it`,
    );
    if (!isLoopbackHost(values.host ?? '127.0.0.1')) {
      log(
        `warning: listening on ${values.host}: anyone who can reach this address can use the sandbox`,
      );
    }

    const signal = await stopSignal;
    log(`${signal}: stopping`);
    await emulator.close();
    return 0;
  },
};

function isLoopbackHost(host: string): boolean {
  return host === 'localhost' || host === '::1' || host.startsWith('127.');
}
