import type {KeyObject, X509Certificate} from 'node:crypto';
import type {Finding} from './findings.js';
import {
  certificateUsage,
  commonNameOf,
  formatDistinguishedName,
  isSelfSigned,
  thumbprints,
} from './inspect.js';
import {describeKey} from './signing-key.js';
import {enrollmentIdProblem, maxX509RegistrationIdLength, type IdProblem} from '../dps/index.js';

const dayMs = 24 * 60 * 60 * 1000;

/** Identity certificates with fewer days left than this get a warning. */
export const expiryWarningDays = 30;

/** Checks a registration ID (an identity certificate's CN) against the DPS rules; upper case is only a warning. */
export function checkRegistrationId(
  id: string,
  maxLength = maxX509RegistrationIdLength,
): Finding[] {
  const findings: Finding[] = [];
  const problem = enrollmentIdProblem(id, 'registration ID', maxLength);
  if (problem) {
    findings.push({
      severity: 'error',
      code: `registration-id-${problem.kind}`,
      message: problem.message,
      hint: registrationIdHints[problem.kind],
    });
  }
  if (/[A-Z]/.test(id)) {
    findings.push({
      severity: 'warning',
      code: 'registration-id-upper-case',
      message: `the registration ID "${id}" has upper-case letters; DPS compares it case-insensitively but older devices and samples expect lower case`,
      hint: 'prefer a lower-case CN',
    });
  }
  return findings;
}

const registrationIdHints: Record<IdProblem['kind'], string> = {
  empty: 'issue the certificate with CN = the device registration ID',
  'too-long': `use a shorter device name as the certificate CN (X.509 registration IDs have at most ${maxX509RegistrationIdLength} characters)`,
  characters:
    'issue the certificate with a CN made of letters, digits, hyphens, dots, underscores or colons',
  edges: 'remove the leading or trailing symbol from the certificate CN',
};

/** Validity at `now`: an error when not yet valid or expired, a warning when fewer than `warnDays` remain. */
export function checkValidity(
  certificate: X509Certificate,
  now: Date,
  warnDays = expiryWarningDays,
  label = 'the certificate',
): Finding[] {
  const notBefore = Date.parse(certificate.validFrom);
  const notAfter = Date.parse(certificate.validTo);
  if (Number.isNaN(notBefore) || Number.isNaN(notAfter)) {
    return [
      {
        severity: 'error',
        code: 'validity-unreadable',
        message: `${label} has unreadable validity dates (${certificate.validFrom} – ${certificate.validTo})`,
        hint: 'the certificate is damaged: get a fresh copy or issue a new one',
      },
    ];
  }
  if (now.getTime() < notBefore) {
    return [
      {
        severity: 'error',
        code: 'not-yet-valid',
        message: `${label} is not valid until ${new Date(notBefore).toISOString()}`,
        hint: 'check the clocks of this machine and of the machine that issued it',
      },
    ];
  }
  if (now.getTime() > notAfter) {
    return [
      {
        severity: 'error',
        code: 'expired',
        message: `${label} expired on ${new Date(notAfter).toISOString()}`,
        hint: 'issue a new certificate (and update the enrollment if it holds this one)',
      },
    ];
  }
  const daysLeft = Math.floor((notAfter - now.getTime()) / dayMs);
  if (daysLeft < warnDays) {
    return [
      {
        severity: 'warning',
        code: 'expires-soon',
        message: `${label} expires in ${daysLeft} day${daysLeft === 1 ? '' : 's'} (${new Date(notAfter).toISOString()})`,
        hint: 'plan its renewal; devices stop provisioning the moment it expires',
      },
    ];
  }
  return [];
}

