import {defaultStateDir} from '../emulator/state-dir.js';

/** `dps-enroll emulator --help`: kept apart from the command, so showing it loads no emulator code. */
export const emulatorUsage = `dps-enroll emulator: run the local DPS (the sandbox) on loopback

Usage
  $ dps-enroll emulator [options]

One HTTPS server serves the DPS service API (enrollments, enrollment groups, registration states),
the ARM API of the DPS resource (keys, linked hubs, CA certificates, proof of possession) and the
device registration API (devices authenticate with their X.509 certificate chain); a second port
serves the device registration API over MQTT on TLS.
When it is listening it prints one JSON line on stdout (logs go to stderr):

  {"port":N,"serviceHost":"localhost","connectionString":"HostName=localhost;SharedAccessKeyName=...",
   "armEndpoint":"https://127.0.0.1:N","armToken":"...","subscriptionId":"...","resourceGroup":"...",
   "dpsName":"...","idScope":"0ne...","caCertFile":"/absolute/path/ca.cert.pem",
   "deviceHost":"localhost","mqttPort":M}

Point the service SDK at it with HostName=localhost plus an https.Agent whose defaultPort is "port"
and whose ca is the file "caCertFile"; point the ARM SDK at "armEndpoint" with "armToken" as the bearer
token and the same CA. A device registers with provisioning host "deviceHost", ID scope "idScope"
and its certificate chain: over HTTPS on "port", over MQTT on "mqttPort", trusting "caCertFile". Stop it with Ctrl+C (SIGINT) or SIGTERM.

Options
  --port <n>          port to listen on; 0 (the default) picks a free one
  --mqtt-port <n>     port of the device API over MQTT (Azure: 8883); 0 (the default) picks a free one
  --host <address>    address to bind (default 127.0.0.1); the sandbox has no other protection
  --state-dir <dir>   where enrollments, certificates, keys and the sandbox CA are kept
                      (default ${defaultStateDir()})
  --in-memory         keep nothing on disk except the CA certificate, in a temporary folder
  --verbose           log every request on stderr
  -h, --help          show this help
  -v, --version       show the version
`;
