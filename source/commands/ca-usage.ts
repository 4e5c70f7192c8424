import {dpsCommonOptions} from './dps-usage.js';

/** `dps-enroll ca --help`: kept apart from the command, so showing it loads no DPS code. */
export const caUsage = `dps-enroll ca: CA certificates of the DPS, like az iot dps certificate

Usage
  $ dps-enroll ca list
  $ dps-enroll ca show --certificate-name NAME
  $ dps-enroll ca upload --certificate-name NAME --path FILE [--verified] [--etag ETAG]
  $ dps-enroll ca verify --certificate-name NAME --key FILE [--passphrase-file F] [--etag ETAG]
  $ dps-enroll ca delete --certificate-name NAME [--etag ETAG]

upload creates the certificate; with --etag it replaces the one of that name. --verified skips the proof
of possession (the sandbox and Azure accept it for certificates you trust). verify runs the whole proof
of possession: it asks DPS for a verification code, signs a certificate with CN = the code with the CA's
private key on this machine (the key is never sent), uploads it and verifies; each call uses the etag the
one before returned. CA certificates need Azure sign-in (--dps-name ...) or the sandbox.

${dpsCommonOptions}
Examples
  $ dps-enroll ca upload --certificate-name root-ca --path certs/azure-iot-test-only.root.ca.cert.pem
  $ dps-enroll ca verify --certificate-name root-ca --key private/azure-iot-test-only.root.ca.key.pem
`;
