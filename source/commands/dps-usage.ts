/** The options every DPS command takes (connection and output), for the usage texts. */
export const dpsCommonOptions = `Connection (the same as the wizard's; the sandbox when nothing is configured)
  --sandbox                 the local sandbox DPS; --state-dir DIR chooses its folder
  --connection-string CS    a service policy with EnrollmentWrite (or DPS_CONNECTION_STRING);
                            enrollments and registrations only: CA certificates need Azure sign-in
  --dps-name N --resource-group G --subscription ID [--tenant T] [--device-code]
                            Azure sign-in (DefaultAzureCredential, or a device code on stderr)

Output
  --json                    the DPS objects as JSON on stdout (errors stay on stderr)
  -h, --help                show this help

Exit codes: 0 done, 1 DPS refused or failed (not found, stale etag, exists already, bad file),
2 usage error, 130 Ctrl+C. Private keys never leave this machine; secrets are never printed.
`;

/** The settings flags enrollment and group create/update share. */
export const settingOptions = `Settings (create: IoT Edge, enabled; update: only what is given changes)
  --edge-enabled true|false            an IoT Edge device (default true on create)
  --provisioning-status enabled|disabled
  --reprovision-policy reprovisionandmigratedata|reprovisionandresetdata|never
  --allocation-policy hashed|geolatency|static|custom  (custom: --webhook-url, --api-version)
  --iot-hubs "HOST HOST"               linked IoT hubs the devices may be assigned to
  --initial-twin-tags JSON             e.g. '{"environment": "test"}' (replaces the tags)
  --initial-twin-properties JSON       desired properties (replaces them)
  --etag ETAG                          update/delete only that version (update: default the one read)
`;
