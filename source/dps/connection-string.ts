/** DPS service connection strings: `HostName=…;SharedAccessKeyName=…;SharedAccessKey=…`. */

export type ServiceConnectionString = {
  hostName: string;
  sharedAccessKeyName: string;
  sharedAccessKey: string;
};

/**
 * A connection string that cannot be used. The message names the field and the problem and never echoes a
 * value from the string: a key pasted into the wrong field must not end up on screen or in a log.
 */
export class ConnectionStringError extends Error {
  override name = 'ConnectionStringError';
}

export function parseConnectionString(text: string): ServiceConnectionString {
  const parts = new Map<string, string>();
  for (const part of text.trim().split(';')) {
    if (part.trim() === '') continue;
    const equals = part.indexOf('=');
    if (equals <= 0) {
      throw new ConnectionStringError(
        'the connection string must be Key=Value pairs separated by ";" (HostName, SharedAccessKeyName, SharedAccessKey)',
      );
    }
    parts.set(part.slice(0, equals).trim().toLowerCase(), part.slice(equals + 1).trim());
  }
  if (parts.has('deviceid') || parts.has('registrationid')) {
    throw new ConnectionStringError(
      'this is a device connection string; use a DPS service connection string (a shared access policy of the DPS)',
    );
  }
  const hostName = parts.get('hostname');
  const sharedAccessKeyName = parts.get('sharedaccesskeyname');
  const sharedAccessKey = parts.get('sharedaccesskey');
  const missing = [
    hostName ? undefined : 'HostName',
    sharedAccessKeyName ? undefined : 'SharedAccessKeyName',
    sharedAccessKey ? undefined : 'SharedAccessKey',
  ].filter((name) => name !== undefined);
  if (missing.length > 0 || !hostName || !sharedAccessKeyName || !sharedAccessKey) {
    throw new ConnectionStringError(`the connection string has no ${missing.join(', ')}`);
  }
  if (!/^[A-Za-z0-9.-]+$/.test(hostName)) {
    throw new ConnectionStringError(
      'HostName must be a bare host name (letters, digits, "." and "-") without scheme, port or path',
    );
  }
  if (/\.azure-devices\.net$/i.test(hostName)) {
    throw new ConnectionStringError(
      'HostName is an IoT hub (…azure-devices.net); use the connection string of the DPS (…azure-devices-provisioning.net)',
    );
  }
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(sharedAccessKey)) {
    throw new ConnectionStringError('SharedAccessKey must be base64');
  }
  return {hostName, sharedAccessKeyName, sharedAccessKey};
}

export function formatConnectionString(value: ServiceConnectionString): string {
  return `HostName=${value.hostName};SharedAccessKeyName=${value.sharedAccessKeyName};SharedAccessKey=${value.sharedAccessKey}`;
}

/** ARM returns a policy's rights as one ", "-joined string, e.g. "ServiceConfig, EnrollmentWrite". */
export function parseRights(rights: string | undefined): string[] {
  return (rights ?? '')
    .split(',')
    .map((right) => right.trim())
    .filter((right) => right !== '');
}

export type AccessPolicyWithKeys = {
  keyName: string;
  rights: string;
  primaryKey?: string;
  secondaryKey?: string;
};

/** The first policy that can manage enrollments: rights include ServiceConfig and EnrollmentWrite. */
export function pickServicePolicy(
  policies: readonly AccessPolicyWithKeys[],
): (AccessPolicyWithKeys & {key: string}) | undefined {
  for (const policy of policies) {
    const rights = new Set(parseRights(policy.rights).map((right) => right.toLowerCase()));
    const key = policy.primaryKey || policy.secondaryKey;
    if (rights.has('serviceconfig') && rights.has('enrollmentwrite') && key) {
      return {...policy, key};
    }
  }
  return undefined;
}
