import {dpsCommonOptions} from './dps-usage.js';

/** `dps-enroll registration --help`: kept apart from the command, so showing it loads no DPS code. */
export const registrationUsage = `dps-enroll registration: the registration states of devices that registered

Usage
  $ dps-enroll registration list --group-id ID [--top N]
  $ dps-enroll registration show --registration-id ID
  $ dps-enroll registration delete --registration-id ID [--etag ETAG]

list shows the devices of an enrollment group that have registered; show and delete take any device's
registration ID (a device of an individual enrollment or of a group). Deleting a registration state
makes the device register anew next time; its enrollment stays.

${dpsCommonOptions}`;
