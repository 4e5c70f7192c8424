#!/usr/bin/env node
import {UsageError} from './source/commands/args.js';
import type {Command} from './source/commands/command.js';
import {version} from './source/commands/version.js';
import {wizardUsage} from './source/wizard/runtime/wizard-usage.js';

const commands: Record<string, () => Promise<Command>> = {
  emulator: async () => (await import('./source/commands/emulator-command.js')).emulatorCommand,
  certs: async () => (await import('./source/commands/certs-command.js')).certsCommand,
};

const summaries: Record<string, string> = {
  emulator: 'run the local DPS (the sandbox: service and ARM APIs) on loopback',
  certs: 'inspect and check certificates, create test chains, sign verification certificates',
};

const usage = `dps-enroll ${version}
Create Azure IoT Hub DPS enrollments for IoT Edge devices with X.509 certificates.

Usage
  $ dps-enroll [wizard options]       open the wizard
  $ dps-enroll <command> [options]

Commands
${Object.keys(commands)
  .map((name) => `  ${name.padEnd(10)} ${summaries[name]}`)
  .join('\n')}

Options
  -h, --help     show help (also after a command: dps-enroll emulator --help)
  -v, --version  show the version

${wizardUsage}`;

async function main(argv: string[]): Promise<number> {
  const [first, ...rest] = argv;
  const load = first === undefined ? undefined : commands[first];
  if (load) {
    const command = await load();
    if (rest.includes('--help') || rest.includes('-h')) {
      process.stdout.write(command.usage);
      return 0;
    }
    if (rest.includes('--version') || rest.includes('-v')) {
      process.stdout.write(`${version}\n`);
      return 0;
    }
    return command.run(rest);
  }
  if (first !== undefined && !first.startsWith('-')) {
    throw new UsageError(`unknown command "${first}"`);
  }
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(usage);
    return 0;
  }
  if (argv.includes('--version') || argv.includes('-v')) {
    process.stdout.write(`${version}\n`);
    return 0;
  }
  const {runWizard} = await import('./source/wizard/runtime/run-wizard.js');
  return runWizard(argv);
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    if (error instanceof UsageError) {
      process.stderr.write(`dps-enroll: ${error.message}\nRun "dps-enroll --help" for usage.\n`);
      process.exitCode = 2;
      return;
    }
    process.stderr.write(`dps-enroll: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  },
);
