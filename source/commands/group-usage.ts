import {dpsCommonOptions, settingOptions} from './dps-usage.js';

/** `dps-enroll group --help`: kept apart from the command, so showing it loads no DPS code. */
export const groupUsage = `dps-enroll group: enrollment groups (X.509), like az iot dps enrollment-group

Usage
  $ dps-enroll group list [--top N]
  $ dps-enroll group show --enrollment-id ID
  $ dps-enroll group create --enrollment-id ID (--ca-name NAME [--secondary-ca-name NAME]
                            | --certificate-path FILE [--secondary-certificate-path FILE]) [settings]
  $ dps-enroll group update --enrollment-id ID [--ca-name NAME | --certificate-path FILE ...]
                            [settings] [--etag ETAG]
  $ dps-enroll group delete --enrollment-id ID [--etag ETAG]

--group-id is the same as --enrollment-id. A group's devices chain up to a CA certificate verified in
DPS (--ca-name: see dps-enroll ca) or to a CA certificate uploaded into the group (--certificate-path).
update reads the group, changes what the flags give and writes it back with the etag it read.

${settingOptions}
${dpsCommonOptions}
Examples
  $ dps-enroll group create --enrollment-id line-3 --ca-name root-ca \\
      --initial-twin-tags '{"site": "plant-1"}'
  $ dps-enroll group update --enrollment-id line-3 --iot-hubs "hub-1.azure-devices.net"
`;
