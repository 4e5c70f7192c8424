#!/usr/bin/env node
import {UsageError} from './source/commands/args.js';
import {commands} from './source/commands/commands.js';
import {version} from './source/commands/version.js';
import {wizardUsage} from './source/wizard/runtime/wizard-usage.js';

const usage = `dps-enroll ${version}
Create Azure IoT Hub DPS enrollments for IoT Edge devices with X.509 certificates.

Usage
  $ dps-enroll [wizard options]       open the wizard
  $ dps-enroll <command> [options]

Commands
${commands.map((command) => `  ${command.name.padEnd(10)} ${command.summary}`).join('\n')}

Options
  -h, --help     show help (also after a command: dps-enroll emulator --help)
  -v, --version  show the version

${wizardUsage}`;

async function main(argv: string[]): Promise<number> {
  const [first, ...rest] = argv;
  const command = commands.find((candidate) => candidate.name === first);
  if (command) {
    if (rest.includes('--help') || rest.includes('-h')) {
      process.stdout.write(command.usage);
      return 0;
    }
    if (rest.includes('--version') || rest.includes('-v')) {
      process.stdout.write(`${version}\n`);
      return 0;
    }
    const run = await command.load();
    return run(rest);
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
