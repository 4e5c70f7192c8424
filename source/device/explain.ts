import type {DeviceRegistrationRefusal, RefusalExplanation} from './types.js';

/**
 * Turns a refused registration into a cause and a fix someone registering their first device can act on.
 * DPS answers most certificate problems with 401 and error code 401002, so its message decides which one.
 */
export function explainRefusal(refusal: DeviceRegistrationRefusal): RefusalExplanation {
  switch (refusal.kind) {
    case 'cancelled':
      return {
        cause: 'The registration was cancelled before DPS answered.',
        fix: 'Start it again when ready; nothing was changed on this machine.',
      };
    case 'timeout':
      return {
        cause: 'DPS did not answer in time (each request waits 30 seconds).',
        fix: 'Check the network connection of this machine (proxy, firewall, port 443 or 8883 outbound) and try again.',
      };
    case 'tls':
      return explainTls(refusal);
    case 'network':
      return explainNetwork(refusal);
    case 'unexpected':
      return {
        cause: `The registration stopped with an answer that could not be read: ${refusal.message}`,
        fix: 'Try again; if it keeps happening, check that the endpoint is a DPS device endpoint.',
      };
    case 'dps':
      return explainDps(refusal);
    default:
      return {cause: refusal.message, fix: 'Try again.'};
  }
}

function explainDps(refusal: DeviceRegistrationRefusal): RefusalExplanation {
  const message = refusal.message;
  const id = refusal.registrationId;
  const status = refusal.httpStatus;

  if (status === 429) {
    const wait = refusal.retryAfterSeconds;
    return {
      cause: 'DPS is throttling registrations from this device or DPS instance (HTTP 429).',
      fix: `Wait ${wait ? `${wait} second${wait === 1 ? '' : 's'}` : 'a minute'} and try again; devices that retry in a tight loop stay throttled.`,
    };
  }
  if (status !== undefined && status >= 500) {
    return {
      cause: `DPS had a problem of its own (HTTP ${status}): ${message}`,
      fix: 'Try again in a few minutes; nothing is wrong with the certificate for this.',
    };
  }
  if (
    status !== 400 &&
    /common name|\bCN\b/i.test(message) &&
    /match|equal|differ|is not the registration ID/i.test(message)
  ) {
    return {
      cause: `The registration ID "${id}" is not the common name (CN) of the device certificate; DPS requires them to be equal.`,
      fix: "Use the certificate's CN as the registration ID (in config.toml: registration_id), or issue a certificate whose CN is the registration ID.",
    };
  }
  if (/disabled/i.test(message)) {
    return {
      cause: 'The enrollment (or enrollment group) that matches this certificate is disabled.',
      fix: 'Enable it: in the wizard, edit the enrollment and set provisioning status to enabled, or `az iot dps enrollment update --provisioning-status enabled` (`enrollment-group update` for a group).',
    };
  }
  if (/expired|not yet valid|not valid (until|before|after)|validity/i.test(message)) {
    return {
      cause: 'The device certificate (or a CA above it) is expired or not valid yet.',
      fix: 'Check the clock of this machine (date -u); if it is right, issue a new device certificate and update the enrollment that holds the old one.',
    };
  }
  if (/not (been )?verified|unverified/i.test(message)) {
    return {
      cause:
        'The group matches the chain, but its CA certificate is not verified in DPS (no proof of possession yet).',
      fix: 'Verify the CA: in the wizard choose "Verify a CA certificate", or run `az iot dps certificate generate-verification-code`, sign the code with the CA key, then `az iot dps certificate verify`.',
    };
  }
  if (/id ?scope/i.test(message)) {
    return {
      cause: `DPS does not know the ID scope "${refusal.idScope}".`,
      fix: 'Copy the ID scope from the DPS Overview page in the Azure portal (or `az iot dps show --query properties.idScope`).',
    };
  }
  if (/not the (primary or secondary|enrolled) certificate|thumbprint/i.test(message)) {
    return {
      cause: `The individual enrollment "${id}" holds another certificate than the one this device presented.`,
      fix: 'Register with the certificate the enrollment was created with, or update the enrollment with this certificate (wizard: edit the enrollment; or `az iot dps enrollment update --certificate-path`).',
    };
  }
  if (/no (individual )?enrollment|enrollment.*not found|no matching enrollment/i.test(message)) {
    return {
      cause: `No enrollment matches this certificate: no individual enrollment "${id}", and the chain presented does not reach the CA of any enrollment group.`,
      fix: "Create an individual enrollment for this certificate or a group for the CA that issued it; for a group, present the full chain (device certificate followed by its intermediates) up to the group's CA.",
    };
  }
  if (/chain|issuer|signing|CA certificate not found|not signed|untrusted|root/i.test(message)) {
    return {
      cause:
        'The certificate chain the device presents does not reach a CA that an enrollment group uses.',
      fix: 'Present the full chain (the "-full-chain" certificate file: device certificate followed by its intermediates), and check that the group holds the CA that issued it.',
    };
  }
  // "no enrollment" and "enrollment ... not found" were answered above.
  if (status === 404 || /not found|no matching/i.test(message)) {
    return {
      cause: `No enrollment matches this certificate: no individual enrollment "${id}" with its thumbprint, and no group whose CA issued it.`,
      fix: 'Create an individual enrollment for this certificate, or a group for the CA that issued it, then try again.',
    };
  }
  if (status === 401 || status === 403 || refusal.errorCode === 401002) {
    return {
      cause: `DPS did not accept the certificate (HTTP ${status ?? 401}${refusal.errorCode ? `, error ${refusal.errorCode}` : ''}: ${message}).`,
      fix: `Check, in this order: the CN is "${id}"; the key belongs to the certificate; an enabled enrollment holds this certificate or its CA; the CA is verified; the full chain is presented. \`dps-enroll certs check\` runs these checks locally.`,
    };
  }
  if (status === 400) {
    return {
      cause: `DPS rejected the request as malformed (HTTP 400): ${message}`,
      fix: 'Check the registration ID: letters, digits and - . _ : only, at most 128 characters, and equal to the certificate CN.',
    };
  }
  return {
    cause: `DPS refused the registration${status ? ` (HTTP ${status})` : ''}: ${message}`,
    fix: 'Check the enrollment in DPS and the certificate with `dps-enroll certs check`, then try again.',
  };
}

