/** The device side of a DPS X.509 enrollment: the `[provisioning]` part of `/etc/aziot/config.toml`. */

export type ProvisioningConfig = {
  /** Device endpoint, e.g. https://global.azure-devices-provisioning.net */
  globalEndpoint: string;
  /** Undefined when unknown (only a service connection string was given): rendered as a placeholder. */
  idScope: string | undefined;
  /**
   * For an individual enrollment, its registration ID. For a group, undefined: each device's registration
   * ID is the CN of its own identity certificate, so the template holds a placeholder.
   */
  registrationId: string | undefined;
  /** Where the identity certificate's full chain and its key live on the device (absolute paths). */
  identityCertPath: string;
  identityKeyPath: string;
  /** The ID scope is the local sandbox's, which only devices on this machine reach: say so in a comment. */
  sandbox?: boolean;
};

export const idScopePlaceholder = '<ID scope>';
export const registrationIdPlaceholder = '<device certificate CN>';

/** The file names the IoT Edge test-certificate scripts use, in the folders IoT Edge reads them from. */
export function defaultDevicePaths(name: string): {
  identityCertPath: string;
  identityKeyPath: string;
} {
  return {
    identityCertPath: `/var/aziot/certs/iot-edge-device-identity-${name}-full-chain.cert.pem`,
    identityKeyPath: `/var/aziot/secrets/iot-edge-device-identity-${name}.key.pem`,
  };
}

/** Why `path` cannot name a file on the device in config.toml, or undefined when it can. */
export function devicePathProblem(path: string): string | undefined {
  if (path.trim() === '') return 'Enter the full path of the file on the device.';
  if (path.trim() !== path) return 'The path starts or ends with a space; remove it.';
  if (!path.startsWith('/')) return 'Use the full path on the device, starting with /.';
  if (/["'`]/.test(path)) return 'The path cannot contain quotes.';
  if (/[\u0000-\u001f\u007f]/.test(path)) {
    return 'The path cannot contain line breaks, tabs or other control characters.';
  }
  if (path.includes('\\')) return 'Use / between folders: the device runs Linux.';
  if (!wellFormed(path)) return 'The path contains a broken character.';
  if (path.endsWith('/')) return 'This names a folder: add the file name.';
  if (path.split('/').some((segment) => segment === '.' || segment === '..')) {
    return 'Write the path without . or .. folders.';
  }
  return undefined;
}

/**
 * The `[provisioning]` and `[provisioning.attestation]` tables for DPS with an X.509 identity certificate,
 * ending with a newline. Throws when a device path is unusable (check it with devicePathProblem first).
 */
export function provisioningToml(config: ProvisioningConfig): string {
  const certificateUri = fileUri(config.identityCertPath, 'identity certificate');
  const keyUri = fileUri(config.identityKeyPath, 'identity key');
  const lines = [
    '# For /etc/aziot/config.toml: after its top-level settings, in place of any other [provisioning].',
    '# Then apply it with: sudo iotedge config apply',
    '[provisioning]',
    'source = "dps"',
    `global_endpoint = ${tomlString(config.globalEndpoint)}`,
  ];
  if (config.idScope) {
    if (config.sandbox) {
      lines.push(
        "# The sandbox's ID scope: a device on this machine can register against the",
        '# sandbox on loopback (trusting the sandbox CA); remote devices cannot.',
      );
    }
    lines.push(`id_scope = ${tomlString(config.idScope)}`);
  } else {
    lines.push(
      `# Replace ${idScopePlaceholder} with the ID scope on the DPS Overview page in the Azure portal.`,
      `id_scope = ${tomlString(idScopePlaceholder)}`,
    );
  }
  lines.push('', '[provisioning.attestation]', 'method = "x509"');
  if (config.registrationId) {
    lines.push(
      '# Must equal the common name (CN) of the identity certificate.',
      `registration_id = ${tomlString(config.registrationId)}`,
    );
  } else {
    lines.push(
      "# Replace with the common name (CN) of this device's identity certificate: its registration ID.",
      `registration_id = ${tomlString(registrationIdPlaceholder)}`,
    );
  }
  lines.push(
    '# The identity certificate followed by its intermediate CA certificates (the full chain).',
    `identity_cert = ${tomlString(certificateUri)}`,
    "# The identity certificate's private key (owner aziotks, mode 600).",
    `identity_pk = ${tomlString(keyUri)}`,
  );
  return `${lines.join('\n')}\n`;
}

function wellFormed(text: string): boolean {
  try {
    encodeURIComponent(text);
    return true;
  } catch {
    return false;
  }
}

/** A file:// URI for an absolute path, each segment percent-encoded (a space becomes %20). */
function fileUri(path: string, what: string): string {
  const problem = devicePathProblem(path);
  if (problem)
    throw new Error(`The ${what} path ${JSON.stringify(path)} cannot be used: ${problem}`);
  return `file://${path.split('/').map(encodeURIComponent).join('/')}`;
}

const tomlEscapes: Record<string, string> = {
  '"': '\\"',
  '\\': '\\\\',
  '\b': '\\b',
  '\t': '\\t',
  '\n': '\\n',
  '\f': '\\f',
  '\r': '\\r',
};

/** A TOML basic string: quotes, backslashes and control characters escaped. */
export function tomlString(value: string): string {
  let escaped = '';
  for (const char of value) {
    const code = char.codePointAt(0) ?? 0;
    if (tomlEscapes[char] !== undefined) escaped += tomlEscapes[char];
    else if (code < 0x20 || code === 0x7f) escaped += `\\u${code.toString(16).padStart(4, '0')}`;
    else escaped += char;
  }
  return `"${escaped}"`;
}
