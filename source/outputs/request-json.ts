import {
  type EnrollmentGroup,
  type IndividualEnrollment,
  writeEnrollmentGroup,
  writeIndividualEnrollment,
} from '../dps/index.js';

type Json = Record<string, unknown>;

const isObject = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * The JSON the wizard will send, for the review screen: the request body exactly as it goes to the
 * service, pretty-printed with 2 spaces. Every certificate PEM is shortened to its first line +
 * "…(N more lines)" so the screen stays readable; everything else is verbatim.
 */
export function requestPreview(body: IndividualEnrollment | EnrollmentGroup): string {
  const wire =
    'registrationId' in body ? writeIndividualEnrollment(body) : writeEnrollmentGroup(body);
  return JSON.stringify(withShortCertificates(wire), null, 2);
}

/** The first line of a PEM and how many lines follow it (trailing blank lines not counted). */
export function shortenPem(pem: string): string {
  const lines = pem.split(/\r?\n/);
  while (lines.length > 1 && lines.at(-1)?.trim() === '') lines.pop();
  if (lines.length <= 1) return pem;
  return `${lines[0]}…(${lines.length - 1} more lines)`;
}

/** A copy of the wire body whose x509 certificate entries carry shortened PEMs. */
function withShortCertificates(wire: Json): Json {
  const attestation = wire.attestation;
  if (!isObject(attestation) || !isObject(attestation.x509)) return wire;
  const x509 = {...attestation.x509};
  for (const pairName of ['clientCertificates', 'signingCertificates']) {
    const pair = x509[pairName];
    if (!isObject(pair)) continue;
    const shortened = {...pair};
    for (const slot of ['primary', 'secondary']) {
      const entry = shortened[slot];
      if (isObject(entry) && typeof entry.certificate === 'string') {
        shortened[slot] = {...entry, certificate: shortenPem(entry.certificate)};
      }
    }
    x509[pairName] = shortened;
  }
  return {...wire, attestation: {...attestation, x509}};
}
