import {integerFlag, parseCommandArgs, UsageError} from './args.js';
import {startEmulator} from '../emulator/emulator.js';
import {defaultStateDir} from '../emulator/state-dir.js';

/** Runs `dps-enroll emulator ...` until SIGINT or SIGTERM; resolves to the exit code, throws UsageError for exit code 2. */
export async function runEmulatorCommand(argv: string[]): Promise<number> {
  const {values} = parseCommandArgs(argv, {
    port: {type: 'string'},
    'mqtt-port': {type: 'string'},
    host: {type: 'string'},
    'state-dir': {type: 'string'},
    'in-memory': {type: 'boolean'},
    verbose: {type: 'boolean'},
  });
  const port = integerFlag('port', values.port, 0, 65535) ?? 0;
  const mqttPort = integerFlag('mqtt-port', values['mqtt-port'], 0, 65535) ?? 0;
  if (port !== 0 && port === mqttPort) {
    throw new UsageError(
      '--port and --mqtt-port must differ (HTTPS and MQTT each need their own port)',
    );
  }
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
    mqttPort,
    host,
    stateDir,
    inMemory: values['in-memory'] ?? false,
    log: values.verbose ? log : (line) => line.startsWith('internal error') && log(line),
  }).catch((error: NodeJS.ErrnoException & {port?: number}) => {
    if (error.code === 'EADDRINUSE') {
      const which = error.port === mqttPort && mqttPort !== 0 ? '--mqtt-port' : '--port';
      throw new Error(`port ${error.port ?? port} on ${host} is already in use (${which})`);
    }
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
}

function isLoopbackHost(host: string): boolean {
  return host === 'localhost' || host === '::1' || host.startsWith('127.');
}
