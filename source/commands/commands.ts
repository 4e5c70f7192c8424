import type {Command} from './command.js';
import {certsUsage} from './certs-usage.js';
import {emulatorUsage} from './emulator-usage.js';
import {enrollmentUsage} from './enrollment-usage.js';

/** The subcommands of dps-enroll, in the order --help lists them. */
export const commands: readonly Command[] = [
  {
    name: 'emulator',
    summary: 'run the local DPS (the sandbox: service and ARM APIs) on loopback',
    usage: emulatorUsage,
    load: async () => (await import('./emulator-command.js')).runEmulatorCommand,
  },
  {
    name: 'certs',
    summary: 'inspect and check certificates, create test chains, sign verification certificates',
    usage: certsUsage,
    load: async () => (await import('./certs-command.js')).runCertsCommand,
  },
  {
    name: 'enrollment',
    summary: 'list, show, create, update and delete individual enrollments',
    usage: enrollmentUsage,
    load: async () => (await import('./enrollment-command.js')).runEnrollmentCommand,
  },
];