/** Checks a device identity certificate: a leaf (CA:false) for TLS client authentication with a usable CN. */
export function checkIdentityCertificate(
  certificate: X509Certificate,
  options: {now?: Date; registrationId?: string} = {},
): Finding[] {
  const now = options.now ?? new Date();
  const usage = certificateUsage(certificate);
  const findings: Finding[] = [];
  if (usage.isCa) {
    findings.push({
      severity: 'error',
      code: 'identity-is-ca',
      message:
        'this is a CA certificate (CA:true), not a device identity certificate; an IoT Edge device CA cannot be the identity certificate',
      hint: 'use the device identity certificate (certs/iot-edge-device-identity-<name>.cert.pem)',
    });
  }
  if (usage.extendedKeyUsage === undefined) {
    findings.push({
      severity: 'warning',
      code: 'identity-no-eku',
      message: 'the certificate has no extended key usage; DPS expects clientAuth',
      hint: 'issue identity certificates with extendedKeyUsage = clientAuth',
    });
  } else if (
    !usage.extendedKeyUsage.includes('clientAuth') &&
    !usage.extendedKeyUsage.includes('anyExtendedKeyUsage')
  ) {
    findings.push({
      severity: 'error',
      code: 'identity-no-client-auth',
      message: `the certificate's extended key usage (${usage.extendedKeyUsage.join(', ')}) does not allow TLS client authentication`,
      hint: 'issue identity certificates with extendedKeyUsage = clientAuth',
    });
  }
  if (usage.keyUsage && !usage.keyUsage.includes('digitalSignature')) {
    findings.push({
      severity: 'error',
      code: 'identity-no-digital-signature',
      message: `the certificate's key usage (${usage.keyUsage.join(', ')}) lacks digitalSignature, which TLS client authentication needs`,
      hint: 'issue identity certificates with keyUsage = digitalSignature, keyEncipherment',
    });
  }
  findings.push(...checkKeyAlgorithm(certificate.publicKey));
  findings.push(...checkValidity(certificate, now, expiryWarningDays, 'the identity certificate'));

  const commonName = commonNameOf(certificate.subject);
  if (commonName === undefined) {
    findings.push({
      severity: 'error',
      code: 'identity-no-cn',
      message:
        'the certificate subject has no common name (CN); DPS uses the CN as the registration ID',
      hint: 'issue the certificate with CN = the device registration ID',
    });
  } else {
    findings.push(...checkRegistrationId(commonName));
    if (
      options.registrationId !== undefined &&
      options.registrationId.toLowerCase() !== commonName.toLowerCase()
    ) {
      findings.push({
        severity: 'error',
        code: 'registration-id-mismatch',
        message: `the registration ID "${options.registrationId}" is not the certificate CN "${commonName}"; DPS rejects the device`,
        hint: `use "${commonName}" as the registration ID, or issue a certificate with CN = "${options.registrationId}"`,
      });
    }
  }
  return findings;
}

/** Checks a CA certificate (root, intermediate or IoT Edge device CA): CA:true with keyCertSign, valid now. */
export function checkCaCertificate(
  certificate: X509Certificate,
  options: {now?: Date} = {},
): Finding[] {
  const usage = certificateUsage(certificate);
  const findings: Finding[] = [];
  if (!usage.isCa) {
    findings.push({
      severity: 'error',
      code: 'ca-not-ca',
      message: `"${commonNameOf(certificate.subject) ?? certificate.subject}" is not a CA certificate (CA:false): it cannot sign other certificates`,
      hint: 'use the root or intermediate CA certificate (basicConstraints CA:true)',
    });
  }
  if (usage.keyUsage && !usage.keyUsage.includes('keyCertSign')) {
    findings.push({
      severity: 'error',
      code: 'ca-no-key-cert-sign',
      message: `the CA certificate's key usage (${usage.keyUsage.join(', ')}) lacks keyCertSign`,
      hint: 'issue CA certificates with keyUsage = critical, keyCertSign, cRLSign, digitalSignature',
    });
  } else if (!usage.keyUsage && usage.isCa) {
    findings.push({
      severity: 'warning',
      code: 'ca-no-key-usage',
      message: 'the CA certificate has no key usage extension; RFC 5280 asks for keyCertSign',
      hint: 'issue CA certificates with keyUsage = critical, keyCertSign, cRLSign, digitalSignature',
    });
  }
  findings.push(...checkKeyAlgorithm(certificate.publicKey));
  findings.push(...checkValidity(certificate, options.now ?? new Date(), 0, 'the CA certificate'));
  return findings;
}

/** Checks that a private key is the one whose public half is in the certificate. */
export function checkKeyMatches(certificate: X509Certificate, privateKey: KeyObject): Finding[] {
  let matches = false;
  try {
    matches = certificate.checkPrivateKey(privateKey);
  } catch {
    matches = false;
  }
  return matches
    ? [{severity: 'info', code: 'key-matches', message: 'the private key matches the certificate'}]
    : [
        {
          severity: 'error',
          code: 'key-mismatch',
          message: `the private key (${describeKey(privateKey)}) does not match the certificate (${describeKey(certificate.publicKey)})`,
          hint: 'give the key file created together with this certificate',
        },
      ];
}

function checkKeyAlgorithm(publicKey: KeyObject): Finding[] {
  const details = publicKey.asymmetricKeyDetails;
  if (publicKey.asymmetricKeyType === 'ec' && details?.namedCurve === 'secp256k1') {
    return [
      {
        severity: 'error',
        code: 'key-secp256k1',
        message: 'the key uses the secp256k1 curve, which TLS stacks and DPS do not accept',
        hint: 'use RSA 2048/4096 or EC P-256 (prime256v1)',
      },
    ];
  }
  if (publicKey.asymmetricKeyType === 'rsa' && (details?.modulusLength ?? 0) < 2048) {
    return [
      {
        severity: 'error',
        code: 'key-too-small',
        message: `the key is ${describeKey(publicKey)}; RSA keys must have at least 2048 bits`,
        hint: 'issue a new certificate with an RSA 2048 (or larger) key',
      },
    ];
  }
  return [];
}

/** One step from a certificate to the certificate that issued it. */
export type ChainLink = {
  subject: string;
  issuer: string;
  /** The subject of the certificate that signed it, when one was found in the chain. */
  signedBy: string | undefined;
  ok: boolean;
};