function explainTls(refusal: DeviceRegistrationRefusal): RefusalExplanation {
  const code = refusal.networkCode ?? '';
  if (/SELF_SIGNED|UNABLE_TO_(GET|VERIFY)|DEPTH_ZERO/.test(code)) {
    return {
      cause:
        refusal.target === 'sandbox'
          ? "This machine does not trust the sandbox's server certificate (its CA is not the one given)."
          : "This machine does not trust DPS's server certificate: something on the way (a TLS-inspecting proxy) presents its own.",
      fix:
        refusal.target === 'sandbox'
          ? 'Use the CA file of the running sandbox (its caCertFile); do not turn verification off.'
          : "Add the proxy's CA to the system trust store, or use a network without TLS inspection; do not turn verification off.",
    };
  }
  if (/EXPIRED|NOT_YET_VALID/.test(code)) {
    return {
      cause:
        "The server's certificate is expired or not valid yet, as seen by this machine's clock.",
      fix: 'Check the clock of this machine (date -u) and set it right (NTP).',
    };
  }
  if (/ALTNAME|HOSTNAME/.test(code)) {
    return {
      cause: "The server's certificate is not for the host name that was dialled.",
      fix: 'Use the device endpoint exactly as DPS shows it (global.azure-devices-provisioning.net).',
    };
  }
  return {
    cause: `The TLS handshake failed (${code || 'TLS error'}): the server did not accept the device certificate or key.`,
    fix: 'Check that the key belongs to the certificate and that the certificate is RSA 2048+ or EC P-256 (`dps-enroll certs check --identity CERT --key KEY`).',
  };
}

function explainNetwork(refusal: DeviceRegistrationRefusal): RefusalExplanation {
  const code = refusal.networkCode ?? '';
  if (code === 'ECONNREFUSED') {
    return {
      cause:
        refusal.target === 'sandbox'
          ? 'Nothing is listening at the sandbox device endpoint: the sandbox is not running.'
          : 'The connection to DPS was refused.',
      fix:
        refusal.target === 'sandbox'
          ? 'Start the sandbox (`dps-enroll emulator`) or let the command start it, then try again.'
          : 'Check the firewall and proxy of this network: devices need port 443 (HTTPS) or 8883 (MQTT) outbound.',
    };
  }
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') {
    return {
      cause: 'The DPS host name could not be resolved: no DNS or no internet on this machine.',
      fix: 'Check the network: `getent hosts global.azure-devices-provisioning.net` must print an address.',
    };
  }
  return {
    cause: `The connection to DPS failed${code ? ` (${code})` : ''}: ${refusal.message}`,
    fix: 'Check the network connection (proxy, firewall: port 443 for HTTPS, 8883 for MQTT) and try again.',
  };
}
