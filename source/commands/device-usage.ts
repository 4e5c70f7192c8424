import {defaultStateDir} from '../emulator/state-dir.js';

/** `dps-enroll device --help`: kept apart from the command, so showing it loads no SDK code. */
export const deviceUsage = `dps-enroll device: register as a device with its X.509 certificate, as IoT Edge does at first boot

Usage
  $ dps-enroll device register --cert FILE --key FILE [--registration-id ID]
                               [--id-scope SCOPE] [--sandbox] [--state-dir DIR]
                               [--transport https|mqtt] [--passphrase-file F] [--json]
                               [--install-iot-edge [--config PATH] [--identity-cert-path P]
                                 [--identity-key-path P] [--root DIR] [--yes] [--config-apply]]

Registers with Microsoft's device SDK, presenting the certificate chain and key over mutual TLS, and
prints the IoT hub and device ID DPS assigns, or DPS's refusal with its cause and a fix. Local checks
run first (key matches, CN = registration ID, validity, chain). The key never leaves this machine.

Target
  (default)           the sandbox, started in this process on its state folder
                      (default ${defaultStateDir()}; another process must not hold it)
  --id-scope SCOPE    DPS in Azure through global.azure-devices-provisioning.net: this REALLY registers
                      the device in an IoT hub (with --sandbox: the sandbox with this ID scope instead)

Options
  --cert FILE            the device identity certificate: its full-chain file (leaf, then intermediates),
                         PEM, DER or PKCS#12 (.pfx, which may also hold the key)
  --key FILE             its private key (PEM or DER, PKCS#1/PKCS#8/SEC1, or the .pfx)
  --registration-id ID   default: the certificate's CN, which DPS requires it to be
  --transport T          https (default) or mqtt
  --passphrase-file F    the passphrase of an encrypted key or .pfx, first line of F
  --json                 machine-readable JSON on stdout

Installing on this IoT Edge device (after a successful registration)
  --install-iot-edge     write /etc/aziot/config.toml's [provisioning] (other settings kept, the old
                         file backed up as config.toml.bak-<UTC time>), the chain and the key; shows what
                         will change and asks first
  --config PATH          config.toml on the device (default /etc/aziot/config.toml)
  --identity-cert-path P where the chain goes (default /var/aziot/certs/iot-edge-device-identity-<id>-full-chain.cert.pem)
  --identity-key-path P  where the key goes (default /var/aziot/secrets/iot-edge-device-identity-<id>.key.pem)
  --root DIR             write under DIR as if it were / (a mounted device image)
  --yes                  write without asking
  --config-apply         then run sudo iotedge config apply (when iotedge is installed)

Exit codes: 0 assigned (and installed, if asked), 1 refused or failed, 2 usage error.
`;
