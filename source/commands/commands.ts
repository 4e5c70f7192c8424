import type {Command} from './command.js';
import {certsUsage} from './certs-usage.js';
import {deviceUsage} from './device-usage.js';
import {emulatorUsage} from './emulator-usage.js';
import {caUsage} from './ca-usage.js';
import {enrollmentUsage} from './enrollment-usage.js';
import {groupUsage} from './group-usage.js';
import {registrationUsage} from './registration-usage.js';

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
  {
    name: 'group',
    summary: 'list, show, create, update and delete enrollment groups',
    usage: groupUsage,
    load: async () => (await import('./group-command.js')).runGroupCommand,
  },
  {
    name: 'ca',
    summary: 'list, show, upload, verify (proof of possession) and delete CA certificates',
    usage: caUsage,
    load: async () => (await import('./ca-command.js')).runCaCommand,
  },
  {
    name: 'registration',
    summary: 'list, show and delete the registration states of devices',
    usage: registrationUsage,
    load: async () => (await import('./registration-command.js')).runRegistrationCommand,
  },
  {
    name: 'device',
    summary: 'register as a device with its certificate (sandbox or Azure), install on IoT Edge',
    usage: deviceUsage,
    load: async () => (await import('./device-command.js')).runDeviceCommand,
  },
];