/**
 * Walks a chain from the leaf up, link by link: each certificate must be signed by the next, each signer must be
 * a CA with keyCertSign, and every certificate must be valid now. When `trustAnchor` is given (the CA enrolled in
 * DPS, root or intermediate) the chain must reach it; otherwise it should end at a self-signed root.
 */
export function checkChain(
  leaf: X509Certificate,
  chain: readonly X509Certificate[],
  options: {trustAnchor?: X509Certificate; now?: Date} = {},
): {links: ChainLink[]; findings: Finding[]} {
  const now = options.now ?? new Date();
  const pool = [...chain, ...(options.trustAnchor ? [options.trustAnchor] : [])];
  const links: ChainLink[] = [];
  const findings: Finding[] = [];
  const seen = new Set<string>();
  let current = leaf;
  let position = 1;
  const name = (certificate: X509Certificate) =>
    commonNameOf(certificate.subject) ?? formatDistinguishedName(certificate.subject);

  for (;;) {
    seen.add(current.fingerprint256);
    const label = position === 1 ? `the leaf "${name(current)}"` : `"${name(current)}"`;
    for (const finding of checkValidity(current, now, 0, label)) {
      findings.push({...finding, message: `link ${position}: ${finding.message}`});
    }
    if (options.trustAnchor && current.fingerprint256 === options.trustAnchor.fingerprint256) {
      findings.push({
        severity: 'info',
        code: 'chain-reaches-ca',
        message: `the chain reaches the CA "${name(current)}" in ${position - 1} link${position === 2 ? '' : 's'}`,
      });
      return {links, findings};
    }
    if (isSelfSigned(current)) {
      if (options.trustAnchor) {
        const anchor = options.trustAnchor;
        // Test chains made twice share their names: say so, or the report names the enrolled CA as passed.
        const namesake = pool.find(
          (candidate) => seen.has(candidate.fingerprint256) && candidate.subject === anchor.subject,
        );
        findings.push(
          namesake
            ? {
                severity: 'error',
                code: 'chain-misses-ca',
                message: `the chain passes a CA named "${name(anchor)}", but not the enrolled one: another certificate with the same name (SHA-1 ${thumbprints(namesake).sha1}, enrolled ${thumbprints(anchor).sha1})`,
                hint: 'this device was issued under another CA of that name (e.g. a test chain created again): use a device certificate issued under the enrolled CA',
              }
            : {
                severity: 'error',
                code: 'chain-misses-ca',
                message: `the chain ends at the root "${name(current)}" without passing the CA "${name(anchor)}"`,
                hint: 'this certificate was not issued under the CA you enrolled: check which CA signed it',
              },
        );
      } else {
        findings.push({
          severity: 'info',
          code: 'chain-reaches-root',
          message: `the chain reaches the self-signed root "${name(current)}"`,
        });
      }
      return {links, findings};
    }

    // Match on the name alone first, so a re-issued CA with the same name is reported as a bad signature.
    const namedIssuers = pool.filter(
      (candidate) =>
        !seen.has(candidate.fingerprint256) &&
        (candidate.subject === current.issuer || current.checkIssued(candidate)),
    );
    const issuer = namedIssuers.find((candidate) => verifiesWith(current, candidate));
    links.push({
      subject: current.subject,
      issuer: current.issuer,
      signedBy: issuer?.subject,
      ok: issuer !== undefined,
    });
    if (!issuer) {
      if (namedIssuers.length > 0) {
        findings.push({
          severity: 'error',
          code: 'chain-bad-signature',
          message: `link ${position}: the signature of "${name(current)}" does not verify with the key of "${name(namedIssuers[0]!)}"`,
          hint: 'the issuer certificate in the chain is not the one that signed it (re-issued CA?): use the matching chain files',
        });
      } else {
        const missing = commonNameOf(current.issuer) ?? formatDistinguishedName(current.issuer);
        findings.push({
          severity: options.trustAnchor ? 'error' : 'warning',
          code: 'chain-incomplete',
          message: `link ${position}: "${name(current)}" was issued by "${missing}", which is not in the chain`,
          hint: `add the certificate of "${missing}" (use the full-chain file, e.g. …-full-chain.cert.pem)`,
        });
      }
      return {links, findings};
    }
    const issuerUsage = certificateUsage(issuer);
    if (
      !issuerUsage.isCa ||
      (issuerUsage.keyUsage && !issuerUsage.keyUsage.includes('keyCertSign'))
    ) {
      findings.push({
        severity: 'error',
        code: 'chain-issuer-not-ca',
        message: `link ${position}: "${name(issuer)}" signed "${name(current)}" but is not a CA with keyCertSign`,
        hint: 'issue certificates only from CA certificates (CA:true, keyCertSign)',
      });
    }
    current = issuer;
    position += 1;
  }
}

function verifiesWith(certificate: X509Certificate, issuer: X509Certificate): boolean {
  try {
    return certificate.verify(issuer.publicKey);
  } catch {
    return false;
  }
}
