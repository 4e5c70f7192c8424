import {dpsCommonOptions, settingOptions} from './dps-usage.js';

/** `dps-enroll enrollment --help`: kept apart from the command, so showing it loads no DPS code. */
export const enrollmentUsage = `dps-enroll enrollment: individual enrollments (X.509), like az iot dps enrollment

Usage
  $ dps-enroll enrollment list [--top N]
  $ dps-enroll enrollment show --enrollment-id ID
  $ dps-enroll enrollment create --enrollment-id ID --certificate-path FILE
                                 [--secondary-certificate-path FILE] [--device-id ID] [settings]
  $ dps-enroll enrollment create --from-folder DIR | --manifest FILE [--update] [settings]
  $ dps-enroll enrollment update --enrollment-id ID [--certificate-path FILE]
                                 [--secondary-certificate-path FILE | --remove-secondary-certificate]
                                 [--device-id ID] [settings] [--etag ETAG]
  $ dps-enroll enrollment delete --enrollment-id ID [--etag ETAG]

The enrollment ID is the registration ID: the CN of the device certificate. create refuses an ID that
exists; update reads the enrollment, changes what the flags give and writes it back with the etag it read,
so a change made meanwhile is refused, not overwritten. Certificates are checked before anything is sent.

${settingOptions}
${dpsCommonOptions}
Examples
  $ dps-enroll enrollment create --enrollment-id edge-01 \\
      --certificate-path certs/iot-edge-device-identity-edge-01.cert.pem \\
      --initial-twin-tags '{"environment": "test"}'
  $ dps-enroll enrollment update --enrollment-id edge-01 --provisioning-status disabled
  $ dps-enroll enrollment list --json
`;
