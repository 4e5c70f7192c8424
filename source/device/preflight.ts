import type {KeyObject, X509Certificate} from 'node:crypto';
import {checkChain, checkIdentityCertificate, checkKeyMatches} from '../certs/check.js';
import type {Finding} from '../certs/findings.js';
import {thumbprints} from '../certs/inspect.js';

export type PreflightRequest = {
  /** The leaf certificate followed by the intermediates the device will present. */
  chain: readonly X509Certificate[];
  privateKey: KeyObject;
  /** The registration ID that will be sent; defaults to the leaf's CN. */
  registrationId?: string;
  /** The CA the enrollment group holds (signing certificate or verified CA), when known. */
  expectedCa?: X509Certificate;
  /** The certificate an individual enrollment holds, when known: the leaf must be that one. */
  enrolledCertificate?: X509Certificate;
  now?: Date;
};

/**
 * Local checks before registering, without the network: the key matches the leaf, the leaf is a usable
 * identity certificate whose CN is the registration ID, everything is valid now, and the chain reaches
 * the CA the group expects (or a root, when that is not known).
 */
export function preflightRegistration(request: PreflightRequest): Finding[] {
  const [leaf, ...intermediates] = request.chain;
  if (!leaf) {
    return [
      {
        severity: 'error',
        code: 'no-certificate',
        message: 'no device certificate was given',
        hint: 'give the device identity certificate (its full-chain file)',
      },
    ];
  }
  const now = request.now ?? new Date();
  const findings: Finding[] = [
    ...checkKeyMatches(leaf, request.privateKey),
    ...checkIdentityCertificate(leaf, {
      now,
      ...(request.registrationId !== undefined ? {registrationId: request.registrationId} : {}),
    }),
  ];
  if (request.enrolledCertificate) {
    const enrolled = request.enrolledCertificate;
    if (enrolled.fingerprint256 !== leaf.fingerprint256) {
      findings.push({
        severity: 'error',
        code: 'not-the-enrolled-certificate',
        message: `the device certificate (SHA-1 ${thumbprints(leaf).sha1}) is not the one in the enrollment (SHA-1 ${thumbprints(enrolled).sha1})`,
        hint: 'use the certificate the enrollment was created with, or update the enrollment with this one',
      });
    }
    return findings;
  }
  // Validity of the leaf is already reported; checkChain repeats it for link 1.
  const chain = checkChain(leaf, intermediates, {
    now,
    ...(request.expectedCa ? {trustAnchor: request.expectedCa} : {}),
  });
  findings.push(
    ...chain.findings.filter(
      (finding) =>
        !(
          finding.message.startsWith('link 1: ') &&
          ['expired', 'not-yet-valid', 'validity-unreadable'].includes(finding.code)
        ),
    ),
  );
  return findings;
}
