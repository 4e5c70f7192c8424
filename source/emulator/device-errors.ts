/**
 * The device registration API's refusals, in one place: HTTP status, DPS errorCode (status * 1000 + n) and a
 * message that names the cause and the fix. 401002 is the code the real service returns for every X.509
 * authentication failure; the messages say which check failed.
 */
export type DeviceRefusal = {status: number; errorCode: number; message: string};

function refusal(status: number, subCode: number, message: string): DeviceRefusal {
  return {status, errorCode: status * 1000 + subCode, message};
}

const unauthorized = (message: string) => refusal(401, 2, message);

export const deviceRefusals = {
  noClientCertificate: () =>
    unauthorized(
      'Invalid certificate: no client certificate was presented. Connect with the device certificate and its private key (mutual TLS).',
    ),
  certificateNotYetValid: (subject: string, notBefore: string) =>
    unauthorized(
      `Invalid certificate: '${subject}' is not valid before ${notBefore}. Check the device clock or issue the certificate with an earlier start.`,
    ),
  certificateExpired: (subject: string, notAfter: string) =>
    unauthorized(
      `Invalid certificate: '${subject}' expired on ${notAfter}. Issue a new certificate and update the enrollment or group.`,
    ),
  brokenChain: (subject: string) =>
    unauthorized(
      `Invalid certificate: '${subject}' in the presented chain is not signed by the certificate after it. Present the device certificate followed by its issuers, in order.`,
    ),
  commonNameMismatch: (commonName: string, registrationId: string) =>
    unauthorized(
      `Unauthorized access: the certificate's common name '${commonName}' is not the registration ID '${registrationId}'. Register with the certificate's CN as registration ID.`,
    ),
  thumbprintMismatch: (registrationId: string) =>
    unauthorized(
      `Unauthorized access: the certificate is not the primary or secondary certificate of the individual enrollment '${registrationId}'. Register with the enrolled certificate, or update the enrollment.`,
    ),
  unverifiedCa: (name: string) =>
    unauthorized(
      `CA certificate not verified: the chain reaches the CA certificate '${name}', which has not passed proof of possession. Verify it in the DPS certificates.`,
    ),
  noEnrollment: (registrationId: string) =>
    unauthorized(
      `Unauthorized access: no individual enrollment for '${registrationId}' and no enrollment group whose certificate the presented chain reaches. Enroll the device, or present the full chain up to the group's CA.`,
    ),
  unknownIdScope: (idScope: string) =>
    refusal(
      404,
      1,
      `The ID scope '${idScope}' is not this DPS. Use the ID scope shown by the DPS (the sandbox prints it at start).`,
    ),
  registrationIdMismatch: (bodyId: string, pathId: string) =>
    refusal(
      400,
      4,
      `The body's registrationId '${bodyId}' is not the registration ID '${pathId}' of the path. Send the same ID in both.`,
    ),
  badBody: (detail: string) => refusal(400, 4, `Invalid registration request: ${detail}.`),
  operationNotFound: (operationId: string) =>
    refusal(
      404,
      2,
      `There is no registration operation '${operationId}' for this device. Register again to start a new one.`,
    ),
  registrationNotFound: (registrationId: string) =>
    refusal(404, 3, `There is no registration state for '${registrationId}'. Register first.`),
  routeNotFound: (path: string) =>
    refusal(404, 0, `There is no device registration API at ${path}.`),
} as const;

/**
 * Why an operation ends `failed` although the device authenticated: DPS reports these in the registration
 * state (errorCode, errorMessage), not as an HTTP error.
 */
export const assignmentFailures = {
  customAllocation: (groupOrEnrollment: string) => ({
    errorCode: 400209,
    errorMessage: `'${groupOrEnrollment}' uses custom allocation: DPS would call its Azure Function webhook, which the sandbox cannot reach. Use hashed, static or geoLatency to test in the sandbox.`,
  }),
  noHub: (groupOrEnrollment: string) => ({
    errorCode: 400208,
    errorMessage: `'${groupOrEnrollment}' has no IoT hub to assign the device to, and the DPS has no linked hub. Link a hub or name one in the enrollment.`,
  }),
} as const;
