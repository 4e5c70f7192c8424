/** `dps-enroll certs --help`: kept apart from the command, so showing it loads no certificate code. */
export const certsUsage = `Usage
  $ dps-enroll certs inspect FILE [--passphrase-file F] [--json]
  $ dps-enroll certs check --identity FILE [--key FILE] [--chain FILE]... [--ca FILE]
                           [--registration-id ID] [--passphrase-file F] [--json]
  $ dps-enroll certs create-chain --out DIR [--device NAME]... [--edge-ca NAME]...
                           [--key-type rsa|ec] [--days N] [--force] [--passphrase-file F] [--json]
  $ dps-enroll certs verification --ca-cert FILE --ca-key FILE [--passphrase-file F] --code CODE
                           --out DIR [--json]

Subcommands
  inspect       show every certificate in a file (PEM, DER .cer, PKCS#7 .p7b, PKCS#12 .pfx):
                subject, issuer, validity, SHA-1 and SHA-256 thumbprints, key, CA flag, usages
  check         pre-flight checks of a device identity certificate, its key, its chain up to the
                CA enrolled in DPS, and its CN as the registration ID
  create-chain  generate a test root CA, intermediate CA and device identity certificates with the
                IoT Edge docs' file names (certs/…, private/… keys 0600); RSA 4096 CAs and RSA 2048
                leaves, or EC P-256 with --key-type ec; 90 days unless --days
  verification  sign the proof-of-possession certificate (CN = the verification code) with the key
                of the CA uploaded to DPS; writes certs/iot-device-verification-code.cert.pem

Options
  --passphrase-file F  read the passphrase of an encrypted key or PKCS#12 file from F
                       (create-chain: encrypt the keys it writes with it)
  --json               print machine-readable JSON on stdout
  --force              create-chain: overwrite existing files (nothing else is ever removed)

Exit codes: 0 ok, 1 a check found an error or the operation failed, 2 usage error.
`;
